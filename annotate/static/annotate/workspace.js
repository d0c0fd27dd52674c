// The annotation workspace. No framework, no build step.
//
// Offsets are Unicode code points into the article text, as Python indexes it; the text
// view and the offset <-> DOM conversions are `textview.js`, shared with the adjudication
// page.
// Highlights use the CSS Custom Highlight API: text nodes are never split, so nested and
// overlapping spans cost nothing and offsets stay trivial.
//
// Saving: every change is kept in localStorage at once and sent ~800 ms later (and on
// pagehide / visibilitychange) with the version it is based on. A 409 means another tab
// saved first: nothing is overwritten, the local copy stays, and the reviewer chooses to
// reload the saved copy or overwrite it with theirs.

import { textView } from './textview.js';

const DATA = JSON.parse(document.getElementById('ws-data').textContent);
const READONLY = DATA.annotation.state !== 'draft';
const SAVE_DELAY_MS = 800;
const IDLE_AFTER_MS = 120000;
const HISTORY_LIMIT = 200;
const KEEPALIVE_LIMIT = 60000; // browsers cap keepalive bodies at 64 KiB

const $ = (id) => document.getElementById(id);
const docEl = $('doc');
const { blocks, starts, CPS, lineLen, blockAt, toOffset, toPoint, toRange, textOf } = textView(docEl);
const LABELS = new Map(DATA.labels.map((l) => [l.name, l]));
const ROLES = DATA.roles; // subject, object, time, place, attributed_to
const PART_ROLES = ROLES.filter((r) => r !== 'attributed_to');
const isClaimLabel = (name) => LABELS.get(name)?.kind === 'claim';

// ------------------------------------------------------- snapping and trimming

const WORD = /[\p{L}\p{M}\p{N}_]/u;
const SPACE = /\s/u;
const isWord = (i) => i >= 0 && i < CPS.length && WORD.test(CPS[i]);

/** Trim whitespace at the edges and, unless `exact`, widen to whole words. */
function adjust(start, end, exact) {
  let s = Math.max(0, Math.min(start, end));
  let e = Math.min(CPS.length, Math.max(start, end));
  while (s < e && SPACE.test(CPS[s])) s++;
  while (e > s && SPACE.test(CPS[e - 1])) e--;
  if (!exact && s < e) {
    while (isWord(s - 1) && isWord(s)) s--;
    while (isWord(e) && isWord(e - 1)) e++;
  }
  return s < e ? { start: s, end: e } : null;
}

function wordStep(offset, forward) {
  let o = offset;
  if (forward) {
    while (o < CPS.length && !isWord(o)) o++;
    while (o < CPS.length && isWord(o)) o++;
  } else {
    while (o > 0 && !isWord(o - 1)) o--;
    while (o > 0 && isWord(o - 1)) o--;
  }
  return o;
}

// ------------------------------------------------------------------ state

let regions = []; // {id, start, end, text, label, norm, statement, outlet, parts: {role: id}, entity: id|null}
let selectedId = null;
let pending = null; // {start, end}: a selection waiting for a label
const caret = { anchor: null, focus: 0, exact: false };
const undoStack = [];
const redoStack = [];

function fromResult(result) {
  const byId = new Map();
  const out = [];
  for (const r of result) {
    if (r.type !== 'labels') continue;
    const reg = {
      id: r.id,
      start: r.value.start,
      end: r.value.end,
      text: r.value.text,
      label: r.value.labels[0],
      norm: '',
      statement: '',
      outlet: false,
      parts: {},
      entity: null,
    };
    byId.set(r.id, reg);
    out.push(reg);
  }
  for (const r of result) {
    const reg = byId.get(r.type === 'relation' ? r.from_id : r.id);
    if (!reg) continue;
    if (r.type === 'relation') reg.parts[r.labels[0]] = r.to_id;
    else if (r.from_name === 'normalised') reg.norm = r.value.text[0];
    else if (r.from_name === 'statement') reg.statement = r.value.text[0];
    else if (r.from_name === 'attribution') reg.outlet = true;
    else if (r.from_name === 'entity') reg.entity = Number(r.value.text[0]);
    else if (r.from_name === 'fact') reg.fact = { id: r.value.fact_id, stance: r.value.choices[0] }; // workspace_facts.js
  }
  return sortRegions(out);
}

function sortRegions(list) {
  return list.sort((a, b) => a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : 1));
}

