// tests/ui/run-screens.js - the Instances, Incidents and Tasks screens (issue 10): the instance
// list filters and pages, the detail shows state, diagram markers, jobs waiting for an external
// worker and cancels after a confirmation; an incident (an exclusive gateway with nowhere to go)
// is retried with a changed variable; an approver sees only their group's task (must-show 3,
// also refused by the API), the list picks up a new task without a reload and keeps focus, and
// a task is claimed, filled in and approved with the keyboard, another rejected. A viewer sees
// no Cancel and the API refuses it.
'use strict';

const lib = require('./lib.js');

const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
  + 'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
  + 'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
  + 'xmlns:ordo="urn:ordo:schema:bpmn:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

// A BPMN file from nodes {id, tag, x, y, w, h, attrs, inner} and flows [id, from, to, inner];
// the shapes' bounds make the diagram, the flows run centre to centre.
function bpmn(processId, nodes, flows) {
  const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
  const io = (id) => [...flows.filter((f) => f[2] === id).map((f) => `<bpmn:incoming>${f[0]}</bpmn:incoming>`),
    ...flows.filter((f) => f[1] === id).map((f) => `<bpmn:outgoing>${f[0]}</bpmn:outgoing>`)].join('');
  const el = nodes.map((n) => `<bpmn:${n.tag} id="${n.id}" name="${n.id}" ${n.attrs || ''}>${n.inner || ''}${io(n.id)}</bpmn:${n.tag}>`).join('\n');
  const fl = flows.map(([id, a, b, inner]) => `<bpmn:sequenceFlow id="${id}" sourceRef="${a}" targetRef="${b}">${inner || ''}</bpmn:sequenceFlow>`).join('\n');
  const shapes = nodes.map((n) => `<bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"><dc:Bounds x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}"/></bpmndi:BPMNShape>`).join('\n');
  const mid = (n) => [n.x + n.w / 2, n.y + n.h / 2];
  const edges = flows.map(([id, a, b]) => {
    const [x1, y1] = mid(byId[a]);
    const [x2, y2] = mid(byId[b]);
    return `<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="${x1}" y="${y1}"/><di:waypoint x="${x2}" y="${y2}"/></bpmndi:BPMNEdge>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${processId}" targetNamespace="urn:ordo:tests">
<bpmn:process id="${processId}" isExecutable="true">
${el}
${fl}
</bpmn:process>
<bpmndi:BPMNDiagram id="Dia_${processId}"><bpmndi:BPMNPlane id="Plane_${processId}" bpmnElement="${processId}">
${shapes}
${edges}
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

const ev = (id, tag, x, y) => ({ id, tag, x, y: y + 22, w: 36, h: 36 });
const box = (id, tag, x, y, attrs, inner) => ({ id, tag, x, y, w: 100, h: 80, attrs, inner });
const gw = (id, tag, x, y, attrs) => ({ id, tag, x, y: y + 15, w: 50, h: 50, attrs });

// Start -> Gate (no default; only ok = true leads on) -> Work -> End: ok false is an incident.
const GATE_XML = bpmn('uirun_gate', [
  ev('Start', 'startEvent', 100, 100), gw('Gate', 'exclusiveGateway', 200, 100),
  box('Work', 'serviceTask', 300, 100, 'ordo:action="noop.complete"',
    '<bpmn:extensionElements><zeebe:taskDefinition type="noop.complete"/></bpmn:extensionElements>'),
  ev('End', 'endEvent', 460, 100),
], [['F1', 'Start', 'Gate'],
  ['F_ok', 'Gate', 'Work', '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=ok = true</bpmn:conditionExpression>'],
  ['F3', 'Work', 'End']]);

// Start -> Ext (a job type no connector runs: it waits for an external worker) -> End.
const EXTERNAL_XML = bpmn('uirun_external', [
  ev('Start', 'startEvent', 100, 100),
  box('Ext', 'serviceTask', 200, 100, '', '<bpmn:extensionElements><zeebe:taskDefinition type="uirun.external"/></bpmn:extensionElements>'),
  ev('End', 'endEvent', 360, 100),
], [['F1', 'Start', 'Ext'], ['F2', 'Ext', 'End']]);

const FORM = JSON.stringify({
  type: 'object', required: ['approved', 'amount'],
  properties: {
    approved: { type: 'boolean', title: 'Approve?' },
    amount: { type: 'integer', title: 'Amount' },
  },
}).replace(/"/g, '&quot;');

// Start -> fork -> TaskA (group A, a form) and TaskB (group B) -> join -> End.
function groupsXml(processId, groupA, groupB) {
  const userTask = (id, group, form) => box(id, 'userTask', 300, id === 'TaskA' ? 40 : 180, form ? `ordo:form="${FORM}"` : '',
    `<bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${group}"/></bpmn:extensionElements>`);
  return bpmn(processId, [
    ev('Start', 'startEvent', 100, 110), gw('Fork', 'parallelGateway', 190, 110),
    userTask('TaskA', groupA, true), userTask('TaskB', groupB, false),
    gw('Join', 'parallelGateway', 460, 110), ev('End', 'endEvent', 560, 110),
  ], [['F1', 'Start', 'Fork'], ['FA', 'Fork', 'TaskA'], ['FB', 'Fork', 'TaskB'],
    ['FA2', 'TaskA', 'Join'], ['FB2', 'TaskB', 'Join'], ['F9', 'Join', 'End']]);
}

async function deploy(xml) {
  const answer = await lib.apiOk('POST', '/api/deployments', xml, [200, 201]);
  return answer.deployments[0];
}

async function start(processId, variables, businessKey) {
  return (await lib.apiOk('POST', '/api/instances', { processId, variables, businessKey }, [201])).key;
}

async function tasksOf(instanceKey) {
  return (await lib.apiOk('GET', `/api/tasks?instanceKey=${instanceKey}&state=all`, undefined, [200])).items;
}

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) lib.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// bpmn-js draws a flow as a thin path playwright calls hidden: attached is what counts.
async function marked(page, id, cls) {
  await page.locator(`.djs-element.${cls}[data-element-id="${id}"]`).waitFor({ state: 'attached' });
}

async function keyFor(login, scopes) {
  return (await lib.apiOk('POST', '/api/keys', { name: `uirun-${login}`, user: login, scopes }, [201])).token;
}

lib.main(async () => {
  const stamp = Date.now();
  const findings = [];
  const ui = await lib.launch();
  try {
    // ---- data ----
    await deploy(GATE_XML);
    await deploy(EXTERNAL_XML);
    const groupA = `uirun-a-${stamp}`;
    const groupB = `uirun-b-${stamp}`;
    const password = `pw-${stamp}-Secret!`;
    const approver = `uirun-appr-${stamp}`;
    await lib.makeUser(approver, password, ['approver'], [groupA]);
    await lib.makeUser(`uirun-other-${stamp}`, password, ['approver'], [groupB]);
    const viewer = `uirun-view-${stamp}`;
    await lib.makeUser(viewer, password, ['viewer']);
    const groupsId = `uirun_groups_${stamp}`;
    await deploy(groupsXml(groupsId, groupA, groupB));

    const bkA = `uirun-${stamp}-a`;
    const extA = await start('uirun_external', { who: 'a' }, bkA);
    const extB = await start('uirun_external', { who: 'b' }, `uirun-${stamp}-b`);
    const gate = await start('uirun_gate', { ok: false, note: 'first try' }, `uirun-${stamp}-gate`);
    const incident = await until('the gateway incident', async () => {
      const list = await lib.apiOk('GET', `/api/incidents?instanceKey=${gate}`, undefined, [200]);
      return list.items[0];
    });
    const job = await until('the external job', async () => (await lib.apiOk('GET', `/api/instances/${extA}/jobs`, undefined, [200])).items[0]);
    lib.check(job.type === 'uirun.external', `the external job is ${JSON.stringify(job)}`);
    const first = await start(groupsId, {}, `uirun-${stamp}-g1`);
    const firstTasks = await until('two user tasks', async () => {
      const t = await tasksOf(first);
      return t.length === 2 ? t : null;
    });
    const taskA = firstTasks.find((t) => t.elementId === 'TaskA');
    const taskB = firstTasks.find((t) => t.elementId === 'TaskB');

    // ---- instances: list, filter, detail, cancel (admin) ----
    const admin = await ui.newPage('admin');
    await lib.loginKey(admin, lib.ADMIN_KEY);
    await admin.goto(`${lib.URL_BASE}/ui/#/instances`);
    await admin.locator('table.grid a', { hasText: `Instance ${extB}` }).waitFor();
    await admin.getByLabel('Business key').fill(bkA);
    await admin.locator('table.grid a', { hasText: `Instance ${extB}` }).waitFor({ state: 'detached' });
    await lib.settle(admin); // the filtered page has arrived
    const rows = await admin.locator('.instance-list table.grid tbody tr').count();
    lib.check(rows === 1, `the business key filter leaves ${rows} rows`);
    await admin.getByLabel('State').selectOption('completed');
    await admin.locator('.instance-list .empty').waitFor();
    await admin.getByLabel('State').selectOption('active');
    await admin.locator('table.grid a', { hasText: `Instance ${extA}` }).waitFor();
    findings.push(...await lib.axe(admin, 'instance list'));
    await lib.screenshot(admin, 'run-instances-list');

    await admin.locator('table.grid a', { hasText: `Instance ${extA}` }).click();
    await admin.locator('.instance-state', { hasText: 'active' }).waitFor();
    await admin.locator('.diagram[data-marked="true"]').waitFor();
    await marked(admin, 'Ext', 'ordo-active');
    await marked(admin, 'Start', 'ordo-done');
    await marked(admin, 'F1', 'ordo-done');
    lib.check(await admin.locator('.djs-element.ordo-done[data-element-id="End"]').count() === 0, 'End is marked done too early');
    await admin.getByText('waits for an external worker').waitFor();
    await admin.locator('pre.json', { hasText: '"who": "a"' }).waitFor();
    await admin.locator('table.grid td', { hasText: 'instance.started' }).first().waitFor();
    findings.push(...await lib.axe(admin, 'instance detail'));
    await lib.screenshot(admin, 'run-instance-active');

    await admin.getByRole('button', { name: 'Cancel instance' }).click();
    const dialog = admin.locator('dialog.confirm');
    await dialog.waitFor();
    findings.push(...await lib.axe(admin, 'cancel confirmation'));
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    lib.check((await lib.apiOk('GET', `/api/instances/${extA}`)).state === 'active', 'saying Cancel to the question canceled');
    await admin.getByRole('button', { name: 'Cancel instance' }).click();
    await dialog.getByRole('button', { name: 'Cancel instance' }).click();
    await admin.locator('.instance-state', { hasText: 'canceled' }).waitFor();
    lib.check(await admin.getByRole('button', { name: 'Cancel instance' }).count() === 0, 'a canceled instance still offers Cancel');
    lib.check((await lib.apiOk('GET', `/api/instances/${extA}`)).state === 'canceled', 'the API does not say canceled');
    await lib.screenshot(admin, 'run-instance-canceled');

    // ---- incidents: the failed gateway on the diagram, then a retry with ok = true ----
    await admin.goto(`${lib.URL_BASE}/ui/#/instances/${gate}`);
    await admin.locator('.diagram[data-marked="true"]').waitFor();
    await marked(admin, 'Gate', 'ordo-failed');
    await admin.getByRole('cell', { name: incident.reason }).first().waitFor();
    await lib.screenshot(admin, 'run-instance-incident');

    await admin.goto(`${lib.URL_BASE}/ui/#/incidents`);
    const incRow = admin.locator(`tr[data-incident="${incident.key}"]`);
    await incRow.waitFor();
    lib.check((await incRow.textContent()).includes(incident.reason), 'the incident row lacks its reason');
    findings.push(...await lib.axe(admin, 'incident list'));
    await lib.screenshot(admin, 'run-incidents');
    await incRow.getByRole('button', { name: `Retry incident ${incident.key}` }).click();
    const vars = admin.getByRole('textbox', { name: 'Variables' });
    await vars.waitFor();
    lib.check(JSON.parse(await vars.inputValue()).ok === false, 'the retry card does not show the variables');
    // Not JSON: refused in the page, nothing sent.
    await vars.fill('{ok: true');
    await admin.locator('.retry-panel').getByRole('button', { name: `Retry incident ${incident.key}` }).click();
    await admin.locator('.retry-panel .notice.error').waitFor();
    await vars.fill(JSON.stringify({ ok: true, note: 'first try' }, null, 2));
    findings.push(...await lib.axe(admin, 'incident retry card'));
    await lib.screenshot(admin, 'run-incident-retry');
    await admin.locator('.retry-panel').getByRole('button', { name: `Retry incident ${incident.key}` }).click();
    await admin.locator('.retry-panel').waitFor({ state: 'detached' });
    await incRow.waitFor({ state: 'detached' });
    const done = await lib.apiOk('GET', `/api/instances/${gate}/wait?timeout=20`);
    lib.check(done.state === 'completed' && done.variables.ok === true, `after the retry: ${done.state} ${JSON.stringify(done.variables)}`);
    await admin.goto(`${lib.URL_BASE}/ui/#/instances/${gate}`);
    await admin.locator('.instance-state', { hasText: 'completed' }).waitFor();
    await admin.locator('.diagram[data-marked="true"]').waitFor();
    for (const id of ['Start', 'F1', 'Gate', 'F_ok', 'Work', 'F3', 'End']) {
      await marked(admin, id, 'ordo-done');
    }
    lib.check(await admin.locator('.djs-element.ordo-failed').count() === 0, 'a resolved incident is still marked failed');
    await lib.screenshot(admin, 'run-instance-completed');

    // ---- a viewer: no Cancel, and the API refuses it ----
    const view = await ui.newPage('viewer');
    await lib.loginPassword(view, viewer, password);
    await view.goto(`${lib.URL_BASE}/ui/#/instances/${extB}`);
    await view.locator('.instance-state', { hasText: 'active' }).waitFor();
    await view.getByRole('button', { name: 'Refresh' }).waitFor();
    lib.check(await view.getByRole('button', { name: 'Cancel instance' }).count() === 0, 'a viewer is offered Cancel');
    lib.check(await view.getByRole('button', { name: 'Suspend' }).count() === 0, 'a viewer is offered Suspend');
    const viewerKey = await keyFor(viewer, ['viewer']);
    const refused = await lib.api('POST', `/api/instances/${extB}/cancel`, undefined, viewerKey);
    lib.check(refused.status === 403, `a viewer's cancel answered ${refused.status}`);
    findings.push(...await lib.axe(view, 'instance detail as viewer'));

    // ---- tasks: an approver sees only their group's task (must-show 3) ----
    const appr = await ui.newPage('approver');
    await lib.loginPassword(appr, approver, password);
    await appr.goto(`${lib.URL_BASE}/ui/#/tasks`);
    await appr.locator(`tr[data-task="${taskA.key}"]`).waitFor();
    lib.check(await appr.locator(`tr[data-task="${taskB.key}"]`).count() === 0, 'the approver sees the other group\'s task');
    await appr.getByLabel('Show').selectOption(`group:${groupA}`);
    await appr.locator(`tr[data-task="${taskA.key}"]`).waitFor();
    await appr.getByLabel('Show').selectOption('mine');
    const approverKey = await keyFor(approver, ['approver']);
    const other = await lib.api('GET', `/api/tasks/${taskB.key}`, undefined, approverKey);
    lib.check(other.status === 404 || other.status === 403, `the approver read the other group's task: ${other.status}`);
    const otherClaim = await lib.api('POST', `/api/tasks/${taskB.key}/claim`, undefined, approverKey);
    lib.check(otherClaim.status === 404 || otherClaim.status === 403, `the approver claimed the other group's task: ${otherClaim.status}`);
    const listed = (await lib.apiOk('GET', '/api/tasks', undefined, [200], approverKey)).items.map((t) => t.key);
    lib.check(listed.includes(taskA.key) && !listed.includes(taskB.key), `the approver's API list: ${listed}`);
    findings.push(...await lib.axe(appr, 'task list as approver'));
    await lib.screenshot(appr, 'run-tasks-approver');

    // The list picks up a new task without a reload, and the focused link keeps its focus.
    const firstLink = appr.locator(`tr[data-task="${taskA.key}"] a`).first();
    await firstLink.focus();
    const second = await start(groupsId, {}, `uirun-${stamp}-g2`);
    const taskA2 = await until('the second task', async () => (await tasksOf(second)).find((t) => t.elementId === 'TaskA'));
    await appr.locator(`tr[data-task="${taskA2.key}"]`).waitFor({ timeout: 15000 });
    const stillFocused = await appr.evaluate((k) => document.activeElement
      && document.activeElement.closest(`tr[data-task="${k}"]`) !== null, taskA.key);
    lib.check(stillFocused, 'the poll took the focus away from the task link');

    // ---- keyboard only: open the task, claim, fill in, approve ----
    await firstLink.focus();
    await appr.keyboard.press('Enter');
    await appr.getByRole('button', { name: 'Claim' }).waitFor();
    findings.push(...await lib.axe(appr, 'task detail'));
    await lib.screenshot(appr, 'run-task-detail');
    await appr.getByRole('button', { name: 'Claim' }).focus();
    await appr.keyboard.press('Enter');
    await appr.getByRole('button', { name: 'Unclaim' }).waitFor();
    lib.check((await lib.apiOk('GET', `/api/tasks/${taskA.key}`)).assignee === approver, 'Claim did not assign the task');
    // Approve without the required amount: refused in the page, the task stays open.
    await appr.getByRole('button', { name: 'Approve' }).focus();
    await appr.keyboard.press('Enter');
    await appr.locator('.task-detail .notice.error', { hasText: 'Amount' }).waitFor();
    lib.check((await lib.apiOk('GET', `/api/tasks/${taskA.key}`)).state === 'created', 'an incomplete form completed the task');
    await appr.getByRole('spinbutton', { name: 'Amount' }).focus();
    await appr.keyboard.type('1200');
    await appr.keyboard.press('Tab');
    lib.check(await appr.evaluate(() => document.activeElement.getAttribute('name')) === 'comment', 'Tab from Amount does not reach the Comment');
    await appr.keyboard.type('fine by me');
    await appr.keyboard.press('Tab');
    lib.check(await appr.evaluate(() => document.activeElement.textContent) === 'Approve', 'Tab from the Comment does not reach Approve');
    await lib.screenshot(appr, 'run-task-filled');
    await appr.keyboard.press('Space');
    await appr.locator(`tr[data-task="${taskA2.key}"]`).waitFor();
    await appr.locator(`tr[data-task="${taskA.key}"]`).waitFor({ state: 'detached' });
    const doneA = await lib.apiOk('GET', `/api/tasks/${taskA.key}`);
    lib.check(doneA.state === 'completed' && doneA.completedBy, `task A after Approve: ${JSON.stringify(doneA)}`);
    const varsA = (await lib.apiOk('GET', `/api/instances/${first}`)).variables;
    lib.check(varsA.approved === true && varsA.amount === 1200 && varsA.comment === 'fine by me', `variables after Approve: ${JSON.stringify(varsA)}`);

    // Reject the second one (claimed by Reject itself).
    await appr.locator(`tr[data-task="${taskA2.key}"] a`).first().click();
    await appr.getByRole('spinbutton', { name: 'Amount' }).fill('5');
    await appr.getByRole('textbox', { name: 'Comment' }).fill('too much');
    await appr.getByRole('button', { name: 'Reject' }).click();
    // the list comes back, without the task
    await appr.locator('.task-list .empty').waitFor();
    lib.check(await appr.locator(`tr[data-task="${taskA2.key}"]`).count() === 0, 'the rejected task is still listed');
    const varsB = (await lib.apiOk('GET', `/api/instances/${second}`)).variables;
    lib.check(varsB.approved === false && varsB.comment === 'too much', `variables after Reject: ${JSON.stringify(varsB)}`);
    findings.push(...await lib.axe(appr, 'empty task list'));
    await lib.screenshot(appr, 'run-tasks-empty');

    // The admin's task list shows every task; the instance shows the approved branch.
    await admin.goto(`${lib.URL_BASE}/ui/#/tasks`);
    await admin.getByLabel('Show').selectOption('all');
    await admin.locator(`tr[data-task="${taskB.key}"]`).waitFor();
    await admin.goto(`${lib.URL_BASE}/ui/#/instances/${first}`);
    await admin.locator('.diagram[data-marked="true"]').waitFor();
    await marked(admin, 'TaskA', 'ordo-done');
    await marked(admin, 'TaskB', 'ordo-active');
    findings.push(...await lib.axe(admin, 'instance with a task done'));
    await lib.screenshot(admin, 'run-instance-tasks');

    const problems = [...ui.problems(), ...findings];
    lib.check(problems.length === 0, `problems:\n${problems.join('\n')}`);
  } finally {
    await ui.close();
  }
});
