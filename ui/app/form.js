// ui/app/form.js - a form from an ordo:form (CONTRACTS §11: a JSON Schema subset of type
// string/number/integer/boolean, enum, format date/date-time/email, title, description,
// required, default), for user tasks and start events.
//
// The browser checks what it can (required, number inputs, email); errors() repeats the checks
// the server makes on completion, so the user sees them beside the field before a 422. The
// server stays the judge.
import { h, uid } from './dom.js';

// One property's control and how to read it back: {control, read() -> value | undefined}.
function control(name, prop, value, required) {
  const id = uid('form');
  const base = { id, name, required: required || undefined };
  if (Array.isArray(prop.enum)) {
    const select = h('select', base,
      required ? null : h('option', { value: '' }, '(none)'),
      prop.enum.map((v, i) => h('option', { value: String(i) }, String(v))));
    const at = prop.enum.findIndex((v) => v === value);
    select.value = at >= 0 ? String(at) : (required ? '0' : '');
    return { control: select, read: () => (select.value === '' ? undefined : prop.enum[Number(select.value)]) };
  }
  if (prop.type === 'boolean') {
    // A required yes/no is two radio buttons, so "no" is a deliberate answer, not an unticked box.
    const group = h('div', { role: 'radiogroup', id, class: 'yes-no' });
    const radios = [[true, 'Yes'], [false, 'No']].map(([v, label]) => {
      const rid = uid('form');
      const radio = h('input', { type: 'radio', id: rid, name: id, value: String(v), checked: value === v });
      group.append(h('label', { for: rid, class: 'inline' }, radio, ` ${label}`));
      return radio;
    });
    return {
      control: group,
      read: () => {
        const on = radios.find((r) => r.checked);
        return on ? on.value === 'true' : undefined;
      },
    };
  }
  let type = 'text';
  if (prop.type === 'number' || prop.type === 'integer') type = 'number';
  else if (prop.format === 'date') type = 'date';
  else if (prop.format === 'date-time') type = 'datetime-local';
  else if (prop.format === 'email') type = 'email';
  const input = h('input', { ...base, type, step: prop.type === 'integer' ? '1' : (type === 'number' ? 'any' : undefined) });
  if (value !== undefined && value !== null) {
    input.value = type === 'datetime-local' ? String(value).replace(/(:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?$/, '$1') : String(value);
  }
  return {
    control: input,
    read: () => {
      const text = input.value.trim();
      if (text === '') return undefined;
      if (type === 'number') return Number(text);
      if (type === 'datetime-local') return new Date(text).toISOString();
      return text;
    },
  };
}

function problem(name, prop, value, required) {
  const label = prop.title || name;
  if (value === undefined) return required ? `${label} is required` : null;
  if ((prop.type === 'number' || prop.type === 'integer') && !Number.isFinite(value)) return `${label} must be a number`;
  if (prop.type === 'integer' && !Number.isInteger(value)) return `${label} must be a whole number`;
  return null;
}

// renderForm(schema, values) -> {element, values(), errors()}: values() is the object to send
// (fields left empty are left out), errors() the list of problems (empty when it may be sent).
// A schema that is missing or has no properties gives an empty form.
export function renderForm(schema, values = {}) {
  const props = (schema && schema.properties) || {};
  const required = new Set((schema && schema.required) || []);
  const element = h('div', { class: 'ordo-form' });
  const readers = [];
  for (const [name, prop] of Object.entries(props)) {
    const start = values[name] !== undefined ? values[name] : prop.default;
    const c = control(name, prop, start, required.has(name));
    const label = `${prop.title || name}${required.has(name) ? ' (required)' : ''}`;
    const hintId = prop.description ? uid('hint') : null;
    if (hintId) c.control.setAttribute('aria-describedby', hintId);
    const caption = prop.type === 'boolean'
      ? h('span', { class: 'label', id: `${c.control.id}-label` }, label)
      : h('label', { for: c.control.id }, label);
    if (prop.type === 'boolean') c.control.setAttribute('aria-labelledby', `${c.control.id}-label`);
    element.append(h('div', { class: 'field' }, caption, c.control,
      hintId ? h('small', { id: hintId, class: 'hint' }, prop.description) : null));
    readers.push([name, prop, c.read]);
  }
  return {
    element,
    values() {
      const out = {};
      for (const [name, , read] of readers) {
        const v = read();
        if (v !== undefined) out[name] = v;
      }
      return out;
    },
    errors() {
      return readers.map(([name, prop, read]) => problem(name, prop, read(), required.has(name))).filter(Boolean);
    },
  };
}
