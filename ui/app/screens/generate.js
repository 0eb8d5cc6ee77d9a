// ui/app/screens/generate.js - the Generate screen (issue 10): a requirement in plain language
// becomes a draft process (docs/drafts.md), which a person reviews, simulates and deploys.
//
// '#/generate' shows the requirement form and the recent drafts; '#/generate/KEY' one draft.
// Generating navigates to the new draft's route, so a draft can be linked to and survives a
// reload; its progress comes from the event stream, which replays what already happened, so
// the same code follows a running draft and shows a finished one.
import { h, replace, field, table, when, link } from '../dom.js';
import * as api from '../api.js';
import { can } from '../roles.js';
import { heading, notice, errorNotice, toast, button, pagedList } from '../ui.js';
import { showDiagram, editDiagram } from '../diagram.js';
import { simulatePart } from './draft-simulate.js';

// The README's sentence (docs/writing-requirements.md, "A first example"): the offline drafter
// turns it into a process that runs in demo mode.
const ONBOARDING = 'New employee onboarding: when BambooHR adds an employee, open a Jira ticket, '
  + 'ask their manager to approve a laptop, then invite them to GitHub and welcome them in Slack.';


// Deploy, suspend and resume take no body: api.post's default {} would be refused with 413.
const act = (path) => api.request('POST', path);

const EVENT_TEXT = {
  prompt_sent: (d) => `Round ${d.round}: asked the LLM (${d.bytes} bytes)`,
  tokens_received: (d) => `Round ${d.round}: the LLM answered (${d.prompt} + ${d.completion} tokens, ${d.ms} ms)`,
  validation: (d) => `Round ${d.round}: checked, ${(d.violations || []).length} violation(s)`,
  drafted: (d) => `Drafted offline, ${d.unplaced} part(s) of the text not placed`,
  layout_done: (d) => `Laid out: ${d.shapes} shapes, ${d.crossings} crossing(s)`,
  done: (d) => `Done: ${d.status}${d.usable ? ', can be deployed' : ', cannot be deployed'}${d.error ? ` (${d.error.message || d.error})` : ''}`,
};

export async function render(main, params, ctx) {
  const key = params[0] || null;
  const screen = { diagram: null, editor: null };
  main.append(heading('Generate', key ? link('#/generate', 'New draft') : null));
  let draft = null;
  if (key) {
    try {
      draft = await api.get(`/api/drafts/${encodeURIComponent(key)}`);
    } catch (e) {
      main.append(errorNotice(e));
      return null;
    }
  }
  if (can.draft()) main.append(await requirementForm(draft, ctx));
  else if (!key) main.append(notice('info', 'Your roles let you read drafts, not make them.'));
  if (draft) main.append(draftView(draft, ctx, screen));
  else main.append(h('h2', {}, 'Recent drafts'), recentDrafts());
  return () => {
    if (screen.diagram) screen.diagram.destroy();
    if (screen.editor) screen.editor.destroy();
  };
}

// ---- the requirement --------------------------------------------------------------------------

async function requirementForm(draft, ctx) {
  const text = h('textarea', { class: 'prose requirement', rows: '5', required: true }, '');
  if (draft) text.value = draft.text;
  const systems = h('fieldset', { class: 'systems' }, h('legend', {}, 'Systems to use'));
  const allowHttp = h('input', { type: 'checkbox', id: 'allow-http', checked: Boolean(draft && draft.allowHttp) });
  const chosen = new Set((draft && draft.systems) || []);
  try {
    const catalogue = await api.get('/api/connectors');
    const boxes = (catalogue.connectors || []).filter((c) => c.name !== 'noop').map((c) => {
      const box = h('input', { type: 'checkbox', value: c.name, id: `system-${c.name}`, checked: chosen.has(c.name) });
      return h('label', { for: box.id, class: 'inline' }, box, ` ${c.title || c.name}`);
    });
    systems.append(h('div', { class: 'choices' }, boxes),
      h('small', { class: 'hint' }, 'None ticked: the drafter picks from every installed connector.'));
  } catch (e) {
    systems.append(errorNotice(e));
  }
  const problem = h('div', {});
  const example = h('button', { type: 'button', onclick: () => {
    text.value = ONBOARDING;
    text.focus();
  } }, 'Use the onboarding example');
  const generate = button('Generate', async () => {
    replace(problem);
    if (!text.value.trim()) {
      replace(problem, notice('error', 'Write the requirement first: what should happen, step by step.'));
      text.focus();
      return;
    }
    const body = { text: text.value };
    const picked = [...systems.querySelectorAll('input:checked')].map((b) => b.value);
    if (picked.length) body.systems = picked;
    if (allowHttp.checked) body.allowHttp = true;
    const queued = await api.post('/api/drafts', body);
    ctx.navigate(`#/generate/${queued.key}`);
  }, { class: 'primary' });
  const form = h('form', { class: 'requirement-form', onsubmit: (ev) => ev.preventDefault() },
    field('Requirement', text, 'What should happen, in plain language: the trigger, then each step. The text is data: nothing drafted runs until someone deploys it.'),
    h('div', { class: 'actions' }, example),
    systems,
    h('div', { class: 'field inline-field' }, h('label', { for: allowHttp.id, class: 'inline' }, allowHttp,
      ' Allow generic HTTP requests (http.* actions)')),
    problem,
    h('div', { class: 'actions' }, generate));
  if (!draft) return h('section', { class: 'card' }, form);
  return h('details', { class: 'card requirement-details' },
    h('summary', {}, 'Requirement: ', h('span', { class: 'muted' }, shorten(draft.text, 120)), ' (edit and generate again)'),
    form);
}

