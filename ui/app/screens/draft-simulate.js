// ui/app/screens/draft-simulate.js - the Generate screen's simulation (POST /api/simulate, the
// same run as `ordo run`): a draft runs in memory with the given variables, the path it took is
// marked on the diagram, and a run that waits at a user task or a message can be answered and
// run again.
import { h, replace, field, jsonBlock } from '../dom.js';
import * as api from '../api.js';
import { can } from '../roles.js';
import { notice, toast, button } from '../ui.js';
import { renderForm } from '../form.js';

const ORDO_NS = 'urn:ordo:schema:bpmn:1.0';

// The user tasks and their ordo:form, read from the XML (the viewer's model would do too, but
// the XML is what the server simulates).
function userTasks(xml) {
  const out = {};
  const doc = new DOMParser().parseFromString(xml || '', 'application/xml');
  for (const el of doc.getElementsByTagNameNS('*', 'userTask')) {
    let form = null;
    try {
      form = JSON.parse(el.getAttributeNS(ORDO_NS, 'form') || 'null');
    } catch (_) {
      form = null;
    }
    out[el.getAttribute('id')] = { name: el.getAttribute('name') || el.getAttribute('id'), form };
  }
  return out;
}

// What the records say: elements entered and left, those still waiting, incidents, open tasks
// and message subscriptions, in order.
function readRun(records) {
  const entered = [];
  const left = new Set();
  const open = new Map();
  const tasks = new Map();
  const messages = new Map();
  const incidents = [];
  for (const r of records || []) {
    if (r.type === 'bpmn:process') continue;
    if (r.event === 'enter') {
      if (!entered.includes(r.element)) entered.push(r.element);
      open.set(r.element_key, r.element);
    } else if (r.event === 'leave') {
      left.add(r.element);
      open.delete(r.element_key);
    } else if (r.event === 'task') {
      if (r.op === 'created') tasks.set(r.element_key, r.element);
      else tasks.delete(r.element_key);
    } else if (r.event === 'message' && r.name) {
      if (r.op === 'subscribed') messages.set(r.element_key, r.name);
      else messages.delete(r.element_key);
    } else if (r.event === 'incident' && r.op === 'raised') {
      incidents.push({ element: r.element, reason: r.reason });
    }
  }
  return { entered, left, open: [...open.values()], tasks: [...tasks.values()], messages: [...new Set(messages.values())], incidents };
}

export function simulatePart(draft, screen, marks, applyMarks) {
  const part = h('div', { class: 'simulate' }, h('h2', {}, 'Simulate'));
  if (!can.simulate()) {
    part.append(h('p', { class: 'muted' }, 'Simulating needs the designer or operator role.'));
    return part;
  }
  if (!draft.xml) return part;
  const variables = h('textarea', { rows: '3', spellcheck: 'false' });
  variables.value = '{}';
  const result = h('div', { class: 'sim-result', 'aria-live': 'polite' });
  const tasks = userTasks(draft.xml);
  let stimuli = [];

  async function run() {
    let vars;
    try {
      vars = JSON.parse(variables.value || '{}');
    } catch (e) {
      replace(result, notice('error', `The variables are not JSON: ${e.message}`));
      variables.focus();
      return;
    }
    const answer = await api.post('/api/simulate', { bpmn: draft.xml, variables: vars, stimuli });
    showRun(answer);
  }

  function showRun(answer) {
    const seen = readRun(answer.records);
    const path = {};
    for (const id of seen.entered) path[id] = 'ordo-path';
    // A flow is on the path when the element before it finished and the one after it started.
    if (screen.diagram) {
      for (const id of screen.diagram.takenFlows(seen.left, new Set(seen.entered))) path[id] = 'ordo-path';
    }
    for (const id of seen.open) path[id] = 'ordo-active';
    for (const i of seen.incidents) path[i.element] = 'ordo-failed';
    marks.path = path;
    marks.findings = {};
    applyMarks();
    const names = seen.entered.map((id) => (tasks[id] ? tasks[id].name : elementName(screen, id)));
    const waits = [];
    for (const id of seen.tasks) {
      const t = tasks[id] || { name: id, form: null };
      const form = renderForm(t.form, {});
      const answerIt = button(`Answer “${t.name}” and continue`, async () => {
        const problems = form.errors();
        if (problems.length) {
          toast(problems.join('; '), 'error');
          return;
        }
        stimuli = [...stimuli, { answer: id, variables: form.values() }];
        await run();
      });
      waits.push(h('div', { class: 'card' }, h('p', {}, `Waiting at the user task “${t.name}”.`), form.element, h('div', { class: 'actions' }, answerIt)));
    }
    for (const name of seen.messages) {
      waits.push(h('div', { class: 'card' }, h('p', {}, `Waiting for the message “${name}”.`),
        h('div', { class: 'actions' }, button(`Deliver “${name}” and continue`, async () => {
          stimuli = [...stimuli, { message: name }];
          await run();
        }))));
    }
    replace(result,
      notice(answer.status === 'incident' ? 'error' : (answer.status === 'completed' ? 'ok' : 'info'),
        `Simulation ${answer.status}: ${names.length} element(s) reached, highlighted on the diagram.`),
      seen.incidents.map((i) => notice('error', `Incident at ${i.element}: ${i.reason || 'no reason given'}`)),
      h('ol', { class: 'sim-path', 'aria-label': 'Simulated path' }, names.map((n) => h('li', {}, n))),
      waits,
      h('details', {}, h('summary', {}, 'Variables at the end'), jsonBlock(answer.variables, 'Variables at the end of the simulation')));
  }

  const simulate = button('Simulate', async () => {
    stimuli = [];
    await run();
  }, { class: 'primary' });
  part.append(h('p', { class: 'muted' }, 'Runs the draft in memory: every job completes with no result; nothing is stored or sent.'),
    field('Variables for the simulation (JSON)', variables, 'The variables the instance starts with, e.g. {"employee_id": "102"}.'),
    h('div', { class: 'actions' }, simulate), result);
  return part;
}

function elementName(screen, id) {
  const el = screen.diagram && screen.diagram.viewer.get('elementRegistry').get(id);
  return (el && el.businessObject && el.businessObject.name) || id;
}