/** The regions in Label Studio's result shape (see annotate/results.py). */
function toResult() {
  const spans = [];
  const extras = [];
  const relations = [];
  const ids = new Set(regions.map((r) => r.id));
  const perRegion = (id, fromName, type, value) => ({ id, from_name: fromName, to_name: 'text', type, value });
  for (const r of regions) {
    spans.push({
      id: r.id,
      from_name: 'label',
      to_name: 'text',
      type: 'labels',
      origin: 'manual',
      value: { start: r.start, end: r.end, text: r.text, labels: [r.label] },
    });
    const norm = r.norm.trim();
    const statement = r.statement.trim();
    if (!isClaimLabel(r.label)) {
      if (norm) extras.push(perRegion(r.id, 'normalised', 'textarea', { text: [norm] }));
      if (r.entity) extras.push(perRegion(r.id, 'entity', 'textarea', { text: [String(r.entity)] }));
      continue;
    }
    if (statement) extras.push(perRegion(r.id, 'statement', 'textarea', { text: [statement] }));
    if (r.outlet) extras.push(perRegion(r.id, 'attribution', 'choices', { choices: ['outlet'] }));
    if (r.fact) extras.push(perRegion(r.id, 'fact', 'choices', { choices: [r.fact.stance], fact_id: r.fact.id }));
    for (const role of ROLES) {
      const to = r.parts[role];
      if (to && ids.has(to)) {
        relations.push({ type: 'relation', from_id: r.id, to_id: to, direction: 'right', labels: [role] });
      }
    }
  }
  return [...spans, ...extras, ...relations];
}

const byId = (id) => regions.find((r) => r.id === id) || null;

function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return 'r' + Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
}

// ---------------------------------------------------------------- history

const snapshot = () => JSON.stringify(regions);

function remember(before = snapshot()) {
  undoStack.push(before);
  if (undoStack.length > HISTORY_LIMIT) undoStack.shift();
  redoStack.length = 0;
}

function travel(from, to) {
  if (!from.length) return;
  to.push(snapshot());
  regions = JSON.parse(from.pop());
  if (selectedId && !byId(selectedId)) selectedId = null;
  render();
  changed();
}

// ---------------------------------------------------------------- editing

function applyLabel(name) {
  if (READONLY || !LABELS.has(name)) return;
  if (pending) {
    const { start, end } = pending;
    const same = regions.find((r) => r.start === start && r.end === end && r.label === name);
    if (same) {
      select(same.id);
      return;
    }
    remember();
    const reg = { id: newId(), start, end, text: textOf(start, end), label: name, norm: '', statement: '', outlet: false, parts: {}, entity: null };
    regions.push(reg);
    sortRegions(regions);
    pending = null;
    caret.anchor = null;
    getSelection().removeAllRanges();
    selectedId = reg.id;
    announce(`${name}: ${reg.text}`);
  } else if (selectedId) {
    const reg = byId(selectedId);
    if (reg.label === name) return;
    remember();
    if (isClaimLabel(reg.label) !== isClaimLabel(name)) {
      reg.parts = {};
      reg.outlet = false;
      reg.statement = '';
      dropReferencesTo(reg.id);
    }
    reg.entity = null; // an entity has one type: the link does not survive a new label
    reg.label = name;
  } else {
    announce('Select some text first, then choose a label.');
    return;
  }
  render();
  changed();
}

function dropReferencesTo(id) {
  for (const r of regions) {
    for (const role of Object.keys(r.parts)) if (r.parts[role] === id) delete r.parts[role];
  }
}

function deleteSelected() {
  if (READONLY || !selectedId) return;
  remember();
  const reg = byId(selectedId);
  regions = regions.filter((r) => r.id !== selectedId);
  dropReferencesTo(selectedId);
  selectedId = null;
  announce(`Deleted ${reg.label}: ${reg.text}`);
  render();
  changed();
}

function select(id, { scroll = false } = {}) {
  selectedId = id;
  pending = null;
  render(false);
  if (id && scroll) scrollToOffsets(byId(id).start, byId(id).end);
}

function innermostAt(offset) {
  let best = null;
  for (const r of regions) {
    if (r.start <= offset && offset < r.end && (!best || r.end - r.start < best.end - best.start)) best = r;
  }
  return best;
}

// ------------------------------------------------------------- selections

