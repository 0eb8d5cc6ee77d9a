// ui/app/screens/tasks.js - the Tasks screen (issue 10): '#/tasks' is the inbox (the tasks I
// may work on, those assigned to me, a group's, or every task for operators and viewers);
// '#/tasks/KEY' is one task with its form (task-detail.js).
//
// Approvers have no event stream, so the list looks again every few seconds and changes only
// the rows that changed: a row that is kept keeps its focus, and the filters are never redrawn.
import { h, replace, when, link } from '../dom.js';
import * as api from '../api.js';
import { heading, filters, every, errorNotice, busy } from '../ui.js';
import { can } from '../roles.js';
import { renderTask } from './task-detail.js';

const POLL_MS = 4000;
const PAGE = 50;

function showOptions(user) {
  const out = [];
  if (can.workTasks()) {
    out.push(['mine', 'Tasks I can work on'], ['assigned', 'Assigned to me']);
    for (const g of user.groups || []) out.push([`group:${g}`, `Group ${g}`]);
  }
  if (can.readInstances()) out.push(['all', 'All tasks']);
  return out;
}

function queryFor(values, user) {
  const q = { state: values.state };
  if (values.show === 'mine') q.mine = 'true';
  else if (values.show === 'assigned') q.assignee = user.login;
  else if (values.show && values.show.startsWith('group:')) {
    q.candidateGroup = values.show.slice(6);
    // an approver's list is already cut to what they may act on; say so for the others too
    if (can.workTasks()) q.mine = 'true';
  }
  return q;
}

function candidates(t) {
  const parts = [...(t.candidateUsers || []), ...(t.candidateGroups || []).map((g) => `group ${g}`)];
  return parts.length ? parts.join(', ') : (t.assignee ? '-' : 'any approver');
}

function row(t) {
  const cells = [
    link(`#/tasks/${encodeURIComponent(t.key)}`, t.name || t.elementId),
    t.processId || '-',
    can.readInstances() ? link(`#/instances/${encodeURIComponent(t.instanceKey)}`, `Instance ${t.instanceKey}`) : t.instanceKey,
    t.assignee || 'nobody',
    candidates(t),
    t.state === 'created' ? 'open' : t.state,
    when(t.createdAt),
    when(t.dueAt),
  ];
  return h('tr', { 'data-task': t.key }, cells.map((c) => h('td', {}, c)));
}

export function render(main, params, ctx) {
  if (params[0]) return renderTask(main, params[0], ctx);
  const options = showOptions(ctx.user);
  let values = { show: options.length ? options[0][0] : 'all', state: 'open' };
  let items = [];
  let next = null;
  let generation = 0;
  const rows = new Map(); // task key -> {tr, sig}

  const tbody = h('tbody', {});
  const grid = h('table', { class: 'grid' },
    h('caption', { class: 'sr-only' }, 'Tasks'),
    h('thead', {}, h('tr', {}, ['Task', 'Process', 'Instance', 'Assignee', 'Candidates', 'State', 'Created', 'Due']
      .map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const empty = h('p', { class: 'empty' }, 'No tasks here.');
  const status = h('div', {});
  const count = h('p', { class: 'sr-only', role: 'status' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Load more');
  const bar = filters([
    { name: 'show', label: 'Show', type: 'select', value: values.show, options },
    { name: 'state', label: 'State', type: 'select', value: 'open',
      options: [['open', 'open'], ['completed', 'completed'], ['canceled', 'canceled'], ['all', 'all']] },
  ], (v) => {
    values = v;
    items = [];
    next = null;
    load(false);
  });
  main.append(heading('Tasks'), bar, h('div', { class: 'task-list' }, grid, empty, status, more), count);

  // Put the rows in the order of 'items', reusing the <tr> of every task whose data did not
  // change, so a focused link stays focused and nothing flickers.
  function sync() {
    const keep = new Set(items.map((t) => t.key));
    let lostFocus = false;
    for (const [key, r] of rows) {
      if (!keep.has(key)) {
        lostFocus = lostFocus || r.tr.contains(document.activeElement);
        r.tr.remove();
        rows.delete(key);
      }
    }
    items.forEach((t, at) => {
      const sig = JSON.stringify(t);
      let r = rows.get(t.key);
      if (!r || r.sig !== sig) {
        const tr = row(t);
        if (r) {
          const focusedCell = [...r.tr.cells].findIndex((td) => td.contains(document.activeElement));
          r.tr.replaceWith(tr);
          if (focusedCell >= 0) {
            const again = tr.cells[focusedCell].querySelector('a, button');
            if (again) again.focus();
          }
        }
        r = { tr, sig };
        rows.set(t.key, r);
      }
      if (tbody.children[at] !== r.tr) tbody.insertBefore(r.tr, tbody.children[at] || null);
    });
    if (lostFocus) main.querySelector('h1').focus();
    grid.hidden = items.length === 0;
    empty.hidden = items.length !== 0;
    more.hidden = !next;
    const text = `${items.length}${next ? '+' : ''} task${items.length === 1 ? '' : 's'}`;
    if (count.textContent !== text) count.textContent = text;
  }

  // more: the next page after the rows shown; otherwise the first pages again, as many rows as
  // are shown now (so a poll does not drop what "Load more" brought).
  async function load(moreRows) {
    const mine = ++generation;
    const q = queryFor(values, ctx.user);
    try {
      const answer = moreRows
        ? await api.get('/api/tasks', { ...q, after: next }, { signal: ctx.signal })
        : await api.get('/api/tasks', { ...q, limit: Math.min(500, Math.max(PAGE, items.length)) }, { signal: ctx.signal });
      if (mine !== generation) return;
      items = moreRows ? items.concat(answer.items || []) : (answer.items || []);
      next = answer.next || null;
      if (status.firstChild) replace(status);
      sync();
    } catch (e) {
      if (mine !== generation || (ctx.signal && ctx.signal.aborted)) return;
      replace(status, errorNotice(e));
    }
  }

  more.addEventListener('click', () => busy(more, () => load(true)));
  grid.hidden = true;
  empty.hidden = true;
  load(false);
  const stop = every(POLL_MS, () => {
    if (!document.hidden) load(false);
  });
  return stop;
}
