// ui/app/ui.js - small pieces every screen uses: headings, notices, toasts, busy buttons,
// confirmations and cursor-paged lists (CONTRACTS §6: {items, next}).
import { h, replace, uid } from './dom.js';
import * as api from './api.js';

// The screen's heading; focus moves to it on navigation so screen readers announce the screen.
export function heading(text, ...extra) {
  return h('div', { class: 'screen-head' }, h('h1', { tabindex: '-1' }, text), extra);
}

// A notice inside the page: kind 'error' | 'ok' | 'info'. Errors are announced (role=alert).
export function notice(kind, ...text) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// The text of an error for people: the API's message with its code.
export function errorText(e) {
  if (e instanceof api.ApiError) return `${e.message} (${e.status} ${e.code})`;
  return String((e && e.message) || e);
}

export function errorNotice(e) {
  return notice('error', errorText(e));
}

// A short message in the corner that goes away by itself.
export function toast(text, kind = 'ok') {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast ${kind}` }, text);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// Run 'work' while 'button' shows it is busy; a failure becomes an error toast (and is returned
// as false), success returns the work's result. The button stays enabled but refuses clicks
// while busy (aria-disabled): disabling it would drop the keyboard focus to the page.
export async function busy(button, work) {
  if (button.getAttribute('aria-busy') === 'true') return false;
  button.setAttribute('aria-busy', 'true');
  button.setAttribute('aria-disabled', 'true');
  try {
    return await work();
  } catch (e) {
    toast(errorText(e), 'error');
    return false;
  } finally {
    button.removeAttribute('aria-busy');
    button.removeAttribute('aria-disabled');
  }
}

export function button(label, onclick, opts = {}) {
  const b = h('button', { type: 'button', class: opts.class || '', title: opts.title, 'aria-label': opts.ariaLabel }, label);
  b.addEventListener('click', () => busy(b, () => onclick(b)));
  return b;
}

// A modal question; resolves true when confirmed. Escape and the cancel button say no.
export function confirm(question, confirmLabel = 'OK') {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm', 'aria-label': question },
      h('p', {}, question));
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    const yes = h('button', { type: 'button', class: 'primary', onclick: () => done(true) }, confirmLabel);
    const no = h('button', { type: 'button', onclick: () => done(false) }, 'Cancel');
    dialog.append(h('div', { class: 'actions' }, no, yes));
    dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // Enter pressed twice must not do the destructive thing
  });
}

// A list read page by page: render(items) -> Node for each page, appended to 'into'; a "Load
// more" button while the server says there is a next page. load(after) -> {items, next}.
// Returns {reload()} to start again from the first page (after a filter changed).
export function pagedList(into, load, render) {
  let next = null;
  let generation = 0; // answers of an earlier reload (older filters) are dropped
  const more = h('button', { type: 'button', class: 'more' }, 'Load more');
  const pages = h('div', { class: 'pages' });
  const status = h('div', {});
  async function page(after) {
    const mine = generation;
    try {
      const answer = await load(after);
      if (mine !== generation) return;
      pages.append(render(answer.items || [], !after));
      next = answer.next || null;
      more.hidden = !next;
      replace(status);
    } catch (e) {
      if (mine !== generation) return;
      replace(status, errorNotice(e));
      more.hidden = true;
    }
  }
  more.addEventListener('click', () => busy(more, () => page(next)));
  replace(into, pages, status, more);
  more.hidden = true;
  const reload = () => {
    generation += 1;
    replace(pages);
    return page(null);
  };
  reload();
  return { reload };
}

// A form row of filters; onchange(values) whenever one changes (text inputs after typing stops).
// fields: [{name, label, type: 'text'|'select'|'datetime-local', options: [[value, label]]}]
export function filters(fields, onchange) {
  const values = {};
  let timer = null;
  const fire = () => onchange({ ...values });
  const controls = fields.map((f) => {
    let control;
    if (f.type === 'select') {
      control = h('select', { name: f.name }, f.options.map(([v, l]) => h('option', { value: v }, l)));
    } else {
      control = h('input', { name: f.name, type: f.type || 'text', placeholder: f.placeholder || '' });
    }
    if (f.value !== undefined) control.value = f.value;
    values[f.name] = control.value;
    control.addEventListener(f.type === 'select' ? 'change' : 'input', () => {
      values[f.name] = control.value;
      clearTimeout(timer);
      timer = setTimeout(fire, f.type === 'select' ? 0 : 300);
    });
    const id = `filter-${f.name}`;
    control.id = id;
    return h('div', { class: 'field' }, h('label', { for: id }, f.label), control);
  });
  return h('form', { class: 'filters', role: 'search', onsubmit: (ev) => ev.preventDefault() }, controls);
}

// A <dl> of label/value pairs; values may be nodes.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '-')]));
}

// Periodic refresh while a screen is shown: returns a stop function for the screen's cleanup.
export function every(ms, fn) {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
}

// A form whose submit runs 'work(form)' with the button busy and shows a failure inside it.
export function submitForm(attrs, children, work) {
  const status = h('div', {});
  const form = h('form', attrs, children, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    if (submit.getAttribute('aria-busy') === 'true') return;
    submit.setAttribute('aria-busy', 'true'); // not disabled: that would drop the focus
    submit.setAttribute('aria-disabled', 'true');
    replace(status);
    try {
      await work(form);
    } catch (e) {
      replace(status, errorNotice(e));
    } finally {
      submit.removeAttribute('aria-busy');
      submit.removeAttribute('aria-disabled');
    }
  });
  return form;
}

// A value the server shows only once (an API key's token, a webhook subscription's secret), in
// a box that says so, with a Copy button.
export function shownOnce(title, value) {
  const id = uid('once');
  const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', 'aria-describedby': id }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      replace(status, 'Copied.');
    } catch (e) {
      replace(status, `Could not copy (${e.message}): select the text and copy it by hand.`);
    }
  });
  return h('section', { class: 'shown-once', 'aria-label': title },
    h('h3', {}, title),
    h('p', {}, h('strong', {}, 'Shown only this once. '), 'Copy it now and keep it somewhere safe: Ordo stores only a hash or a sealed copy and cannot show it again.'),
    h('div', { class: 'once-value' },
      h('code', { id, class: 'secret-value', tabindex: '0' }, value),
      copy, status));
}