function clampToDoc(range) {
  const all = document.createRange();
  all.selectNodeContents(docEl);
  if (range.compareBoundaryPoints(Range.END_TO_START, all) > 0) return null; // after the text
  if (range.compareBoundaryPoints(Range.START_TO_END, all) < 0) return null; // before it
  const r = range.cloneRange();
  if (r.compareBoundaryPoints(Range.START_TO_START, all) < 0) r.setStart(all.startContainer, all.startOffset);
  if (r.compareBoundaryPoints(Range.END_TO_END, all) > 0) r.setEnd(all.endContainer, all.endOffset);
  return r;
}

function fromNativeSelection(exact) {
  const sel = getSelection();
  if (!sel.rangeCount) return;
  const r = clampToDoc(sel.getRangeAt(0));
  if (!r) return;
  const start = toOffset(r.startContainer, r.startOffset);
  const end = toOffset(r.endContainer, r.endOffset);
  if (start === null || end === null) return;
  if (start === end) {
    // A click: pick the innermost span under it (or nothing).
    caret.anchor = null;
    caret.focus = start;
    pending = null;
    selectedId = innermostAt(start)?.id ?? null;
    render(false);
    return;
  }
  pending = adjust(start, end, exact);
  caret.anchor = pending ? pending.start : null;
  caret.focus = pending ? pending.end : end;
  caret.exact = exact;
  if (pending) selectedId = null;
  showPending();
  render(false);
}

function showPending() {
  const sel = getSelection();
  if (!pending) return;
  const [a, ao] = toPoint(pending.start);
  const [b, bo] = toPoint(pending.end);
  sel.setBaseAndExtent(a, ao, b, bo);
}

function blockDirection(offset) {
  return getComputedStyle(blocks[blockAt(offset)]).direction;
}

function moveCaret(e) {
  const o = caret.focus;
  const i = blockAt(o);
  const rtl = blockDirection(o) === 'rtl';
  let forward = null;
  if (e.key === 'ArrowRight') forward = !rtl;
  if (e.key === 'ArrowLeft') forward = rtl;
  let next = o;
  if (forward !== null) {
    if (e.ctrlKey || e.metaKey) next = wordStep(o, forward);
    else next = Math.max(0, Math.min(CPS.length, o + (forward ? 1 : -1)));
  } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
    const j = Math.max(0, Math.min(blocks.length - 1, i + (e.key === 'ArrowUp' ? -1 : 1)));
    next = starts[j] + Math.min(o - starts[i], lineLen[j]);
  } else if (e.key === 'Home') {
    next = starts[i];
  } else if (e.key === 'End') {
    next = starts[i] + lineLen[i];
  } else {
    return false;
  }
  if (e.shiftKey) {
    if (caret.anchor === null) caret.anchor = o;
    caret.focus = next;
    caret.exact = e.altKey;
    pending = caret.anchor === next ? null : adjust(caret.anchor, next, e.altKey);
    if (pending) {
      selectedId = null;
      showPending();
    } else {
      getSelection().removeAllRanges();
    }
  } else {
    caret.anchor = null;
    caret.focus = next;
    pending = null;
    getSelection().removeAllRanges();
  }
  render(false);
  scrollToOffsets(caret.focus, caret.focus);
  return true;
}

// ---------------------------------------------------------------- painting

const CARET = 'ws-caret';
const SELECTED = 'ws-selected';

function installStyles() {
  const rules = [];
  for (const l of DATA.labels) {
    const c = l.color;
    if (l.kind === 'claim') {
      rules.push(`::highlight(lbl-${l.name}) { background-color: ${c}1f; text-decoration: underline 3px ${c}; text-underline-offset: 4px; }`);
    } else {
      rules.push(`::highlight(lbl-${l.name}) { background-color: ${c}4d; }`);
    }
  }
  rules.push(`::highlight(${SELECTED}) { background-color: #ffd70099; color: #000; }`);
  rules.push(`::highlight(${CARET}) { background-color: #1f5fbf55; }`);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join('\n'));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  for (const el of document.querySelectorAll('[data-color]')) {
    if (el.classList.contains('swatch')) el.style.backgroundColor = el.dataset.color;
  }
}

// Painted ranges by region id. Highlights are live sets: a change adds or removes the
// ranges that changed instead of rebuilding 500 of them, so Chromium repaints little.
const painted = new Map(); // id -> {label, start, end, range}
const highlights = new Map(); // label name -> Highlight

