// ui/app/screens/incidents.js - the Incidents screen (issue 10): open (or resolved) incidents
// with their reason, and a retry that may change variables first. retryPanel() is also used by
// the instance detail (instance-detail.js).
import { h, replace, table, when, link, field, uid } from '../dom.js';
import * as api from '../api.js';
import { heading, pagedList, filters, facts, button, toast, notice } from '../ui.js';
import { can } from '../roles.js';
import { stateBadge } from './instance-badge.js';

// The variables to send: those added or changed against 'current'. A name removed from the
// text is not sent, as the retry route can set variables but not delete them.
function changed(current, edited) {
  const out = {};
  for (const [name, value] of Object.entries(edited)) {
    if (!(name in current) || JSON.stringify(current[name]) !== JSON.stringify(value)) out[name] = value;
  }
  return out;
}

// A card to retry 'incident' with variables edited from 'current' (the instance's variables).
// onDone() runs after the server accepted the retry; onClose() when the card is dismissed.
export function retryPanel(incident, current, onDone, onClose) {
  const titleId = uid('retry');
  const text = h('textarea', { spellcheck: 'false' }, '');
  text.value = JSON.stringify(current || {}, null, 2);
  const problem = h('div', {});
  const go = button('Retry', async () => {
    let edited;
    try {
      edited = JSON.parse(text.value || '{}');
    } catch (e) {
      replace(problem, notice('error', `The variables are not JSON: ${e.message}`));
      text.focus();
      return;
    }
    if (!edited || typeof edited !== 'object' || Array.isArray(edited)) {
      replace(problem, notice('error', 'The variables must be a JSON object: {"name": value, ...}'));
      text.focus();
      return;
    }
    replace(problem);
    const variables = changed(current || {}, edited);
    await api.post(`/api/incidents/${encodeURIComponent(incident.key)}/retry`,
      Object.keys(variables).length ? { variables } : {});
    const names = Object.keys(variables);
    toast(names.length ? `Incident ${incident.key} retried with ${names.join(', ')} changed` : `Incident ${incident.key} retried`);
    onDone();
  }, { class: 'primary', ariaLabel: `Retry incident ${incident.key}` });
  const close = h('button', { type: 'button', onclick: onClose }, 'Close');
  const card = h('section', { class: 'card retry-panel', 'aria-labelledby': titleId },
    h('h2', { id: titleId, tabindex: '-1' }, `Retry incident ${incident.key}`),
    facts([
      ['Instance', incident.instanceKey],
      ['Element', incident.elementId || '-'],
      ['Reason', h('span', { class: 'reason' }, incident.reason || '-')],
    ]),
    field('Variables', text, 'The instance\'s variables as JSON. Added or changed ones are set before the retry; removing a name does not delete it.'),
    problem,
    h('div', { class: 'actions' }, close, go));
  card.focusFirst = () => text.focus();
  return card;
}

export function render(main, params, ctx) {
  let query = { state: 'open', instanceKey: params[0] || '' };
  const slot = h('div', {});
  const listBox = h('div', {});
  const bar = filters([
    { name: 'state', label: 'State', type: 'select', value: 'open', options: [['open', 'open'], ['resolved', 'resolved'], ['all', 'all']] },
    { name: 'instanceKey', label: 'Instance key', value: query.instanceKey },
  ], (values) => {
    query = values;
    list.reload();
  });
  main.append(heading('Incidents'), bar, slot, listBox);

  async function openRetry(incident, opener) {
    const inst = await api.get(`/api/instances/${encodeURIComponent(incident.instanceKey)}`, null, { signal: ctx.signal });
    const back = () => {
      replace(slot);
      if (opener.isConnected) opener.focus();
      else main.querySelector('h1').focus();
    };
    const panel = retryPanel(incident, inst.variables || {}, () => {
      replace(slot);
      list.reload();
      main.querySelector('h1').focus();
    }, back);
    replace(slot, panel);
    panel.focusFirst();
  }

  const columns = [
    { title: 'Incident', cell: (i) => i.key },
    { title: 'Instance', cell: (i) => link(`#/instances/${encodeURIComponent(i.instanceKey)}`, `Instance ${i.instanceKey}`) },
    { title: 'Process', cell: (i) => i.processId || '-' },
    { title: 'Element', cell: (i) => i.elementId || '-' },
    { title: 'Reason', cell: (i) => h('span', { class: 'reason' }, i.reason || '-') },
    { title: 'Raised', cell: (i) => when(i.createdAt) },
    { title: 'State', cell: (i) => [stateBadge(i.state), i.resolvedAt ? ` ${when(i.resolvedAt)}` : null] },
    { title: 'Actions', cell: (i) => (i.state === 'open' && can.retryIncident()
      ? button('Retry…', (b) => openRetry(i, b), { ariaLabel: `Retry incident ${i.key}…` })
      : '-') },
  ];
  const list = pagedList(listBox,
    (after) => api.get('/api/incidents', { ...query, after }, { signal: ctx.signal }),
    (items, first) => {
      const t = table('Incidents', columns, items, first ? 'No incident matches.' : 'No more incidents.');
      if (t.tagName === 'TABLE') {
        for (const [n, row] of [...t.tBodies[0].rows].entries()) row.dataset.incident = items[n].key;
      }
      return t;
    });
  return null;
}

// For the instance detail: its incidents as rows, with Retry opening retryPanel() in 'slot'.
export function incidentTable(incidents, variables, slot, onDone) {
  const columns = [
    { title: 'Incident', cell: (i) => i.key },
    { title: 'Element', cell: (i) => i.elementId || '-' },
    { title: 'Reason', cell: (i) => h('span', { class: 'reason' }, i.reason || '-') },
    { title: 'Raised', cell: (i) => when(i.createdAt) },
    { title: 'State', cell: (i) => stateBadge(i.state) },
    { title: 'Actions', cell: (i) => (i.state === 'open' && can.retryIncident()
      ? h('button', { type: 'button', 'aria-label': `Retry incident ${i.key}…`, onclick: (ev) => {
        const opener = ev.currentTarget;
        const panel = retryPanel(i, variables, onDone, () => {
          replace(slot);
          opener.focus();
        });
        replace(slot, panel);
        panel.focusFirst();
      } }, 'Retry…')
      : '-') },
  ];
  return table('Incidents of this instance', columns, incidents, 'No incidents.');
}
