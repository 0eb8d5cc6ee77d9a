// ui/app/screens/task-detail.js - one user task ('#/tasks/KEY'): who holds it, Claim/Unclaim,
// its ordo:form (app/form.js), a Comment, and Approve/Reject when the form has a yes/no field
// that decides (Complete otherwise).
//
// The decision field is not shown as a yes/no control: the Approve and Reject buttons set it,
// so one keypress both answers and sends. The comment travels as the variable 'comment' (the
// task API has no other place for one; a form may declare it too).
import { h, replace, when, link, field } from '../dom.js';
import * as api from '../api.js';
import { heading, errorNotice, facts, notice, toast, busy, every, errorText } from '../ui.js';
import { can } from '../roles.js';
import { renderForm } from '../form.js';

const POLL_MS = 4000;

// The boolean form field the decision sets: one with a telling name, else the only (required)
// boolean. null when the form has none, or several and none stands out.
export function decisionField(form) {
  const props = (form && form.properties) || {};
  const bools = Object.keys(props).filter((n) => props[n].type === 'boolean');
  const named = bools.find((n) => /^(approved?|accepted?|decision|ok)$/i.test(n));
  if (named) return named;
  const required = bools.filter((n) => ((form && form.required) || []).includes(n));
  if (required.length === 1) return required[0];
  return bools.length === 1 ? bools[0] : null;
}

function isMe(user, assignee) {
  if (!assignee) return false;
  const a = assignee.toLowerCase();
  return a === (user.login || '').toLowerCase() || a === (user.email || '').toLowerCase();
}

// The form without the fields this page asks for itself (decision, comment).
function restOf(form, leaveOut) {
  if (!form || !form.properties) return form;
  const properties = {};
  for (const [n, p] of Object.entries(form.properties)) if (!leaveOut.includes(n)) properties[n] = p;
  return { ...form, properties, required: (form.required || []).filter((n) => !leaveOut.includes(n)) };
}

function detailsText(e) {
  const details = e && e.details;
  return Array.isArray(details) ? details.map((d) => `${d.field}: ${d.message}`) : [];
}

