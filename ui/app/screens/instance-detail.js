// ui/app/screens/instance-detail.js - one instance ('#/instances/KEY'): its state, the diagram
// with completed, active and failed elements, open tasks, incidents (with retry), jobs (and
// which of them wait for an external worker), variables, history, and cancel/suspend/resume.
import { h, replace, table, when, link, jsonBlock } from '../dom.js';
import * as api from '../api.js';
import { heading, errorNotice, facts, button, confirm, toast, pagedList, every, notice } from '../ui.js';
import { can } from '../roles.js';
import { showDiagram } from '../diagram.js';
import { incidentTable } from './incidents.js';
import { stateBadge } from './instance-badge.js';

// What happened to each element, read from the effects in the instance's audit rows
// (docs/engine.md "Effects"): entered, left completed, incident raised and not resolved.
export function elementStates(inst) {
  const entered = new Set();
  const done = new Set();
  const failed = new Set();
  for (const row of inst.history || []) {
    for (const e of (row.payload && row.payload.effects) || []) {
      if (!e.element || e.type === 'bpmn:process') continue;
      if (e.event === 'enter') entered.add(e.element);
      else if (e.event === 'leave' && e.op === 'completed') done.add(e.element);
      else if (e.event === 'incident' && e.op === 'raised') failed.add(e.element);
      else if (e.event === 'incident' && e.op === 'resolved') failed.delete(e.element);
    }
  }
  // The incidents and active elements the server lists are the truth now; the history may be
  // cut to its newest rows.
  for (const i of inst.incidents || []) if (i.state === 'open' && i.elementId) failed.add(i.elementId);
  const active = new Set((inst.activeElements || []).map((a) => a.elementId));
  return { entered, done, failed, active };
}

// Marker classes for the diagram: a sequence flow counts as taken when its source completed and
// its target was entered, since flows leave no effect of their own.
function markers(states, diagram) {
  const out = {};
  for (const id of states.done) out[id] = 'ordo-done';
  for (const id of diagram.takenFlows(states.done, states.entered)) out[id] = 'ordo-done';
  for (const id of states.active) out[id] = 'ordo-active';
  for (const id of states.failed) out[id] = 'ordo-failed';
  return out;
}

function legend() {
  const item = (cls, text) => h('span', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text);
  return h('div', { class: 'legend', role: 'note', 'aria-label': 'Diagram legend' },
    item('done', 'completed'), item('active', 'active'), item('failed', 'failed (incident)'));
}

let catalogue = null;
// The job types some installed connector runs (action ids); null when it cannot be read.
async function installedTypes() {
  if (!catalogue) {
    catalogue = api.get('/api/connectors').then((c) => {
      const types = new Set();
      for (const conn of c.connectors || []) for (const a of conn.actions || []) types.add(a.id);
      return types;
    }, () => null);
  }
  return catalogue;
}

function jobTable(jobs, types) {
  const columns = [
    { title: 'Job', cell: (j) => j.key },
    { title: 'Kind', cell: (j) => j.kind },
    { title: 'Type', cell: (j) => [j.type || '-',
      j.kind === 'work' && j.type && types && !types.has(j.type)
        ? [' ', h('span', { class: 'badge warn' }, 'waits for an external worker')] : null] },
    { title: 'Element', cell: (j) => j.elementId || '-' },
    { title: 'Due', cell: (j) => (j.dueAt ? when(j.dueAt) : 'held by an incident') },
    { title: 'Attempts', cell: (j) => `${j.attempts ?? 0} (retries left ${j.retries ?? '-'})` },
    { title: 'Locked by', cell: (j) => j.lockOwner || '-' },
    { title: 'Last error', cell: (j) => (j.lastError ? h('span', { class: 'reason' }, j.lastError) : '-') },
  ];
  return table('Jobs', columns, jobs, 'No pending jobs.');
}

function taskTable(tasks) {
  const columns = [
    { title: 'Task', cell: (t) => link(`#/tasks/${encodeURIComponent(t.key)}`, t.name || t.elementId) },
    { title: 'State', cell: (t) => (t.state === 'created' ? 'open' : t.state) },
    { title: 'Assignee', cell: (t) => t.assignee || '-' },
    { title: 'Candidates', cell: (t) => [...(t.candidateUsers || []), ...(t.candidateGroups || []).map((g) => `group ${g}`)].join(', ') || 'any approver' },
    { title: 'Created', cell: (t) => when(t.createdAt) },
  ];
  return table('User tasks', columns, tasks, 'No user tasks.');
}

function historyTable(rows) {
  const columns = [
    { title: 'Time', cell: (r) => when(r.time) },
    { title: 'Actor', cell: (r) => r.actor },
    { title: 'Action', cell: (r) => r.action },
    { title: 'Element', cell: (r) => r.elementId || '-' },
    { title: 'Details', cell: (r) => (r.payload === undefined || r.payload === null ? '-'
      : h('details', {}, h('summary', {}, 'payload'), jsonBlock(r.payload, `Payload of audit row ${r.seq}`))) },
  ];
  return table('History', columns, [...rows].reverse(), 'No history.');
}

// A fingerprint of what the page shows, to redraw only when the instance moved on.
function signature(inst) {
  return JSON.stringify([inst.state, inst.suspended, inst.activeElements, inst.incidents, (inst.history || []).length]);
}

