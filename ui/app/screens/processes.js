// ui/app/screens/processes.js - the Processes screen (issue 10): deployed definitions with their
// versions and diagram, starting an instance (with the start event's ordo:form when it has one),
// suspend/resume, export for Camunda 8/7 and the webhook endpoints that start or feed a process.
//
// '#/processes' lists the newest version of each process; '#/processes/KEY' is one definition
// (any version).
import { h, replace, field, table, when, link } from '../dom.js';
import * as api from '../api.js';
import { can } from '../roles.js';
import { heading, notice, errorNotice, toast, button, pagedList, facts } from '../ui.js';
import { showDiagram } from '../diagram.js';
import { renderForm } from '../form.js';

const ORDO_NS = 'urn:ordo:schema:bpmn:1.0';

// Deploy, suspend and resume take no body: api.post's default {} would be refused with 413.
const act = (path) => api.request('POST', path);

export async function render(main, params, ctx) {
  if (params[0]) return detail(main, params[0], ctx);
  main.append(heading('Processes'));
  if (can.deploy()) main.append(uploadForm(ctx));
  const box = h('div', {});
  main.append(box);
  pagedList(box, (after) => api.get('/api/definitions', { latest: 'true', limit: 50, after }), (items) => table('Processes, newest version of each', [
    { title: 'Process', cell: (d) => link(`#/processes/${d.key}`, d.name || d.processId) },
    { title: 'Process id', cell: (d) => h('code', {}, d.processId) },
    { title: 'Version', cell: (d) => String(d.version) },
    { title: 'State', cell: (d) => stateBadge(d) },
    { title: 'Deployed', cell: (d) => `${when(d.deployedAt)}${d.deployedBy ? ` by ${d.deployedBy}` : ''}` },
  ], items, 'No process is deployed yet. Draft one on the Generate screen, or deploy a BPMN file.'));
  return null;
}

// A BPMN file from disk, as Camunda Modeler would deploy it.
function uploadForm(ctx) {
  const file = h('input', { type: 'file', accept: '.bpmn,.xml,application/xml' });
  const result = h('div', {});
  const deploy = button('Deploy file', async () => {
    replace(result);
    const chosen = file.files && file.files[0];
    if (!chosen) {
      replace(result, notice('error', 'Choose a BPMN file first.'));
      file.focus();
      return;
    }
    let answer;
    try {
      answer = await api.request('POST', api.url('/api/deployments', { name: chosen.name }), await chosen.text());
    } catch (e) {
      replace(result, errorNotice(e));
      throw e;
    }
    const d = (answer.deployments || [])[0] || {};
    toast(`Deployed ${d.processId} version ${d.version}`);
    ctx.navigate(`#/processes/${d.key}`);
  });
  return h('details', { class: 'card upload' }, h('summary', {}, 'Deploy a BPMN file'),
    field('BPMN file', file, 'Camunda 7 or 8 BPMN, or one Ordo wrote. A model that cannot run is refused with its findings.'),
    result, h('div', { class: 'actions' }, deploy));
}

// ---- one definition ---------------------------------------------------------------------------

