// Mention -> canonical entity links in the workspace: the link dialog (key k).
//
// For the selected mention, a dialog ranks existing entities of the mention's type by the
// cross-script match of GET /api/entities/?q=&type= (typing `Абу Касра` finds
// `مرهف أبو قصرة`) as you type; Up/Down move, Enter links, the last option creates a new
// entity named by what is typed (the mention's text unless changed). The link is a field of
// the region (`entity`: an id) saved with the draft like everything else, so it stays blind;
// the server checks it (exists, merged ones followed, type = label) and adds the mention's
// text as an alias. Names of linked entities come from DATA.entities and from the dialog.

const ws = window.Crosscheck.workspace;
const DATA = ws.data;
const NAMES = new Map(Object.values(DATA.entities || {}).map((e) => [e.id, e]));
const URLS = DATA.entity_urls;
const SEARCH_DELAY_MS = 120;
const LIMIT = 8;
const labelHotkeys = new Set(DATA.labels.map((l) => l.hotkey).filter(Boolean));

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const STYLES = `
.link-dialog { width: min(34em, 92vw); border: 1px solid #999; border-radius: 8px; padding: 10px 14px 12px; }
.link-dialog::backdrop { background: #0004; }
.link-dialog h2 { font-size: 15px; margin: 0 0 8px; }
.link-dialog input { width: 100%; font-size: 16px; padding: 4px 6px; box-sizing: border-box; }
.link-options { list-style: none; margin: 8px 0 0; padding: 0; max-height: 50vh; overflow: auto; }
.link-option { padding: 4px 6px; border-radius: 4px; cursor: pointer; }
.link-option[aria-selected="true"] { background: #1f5fbf22; outline: 1px solid #1f5fbf; }
.link-name { font-weight: 600; }
.link-hint { font-size: 12px; margin: 8px 0 0; }
.ed-entity { margin: 6px 0; font-size: 13px; }
.entity-name, .span-entity { color: #5a189a; font-weight: 600; }
.span-entity { font-weight: normal; font-size: 12px; }
`;
const sheet = new CSSStyleSheet();
sheet.replaceSync(STYLES);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

// ---------------------------------------------------------------- the dialog

const input = el('input', { id: 'link-q', type: 'search', dir: 'auto', autocomplete: 'off' });
input.setAttribute('role', 'combobox');
input.setAttribute('aria-controls', 'link-options');
input.setAttribute('aria-expanded', 'true');
const list = el('ul', { id: 'link-options', className: 'link-options' });
list.setAttribute('role', 'listbox');
const title = el('h2', { id: 'link-title' });
const hint = el('p', { className: 'muted link-hint' }, 'Type a name in any script. ↑↓ choose, Enter links, Esc closes.');
const dialog = el('dialog', { id: 'link-dialog', className: 'link-dialog' }, title, el('label', { htmlFor: 'link-q', className: 'visually-hidden' }, 'Entity name'), input, list, hint);
dialog.setAttribute('aria-labelledby', 'link-title');
document.body.append(dialog);

let region = null; // the mention being linked
let options = []; // [{kind: 'entity'|'create'|'unlink', entity?, score?, alias?}]
let active = 0;
let seq = 0;
let timer = null;
let controller = null;

function headers() {
  return { 'Content-Type': 'application/json', 'X-CSRFToken': DATA.csrf, Accept: 'application/json' };
}

function blockLanguage(offset) {
  const blocks = document.querySelectorAll('#doc > .ln');
  let lang = '';
  for (const b of blocks) {
    if (Number(b.dataset.start) > offset) break;
    lang = b.getAttribute('lang') || '';
  }
  return lang;
}

function openDialog() {
  const reg = ws.selected();
  if (ws.readonly) return;
  if (!reg || ws.isClaimLabel(reg.label)) {
    ws.announce('Select a mention first (click it or pick it in the list), then press k to link it to an entity.');
    return;
  }
  region = reg;
  title.textContent = `Link “${reg.text}” (${reg.label}) to an entity`;
  input.value = reg.text;
  dialog.showModal();
  input.select();
  search();
}

function closeDialog() {
  clearTimeout(timer);
  controller?.abort();
  if (dialog.open) dialog.close();
  region = null;
  document.getElementById('doc').focus({ preventScroll: true });
}

function search() {
  clearTimeout(timer);
  timer = setTimeout(runSearch, SEARCH_DELAY_MS);
  renderOptions([]); // the create option at once, results as they come
}

async function runSearch() {
  const q = input.value.trim();
  const mine = ++seq;
  controller?.abort();
  controller = new AbortController();
  if (!q || !region) return renderOptions([]);
  const url = `${URLS.search}?${new URLSearchParams({ q, type: region.label, limit: String(LIMIT) })}`;
  try {
    const resp = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal: controller.signal });
    if (!resp.ok) throw new Error(String(resp.status));
    const body = await resp.json();
    if (mine === seq) renderOptions(body.results);
  } catch (e) {
    if (e.name !== 'AbortError' && mine === seq) hint.textContent = 'Search failed; you can still create a new entity.';
  }
}

