// ui/app/screens/instances.js - the Instances screen (issue 10): '#/instances' lists them with
// filters and cursor paging; '#/instances/KEY' is one instance (instance-detail.js).
import { h, table, when, link } from '../dom.js';
import * as api from '../api.js';
import { heading, pagedList, filters } from '../ui.js';
import { renderInstance } from './instance-detail.js';
import { stateBadge } from './instance-badge.js';

const STATES = ['active', 'completed', 'error', 'canceled', 'terminated'];

export function render(main, params, ctx) {
  if (params[0]) return renderInstance(main, params[0], ctx);
  let query = { processId: '', state: '', businessKey: '' };
  const listBox = h('div', { class: 'instance-list' });
  const bar = filters([
    { name: 'processId', label: 'Process id', placeholder: 'e.g. onboarding' },
    { name: 'state', label: 'State', type: 'select', options: [['', 'any'], ...STATES.map((s) => [s, s])] },
    { name: 'businessKey', label: 'Business key' },
  ], (values) => {
    query = values;
    list.reload();
  });
  main.append(heading('Instances'), bar, listBox);
  const columns = [
    { title: 'Instance', cell: (i) => link(`#/instances/${encodeURIComponent(i.key)}`, `Instance ${i.key}`) },
    { title: 'Process', cell: (i) => `${i.processId} v${i.version}` },
    { title: 'Business key', cell: (i) => i.businessKey || '-' },
    { title: 'State', cell: (i) => [stateBadge(i.state), i.suspended ? [' ', h('span', { class: 'badge warn' }, 'suspended')] : null] },
    { title: 'Started', cell: (i) => when(i.createdAt) },
    { title: 'Ended', cell: (i) => when(i.endedAt) },
  ];
  const list = pagedList(listBox,
    (after) => api.get('/api/instances', { ...query, after }, { signal: ctx.signal }),
    (items, first) => table('Instances', columns, items, first ? 'No instance matches.' : 'No more instances.'));
  return null;
}
