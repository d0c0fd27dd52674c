// Suggestions in the workspace: dashed spans a reviewer accepts or rejects.
//
// DATA.suggestions are the article's suggestions this reviewer has not decided on
// ({id, start, end, label, text, value, source, score, entity: {id, name} | null}).
// They are drawn with a dashed underline coloured by source and listed in the sidebar by
// kind (source and label). Keys: n / Shift+N the next / previous one (also a click on it),
// a accepts it, x rejects it, Shift+A accepts every one of its kind. Accepting copies it
// into the reviewer's own spans (a DATE keeps its normalised value, a known entity its
// link), through the same undo history and draft save as a span drawn by hand; the decision
// is also posted, so it stops showing for this reviewer and counts in acceptance rates.
// Until accepted, a suggestion is in no annotation: not the reviewer's work, not in agreement.

const ws = window.Crosscheck.workspace;
const DATA = ws.data;
const URLS = DATA.entity_urls;
const LABEL_NAMES = new Set(DATA.labels.filter((l) => l.kind !== 'claim').map((l) => l.name));
const labelHotkeys = new Set(DATA.labels.map((l) => l.hotkey).filter(Boolean));
const SOURCES = {
  entity: { name: 'known entity', color: '#7b2cbf' },
  natasha: { name: 'natasha', color: '#1f5fbf' },
  'dateparser+rules': { name: 'dates', color: '#c25e00' },
};
const sourceName = (s) => SOURCES[s]?.name || s;

// Only suggestions whose label the project has: the rest could not become spans.
let pending = ws.readonly ? [] : (DATA.suggestions || []).filter((s) => LABEL_NAMES.has(s.label));
let currentId = null;
// Accepted on this page: if their span disappears (undo, delete), they come back as pending
// and the decision is withdrawn, so an undone accept is not counted as one.
const accepted = new Map();

const kindOf = (s) => `${s.source}|${s.label}`;
const current = () => pending.find((s) => s.id === currentId) || null;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

// ---------------------------------------------------------------- painting

function installStyles() {
  const rules = Object.keys(SOURCES).map(
    (s, i) => `::highlight(sugg-${i}) { text-decoration: underline dashed 2px ${SOURCES[s].color}; text-underline-offset: 6px; }`,
  );
  rules.push(
    '.suggestions { margin-top: 10px; }',
    '.sugg-keys { font-size: 12px; margin: 0 0 6px; }',
    '.sugg-kind summary { cursor: pointer; padding: 2px 0; }',
    '.sugg-src { border: 1px dashed; border-radius: 3px; padding: 0 4px; font-size: 12px; }',
    '.sugg-accept-all { font-size: 12px; margin-inline-start: 6px; }',
    '.sugg-items { list-style: none; margin: 2px 0 6px; padding: 0; }',
    '.sugg-item { display: flex; gap: 4px; align-items: center; }',
    '.sugg-item[aria-current="true"] { background: #7b2cbf22; border-radius: 3px; }',
    '.sugg-go { flex: 1; text-align: start; border: 0; background: transparent; cursor: pointer; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }',
    '.sugg-yes, .sugg-no { border: 1px solid #ccc; background: #fff; border-radius: 3px; cursor: pointer; padding: 0 6px; }',
  );
  rules.push('::highlight(sugg-current) { background-color: #7b2cbf22; outline: 1px dashed #333; text-decoration: underline dashed 3px #000; text-underline-offset: 6px; }');
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join('\n'));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

function paint() {
  if (!('highlights' in CSS)) return;
  Object.keys(SOURCES).forEach((source, i) => {
    const h = new Highlight(...pending.filter((s) => s.source === source).map((s) => ws.toRange(s.start, s.end)));
    CSS.highlights.set(`sugg-${i}`, h);
  });
  const cur = current();
  if (cur) {
    const h = new Highlight(ws.toRange(cur.start, cur.end));
    h.priority = 2;
    CSS.highlights.set('sugg-current', h);
  } else {
    CSS.highlights.delete('sugg-current');
  }
}

// ---------------------------------------------------------------- sidebar

const section = el('section', { id: 'suggestions', className: 'suggestions' });
section.setAttribute('aria-labelledby', 'sugg-h');
const heading = el('h2', { id: 'sugg-h' });
const groups = el('div', { id: 'sugg-groups' });
section.append(
  heading,
  el('p', { className: 'muted sugg-keys' }, el('kbd', {}, 'n'), ' next, ', el('kbd', {}, 'a'), ' accept, ', el('kbd', {}, 'x'), ' reject, ', el('kbd', {}, 'Shift'), '+', el('kbd', {}, 'A'), ' accept all of a kind'),
  groups,
);
document.getElementById('editor')?.after(section);