function renderOptions(results) {
  const q = input.value.trim();
  options = results.map((r) => ({ kind: 'entity', entity: r.entity, score: r.score, alias: r.alias }));
  if (q) options.push({ kind: 'create', name: q });
  if (region?.entity) options.push({ kind: 'unlink' });
  active = Math.min(active, Math.max(0, options.length - 1));
  if (results.length) active = 0;
  list.replaceChildren(
    ...options.map((o, i) => {
      const li = el('li', { id: `link-opt-${i}`, className: 'link-option' });
      li.setAttribute('role', 'option');
      li.dataset.index = String(i);
      if (o.kind === 'entity') {
        li.dataset.entity = String(o.entity.id);
        li.append(el('bdi', { className: 'link-name' }, o.entity.preferred_name));
        if (o.alias && o.alias !== o.entity.preferred_name) li.append(' ', el('span', { className: 'muted' }, 'as '), el('bdi', {}, o.alias));
        li.append(' ', el('span', { className: 'muted link-score' }, `${Math.round(o.score * 100)}%`));
        if (region?.entity === o.entity.id) li.append(' ', el('span', { className: 'pill' }, 'linked'));
      } else if (o.kind === 'create') {
        li.dataset.create = 'true';
        li.append(`Create new ${region?.label || ''} `, el('bdi', { className: 'link-name' }, `“${o.name}”`));
      } else {
        li.dataset.unlink = 'true';
        li.append('Remove the link');
      }
      return li;
    }),
  );
  markActive();
}

function markActive() {
  for (const li of list.children) li.setAttribute('aria-selected', String(Number(li.dataset.index) === active));
  input.setAttribute('aria-activedescendant', options.length ? `link-opt-${active}` : '');
  list.children[active]?.scrollIntoView({ block: 'nearest' });
}

function link(entity) {
  const reg = region && ws.byId(region.id);
  if (!reg) return closeDialog();
  NAMES.set(entity.id, { id: entity.id, name: entity.preferred_name, type: entity.type });
  if (reg.entity !== entity.id) {
    ws.remember();
    reg.entity = entity.id;
    ws.render();
    ws.changed();
  }
  ws.announce(`Linked “${reg.text}” to ${entity.preferred_name}.`);
  closeDialog();
}

async function choose(i) {
  const o = options[i];
  if (!o || !region) return;
  if (o.kind === 'entity') return link(o.entity);
  if (o.kind === 'unlink') {
    const reg = ws.byId(region.id);
    ws.remember();
    reg.entity = null;
    ws.render();
    ws.changed();
    ws.announce(`Removed the link of “${reg.text}”.`);
    return closeDialog();
  }
  const resp = await fetch(URLS.search, {
    method: 'POST',
    headers: headers(),
    credentials: 'same-origin',
    body: JSON.stringify({ type: region.label, preferred_name: o.name, language: blockLanguage(region.start) }),
  });
  if (!resp.ok) {
    hint.textContent = `Could not create the entity (the server answered ${resp.status}).`;
    return;
  }
  link(await resp.json());
}

input.addEventListener('input', () => {
  active = 0;
  search();
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    if (!options.length) return;
    active = (active + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
    markActive();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    clearTimeout(timer);
    choose(active);
  }
});
list.addEventListener('mousedown', (e) => e.preventDefault());
list.addEventListener('click', (e) => {
  const li = e.target.closest('[data-index]');
  if (li) choose(Number(li.dataset.index));
});
dialog.addEventListener('close', () => {
  region = null;
});
dialog.addEventListener('cancel', (e) => {
  e.preventDefault();
  closeDialog();
});

// ----------------------------------------------------------- the sidebar

const editorRow = el('p', { id: 'ed-entity', className: 'ed-entity' });
document.getElementById('ed-norm-row')?.after(editorRow);

function entityName(id) {
  // DATA.entities also gets the entities of accepted suggestions (workspace_suggestions.js).
  return NAMES.get(id)?.name || DATA.entities?.[String(id)]?.name || `entity #${id}`;
}

function renderLinks(regionsChanged) {
  const reg = ws.selected();
  const mention = reg && !ws.isClaimLabel(reg.label);
  editorRow.hidden = !mention;
  if (mention) {
    editorRow.replaceChildren(
      'Entity: ',
      reg.entity ? el('bdi', { className: 'entity-name' }, entityName(reg.entity)) : el('span', { className: 'muted' }, 'not linked'),
      ' ',
      ws.readonly ? '' : el('button', { type: 'button', id: 'ed-link', className: 'link-btn' }, reg.entity ? 'Change' : 'Link', ' ', el('kbd', {}, 'k')),
    );
  }
  if (!regionsChanged) return;
  for (const b of document.querySelectorAll('#spans .span-item[data-id]')) {
    const r = ws.byId(b.dataset.id);
    if (!r?.entity) continue;
    b.append(' → ', el('bdi', { className: 'span-entity' }, entityName(r.entity)));
  }
}

editorRow.addEventListener('click', (e) => {
  if (e.target.closest('#ed-link')) openDialog();
});

document.addEventListener('keydown', (e) => {
  const t = e.target;
  if (t instanceof HTMLElement && (t.matches('input, select, textarea') || t.isContentEditable)) return;
  if (dialog.open || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
  if (e.key.toLowerCase() !== 'k' || labelHotkeys.has('k')) return;
  e.preventDefault();
  openDialog();
});

ws.onRender(renderLinks);
renderLinks(true);