async function detail(main, key, ctx) {
  const enc = encodeURIComponent(key);
  let def;
  let xml;
  try {
    [def, xml] = await Promise.all([api.get(`/api/definitions/${enc}`), api.get(`/api/definitions/${enc}/xml`)]);
  } catch (e) {
    main.append(heading('Process'), errorNotice(e));
    return null;
  }
  const urls = [];
  let diagram = null;
  const state = h('span', {}, stateBadge(def));
  const tools = h('div', { class: 'actions' });
  main.append(heading(`${def.name || def.processId}`, h('span', { class: 'muted' }, `version ${def.version}`), link('#/processes', 'All processes')));

  function renderTools() {
    replace(tools);
    if (can.suspendDefinition()) {
      tools.append(def.suspended
        ? button('Resume', async () => {
          await act(`/api/definitions/${enc}/resume`);
          def.suspended = false;
          toast(`Version ${def.version} of ${def.processId} starts instances again`);
          changed();
        })
        : button('Suspend', async () => {
          await act(`/api/definitions/${enc}/suspend`);
          def.suspended = true;
          toast(`Version ${def.version} of ${def.processId} is suspended: it starts no instance`);
          changed();
        }, { title: 'Starts no new instance; running ones go on' }));
    }
    tools.append(exportButton(def, 'camunda8', 'Export for Camunda 8', exported, urls),
      exportButton(def, 'camunda7', 'Export for Camunda 7', exported, urls));
  }
  function changed() {
    replace(state, stateBadge(def));
    renderTools();
    tools.querySelector('button').focus();
  }
  const exported = h('div', { class: 'export-result', 'aria-live': 'polite' });
  renderTools();

  const diagramBox = h('div', {});
  const findings = h('div', {});
  const side = h('div', {});
  main.append(
    facts([
      ['Process id', h('code', {}, def.processId)],
      ['Definition key', def.key],
      ['Version', String(def.version)],
      ['Resource', def.resource],
      ['Deployed', `${when(def.deployedAt)}${def.deployedBy ? ` by ${def.deployedBy}` : ''}`],
      ['State', state],
    ]),
    tools, exported,
    h('div', { class: 'split process-layout' },
      h('div', {}, diagramBox, h('h2', {}, 'Findings'), findings),
      side));

  try {
    const container = h('div', {});
    diagramBox.append(container);
    diagram = await showDiagram(container, xml, `Diagram of ${def.name || def.processId} version ${def.version}`);
  } catch (e) {
    replace(diagramBox, errorNotice(e));
  }
  const marks = {};
  for (const f of def.findings || []) if (f.element) marks[f.element] = 'ordo-finding';
  if (diagram) diagram.mark(marks);
  findings.append(table('Lint findings stored with the definition', [
    { title: 'Severity', cell: (f) => h('span', { class: `badge ${f.severity === 'error' ? 'bad' : 'warn'}` }, f.severity) },
    { title: 'Element', cell: (f) => (f.element ? h('button', { type: 'button', class: 'link', 'aria-label': `Show ${f.element} on the diagram`, onclick: () => {
      if (!diagram) return;
      diagram.mark({ [f.element]: 'ordo-finding' });
      diagram.focus(f.element);
    } }, f.element) : '-') },
    { title: 'Rule', cell: (f) => f.rule },
    { title: 'Message', cell: (f) => f.message },
  ], def.findings || [], 'No findings.'));

  if (can.startInstance()) side.append(startPart(def, xml));
  side.append(h('h2', {}, 'Versions'), versionsPart(def));
  if (can.readWebhooks()) side.append(h('h2', {}, 'Webhook endpoints'), webhooksPart(def));

  return () => {
    if (diagram) diagram.destroy();
    for (const u of urls) URL.revokeObjectURL(u);
  };
}

function stateBadge(d) {
  return d.suspended ? h('span', { class: 'badge warn' }, 'suspended') : h('span', { class: 'badge ok' }, 'active');
}

// ---- start ------------------------------------------------------------------------------------

// The start event's ordo:form in the definition's process, if any: a none start first, since
// that is the one an API start fires (CONTRACTS §6), then any start with a form.
function startForm(xml, processId) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const process = [...doc.getElementsByTagNameNS('*', 'process')].find((p) => p.getAttribute('id') === processId);
  if (!process) return null;
  const starts = [...process.children].filter((el) => el.localName === 'startEvent');
  const isNone = (el) => ![...el.children].some((c) => c.localName.endsWith('EventDefinition'));
  const ordered = [...starts.filter(isNone), ...starts.filter((s) => !isNone(s))];
  for (const el of ordered) {
    const text = el.getAttributeNS(ORDO_NS, 'form');
    if (!text) continue;
    try {
      return { element: el.getAttribute('name') || el.getAttribute('id'), schema: JSON.parse(text) };
    } catch (_) {
      return null;
    }
  }
  return null;
}

function startPart(def, xml) {
  const found = startForm(xml, def.processId);
  const form = found ? renderForm(found.schema, {}) : null;
  const json = h('textarea', { rows: '4', spellcheck: 'false', placeholder: '{"employee_id": "102"}' });
  json.value = '{}';
  const businessKey = h('input', { type: 'text', maxlength: '256' });
  const result = h('div', { 'aria-live': 'polite' });
  const start = button('Start instance', async () => {
    replace(result);
    let variables;
    if (form) {
      const problems = form.errors();
      if (problems.length) {
        replace(result, notice('error', problems.join('; ')));
        return;
      }
      variables = form.values();
    } else {
      try {
        variables = JSON.parse(json.value.trim() || '{}');
      } catch (e) {
        replace(result, notice('error', `The variables are not JSON: ${e.message}`));
        json.focus();
        return;
      }
      if (!variables || typeof variables !== 'object' || Array.isArray(variables)) {
        replace(result, notice('error', 'The variables must be a JSON object, like {"employee_id": "102"}.'));
        json.focus();
        return;
      }
    }
    const body = { processId: def.processId, version: def.version, variables };
    if (businessKey.value.trim()) body.businessKey = businessKey.value.trim();
    let answer;
    try {
      answer = await api.post('/api/instances', body);
    } catch (e) {
      replace(result, errorNotice(e));
      throw e;
    }
    toast(`Started instance ${answer.key}`);
    const open = link(`#/instances/${answer.key}`, `Open instance ${answer.key}`);
    replace(result, notice('ok', `Started instance ${answer.key} of ${def.processId} version ${def.version}. `, open));
    open.focus();
  }, { class: 'primary' });
  return h('section', { class: 'card start', 'aria-labelledby': 'start-title' },
    h('h2', { id: 'start-title' }, 'Start an instance'),
    def.suspended ? notice('info', 'This version is suspended: the server refuses to start it until it is resumed.') : null,
    form ? [h('p', { class: 'muted' }, `The form of “${found.element}”:`), form.element]
      : field('Variables (JSON)', json, 'The process has no start form: give the variables as a JSON object.'),
    field('Business key (optional)', businessKey),
    h('div', { class: 'actions' }, start), result);
}

