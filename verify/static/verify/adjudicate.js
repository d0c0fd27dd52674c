// The adjudication page. No framework, no build step.
//
// The article is rendered once, one block per line (`.ln`, `dir="auto"`, `data-start` =
// code-point offset), as on the annotation workspace; offsets are code points and the DOM
// counts UTF-16 units, so toOffset/toPoint convert (right after emoji too). Each reviewer's
// spans are a CSS Custom Highlight in their own colour (underlines at different depths, so
// overlapping versions stay visible side by side), the gold layer a background.
//
// Decisions are kept in the page until Save: one request sends them all with the version
// the page was loaded at; the server appends them atomically or answers 409 when another
// admin saved first (nothing of ours is written, the pending decisions stay here).

import { textView } from '../annotate/textview.js';

const $ = (id) => document.getElementById(id);
let DATA = JSON.parse($('adj-data').textContent);
const LABELS = DATA.labels;
const URLS = DATA.urls;
const CSRF = DATA.csrf;

const docEl = $('doc');
const { CPS, toOffset, toPoint, toRange, textOf } = textView(docEl);

// ---------------------------------------------------------------- selection

function selectionOffsets() {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  const a = toOffset(r.startContainer, r.startOffset);
  const b = toOffset(r.endContainer, r.endOffset);
  if (a === null || b === null || a === b) return null;
  let start = Math.min(a, b);
  let end = Math.max(a, b);
  while (start < end && /\s/u.test(CPS[start])) start++;
  while (end > start && /\s/u.test(CPS[end - 1])) end--;
  return start < end ? { start, end } : null;
}

// ---------------------------------------------------------------- state

let items = []; // every conflict item, in text order, with its unit
let current = 0;
const pending = new Map(); // item id -> decision not saved yet
let editing = null; // {mode: 'edit' | 'add', item}

function rebuild() {
  items = [];
  for (const unit of DATA.units) for (const item of unit.items) items.push({ ...item, unit });
  if (current >= items.length) current = Math.max(0, items.length - 1);
}

const reviewerOf = (name) => DATA.reviewers.find((r) => r.name === name);
const decisionOf = (id) => pending.get(id) || DATA.decisions[id] || null;

// Article text inside a line of figures: a first-strong isolate (FSI ... PDI), so an Arabic
// span neither reads left to right nor drags the label and offsets around it.
const iso = (s) => `\u2068${s}\u2069`;

function describe(v) {
  if (!v) return '(no span)';
  const parts = [`“${iso(short(textOf(v.start, v.end), 50))}”`, v.label, `[${v.start}, ${v.end})`];
  if (v.entity) parts.push(`entity #${v.entity}`);
  if (v.fact) parts.push(`fact #${v.fact} ${v.stance || ''}`.trim());
  return parts.join(' · ');
}

function short(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function describeDecision(d) {
  if (!d) return 'undecided';
  const who = d.admin ? ` (${d.admin})` : pending.has(d.item) ? ' (not saved)' : '';
  switch (d.action) {
    case 'accept': return `accept ${reviewerOf(d.reviewer)?.letter || ''} ${d.reviewer}${who}`;
    case 'edit': return `edit: ${describe(d.value)}${who}`;
    case 'add': return `add: ${describe(d.value)}${who}`;
    default: return `${d.action}${who}`;
  }
}

// ---------------------------------------------------------------- painting

function installStyles() {
  const rules = [];
  DATA.reviewers.forEach((r, i) => {
    rules.push(`::highlight(rev-${i}) { text-decoration: underline 3px ${r.color}; text-underline-offset: ${3 + 5 * i}px; text-decoration-skip-ink: none; }`);
  });
  rules.push('::highlight(gold) { background-color: #ffe08a; }');
  rules.push('::highlight(current) { background-color: #9ec5ff; color: #000; }');
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join('\n'));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  for (const el of document.querySelectorAll('[data-color]')) el.style.setProperty('--who', el.dataset.color);
}