function recentDrafts() {
  const box = h('div', {});
  pagedList(box, (after) => api.get('/api/drafts', { limit: 20, after }), (items) => table('Recent drafts', [
    { title: 'Draft', cell: (d) => link(`#/generate/${d.key}`, `Draft ${d.key}`) },
    { title: 'Requirement', cell: (d) => shorten(d.text, 90) },
    { title: 'Status', cell: (d) => statusBadge(d) },
    { title: 'By', cell: (d) => d.createdBy },
    { title: 'Changed', cell: (d) => when(d.updatedAt) },
    { title: 'Deployed', cell: (d) => (d.deployment ? link(`#/processes/${d.deployment.definitionKey}`, `definition ${d.deployment.definitionKey}`) : '-') },
  ], items, 'No drafts yet.'));
  return box;
}

// ---- one draft --------------------------------------------------------------------------------

function draftView(first, ctx, screen) {
  const key = first.key;
  const status = h('p', { class: 'draft-status', role: 'status', 'aria-live': 'polite' });
  const progress = h('ol', { class: 'progress', 'aria-label': 'Drafting progress' });
  const body = h('div', {});
  const section = h('section', { class: 'draft', 'aria-label': `Draft ${key}` }, status,
    h('details', { class: 'progress-box' }, h('summary', {}, 'Progress'), progress), body);

  const say = (text) => {
    status.textContent = text;
  };

  async function follow() {
    replace(progress);
    say(`Draft ${key}: drafting…`);
    try {
      await api.stream(`/api/drafts/${encodeURIComponent(key)}/events`, (ev) => {
        const describe = EVENT_TEXT[ev.event];
        if (!describe) return;
        const text = describe(ev.data || {});
        progress.append(h('li', {}, text));
        if (ev.event !== 'done') say(`Draft ${key}: ${text}`);
      }, ctx.signal);
    } catch (e) {
      if (ctx.signal.aborted) return;
      body.prepend(errorNotice(e));
    }
    if (ctx.signal.aborted) return;
    try {
      show(await api.get(`/api/drafts/${encodeURIComponent(key)}`));
    } catch (e) {
      replace(body, errorNotice(e));
    }
  }

  // After a revision is queued: follow its events, then show what it made.
  const restart = () => follow();

  function show(draft) {
    say(`Draft ${draft.key}, revision ${draft.revision}: ${draft.status}${draft.usable ? ', can be deployed' : ', cannot be deployed'}`
      + (draft.deployment ? ` (deployed as definition ${draft.deployment.definitionKey})` : ''));
    if (screen.diagram) screen.diagram.destroy();
    if (screen.editor) screen.editor.destroy();
    screen.diagram = null;
    screen.editor = null;
    replace(body, draftBody(draft, ctx, screen, restart));
  }

  if (first.status === 'queued' || first.status === 'running') {
    follow();
  } else {
    show(first);
    // The finished draft's events, for the record of how it was made.
    api.stream(`/api/drafts/${encodeURIComponent(key)}/events`, (ev) => {
      const describe = EVENT_TEXT[ev.event];
      if (describe) progress.append(h('li', {}, describe(ev.data || {})));
    }, ctx.signal).catch(() => {});
  }
  return section;
}

