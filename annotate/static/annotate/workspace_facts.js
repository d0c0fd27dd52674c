// Claim -> canonical fact links in the workspace, with a stance (supports / refutes).
//
// For the selected claim the "Fact" panel shows the linked fact, or suggests candidates:
// POST /api/facts/candidates/ ranks existing facts by multilingual sentence similarity to
// the claim (its text and statement), the canonical entities its parts are linked to, and
// its time part's normalised date. "Supports" / "Refutes" on a candidate links it; "New
// fact" creates one (statement in English, parts from the linked entities, a date or a
// range) and links it. The link is a field of the region (`fact`: {id, stance}), saved with
// the draft like everything else (annotate/results.py, from_name "fact"), so it is blind,
// undoable and counts as evidence only once the annotation is submitted.

const ws = window.Crosscheck.workspace;
const panel = document.getElementById('fact-link');
const URLS = { facts: panel.dataset.factsUrl, candidates: panel.dataset.candidatesUrl, page: panel.dataset.factPage };
const LIMIT = 6;
const FACTS = new Map(); // id -> {statement, verdict}: what the panel shows of a linked fact
const $ = (id) => document.getElementById(id);

const STYLES = `
.fact-link label { display: block; margin: 4px 0; }
.fact-link input:not([type="date"]) { width: 100%; box-sizing: border-box; }
.fact-row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.fact-current { margin: 4px 0; }
.fact-current a { font-weight: 600; }
.fact-candidates { list-style: none; padding: 0; margin: 6px 0; }
.fact-candidates li { border: 1px solid var(--line, #ddd); border-radius: 4px; padding: 4px 6px; margin: 4px 0; background: #fff; }
.fact-candidates .why { font-size: 12px; color: var(--muted, #666); }
.fact-candidates button { font-size: 12px; margin-inline-end: 4px; }
.fact-verdict { font-size: 11px; text-transform: uppercase; color: var(--muted, #666); margin-inline-start: 4px; }
.span-fact { font-size: 12px; color: #185c2c; }
`;
const sheet = new CSSStyleSheet();
sheet.replaceSync(STYLES);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function headers() {
  return { 'Content-Type': 'application/json', 'X-CSRFToken': ws.data.csrf, Accept: 'application/json' };
}

async function api(url, body) {
  const resp = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: headers(),
    credentials: 'same-origin',
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const [field, messages] = Object.entries(data)[0] || ['error', [`The server answered ${resp.status}.`]];
    throw new Error(field === 'detail' ? String(messages) : `${field}: ${[].concat(messages)[0]}`);
  }
  return data;
}

const selectedClaim = () => {
  const reg = ws.selected();
  return reg && ws.isClaimLabel(reg.label) ? reg : null;
};

/** Canonical entities the claim's parts are linked to (by the entity link module). */
function entityOf(reg, role) {
  const id = reg.parts[role];
  const part = id && ws.byId(id);
  return part && part.entity ? part.entity : null;
}

/** The claim's time part as a date range, from its normalised value (2025-10-28 or a/b). */
function timeOf(reg) {
  const part = reg.parts.time && ws.byId(reg.parts.time);
  const value = (part && part.norm) || '';
  const m = /^(\d{4}-\d{2}-\d{2})(?:\/(\d{4}-\d{2}-\d{2}))?$/.exec(value.trim());
  return m ? { start: m[1], end: m[2] || m[1] } : { start: null, end: null };
}

function context(reg) {
  const entityIds = ['subject', 'object', 'place', 'attributed_to'].map((r) => entityOf(reg, r)).filter(Boolean);
  const time = timeOf(reg);
  return { text: reg.text, statement: reg.statement.trim(), entity_ids: [...new Set(entityIds)], date_start: time.start, date_end: time.end };
}

function link(reg, fact, stance) {
  ws.remember();
  reg.fact = { id: fact.id, stance };
  FACTS.set(fact.id, { statement: fact.statement, verdict: fact.verdict });
  $('fact-candidates').replaceChildren();
  ws.render();
  ws.changed();
  ws.announce(`Linked to the fact “${fact.statement}” (${stance}).`);
}

function factLink(id) {
  const info = FACTS.get(id);
  return el('a', { href: `${URLS.page}${id}/`, target: '_blank', rel: 'noopener', textContent: info ? info.statement : `Fact #${id}` });
}