function renderList() {
  section.hidden = ws.readonly;
  heading.replaceChildren('Suggestions ', el('span', { className: 'muted', id: 'sugg-count' }, `(${pending.length})`));
  const byKind = new Map();
  for (const s of pending) {
    if (!byKind.has(kindOf(s))) byKind.set(kindOf(s), []);
    byKind.get(kindOf(s)).push(s);
  }
  const frag = document.createDocumentFragment();
  for (const [kind, items] of byKind) {
    const [source, label] = kind.split('|');
    const details = el('details', { className: 'sugg-kind' });
    details.dataset.kind = kind;
    if (items.some((s) => s.id === currentId)) details.open = true;
    const accept = el('button', { type: 'button', className: 'sugg-accept-all' }, `Accept all ${items.length}`);
    accept.dataset.kind = kind;
    const chip = el('span', { className: 'sugg-src' }, sourceName(source));
    chip.style.borderColor = SOURCES[source]?.color || '#888';
    details.append(el('summary', {}, el('strong', {}, label), ' ', chip, ` ${items.length} `, accept));
    const ol = el('ol', { className: 'sugg-items' });
    for (const s of items) {
      const li = el('li', { className: 'sugg-item' });
      li.dataset.id = String(s.id);
      if (s.id === currentId) li.setAttribute('aria-current', 'true');
      const extra = s.entity ? ` → ${s.entity.name}` : s.value ? ` = ${s.value}` : '';
      const go = el('button', { type: 'button', className: 'sugg-go' }, el('bdi', {}, s.text), extra);
      const yes = el('button', { type: 'button', className: 'sugg-yes', title: 'Accept (a)' }, '✓');
      const no = el('button', { type: 'button', className: 'sugg-no', title: 'Reject (x)' }, '✗');
      yes.setAttribute('aria-label', `Accept ${label} ${s.text}`);
      no.setAttribute('aria-label', `Reject ${label} ${s.text}`);
      li.append(go, yes, no);
      ol.append(li);
    }
    details.append(ol);
    frag.append(details);
  }
  groups.replaceChildren(frag);
}

function refresh() {
  paint();
  renderList();
}

// ---------------------------------------------------------------- decisions

async function post(url, body, method = 'POST') {
  try {
    const resp = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': DATA.csrf, Accept: 'application/json' },
      body: body === null ? undefined : JSON.stringify(body),
    });
    if (!resp.ok) ws.announce(`The decision was not recorded (the server answered ${resp.status}); your spans are saved as usual.`);
  } catch {
    ws.announce('Offline: the decision was not recorded; your spans are saved as usual.');
  }
}

function toRegion(s) {
  const regions = ws.regions();
  const same = regions.find((r) => r.start === s.start && r.end === s.end && r.label === s.label);
  if (same) {
    if (s.entity && !same.entity) same.entity = s.entity.id;
    if (s.value && !same.norm && s.label === 'DATE') same.norm = s.value;
    return same;
  }
  const reg = {
    id: ws.newId(),
    start: s.start,
    end: s.end,
    text: ws.textOf(s.start, s.end),
    label: s.label,
    norm: s.label === 'DATE' ? s.value || '' : '',
    statement: '',
    outlet: false,
    parts: {},
    entity: s.entity ? s.entity.id : null,
  };
  regions.push(reg);
  return reg;
}

function nextAfter(s) {
  return pending.find((p) => p.start > s.start || (p.start === s.start && p.id !== s.id)) || pending[0] || null;
}

function accept(list) {
  if (!list.length || ws.readonly) return;
  ws.remember();
  DATA.entities = DATA.entities || {};
  const names = DATA.entities; // read by workspace_entities.js for the sidebar
  for (const s of list) {
    toRegion(s);
    accepted.set(s.id, s);
    if (s.entity) names[s.entity.id] = { id: s.entity.id, name: s.entity.name, type: s.label };
  }
  ws.sortRegions(ws.regions());
  decided(list);
  ws.render();
  ws.changed();
  refresh();
  ws.announce(list.length === 1 ? `Accepted ${list[0].label}: ${list[0].text}` : `Accepted ${list.length} suggestions.`);
  if (list.length === 1) post(URLS.decide.replace('{id}', list[0].id), { decision: 'accepted' });
  else post(URLS.decide_many, { ids: list.map((s) => s.id), decision: 'accepted' });
}