function paintRegions() {
  if (!('highlights' in CSS)) return;
  const seen = new Set();
  for (const r of regions) {
    seen.add(r.id);
    const old = painted.get(r.id);
    if (old && old.label === r.label && old.start === r.start && old.end === r.end) continue;
    if (old) highlights.get(old.label)?.delete(old.range);
    const range = toRange(r.start, r.end);
    painted.set(r.id, { label: r.label, start: r.start, end: r.end, range });
    if (!highlights.has(r.label)) {
      const h = new Highlight();
      highlights.set(r.label, h);
      CSS.highlights.set(`lbl-${r.label}`, h);
    }
    highlights.get(r.label).add(range);
  }
  for (const [id, old] of painted) {
    if (seen.has(id)) continue;
    highlights.get(old.label)?.delete(old.range);
    painted.delete(id);
  }
}

function paintSelection() {
  if (!('highlights' in CSS)) return;
  const sel = selectedId && byId(selectedId);
  if (sel) {
    const h = new Highlight(toRange(sel.start, sel.end));
    h.priority = 2;
    CSS.highlights.set(SELECTED, h);
  } else {
    CSS.highlights.delete(SELECTED);
  }
  if (document.activeElement === docEl && caret.anchor === null && caret.focus < CPS.length) {
    const h = new Highlight(toRange(caret.focus, caret.focus + 1));
    h.priority = 1;
    CSS.highlights.set(CARET, h);
  } else {
    CSS.highlights.delete(CARET);
  }
}

function short(s, n = 60) {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

const renderHooks = []; // functions(regionsChanged) run after every render, see Crosscheck.workspace

function renderList() {
  const list = $('spans');
  const frag = document.createDocumentFragment();
  for (const r of regions) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'span-item';
    b.dataset.id = r.id;
    if (r.id === selectedId) b.setAttribute('aria-current', 'true');
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = r.label;
    chip.style.backgroundColor = LABELS.get(r.label)?.color || '#888';
    const t = document.createElement('bdi');
    t.textContent = short(r.text);
    b.append(chip, ' ', t);
    li.append(b);
    frag.append(li);
  }
  list.replaceChildren(frag);
  $('span-count').textContent = `(${regions.length})`;
}

function markCurrent() {
  for (const b of $('spans').querySelectorAll('[aria-current]')) b.removeAttribute('aria-current');
  if (selectedId) $('spans').querySelector(`[data-id="${CSS.escape(selectedId)}"]`)?.setAttribute('aria-current', 'true');
}

function optionsFor(select, current, { outlet = false } = {}) {
  const opts = [new Option('—', '')];
  if (outlet) opts.push(new Option(`The outlet${DATA.outlet ? ': ' + DATA.outlet : ''}`, '__outlet__'));
  for (const r of regions) {
    if (isClaimLabel(r.label)) continue;
    opts.push(new Option(`${r.label}: ${short(r.text, 40)}`, r.id));
  }
  select.replaceChildren(...opts);
  select.value = current || '';
}

function renderEditor() {
  const ed = $('editor');
  const reg = selectedId && byId(selectedId);
  ed.hidden = !reg;
  if (!reg) return;
  $('ed-text').textContent = reg.text;
  $('ed-label').value = reg.label;
  const claim = isClaimLabel(reg.label);
  $('ed-norm-row').hidden = claim;
  if (document.activeElement !== $('ed-norm')) $('ed-norm').value = reg.norm;
  $('claim-parts').hidden = !claim;
  if (claim) {
    for (const sel of document.querySelectorAll('#claim-parts select[data-role]')) {
      optionsFor(sel, reg.parts[sel.dataset.role]);
    }
    optionsFor($('ed-attr'), reg.outlet ? '__outlet__' : reg.parts.attributed_to, { outlet: true });
    if (document.activeElement !== $('ed-statement')) $('ed-statement').value = reg.statement;
  }
  for (const el of ed.querySelectorAll('input, select, button')) el.disabled = READONLY;
}

function renderPending() {
  $('pending').dataset.text = pending ? textOf(pending.start, pending.end) : '';
  $('pending').textContent = pending
    ? `Selected “${short(textOf(pending.start, pending.end), 50)}”: press a label key or click a label.`
    : '';
}