function draftBody(draft, ctx, screen, restart) {
  const findingMarks = {};
  for (const f of [...(draft.violations || []), ...(draft.findings || [])]) if (f.element) findingMarks[f.element] = 'ordo-finding';
  const marks = { findings: findingMarks, path: {} };
  const applyMarks = () => {
    if (screen.diagram) screen.diagram.mark({ ...marks.findings, ...marks.path });
  };
  const diagramBox = h('div', { class: 'diagram-slot' });
  const diagramTools = h('div', { class: 'actions' });
  const left = h('div', { class: 'draft-main' }, diagramTools, diagramBox,
    h('div', { class: 'legend' },
      h('span', {}, h('span', { class: 'swatch path' }), 'simulated path'),
      h('span', {}, h('span', { class: 'swatch active' }), 'waiting'),
      h('span', {}, h('span', { class: 'swatch failed' }), 'incident'),
      h('span', {}, h('span', { class: 'swatch finding' }), 'finding')));
  const right = h('div', { class: 'draft-side' });

  async function view() {
    replace(diagramBox);
    if (!draft.xml) {
      diagramBox.append(notice('info', 'This draft has no diagram yet.'));
      return;
    }
    const container = h('div', {});
    diagramBox.append(container);
    try {
      screen.diagram = await showDiagram(container, draft.xml, `Diagram of draft ${draft.key}`);
      applyMarks();
    } catch (e) {
      replace(diagramBox, errorNotice(e));
    }
  }

  // Edit in the modeler: the edited XML goes back as a revision ({xml}), which the server lifts
  // into the IR when it can (docs/drafts.md, "A manual edit").
  async function edit() {
    if (screen.diagram) screen.diagram.destroy();
    screen.diagram = null;
    const container = h('div', { 'aria-label': `Modeler for draft ${draft.key}` });
    replace(diagramBox, notice('info', 'Editing: drag elements from the palette, then save to make a new revision.'), container);
    try {
      screen.editor = await editDiagram(container, draft.xml);
    } catch (e) {
      replace(diagramBox, errorNotice(e));
      return;
    }
    const save = button('Save edits', async () => {
      const xml = await screen.editor.xml();
      await api.post(`/api/drafts/${encodeURIComponent(draft.key)}/revise`, { xml });
      toast('Edits saved as a new revision');
      restart();
    }, { class: 'primary' });
    const cancel = button('Cancel editing', async () => {
      screen.editor.destroy();
      screen.editor = null;
      tools();
      await view();
    });
    replace(diagramTools, save, cancel);
  }

  function tools() {
    replace(diagramTools);
    if (can.draft() && draft.xml) diagramTools.append(button('Edit in the modeler', edit));
  }

  tools();
  view();
  if (draft.error) right.append(notice('error', `The last revision failed: ${draft.error.message || JSON.stringify(draft.error)}`));
  if (!draft.revisable && draft.revisableReason) right.append(notice('info', `Revising in words is off: ${draft.revisableReason}`));
  right.append(deployPart(draft));
  right.append(listPart('Questions to settle before deploying', draft.questions, 'No open questions.'));
  right.append(listPart('Assumptions', draft.assumptions, 'No assumptions.'));
  if ((draft.unplaced || []).length) {
    right.append(h('h2', {}, 'Not placed in the process'),
      h('ul', { class: 'plain' }, draft.unplaced.map((u) => h('li', {}, `“${u.sentence}”: ${u.reason}`))));
  }
  right.append(findingsPart(draft, screen, marks, applyMarks));
  right.append(usesPart(draft.uses));
  if (can.draft()) right.append(revisePart(draft, restart));
  right.append(historyPart(draft));
  left.append(simulatePart(draft, screen, marks, applyMarks));
  return h('div', { class: 'split draft-layout' }, left, right);
}

function listPart(title, items, empty) {
  return h('div', {}, h('h2', {}, title),
    (items || []).length ? h('ul', { class: 'plain' }, items.map((q) => h('li', {}, q))) : h('p', { class: 'empty' }, empty));
}

// Lint findings and IR violations, each with a button that shows its element on the diagram.
function findingsPart(draft, screen, marks, applyMarks) {
  const all = [
    ...(draft.violations || []).map((v) => ({ ...v, severity: 'violation' })),
    ...(draft.findings || []),
  ];
  const cells = [
    { title: 'Severity', cell: (f) => h('span', { class: `badge ${f.severity === 'error' || f.severity === 'violation' ? 'bad' : 'warn'}` }, f.severity) },
    { title: 'Element', cell: (f) => (f.element ? h('button', { type: 'button', class: 'link', onclick: () => {
      marks.findings = { [f.element]: 'ordo-finding' };
      applyMarks();
      if (screen.diagram) screen.diagram.focus(f.element);
    }, 'aria-label': `Show ${f.element} on the diagram` }, f.element) : '-') },
    { title: 'Rule', cell: (f) => f.rule },
    { title: 'Message', cell: (f) => f.message },
  ];
  return h('div', {}, h('h2', {}, 'Findings'), table('Lint findings and violations', cells, all, 'No findings: the linter is content.'));
}