function reject(s) {
  if (!s || ws.readonly) return;
  decided([s]);
  refresh();
  ws.announce(`Rejected ${s.label}: ${s.text}`);
  post(URLS.decide.replace('{id}', s.id), { decision: 'rejected' });
}

function decided(list) {
  const ids = new Set(list.map((s) => s.id));
  const after = current() && ids.has(currentId) ? nextAfter(current()) : current();
  pending = pending.filter((s) => !ids.has(s.id));
  currentId = after && !ids.has(after.id) ? after.id : pending[0]?.id ?? null;
}

function focus(s, { scroll = true } = {}) {
  currentId = s ? s.id : null;
  refresh();
  if (s && scroll) {
    const rect = ws.toRange(s.start, s.end).getBoundingClientRect();
    const scroller = document.querySelector('.ws-article');
    const box = scroller.getBoundingClientRect();
    if (rect.top < box.top + 8 || rect.bottom > box.bottom - 8) scroller.scrollTop += rect.top - box.top - scroller.clientHeight / 3;
  }
  if (s) ws.announce(`Suggestion ${s.label} (${sourceName(s.source)}): ${s.text}${s.entity ? ' → ' + s.entity.name : s.value ? ' = ' + s.value : ''}. a accepts, x rejects.`);
}

function step(forward) {
  if (!pending.length) return ws.announce('No suggestions left.');
  const cur = current();
  const at = cur ? cur.start : ws.caret();
  const next = forward
    ? pending.find((s) => (cur ? s.start > at || (s.start === at && s.id > cur.id) : s.start >= at)) || pending[0]
    : [...pending].reverse().find((s) => (cur ? s.start < at || (s.start === at && s.id < cur.id) : s.start < at)) || pending.at(-1);
  focus(next);
}

function restoreUndone(regionsChanged) {
  if (!regionsChanged || !accepted.size) return;
  const spans = new Set(ws.regions().map((r) => `${r.start}:${r.end}:${r.label}`));
  const back = [...accepted.values()].filter((s) => !spans.has(`${s.start}:${s.end}:${s.label}`));
  if (!back.length) return;
  for (const s of back) {
    accepted.delete(s.id);
    pending.push(s);
    post(URLS.decide.replace('{id}', s.id), null, 'DELETE');
  }
  pending.sort((a, b) => a.start - b.start || b.end - a.end || a.id - b.id);
  refresh();
}

// ---------------------------------------------------------------- events

groups.addEventListener('click', (e) => {
  const all = e.target.closest('.sugg-accept-all');
  if (all) {
    e.preventDefault();
    return accept(pending.filter((s) => kindOf(s) === all.dataset.kind));
  }
  const li = e.target.closest('.sugg-item');
  if (!li) return;
  const s = pending.find((p) => p.id === Number(li.dataset.id));
  if (e.target.closest('.sugg-yes')) accept([s]);
  else if (e.target.closest('.sugg-no')) reject(s);
  else focus(s);
});

document.getElementById('doc').addEventListener('mouseup', () => {
  // After workspace.js has read the click: a caret inside a suggestion focuses it.
  setTimeout(() => {
    if (!getSelection().isCollapsed) return;
    const at = ws.caret();
    const hit = pending.filter((s) => s.start <= at && at < s.end).sort((a, b) => a.end - a.start - (b.end - b.start))[0];
    if (hit) focus(hit, { scroll: false });
  }, 0);
});

document.addEventListener('keydown', (e) => {
  const t = e.target;
  if (t instanceof HTMLElement && (t.matches('input, select, textarea') || t.isContentEditable)) return;
  if (document.querySelector('dialog[open]') || e.ctrlKey || e.metaKey || e.altKey || ws.readonly) return;
  const key = e.key.toLowerCase();
  if (labelHotkeys.has(key)) return; // a project's own label keys win
  if (key === 'n') {
    e.preventDefault();
    step(!e.shiftKey);
  } else if (key === 'a' && current()) {
    e.preventDefault();
    const cur = current();
    accept(e.shiftKey ? pending.filter((s) => kindOf(s) === kindOf(cur)) : [cur]);
  } else if (key === 'x' && current() && !e.shiftKey) {
    e.preventDefault();
    reject(current());
  }
});

ws.onRender(restoreUndone);
installStyles();
refresh();