function paint() {
  if (!('highlights' in CSS)) return;
  DATA.reviewers.forEach((r, i) => {
    const h = new Highlight();
    for (const unit of DATA.units) {
      const v = unit.members[r.name];
      if (v) h.add(toRange(v.start, v.end));
    }
    CSS.highlights.set(`rev-${i}`, h);
  });
  const gold = new Highlight();
  for (const g of DATA.gold) gold.add(toRange(g.start, g.end));
  CSS.highlights.set('gold', gold);
  const item = items[current];
  if (item) CSS.highlights.set('current', new Highlight(toRange(item.unit.start, item.unit.end)));
  else CSS.highlights.delete('current');
}

// ---------------------------------------------------------------- rendering

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

function renderCurrent() {
  const box = $('current');
  const actions = $('actions');
  box.replaceChildren();
  actions.replaceChildren();
  $('progress').textContent = items.length
    ? `${current + 1} of ${items.length} · ${items.filter((i) => decisionOf(i.id)).length} decided`
    : 'none';
  const item = items[current];
  if (!item) {
    box.append(el('p', { class: 'muted' }, 'The reviewers agree on every span.'));
    return;
  }
  box.append(el('p', { class: 'item-kind', id: 'item-kind' }, `${item.kind} (${item.unit.kind})`));
  const table = el('table', { class: 'versions', id: 'versions' });
  for (const r of DATA.reviewers) {
    if (!(r.name in item.versions) && !(r.name in item.unit.members)) continue;
    const v = r.name in item.versions ? item.versions[r.name] : item.unit.members[r.name];
    const row = el('tr', { 'data-reviewer': r.name },
      el('th', { scope: 'row' }, el('span', { class: 'who-chip', 'data-color': r.color }, el('b', {}, r.letter), ` ${r.name}`)),
      el('td', {}, describe(v)));
    row.querySelector('.who-chip').style.setProperty('--who', r.color);
    table.append(row);
  }
  const gold = DATA.gold.find((g) => (g.item_ids || []).includes(item.id))
    || DATA.gold.find((g) => g.start < item.unit.end && item.unit.start < g.end && g.kind === item.unit.kind);
  table.append(el('tr', { class: 'gold-row' }, el('th', { scope: 'row' }, el('span', { class: 'who-chip gold-chip' }, el('b', {}, 'Gold'))),
    el('td', {}, gold ? describe(gold) : '(none yet)')));
  box.append(table);
  box.append(el('p', { class: 'decision', id: 'decision' }, `Decision: ${describeDecision(decisionOf(item.id))}`));
  const reviewers = DATA.reviewers.filter((r) => r.name in item.versions);
  reviewers.forEach((r, i) => {
    const key = 'abcd'[DATA.reviewers.indexOf(r)];
    const b = el('button', { type: 'button', 'data-action': 'accept', 'data-reviewer': r.name }, `Accept ${r.letter}`);
    if (key) b.append(' ', el('kbd', {}, key));
    b.addEventListener('click', () => decide('accept', r.name));
    actions.append(b);
    void i;
  });
  if (item.kind === 'boundaries') {
    const m = el('button', { type: 'button', 'data-action': 'merge' }, 'Merge ', el('kbd', {}, 'm'));
    m.addEventListener('click', () => decide('merge'));
    actions.append(m);
  }
  const e = el('button', { type: 'button', 'data-action': 'edit' }, 'Edit ', el('kbd', {}, 'e'));
  e.addEventListener('click', () => openEdit('edit'));
  const x = el('button', { type: 'button', 'data-action': 'reject' }, 'Reject ', el('kbd', {}, 'x'));
  x.addEventListener('click', () => decide('reject'));
  const n = el('button', { type: 'button', 'data-action': 'next' }, 'Next ', el('kbd', {}, 'n'));
  n.addEventListener('click', () => go(1));
  actions.append(e, x, n);
}

