// ui/app/screens/connectors.js - the Connectors screen (issue 10): the installed connectors and
// their actions (GET /api/connectors, with the plugin files the server refused), and for one
// connector ('#/connectors/<name>') its actions' input schemas and its named credentials: set,
// test, delete (docs/api.md "Connectors and credentials").
//
// Secrets are write-only: the form's secret inputs are password fields that are emptied after
// every attempt, and nothing the server sends back holds a secret (only `secretFields`).
import { h, append, replace, field, table, when, jsonBlock, link } from '../dom.js';
import * as api from '../api.js';
import { can } from '../roles.js';
import { heading, notice, errorNotice, errorText, button, confirm, toast, facts } from '../ui.js';

// dom.js append() skips null and false children (Element.append would print "null").
const add = (el, ...children) => append(el, children);

const enc = encodeURIComponent;

function badges(words, kind = '') {
  return words.length ? words.map((w) => [h('span', { class: `badge ${kind}` }, w), ' ']) : '-';
}

// The fields of a JSON Schema object in a readable line each: "name (type, required): title".
function schemaFields(schema) {
  const props = (schema && schema.properties) || {};
  const required = new Set((schema && schema.required) || []);
  const names = Object.keys(props);
  if (!names.length) return h('span', { class: 'empty' }, 'none');
  return h('ul', { class: 'schema-fields' }, names.map((n) => {
    const p = props[n] || {};
    const type = Array.isArray(p.enum) ? `one of ${p.enum.join(', ')}` : [].concat(p.type || 'any').join(' or ');
    return h('li', {},
      h('code', {}, n), ` (${type}${required.has(n) ? ', required' : ''})`,
      p.title || p.description ? `: ${p.title || ''}${p.title && p.description ? ' - ' : ''}${p.description || ''}` : '');
  }));
}

function refusedNotice(refused) {
  if (!refused || !refused.length) return null;
  return notice('error',
    h('strong', {}, `${refused.length} plugin file(s) were not loaded: `),
    h('ul', {}, refused.map((r) => h('li', {},
      h('code', {}, r.file || r.path || r.name || JSON.stringify(r)), ': ', r.reason || r.message || r.error || '-'))));
}

// ---- the list ----

async function renderList(main) {
  const cat = await api.get('/api/connectors');
  const connectors = cat.connectors || [];
  add(main,
    refusedNotice(cat.refused),
    table('Installed connectors', [
      { title: 'Connector', cell: (c) => link(`#/connectors/${enc(c.name)}`, c.title || c.name) },
      { title: 'Name', cell: (c) => h('code', {}, c.name) },
      { title: 'Version', cell: (c) => c.version || '-' },
      { title: 'Actions', cell: (c) => badges((c.actions || []).map((a) => a.id)) },
      { title: 'Description', cell: (c) => c.description || '' },
    ], connectors, 'No connector is installed.'));
  if (!can.readCredentials()) return;
  const box = h('div', {});
  const load = async () => {
    try {
      const creds = await api.get('/api/credentials');
      replace(box, credentialTable(creds.items || [], null, load));
    } catch (e) {
      replace(box, errorNotice(e));
    }
  };
  add(main, h('h2', {}, 'Credentials'),
    h('p', { class: 'hint' }, 'Open a connector to set a credential for it.'), box);
  await load();
}

// ---- credentials ----