export async function renderInstance(main, key, ctx) {
  const path = `/api/instances/${encodeURIComponent(key)}`;
  let inst;
  try {
    inst = await api.get(path, null, { signal: ctx.signal });
  } catch (e) {
    main.append(heading(`Instance ${key}`), errorNotice(e), h('p', {}, link('#/instances', 'Back to instances')));
    return null;
  }
  const badge = h('span', {});
  const factsBox = h('div', {});
  const actions = h('div', { class: 'actions' });
  const diagramBox = h('div', { class: 'diagram' });
  const sections = h('div', {});
  const retrySlot = h('div', {});
  main.append(h('p', {}, link('#/instances', 'Back to instances')),
    heading(`Instance ${key}`, badge), factsBox, actions,
    h('div', { class: 'run-detail' }, h('h2', {}, 'Diagram'), diagramBox, legend(), retrySlot, sections));

  let diagram = null;
  let shown = '';
  const types = await installedTypes();

  async function refresh() {
    inst = await api.get(path, null, { signal: ctx.signal });
    draw();
  }

  function draw() {
    // The action buttons are made anew: the one that had the focus gets it back by its name.
    const had = actions.contains(document.activeElement) ? document.activeElement.textContent : null;
    shown = signature(inst);
    replace(badge, stateBadge(inst.state, 'instance-state'), inst.suspended ? [' ', h('span', { class: 'badge warn' }, 'suspended')] : null);
    replace(factsBox, facts([
      ['Process', `${inst.processId} (version ${inst.version}, definition ${inst.definitionKey})`],
      ['Business key', inst.businessKey || '-'],
      ['Started', when(inst.createdAt)],
      ['Ended', when(inst.endedAt)],
      inst.parentKey ? ['Called by', link(`#/instances/${encodeURIComponent(inst.parentKey)}`, `Instance ${inst.parentKey}`)] : null,
    ]));
    const active = inst.state === 'active';
    replace(actions,
      button('Refresh', refresh),
      can.changeInstance() && active && !inst.suspended ? button('Suspend', async () => {
        await api.request('POST', `${path}/suspend`);
        toast(`Instance ${key} suspended`);
        await refresh();
      }) : null,
      can.changeInstance() && active && inst.suspended ? button('Resume', async () => {
        await api.request('POST', `${path}/resume`);
        toast(`Instance ${key} resumed`);
        await refresh();
      }) : null,
      can.changeInstance() && active ? button('Cancel instance', async () => {
        if (!await confirm(`Cancel instance ${key}? Its open tasks and jobs end and it cannot be resumed.`, 'Cancel instance')) return;
        await api.request('POST', `${path}/cancel`);
        toast(`Instance ${key} canceled`);
        await refresh();
      }, { class: 'danger' }) : null);
    if (diagram) diagram.mark(markers(elementStates(inst), diagram));
    const openIncidents = (inst.incidents || []).filter((i) => i.state === 'open');
    const jobsBox = h('div', {});
    replace(sections,
      h('section', { 'aria-labelledby': 'inst-incidents' }, h('h2', { id: 'inst-incidents' }, `Incidents (${openIncidents.length} open)`),
        incidentTable(inst.incidents || [], inst.variables || {}, retrySlot, async () => {
          replace(retrySlot);
          await refresh();
          main.querySelector('h1').focus();
        })),
      h('section', { 'aria-labelledby': 'inst-tasks' }, h('h2', { id: 'inst-tasks' }, 'User tasks'), taskTable(inst.tasks || [])),
      h('section', { 'aria-labelledby': 'inst-jobs' }, h('h2', { id: 'inst-jobs' }, 'Jobs'), jobsBox),
      h('section', { 'aria-labelledby': 'inst-vars' }, h('h2', { id: 'inst-vars' }, 'Variables'), jsonBlock(inst.variables || {}, 'Variables')),
      h('section', { 'aria-labelledby': 'inst-history' }, h('h2', { id: 'inst-history' }, 'History (newest first)'),
        inst.historyTruncated ? notice('info', 'Only the newest 500 audit rows are shown; the Audit screen has them all.') : null,
        historyTable(inst.history || [])));
    pagedList(jobsBox, (after) => api.get(`${path}/jobs`, { after }, { signal: ctx.signal }),
      (items) => jobTable(items, types));
    const again = had && [...actions.querySelectorAll('button')].find((b) => b.textContent === had);
    if (again) again.focus();
    else if (had) main.querySelector('h1').focus(); // its button went (Cancel ended the instance)
  }

  draw();
  try {
    const xml = await api.get(`/api/definitions/${encodeURIComponent(inst.definitionKey)}/xml`, null, { signal: ctx.signal });
    if (!diagramBox.isConnected) return null;
    diagram = await showDiagram(diagramBox, xml, `Diagram of ${inst.processId} with the state of instance ${key}`);
    diagram.mark(markers(elementStates(inst), diagram));
    diagramBox.dataset.marked = 'true';
  } catch (e) {
    if (diagramBox.isConnected) diagramBox.replaceWith(errorNotice(e));
  }

  // While it runs, look every few seconds and redraw only when something changed, nobody is
  // typing in the retry card and the focus is not in the sections a redraw would replace (a
  // keyboard user reading the history keeps their place; the redraw waits until they leave).
  const stop = every(4000, async () => {
    if (inst.state !== 'active' || retrySlot.childElementCount || sections.contains(document.activeElement)) return;
    try {
      const fresh = await api.get(path, null, { signal: ctx.signal });
      if (signature(fresh) !== shown && !retrySlot.childElementCount && !sections.contains(document.activeElement)) {
        inst = fresh;
        draw();
      }
    } catch (_) {
      // a failed look is retried at the next tick; Refresh shows the error
    }
  });
  return () => {
    stop();
    if (diagram) diagram.destroy();
  };
}