// ---- versions and webhooks --------------------------------------------------------------------

function versionsPart(def) {
  const box = h('div', {});
  pagedList(box, (after) => api.get(`/api/definitions/${encodeURIComponent(def.key)}/versions`, { limit: 20, after }), (items) => table('Versions of this process', [
    { title: 'Version', cell: (v) => (v.key === def.key ? h('span', { 'aria-current': 'page' }, `${v.version} (shown)`) : link(`#/processes/${v.key}`, `Version ${v.version}`)) },
    { title: 'Deployed', cell: (v) => when(v.deployedAt) },
    { title: 'State', cell: (v) => stateBadge(v) },
  ], items, 'No versions.'));
  return box;
}

// The endpoints API has no process filter, so its pages are read and filtered here.
async function endpointsOf(processId) {
  const out = [];
  let after = null;
  for (let page = 0; page < 20; page++) {
    const answer = await api.get('/api/webhooks/endpoints', { limit: 500, after });
    out.push(...(answer.items || []).filter((e) => e.process_id === processId));
    if (!answer.next) break;
    after = answer.next;
  }
  return out;
}

function webhooksPart(def) {
  const box = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  endpointsOf(def.processId).then((items) => {
    if (!items.length) {
      replace(box, h('p', { class: 'empty' }, 'No webhook starts or feeds this process.'));
      return;
    }
    replace(box, h('ul', { class: 'endpoints', 'aria-label': 'Webhook endpoints of this process' }, items.map((e) => h('li', {},
      h('code', {}, `${location.origin}/hooks/${e.name}`),
      h('div', { class: 'muted' },
        `${e.action === 'start' ? 'starts the process' : e.action}${e.message_name ? ` with the message ${e.message_name}` : ''}`
        + `${e.element_id ? ` at ${e.element_id}` : ''}; ${e.scheme} signature${e.secret_set ? '' : ', no secret set yet'}; `,
        e.enabled && !e.suspended ? h('span', { class: 'badge ok' }, 'enabled') : h('span', { class: 'badge warn' }, e.enabled ? 'suspended' : 'disabled'))))));
  }, (e) => replace(box, errorNotice(e)));
  return box;
}

// ---- export -----------------------------------------------------------------------------------

// The export as JSON (the BPMN, Camunda Forms and a report of what changed), saved through a
// Blob URL and an <a download>: no inline script, no navigation.
function exportButton(def, target, label, into, urls) {
  return button(label, async () => {
    const answer = await api.get(`/api/definitions/${encodeURIComponent(def.key)}/export`, { target });
    const base = `${def.processId}-v${def.version}-${target}`;
    const save = (text, name, type) => {
      const url = URL.createObjectURL(new Blob([text], { type }));
      urls.push(url);
      return h('a', { href: url, download: name, class: 'download' }, name);
    };
    const main = save(answer.bpmn, `${base}.bpmn`, 'application/xml');
    const forms = Object.entries(answer.forms || {}).map(([id, form]) => save(JSON.stringify(form, null, 2), `${id}.form`, 'application/json'));
    const report = answer.report || [];
    replace(into, h('section', { class: 'card' },
      h('h2', {}, label),
      h('p', {}, 'Downloaded ', main, forms.length ? [' and the Camunda forms ', forms.map((a, i) => [i ? ', ' : '', a])] : null, '.'),
      h('details', {}, h('summary', {}, `What changed: ${report.length} change(s), ${answer.lost || 0} that Camunda cannot express`),
        table(`What the ${target} export changed`, [
        { title: 'Level', cell: (r) => h('span', { class: `badge ${r.level === 'lost' ? 'bad' : (r.level === 'note' ? 'warn' : '')}` }, r.level) },
        { title: 'Element', cell: (r) => r.element || '-' },
        { title: 'What', cell: (r) => r.what },
        { title: 'Message', cell: (r) => r.message },
      ], report, 'Nothing needed changing.'))));
    main.click();
  });
}