// The credentials table; 'connector' (catalogue entry) given on its own page, null on the list.
function credentialTable(items, connector, reload, onEdit) {
  const results = new Map();
  const columns = [
    !connector && { title: 'Connector', cell: (c) => link(`#/connectors/${enc(c.connector)}`, c.connector) },
    { title: 'Name', cell: (c) => h('code', {}, c.name) },
    { title: 'Settings', cell: (c) => (Object.keys(c.config || {}).length ? jsonBlock(c.config, `Settings of ${c.connector}/${c.name}`) : '-') },
    { title: 'Secret fields (never shown)', cell: (c) => badges(c.secretFields || []) },
    { title: 'Calls a minute', cell: (c) => (c.ratePerMinute ? String(c.ratePerMinute) : 'no budget') },
    { title: 'Updated', cell: (c) => [when(c.updatedAt), h('br', {}), h('small', {}, c.updatedBy || '')] },
    can.changeCredentials() && {
      title: 'Actions',
      cell: (c) => {
        const out = h('div', { class: 'test-result', role: 'status', 'aria-live': 'polite' });
        results.set(c, out);
        const label = `${c.connector}/${c.name}`;
        return h('div', {},
          h('div', { class: 'actions' },
            button('Test', () => testCredential(c, out), { ariaLabel: `Test credential ${label}` }),
            onEdit && button('Replace', () => onEdit(c), { ariaLabel: `Replace credential ${label}` }),
            button('Delete', async () => {
              if (!await confirm(`Delete the credential ${label}? Jobs that use it will fail.`, 'Delete')) return;
              await api.del(`/api/credentials/${enc(c.connector)}/${enc(c.name)}`);
              toast(`Credential ${label} deleted.`);
              reload();
            }, { class: 'danger', ariaLabel: `Delete credential ${label}` })),
          out);
      },
    },
  ].filter(Boolean);
  return table('Credentials', columns, items, 'No credential is stored.');
}

// The test's outcome stays beside the credential whatever it is: a refusal (422) or an
// unreachable service (503) is an answer worth reading, not a failure of the button.
async function testCredential(c, out) {
  replace(out, notice('info', 'Testing...'));
  try {
    // No body at all: this route takes none, and api.post's default {} is refused with 413.
    const r = await api.request('POST', `/api/credentials/${enc(c.connector)}/${enc(c.name)}/test`);
    replace(out, r && r.ok ? notice('ok', 'Works: the service accepted it.') : notice('error', `Did not work: ${JSON.stringify(r)}`));
  } catch (e) {
    replace(out, notice('error', `Did not work: ${errorText(e)}`));
  }
}

// One control per schema property. Secret fields are password inputs that the browser is told
// not to fill from its password store.
function schemaControl(name, prop, secret, required) {
  const attrs = { name, required: required || undefined, autocomplete: secret ? 'new-password' : 'off' };
  if (secret) return h('input', { ...attrs, type: 'password', spellcheck: 'false' });
  if (Array.isArray(prop.enum)) {
    return h('select', attrs, required ? null : h('option', { value: '' }, '(not set)'),
      prop.enum.map((v) => h('option', { value: String(v) }, String(v))));
  }
  if (prop.type === 'boolean') {
    return h('select', attrs, h('option', { value: '' }, '(not set)'), h('option', { value: 'true' }, 'yes'), h('option', { value: 'false' }, 'no'));
  }
  if (prop.type === 'integer' || prop.type === 'number') {
    return h('input', { ...attrs, type: 'number', step: prop.type === 'integer' ? '1' : 'any' });
  }
  return h('input', { ...attrs, type: prop.format === 'email' ? 'email' : 'text' });
}

function readControl(control, prop) {
  const v = control.value;
  if (v === '') return undefined;
  if (prop.type === 'boolean') return v === 'true';
  if (prop.type === 'integer' || prop.type === 'number') return Number(v);
  if (Array.isArray(prop.enum)) return prop.enum.find((x) => String(x) === v);
  return v;
}

function schemaSection(legend, schema, secret) {
  const props = (schema && schema.properties) || {};
  const required = new Set((schema && schema.required) || []);
  const controls = {};
  const rows = Object.entries(props).map(([name, prop]) => {
    const c = schemaControl(name, prop || {}, secret, required.has(name));
    controls[name] = { control: c, prop: prop || {} };
    const label = `${prop.title || name}${required.has(name) ? ' (required)' : ''}`;
    return field(label, c, prop.description || null);
  });
  if (!rows.length) return { element: null, controls };
  return { element: h('fieldset', { class: secret ? 'secret-fields' : '' }, h('legend', {}, legend), rows), controls };
}