export async function renderTask(main, key, ctx) {
  const path = `/api/tasks/${encodeURIComponent(key)}`;
  const back = h('p', {}, link('#/tasks', 'Back to tasks'));
  let task;
  try {
    task = await api.get(path, null, { signal: ctx.signal });
  } catch (e) {
    main.append(back, heading(`Task ${key}`), errorNotice(e));
    return null;
  }
  const stateBox = h('span', {});
  const factsBox = h('div', {});
  const holder = h('div', { class: 'actions' });
  const problems = h('div', {});
  const body = h('div', { class: 'task-detail' });
  main.append(back, heading(task.name || task.elementId, stateBox), body);

  const form = task.form || null;
  const decision = decisionField(form);
  const commentProp = form && form.properties && form.properties.comment;
  const commentRequired = Boolean(commentProp && (form.required || []).includes('comment'));
  const rendered = renderForm(restOf(form, [decision, 'comment'].filter(Boolean)), {});
  const comment = h('textarea', { class: 'comment', name: 'comment', required: commentRequired || undefined });
  const hasFields = Object.keys((restOf(form, [decision, 'comment'].filter(Boolean)) || {}).properties || {}).length > 0;

  const open = () => task.state === 'created';
  const mayWork = () => can.workTasks() && task.mayComplete && open();

  function drawHeader() {
    replace(stateBox, h('span', { class: `badge state-${task.state === 'created' ? 'active' : task.state}` }, task.state === 'created' ? 'open' : task.state));
    replace(factsBox, facts([
      ['Process', task.processId || '-'],
      ['Instance', can.readInstances() ? link(`#/instances/${encodeURIComponent(task.instanceKey)}`, `Instance ${task.instanceKey}`) : task.instanceKey],
      ['Assignee', task.assignee || 'nobody'],
      ['Candidates', [...(task.candidateUsers || []), ...(task.candidateGroups || []).map((g) => `group ${g}`)].join(', ') || 'any approver'],
      ['Created', when(task.createdAt)],
      task.dueAt ? ['Due', when(task.dueAt)] : null,
      task.endedAt ? ['Ended', when(task.endedAt)] : null,
      task.completedBy ? ['Completed by', task.completedBy] : null,
    ]));
    const mine = isMe(ctx.user, task.assignee);
    replace(holder,
      mayWork() && !task.assignee ? actionButton('Claim', async () => {
        await api.request('POST', `${path}/claim`);
        toast(`You hold task ${key} now`);
        await reload();
        keepFocusIn(holder);
      }) : null,
      mayWork() && mine ? actionButton('Unclaim', async () => {
        await api.request('POST', `${path}/unclaim`);
        toast(`Task ${key} given back`);
        await reload();
        keepFocusIn(holder);
      }) : null,
      mayWork() && task.assignee && !mine ? h('span', {}, `${task.assignee} holds this task.`) : null);
    for (const b of decisionBox.querySelectorAll('button')) b.disabled = !mayWork();
  }

  // The clicked button was replaced: put the focus on its successor rather than on <body>.
  function keepFocusIn(box) {
    const next = box.querySelector('button') || main.querySelector('h1');
    next.focus();
  }

  // A button whose failure is shown by busy() as a toast with the API's message.
  function actionButton(label, work, cls = '') {
    const b = h('button', { type: 'button', class: cls }, label);
    b.addEventListener('click', () => busy(b, work));
    return b;
  }

  async function reload() {
    task = await api.get(path, null, { signal: ctx.signal });
    drawHeader();
    if (!open()) {
      replace(problems, notice('info', `This task is ${task.state}${task.completedBy ? ` by ${task.completedBy}` : ''}: there is nothing left to do.`));
    }
  }

  async function finish(approve, label) {
    replace(problems);
    const errors = rendered.errors();
    if (commentRequired && !comment.value.trim()) errors.push('Comment is required');
    if (errors.length) {
      replace(problems, notice('error', 'Please fix: ', errors.join('; ')));
      return;
    }
    const variables = rendered.values();
    if (decision) variables[decision] = approve;
    if (comment.value.trim()) variables.comment = comment.value.trim();
    try {
      // Claim first when nobody holds it, so the audit says who took it; a task someone else
      // holds is left to the server to accept or refuse.
      if (!task.assignee) await api.request('POST', `${path}/claim`);
      await api.post(`${path}/complete`, { variables });
    } catch (e) {
      const lines = detailsText(e);
      replace(problems, notice('error', errorText(e), lines.length ? h('ul', {}, lines.map((l) => h('li', {}, l))) : null));
      await reload().catch(() => {});
      return;
    }
    toast(`Task ${task.name || key}: ${label}`);
    ctx.navigate('#/tasks');
  }

  const decisionBox = h('div', { class: 'decision' },
    decision
      ? [actionButton('Approve', () => finish(true, 'approved'), 'primary'), actionButton('Reject', () => finish(false, 'rejected'), 'danger')]
      : actionButton('Complete', () => finish(null, 'completed'), 'primary'));

  const work = can.workTasks()
    ? h('section', { 'aria-label': 'Work on this task' },
      hasFields ? rendered.element : null,
      field(commentRequired ? 'Comment (required)' : 'Comment', comment, decision ? 'Sent with your decision.' : 'Sent with the task.'),
      decisionBox)
    : h('section', {}, h('h2', {}, 'Form'),
      hasFields || decision
        ? h('fieldset', { disabled: true }, h('legend', {}, 'What the approver fills in'), rendered.element,
          decision ? h('p', {}, `The decision sets ${decision}.`) : null)
        : h('p', { class: 'empty' }, 'This task has no form.'));

  body.append(factsBox, holder, problems, work);
  drawHeader();
  if (!open()) replace(problems, notice('info', `This task is ${task.state}: there is nothing left to do.`));
  else if (can.workTasks() && !task.mayComplete) replace(problems, notice('info', 'You are not an approver of this task, so you cannot claim or complete it.'));

  // Someone else may claim or complete it meanwhile: look now and then, touching only the
  // header and buttons, never the form being filled in.
  const stop = every(POLL_MS, async () => {
    if (!open() || document.hidden) return;
    try {
      const fresh = await api.get(path, null, { signal: ctx.signal });
      if (JSON.stringify(fresh) !== JSON.stringify(task)) {
        task = fresh;
        const focused = holder.contains(document.activeElement);
        drawHeader();
        if (focused) main.querySelector('h1').focus();
        if (!open()) replace(problems, notice('info', `This task is ${task.state}${task.completedBy ? ` by ${task.completedBy}` : ''}: there is nothing left to do.`));
      }
    } catch (_) {
      // the next tick tries again
    }
  });
  return stop;
}