/** Redraw; `regionsChanged` false when only the selection moved (the common case). */
function render(regionsChanged = true) {
  if (regionsChanged) {
    paintRegions();
    renderList();
  } else {
    markCurrent();
  }
  paintSelection();
  renderEditor();
  renderPending();
  if (!READONLY) {
    $('undo').disabled = !undoStack.length;
    $('redo').disabled = !redoStack.length;
  }
  for (const fn of renderHooks) fn(regionsChanged);
}

function scrollToOffsets(start, end) {
  const scroller = docEl.closest('.ws-article');
  const rect = toRange(start, Math.max(start, end)).getBoundingClientRect();
  const box = scroller.getBoundingClientRect();
  if (rect.top < box.top + 8 || rect.bottom > box.bottom - 8) {
    scroller.scrollTop += rect.top - box.top - scroller.clientHeight / 3;
  }
}

function announce(message) {
  $('pending').textContent = message;
}

// ------------------------------------------------------------------ saving

const storeKey = `crosscheck:annotation:${DATA.annotation.id}`;
let version = DATA.annotation.version;
let spent = DATA.annotation.time_spent_seconds;
let lastActivity = Date.now();
let dirty = false;
let inFlight = null; // the promise of the save being sent
let timer = null;
let retryMs = 0;
let conflict = null;

function setStatus(kind, text) {
  const el = $('status');
  el.dataset.status = kind;
  el.textContent =
    text ||
    {
      saved: 'All changes saved',
      unsaved: 'Unsaved changes',
      saving: 'Saving…',
      offline: 'Offline: changes kept on this device, retrying',
      conflict: 'Not saved: edited elsewhere',
    }[kind];
}

function keepLocally() {
  try {
    localStorage.setItem(storeKey, JSON.stringify({ base: version, result: toResult(), spent, at: Date.now() }));
  } catch {
    // Storage full or disabled: the server save is still attempted.
  }
}

let localTimer = null;

function changed() {
  if (READONLY) return;
  dirty = true;
  // Off the input's critical path (serialising 500 spans costs a few ms); pagehide and
  // every save keep it too.
  clearTimeout(localTimer);
  localTimer = setTimeout(keepLocally, 100);
  if (!conflict) setStatus('unsaved');
  clearTimeout(timer);
  timer = setTimeout(save, SAVE_DELAY_MS);
}

function headers() {
  return { 'Content-Type': 'application/json', 'X-CSRFToken': DATA.csrf, Accept: 'application/json' };
}

async function firstError(resp) {
  try {
    const body = await resp.json();
    if (body.detail) return String(body.detail);
    const [field, messages] = Object.entries(body)[0];
    return `${field}: ${[].concat(messages)[0]}`;
  } catch {
    return `The server answered ${resp.status}.`;
  }
}