function credentialForm(connector, onSaved) {
  const name = h('input', { name: 'credentialName', value: 'default', required: true, pattern: '[a-z0-9][a-z0-9_.\\-]{0,62}', autocomplete: 'off' });
  const rate = h('input', { name: 'ratePerMinute', type: 'number', min: '0', step: '1', value: '0' });
  const config = schemaSection('Settings (not secret)', connector.config_schema, false);
  const secret = schemaSection('Secret (write-only: never shown again)', connector.credential_schema, true);
  const status = h('div', {});
  const clearSecrets = () => {
    for (const { control } of Object.values(secret.controls)) control.value = '';
  };
  const collect = (part) => {
    const out = {};
    for (const [k, { control, prop }] of Object.entries(part.controls)) {
      const v = readControl(control, prop);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
  const form = h('form', { class: 'card credential-form', 'aria-labelledby': 'cred-form-title' },
    h('h2', { id: 'cred-form-title' }, 'Set a credential'),
    h('p', { class: 'hint' }, 'Setting a credential that exists replaces all of it: give every secret field again.'),
    field('Credential name', name, 'a-z, 0-9, _ . - ; "default" is used by tasks that name none'),
    config.element, secret.element,
    field('Calls a minute (0: no budget)', rate),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save credential')),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    replace(status);
    const body = { config: collect(config), secret: collect(secret), ratePerMinute: Number(rate.value || 0) };
    try {
      const r = await api.put(`/api/credentials/${enc(connector.name)}/${enc(name.value.trim())}`, body);
      toast(`Credential ${connector.name}/${r.name} ${r.created ? 'created' : 'replaced'}.`);
      onSaved();
    } catch (e) {
      replace(status, errorNotice(e));
    } finally {
      clearSecrets();
      submit.disabled = false;
    }
  });
  // Fill the non-secret part from a stored credential, for replacing it.
  form.edit = (c) => {
    name.value = c.name;
    rate.value = String(c.ratePerMinute || 0);
    for (const [k, { control }] of Object.entries(config.controls)) {
      const v = (c.config || {})[k];
      control.value = v === undefined || v === null ? '' : String(v);
    }
    clearSecrets();
    const first = Object.values(secret.controls)[0];
    (first ? first.control : name).focus();
  };
  return form;
}

// ---- one connector ----

async function renderOne(main, name) {
  const c = await api.get(`/api/connectors/${enc(name)}`);
  add(main,
    h('p', {}, link('#/connectors', 'All connectors')),
    h('h2', {}, `${c.title || c.name} `, h('small', {}, `(${c.name} ${c.version || ''})`)),
    c.description ? h('p', {}, c.description) : null,
    facts([
      ['Settings', schemaFields(c.config_schema)],
      ['Secret fields', schemaFields(c.credential_schema)],
    ]),
    h('h2', {}, 'Actions'),
    table(`Actions of ${c.name}`, [
      { title: 'Action', cell: (a) => [h('code', {}, a.id), h('br', {}), a.title || ''] },
      { title: 'Description', cell: (a) => a.description || '' },
      { title: 'Inputs', cell: (a) => schemaFields(a.input_schema) },
      {
        title: 'Schemas',
        cell: (a) => h('details', {}, h('summary', {}, 'Input and output'),
          h('h3', {}, 'Input'), jsonBlock(a.input_schema, `Input schema of ${a.id}`),
          h('h3', {}, 'Output'), jsonBlock(a.output_schema, `Output schema of ${a.id}`),
          a.bpmn_errors && a.bpmn_errors.length ? [h('h3', {}, 'BPMN errors'), jsonBlock(a.bpmn_errors, `BPMN errors of ${a.id}`)] : null),
      },
    ], c.actions || [], 'This connector has no actions.'));

  if (!can.readCredentials()) return;
  const credBox = h('div', {});
  let form = null;
  const load = async () => {
    try {
      const creds = await api.get('/api/credentials', { connector: c.name });
      replace(credBox, credentialTable(creds.items || [], c, load, form ? (x) => form.edit(x) : null));
    } catch (e) {
      replace(credBox, errorNotice(e));
    }
  };
  if (can.changeCredentials() && c.credential_schema) form = credentialForm(c, load);
  add(main, h('h2', {}, 'Credentials'), credBox, form);
  await load();
}

export async function render(main, params) {
  add(main, heading('Connectors'));
  if (params[0]) await renderOne(main, params[0]);
  else await renderList(main);
}