function renderItems() {
  const list = $('items');
  list.replaceChildren();
  items.forEach((item, i) => {
    const d = decisionOf(item.id);
    const li = el('li', { class: `${i === current ? 'current' : ''} ${d ? 'decided' : ''}`.trim(), 'data-item': item.id },
      el('button', { type: 'button' }, `${item.kind}: “${iso(short(textOf(item.unit.start, item.unit.end), 40))}” — ${describeDecision(d)}`));
    li.querySelector('button').addEventListener('click', () => { current = i; render(); scrollToCurrent(); });
    list.append(li);
  });
  for (const d of pending.values()) {
    if (d.action !== 'add') continue;
    list.append(el('li', { class: 'decided' }, `add: ${describe(d.value)} (not saved)`));
  }
}

function renderGold() {
  const list = $('gold');
  list.replaceChildren();
  for (const g of DATA.gold) {
    const who = g.origin === 'agreed' ? `agreed: ${g.reviewers.join(', ')}`
      : g.origin === 'added' ? `added by ${g.adjudicator}`
      : `decided by ${g.adjudicator}${g.reviewers.length ? `, as ${g.reviewers.join(', ')}` : ''}`;
    list.append(el('li', { 'data-origin': g.origin }, el('span', {}, describe(g)), el('span', { class: 'muted' }, ` (${who})`)));
  }
  $('gold-count').textContent = `${DATA.gold.length} span${DATA.gold.length === 1 ? '' : 's'}`;
}

function renderHistory() {
  const list = $('history');
  list.replaceChildren();
  for (const d of DATA.history) {
    list.append(el('li', {}, `${d.at.slice(0, 16).replace('T', ' ')} · ${d.admin || 'system'} · round ${d.round} · ${d.kind || 'task'}: ${describeDecision({ ...d, admin: null })}${d.rationale ? ` — ${d.rationale}` : ''}`));
  }
  $('history-count').textContent = String(DATA.history.length);
}

function render() {
  renderCurrent();
  renderItems();
  renderGold();
  renderHistory();
  paint();
}

function scrollToCurrent() {
  const item = items[current];
  if (!item) return;
  const [node] = toPoint(item.unit.start);
  (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement).scrollIntoView({ block: 'center' });
}

function setStatus(kind, text) {
  const s = $('status');
  s.dataset.status = kind;
  s.textContent = text;
}

// ---------------------------------------------------------------- deciding

function decide(action, reviewer = '', value = null) {
  const item = items[current];
  if (!item) return;
  if (action === 'merge' && item.kind !== 'boundaries') return;
  pending.set(item.id, { item: item.id, action, reviewer, value, rationale: $('rationale').value.trim() });
  $('rationale').value = '';
  setStatus('unsaved', `${pending.size} decision${pending.size === 1 ? '' : 's'} not saved`);
  const next = items.findIndex((it, i) => i > current && !decisionOf(it.id));
  if (next !== -1) current = next;
  render();
  scrollToCurrent();
}

function openEdit(mode) {
  const item = items[current];
  let v = null;
  if (mode === 'add') {
    v = selectionOffsets();
    if (!v) {
      setStatus('error', 'Select the text to add in the article first.');
      return;
    }
    v = { ...v, label: LABELS[0].name };
  } else {
    if (!item) return;
    const d = decisionOf(item.id);
    v = d && d.value ? d.value : Object.values(item.versions).find(Boolean) || Object.values(item.unit.members).find(Boolean);
  }
  editing = { mode, item };
  $('ed-label').value = v.label;
  $('ed-start').value = v.start;
  $('ed-end').value = v.end;
  $('ed-entity').value = v.entity || '';
  $('ed-fact').value = v.fact || '';
  $('ed-stance').value = v.stance || '';
  showEditText();
  $('edit').hidden = false;
  $('ed-label').focus();
}

function showEditText() {
  const s = Number($('ed-start').value);
  const e = Number($('ed-end').value);
  $('ed-text').textContent = s < e ? `“${iso(textOf(s, e))}”` : '';
}