function usesPart(uses) {
  const u = uses || {};
  const chips = (list) => ((list || []).length ? h('ul', { class: 'chips' }, list.map((x) => h('li', {}, h('code', {}, x)))) : h('span', { class: 'muted' }, 'none'));
  return h('div', {}, h('h2', {}, 'What it uses'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Actions'), h('dd', {}, chips(u.actions)),
      h('dt', {}, 'Credentials'), h('dd', {}, chips(u.credentials)),
      h('dt', {}, 'Webhooks'), h('dd', {}, chips(u.webhooks)),
      h('dt', {}, 'Notifications'), h('dd', {}, chips(u.notify))),
    h('h3', {}, 'Targets'),
    table('Targets: the inputs of each action', [
      { title: 'Step and action', cell: (t) => [h('span', { class: 'element-id' }, t.element), h('br', {}), h('code', {}, t.action)] },
      { title: 'Input', cell: (t) => t.input },
      { title: 'Value', cell: (t) => h('code', {}, t.source) },
    ], u.targets || [], 'No action inputs.'));
}

function revisePart(draft, restart) {
  const instruction = h('textarea', { class: 'prose', rows: '3' });
  const result = h('div', {});
  const revise = button('Revise', async () => {
    replace(result);
    if (!instruction.value.trim()) {
      replace(result, notice('error', 'Say what to change first.'));
      instruction.focus();
      return;
    }
    try {
      await api.post(`/api/drafts/${encodeURIComponent(draft.key)}/revise`, { instruction: instruction.value });
    } catch (e) {
      // Shown beside the field as well as in the toast: the offline drafter's refusal explains
      // what to do instead, and a toast goes away.
      replace(result, errorNotice(e));
      throw e;
    }
    restart();
  });
  return h('div', { class: 'revise' }, h('h2', {}, 'Revise in words'),
    field('Change', instruction, draft.revisable === false ? 'This draft cannot be revised in words; edit it in the modeler.' : 'For example: also post in #it when the laptop is approved.'),
    result, h('div', { class: 'actions' }, revise));
}

function historyPart(draft) {
  return h('details', { class: 'history' }, h('summary', {}, `History (${(draft.history || []).length} revisions)`),
    table('Revisions', [
      { title: 'Revision', cell: (r) => String(r.revision) },
      { title: 'Kind', cell: (r) => r.kind },
      { title: 'Instruction', cell: (r) => r.instruction || '-' },
      { title: 'Usable', cell: (r) => (r.usable ? 'yes' : 'no') },
      { title: 'Error', cell: (r) => (r.error ? r.error.message || JSON.stringify(r.error) : '-') },
    ], draft.history || [], 'No revisions yet.'));
}

// ---- deploy -----------------------------------------------------------------------------------

function deployPart(draft) {
  const result = h('div', {});
  const part = h('div', { class: 'deploy' }, h('h2', {}, 'Deploy'), result);
  if (draft.deployment) {
    result.append(notice('ok', `Revision ${draft.deployment.revision} is deployed as `,
      link(`#/processes/${draft.deployment.definitionKey}`, `definition ${draft.deployment.definitionKey}`),
      ` (${when(draft.deployment.deployedAt)}, by ${draft.deployment.deployedBy}).`));
  }
  if (!can.deploy()) {
    part.append(h('p', { class: 'muted' }, 'Deploying needs the designer role.'));
    return part;
  }
  const deploy = button('Deploy', async () => {
    replace(result);
    let answer;
    try {
      answer = await act(`/api/drafts/${encodeURIComponent(draft.key)}/deploy`);
    } catch (e) {
      replace(result, errorNotice(e));
      throw e;
    }
    const d = (answer.deployments || [])[0] || {};
    toast(`Deployed ${d.processId} version ${d.version}`);
    replace(result, notice('ok', `Deployed ${d.processId} version ${d.version}${d.created === false ? ' (this XML was deployed before)' : ''}: `,
      link(`#/processes/${d.key}`, 'open it in Processes')));
  }, { class: 'primary' });
  if (!draft.usable) {
    deploy.disabled = true;
    part.append(h('p', { class: 'muted' }, 'This draft cannot be deployed: see the findings below.'));
  }
  part.append(h('div', { class: 'actions' }, deploy));
  return part;
}

// ---- little helpers -----------------------------------------------------------------------------

function statusBadge(d) {
  const kind = d.status === 'failed' ? 'bad' : (d.status === 'ready' && d.usable ? 'ok' : 'warn');
  return h('span', { class: `badge ${kind}` }, d.status === 'ready' && !d.usable ? 'ready, not usable' : d.status);
}

function shorten(text, n) {
  const t = String(text || '').replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}