function save({ keepalive = false } = {}) {
  clearTimeout(timer);
  if (READONLY || conflict || !dirty) return inFlight || Promise.resolve();
  if (inFlight) {
    // One save at a time; the next one goes when this one is answered.
    return inFlight.then(() => save({ keepalive }));
  }
  const body = JSON.stringify({ version, result: toResult(), time_spent_seconds: spent });
  dirty = false;
  setStatus('saving');
  inFlight = sendDraft(body, keepalive && body.length < KEEPALIVE_LIMIT).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function sendDraft(body, keepalive) {
  let resp;
  try {
    resp = await fetch(DATA.urls.draft, { method: 'PUT', headers: headers(), body, keepalive, credentials: 'same-origin' });
  } catch {
    return retryLater('offline');
  }
  if (resp.ok) {
    const saved = await resp.json();
    version = saved.version;
    retryMs = 0;
    if (dirty) {
      keepLocally(); // the unsaved rest is now based on the new version
      timer = setTimeout(save, SAVE_DELAY_MS);
      setStatus('unsaved');
    } else {
      localStorage.removeItem(storeKey);
      setStatus('saved');
    }
    return;
  }
  dirty = true;
  if (resp.status === 409) {
    showConflict(await resp.json());
  } else if (resp.status === 400) {
    setStatus('error', `Not saved: ${await firstError(resp)}`);
  } else if (resp.status === 401 || resp.status === 403) {
    retryLater('error', 'Not saved: you are logged out. Log in again in another tab; your changes are kept here.');
  } else {
    retryLater('offline');
  }
}

function retryLater(kind, text) {
  dirty = true;
  setStatus(kind, text);
  retryMs = Math.min(30000, retryMs ? retryMs * 2 : 2000);
  clearTimeout(timer);
  timer = setTimeout(save, retryMs);
}

function showConflict(info) {
  conflict = info;
  $('conflict-msg').textContent = info.detail;
  $('conflict-overwrite').hidden = info.code === 'final';
  $('conflict').hidden = false;
  setStatus('conflict');
}

function resolveConflict(overwrite) {
  if (!overwrite) {
    localStorage.removeItem(storeKey);
    window.removeEventListener('pagehide', flush);
    location.reload();
    return;
  }
  version = conflict.version;
  conflict = null;
  $('conflict').hidden = true;
  dirty = true;
  keepLocally();
  save();
}

function flush() {
  if (!dirty || conflict) return;
  keepLocally();
  save({ keepalive: true });
}

async function finish(url, extra, doneText) {
  if (conflict) return;
  clearTimeout(timer);
  if (inFlight) await inFlight;
  if (conflict) return;
  setStatus('saving', 'Sending…');
  let resp;
  try {
    resp = await fetch(url, {
      method: 'POST',
      headers: headers(),
      credentials: 'same-origin',
      body: JSON.stringify({ version, result: toResult(), time_spent_seconds: spent, ...extra }),
    });
  } catch {
    setStatus('offline', 'Offline: not sent. Your work is kept on this device; try again.');
    return;
  }
  if (resp.status === 409) return showConflict(await resp.json());
  if (!resp.ok) {
    setStatus('error', `Not sent: ${await firstError(resp)}`);
    return;
  }
  dirty = false;
  localStorage.removeItem(storeKey);
  setStatus('saved', doneText);
  location.assign(DATA.urls.queue);
}

/** On load: a local copy that never reached the server is restored, or offered. */
function restoreLocal() {
  let local = null;
  try {
    local = JSON.parse(localStorage.getItem(storeKey) || 'null');
  } catch {
    local = null;
  }
  if (!local) return;
  if (READONLY) {
    localStorage.removeItem(storeKey);
    return;
  }
  const mine = fromResult(local.result);
  const same = JSON.stringify(mine) === JSON.stringify(regions);
  if (same) {
    localStorage.removeItem(storeKey); // it did reach the server (a keepalive save on leaving)
    return;
  }
  spent = Math.max(spent, local.spent || 0);
  if (local.base === version) {
    regions = mine;
    announce('Restored changes from this device that had not reached the server.');
    changed();
    save();
  } else {
    regions = mine;
    dirty = true;
    showConflict({
      detail:
        `This device has changes that never reached the server (based on version ${local.base}); ` +
        `the server has version ${version}, saved elsewhere. Reload the saved copy, or overwrite it with these changes.`,
      code: 'stale_version',
      version,
    });
  }
}

// ------------------------------------------------------------------ events

function inField(target) {
  return target instanceof HTMLElement && (target.matches('input, select, textarea') || target.isContentEditable);
}

function onKeydown(e) {
  if (inField(e.target)) return;
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (ctrl && key === 'z' && !READONLY) {
    e.preventDefault();
    if (e.shiftKey) travel(redoStack, undoStack);
    else travel(undoStack, redoStack);
    return;
  }
  if (ctrl && key === 'y' && !READONLY) {
    e.preventDefault();
    travel(redoStack, undoStack);
    return;
  }
  if (e.target === docEl && moveCaret(e)) {
    e.preventDefault();
    return;
  }
  if (e.key === 'Escape') {
    pending = null;
    selectedId = null;
    caret.anchor = null;
    getSelection().removeAllRanges();
    render(false);
    return;
  }
  if ((e.key === 'Delete' || e.key === 'Backspace') && selectedId) {
    e.preventDefault();
    deleteSelected();
    return;
  }
  if (ctrl || e.altKey) return;
  const label = DATA.labels.find((l) => l.hotkey && l.hotkey === key);
  if (label) {
    e.preventDefault();
    applyLabel(label.name);
  }
}

function bindEditor() {
  $('ed-label').addEventListener('change', (e) => applyLabel(e.target.value));
  $('ed-delete').addEventListener('click', deleteSelected);
  for (const sel of document.querySelectorAll('#claim-parts select[data-role]')) {
    sel.addEventListener('change', () => {
      const reg = byId(selectedId);
      remember();
      if (sel.value) reg.parts[sel.dataset.role] = sel.value;
      else delete reg.parts[sel.dataset.role];
      render(false);
      changed();
    });
  }
  $('ed-attr').addEventListener('change', (e) => {
    const reg = byId(selectedId);
    remember();
    reg.outlet = e.target.value === '__outlet__';
    if (e.target.value && !reg.outlet) reg.parts.attributed_to = e.target.value;
    else delete reg.parts.attributed_to;
    render(false);
    changed();
  });
  // Text fields: one history entry per edit session, a save shortly after each keystroke.
  for (const [id, field] of [
    ['ed-statement', 'statement'],
    ['ed-norm', 'norm'],
  ]) {
    let before = null;
    const el = $(id);
    el.addEventListener('focus', () => {
      before = snapshot();
    });
    el.addEventListener('input', () => {
      const reg = byId(selectedId);
      if (!reg) return;
      reg[field] = el.value.replace(/[\r\n]+/g, ' ');
      changed();
    });
    el.addEventListener('change', () => {
      if (before && before !== snapshot()) remember(before);
      before = snapshot();
      render(false);
    });
  }
}

function bind() {
  document.addEventListener('keydown', onKeydown);
  // A drag that starts in the text may end anywhere: listen for its end on the document.
  let downInText = false;
  docEl.addEventListener('mousedown', (e) => {
    downInText = e.button === 0;
  });
  document.addEventListener('mouseup', (e) => {
    if (!downInText) return;
    downInText = false;
    fromNativeSelection(e.altKey); // the selection is final by mouseup
  });
  docEl.addEventListener('focus', paintSelection);
  docEl.addEventListener('blur', paintSelection);
  $('palette').addEventListener('mousedown', (e) => e.preventDefault()); // keep the text selection
  $('palette').addEventListener('click', (e) => {
    const b = e.target.closest('[data-label]');
    if (b) applyLabel(b.dataset.label);
  });
  $('spans').addEventListener('click', (e) => {
    const b = e.target.closest('[data-id]');
    if (b) select(b.dataset.id, { scroll: true });
  });
  bindEditor();
  if (READONLY) return;
  $('undo').addEventListener('click', () => travel(undoStack, redoStack));
  $('redo').addEventListener('click', () => travel(redoStack, undoStack));
  $('submit').addEventListener('click', () => finish(DATA.urls.submit, {}, 'Submitted'));
  $('skip').addEventListener('click', () => {
    const reason = $('skip-reason').value.trim();
    if (!reason) {
      setStatus('error', 'Say why you skip this task.');
      $('skip-reason').focus();
      return;
    }
    finish(DATA.urls.skip, { reason }, 'Skipped');
  });
  $('conflict-reload').addEventListener('click', () => resolveConflict(false));
  $('conflict-overwrite').addEventListener('click', () => resolveConflict(true));
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  window.addEventListener('online', () => {
    if (dirty) save();
  });
  for (const ev of ['keydown', 'mousedown', 'scroll', 'input']) {
    document.addEventListener(ev, () => (lastActivity = Date.now()), { passive: true, capture: true });
  }
  // Time spent: seconds the page was visible with someone working in the last two minutes.
  setInterval(() => {
    if (document.visibilityState === 'visible' && Date.now() - lastActivity < IDLE_AFTER_MS) spent += 1;
  }, 1000);
}

// The workspace as other modules see it (workspace_entities.js, workspace_suggestions.js,
// workspace_facts.js). Regions are plain objects: change them between remember() (an undo
// step) and render() + changed() (repaint, keep locally, save), like the code above does.
window.Crosscheck = window.Crosscheck || {};
window.Crosscheck.workspace = {
  data: DATA, // the page's json_script data
  readonly: READONLY,
  regions: () => regions, // the live array (replaced on undo/redo: call again, do not keep it)
  selected: () => (selectedId && byId(selectedId)) || null,
  byId,
  newId,
  sortRegions,
  select, // select(id, {scroll})
  remember,
  render, // render(regionsChanged = true)
  changed, // mark unsaved and schedule a save
  announce,
  textOf,
  toRange, // code-point offsets -> DOM Range
  toOffset, // DOM point -> code-point offset
  caret: () => caret.focus,
  isClaimLabel,
  onRender: (fn) => renderHooks.push(fn),
};

installStyles();
regions = fromResult(DATA.result);
if (!READONLY) restoreLocal();
bind();
render();
if (!('highlights' in CSS)) announce('This browser cannot show highlights; use a current Chromium or Firefox.');
docEl.dataset.ready = 'true';