function applyEdit(ev) {
  ev.preventDefault();
  if (!editing) return;
  const value = {
    start: Number($('ed-start').value),
    end: Number($('ed-end').value),
    label: $('ed-label').value,
    entity: $('ed-entity').value.trim() || null,
    fact: $('ed-fact').value.trim() || null,
    stance: $('ed-stance').value || null,
  };
  $('edit').hidden = true;
  if (editing.mode === 'add') {
    const id = `add-${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
    pending.set(id, { item: id, action: 'add', reviewer: '', value, rationale: $('rationale').value.trim() });
    $('rationale').value = '';
    setStatus('unsaved', `${pending.size} decision(s) not saved`);
    render();
  } else {
    decide('edit', '', value);
  }
  editing = null;
}

// ---------------------------------------------------------------- saving

async function save(complete) {
  setStatus('saving', 'Saving…');
  let resp;
  try {
    resp = await fetch(URLS.save, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': CSRF, Accept: 'application/json' },
      body: JSON.stringify({ version: DATA.version, decisions: Array.from(pending.values()), complete }),
      credentials: 'same-origin',
    });
  } catch {
    setStatus('error', 'Offline: nothing saved. Try again.');
    return;
  }
  const body = await resp.json().catch(() => ({}));
  if (resp.status === 409) {
    $('conflict-msg').textContent = body.detail || 'Another admin saved this task first.';
    $('conflict').hidden = false;
    setStatus('conflict', 'Not saved: conflict');
    return;
  }
  if (!resp.ok) {
    setStatus('error', `Not saved: ${firstError(body)}`);
    return;
  }
  pending.clear();
  DATA = { ...body, labels: LABELS, urls: URLS, csrf: CSRF };
  rebuild();
  setStatus('saved', complete ? `Adjudicated (version ${DATA.version})` : `Saved (version ${DATA.version})`);
  $('adj-state').textContent = DATA.state === 'done' ? 'Adjudicated' : 'Waiting for adjudication';
  document.getElementById('adj').dataset.state = DATA.state;
  render();
}

function firstError(body) {
  if (typeof body.detail === 'string') return body.detail;
  for (const v of Object.values(body)) {
    if (Array.isArray(v) && v.length) return typeof v[0] === 'string' ? v[0] : JSON.stringify(v[0]);
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') return JSON.stringify(v);
  }
  return 'the server refused the save.';
}

// ---------------------------------------------------------------- keys

function go(step) {
  if (!items.length) return;
  current = (current + step + items.length) % items.length;
  render();
  scrollToCurrent();
}

function inField(t) {
  return t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

function onKeydown(e) {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
    e.preventDefault();
    save(false);
    return;
  }
  if (e.key === 'Escape' && inField(e.target)) {
    e.target.blur(); // back to the keys: n, a, b, x, e
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || inField(e.target)) return;
  const item = items[current];
  const k = e.key.toLowerCase();
  if (k === 'n') go(1);
  else if (k === 'p') go(-1);
  else if ('abcd'.includes(k) && k.length === 1) {
    const r = DATA.reviewers['abcd'.indexOf(k)];
    if (!r || !item || !(r.name in item.versions)) return;
    decide('accept', r.name);
  } else if (k === 'x') decide('reject');
  else if (k === 'm') decide('merge');
  else if (k === 'e') openEdit('edit');
  else return;
  e.preventDefault();
}

function bind() {
  document.addEventListener('keydown', onKeydown);
  $('save').addEventListener('click', () => save(false));
  $('complete').addEventListener('click', () => save(true));
  $('edit').addEventListener('submit', applyEdit);
  $('ed-cancel').addEventListener('click', () => { $('edit').hidden = true; editing = null; });
  $('ed-start').addEventListener('input', showEditText);
  $('ed-end').addEventListener('input', showEditText);
  $('ed-selection').addEventListener('click', () => {
    const s = selectionOffsets();
    if (!s) return;
    $('ed-start').value = s.start;
    $('ed-end').value = s.end;
    showEditText();
  });
  $('add').addEventListener('click', () => openEdit('add'));
  $('conflict-reload').addEventListener('click', () => window.location.reload());
}

installStyles();
rebuild();
bind();
render();
