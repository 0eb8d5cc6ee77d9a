// ui/app/dom.js - building the page from data without ever parsing data as HTML.
//
// Everything the server sends (names, variables, error messages, requirement text) reaches the
// page as text nodes or attribute values through h(), never through innerHTML, so a process
// called "<img onerror=...>" is shown, not run. The CSP forbids inline script anyway; this keeps
// markup injection out as well.

// h('button', {class: 'primary', onclick: fn, disabled: true}, 'Save') -> an element.
// Attributes: on* take functions (event listeners); class, id, for, aria-*, data-*, role and the
// rest are set as attributes; false/null/undefined leave an attribute out; true sets it empty.
// Children: strings and numbers become text, arrays are flattened, null/false are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value' && 'value' in el) {
      el.value = value;
    } else if (name === 'checked' && 'checked' in el) {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Remove every child of 'el'; then append 'children'.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let nextId = 0;
// A unique id for label/control pairs.
export function uid(prefix = 'f') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A labelled control: <div class="field"><label for=id>Label</label>control hint</div>.
export function field(label, control, hint) {
  if (!control.id) control.id = uid();
  const parts = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('small', { id: hintId, class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

// A table with a caption (for screen readers), a header row and one row per item.
// columns: [{title, cell(item) -> string|Node}]; empty: the text shown when there are no items.
export function table(caption, columns, items, empty = 'Nothing here yet.') {
  if (!items.length) return h('p', { class: 'empty' }, empty);
  return h('table', { class: 'grid' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', {}, items.map((item) => h('tr', {}, columns.map((c) => h('td', {}, c.cell(item)))))));
}

// A time from the API (ISO 8601 text or epoch milliseconds) in the reader's locale, or '-'.
export function when(t) {
  if (t === null || t === undefined || t === '') return '-';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString();
}

// JSON shown as readable text in a <pre>.
export function jsonBlock(value, label) {
  return h('pre', { class: 'json', 'aria-label': label || 'JSON', tabindex: '0' },
    JSON.stringify(value ?? null, null, 2));
}

// A link inside the app: href '#/instances/12'.
export function link(href, text) {
  return h('a', { href }, text);
}