async function suggest() {
  const reg = selectedClaim();
  if (!reg) return;
  const list = $('fact-candidates');
  list.replaceChildren(el('li', { className: 'why', textContent: 'Looking for facts…' }));
  let found;
  try {
    found = await api(URLS.candidates, { ...context(reg), limit: LIMIT });
  } catch (error) {
    list.replaceChildren(el('li', { className: 'why', textContent: `No suggestions: ${error.message}` }));
    return;
  }
  if (ws.selected() !== reg) return; // the reviewer moved on
  if (!found.length) {
    list.replaceChildren(el('li', { className: 'why', textContent: 'No facts yet: create one below.' }));
    return;
  }
  list.replaceChildren(
    ...found.map((c, i) => {
      FACTS.set(c.fact.id, { statement: c.fact.statement, verdict: c.fact.verdict });
      const why = [`#${i + 1}`, `similarity ${c.similarity.toFixed(3)}`];
      if (c.shared_entities.length) why.push(`${c.shared_entities.length} shared entit${c.shared_entities.length > 1 ? 'ies' : 'y'}`);
      if (c.date !== 'unknown') why.push(`date ${c.date}`);
      const li = el(
        'li',
        { className: 'fact-candidate' },
        el('bdi', { textContent: c.fact.statement }),
        el('span', { className: 'fact-verdict', textContent: c.fact.verdict.replace('_', ' ') }),
        el('div', { className: 'why', textContent: why.join(' · ') }),
      );
      li.dataset.factId = c.fact.id;
      for (const stance of ['supports', 'refutes']) {
        const b = el('button', { type: 'button', textContent: stance === 'supports' ? 'Supports' : 'Refutes', disabled: ws.readonly });
        b.setAttribute('aria-label', `${stance === 'supports' ? 'Supports' : 'Refutes'}: ${c.fact.statement}`);
        b.addEventListener('click', () => link(reg, c.fact, stance));
        li.append(b);
      }
      return li;
    }),
  );
}

async function create() {
  const reg = selectedClaim();
  if (!reg) return;
  const statement = $('fact-new-statement').value.trim();
  if (!statement) {
    ws.announce('Write the fact as one short English sentence.');
    $('fact-new-statement').focus();
    return;
  }
  const body = {
    statement,
    predicate: $('fact-new-predicate').value.trim(),
    subject: entityOf(reg, 'subject'),
    object: entityOf(reg, 'object'),
    place: entityOf(reg, 'place'),
    time_start: $('fact-new-start').value || null,
    time_end: $('fact-new-end').value || null,
    time_text: $('fact-new-time-text').value.trim(),
    claim_text: reg.text,
  };
  $('fact-create').disabled = true;
  try {
    const fact = await api(URLS.facts, body);
    link(reg, fact, $('fact-new-stance').value);
    $('fact-new').open = false;
    for (const id of ['fact-new-statement', 'fact-new-predicate', 'fact-new-start', 'fact-new-end', 'fact-new-time-text']) $(id).value = '';
  } catch (error) {
    ws.announce(`Not created: ${error.message}`);
  } finally {
    $('fact-create').disabled = ws.readonly;
  }
}

async function loadNames(ids) {
  for (const id of ids) {
    if (FACTS.has(id)) continue;
    FACTS.set(id, null);
    try {
      const fact = await api(`${URLS.facts}${id}/`);
      FACTS.set(id, { statement: fact.statement, verdict: fact.verdict });
    } catch {
      FACTS.delete(id);
      continue;
    }
    renderPanel();
  }
}

let shownFor = null;

function renderPanel() {
  const reg = selectedClaim();
  panel.hidden = !reg;
  if (!reg) {
    shownFor = null;
    return;
  }
  if (shownFor !== reg.id) {
    // Another claim: clear the last one's candidates, prefill the new fact's statement.
    shownFor = reg.id;
    $('fact-candidates').replaceChildren();
    $('fact-new-statement').value = reg.statement || '';
    const time = timeOf(reg);
    $('fact-new-start').value = time.start || '';
    $('fact-new-end').value = time.end && time.end !== time.start ? time.end : '';
  }
  const current = $('fact-current');
  if (reg.fact) {
    const info = FACTS.get(reg.fact.id);
    current.replaceChildren(`${reg.fact.stance === 'refutes' ? 'Refutes' : 'Supports'}: `, factLink(reg.fact.id));
    if (info && info.verdict) current.append(el('span', { className: 'fact-verdict', textContent: info.verdict.replace('_', ' ') }));
    if (!FACTS.has(reg.fact.id)) loadNames([reg.fact.id]);
    $('fact-stance').value = reg.fact.stance;
  } else {
    current.textContent = 'Not linked to a fact.';
  }
  $('fact-linked').hidden = !reg.fact;
  for (const c of panel.querySelectorAll('input, select, button')) c.disabled = ws.readonly;
}

function markList() {
  // A small "fact" tag on linked claims in the span list.
  for (const b of document.querySelectorAll('#spans .span-item')) {
    const reg = ws.byId(b.dataset.id);
    b.querySelector('.span-fact')?.remove();
    if (reg && reg.fact) b.append(' ', el('span', { className: 'span-fact', textContent: `fact #${reg.fact.id} ${reg.fact.stance}` }));
  }
}

$('fact-suggest').addEventListener('click', suggest);
$('fact-create').addEventListener('click', create);
$('fact-unlink').addEventListener('click', () => {
  const reg = selectedClaim();
  if (!reg || !reg.fact) return;
  ws.remember();
  delete reg.fact;
  ws.render();
  ws.changed();
  ws.announce('Unlinked from the fact.');
});
$('fact-stance').addEventListener('change', (e) => {
  const reg = selectedClaim();
  if (!reg || !reg.fact) return;
  ws.remember();
  reg.fact = { ...reg.fact, stance: e.target.value };
  ws.render();
  ws.changed();
});

ws.onRender((regionsChanged) => {
  renderPanel();
  if (regionsChanged) markList();
});
loadNames([...new Set(ws.regions().filter((r) => r.fact).map((r) => r.fact.id))]);
renderPanel();
markList();
