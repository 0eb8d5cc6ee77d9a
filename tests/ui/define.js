// tests/ui/define.js - the Generate and Processes screens (issue 10): a designer drafts the
// onboarding example with the offline drafter, sees its diagram, questions and what it uses,
// simulates it (the path highlighted, the approval answered), is told why revising in words needs
// an LLM, saves an edit from the modeler, deploys; then on Processes starts an instance, exports
// for Camunda 8 and 7, suspends and resumes, and starts a process through its start form. A
// viewer sees the draft and the process without any button to change them, and the API refuses
// them the same calls (must-show 3).
'use strict';

const fs = require('node:fs');
const lib = require('./lib.js');

const FORM_BPMN = (id) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:ordo="urn:ordo:schema:bpmn:1.0" id="Defs_${id}" targetNamespace="urn:test">
  <bpmn:process id="${id}" name="Order with a start form ${id}" isExecutable="true">
    <bpmn:startEvent id="Start" name="Order placed" ordo:form="{&quot;type&quot;:&quot;object&quot;,&quot;required&quot;:[&quot;customer&quot;],&quot;properties&quot;:{&quot;customer&quot;:{&quot;type&quot;:&quot;string&quot;,&quot;title&quot;:&quot;Customer&quot;},&quot;amount&quot;:{&quot;type&quot;:&quot;integer&quot;,&quot;title&quot;:&quot;Amount&quot;}}}">
      <bpmn:outgoing>F1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check"/>
    <bpmn:userTask id="Check" name="Check the order">
      <bpmn:incoming>F1</bpmn:incoming>
      <bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="End"/>
    <bpmn:endEvent id="End" name="Done">
      <bpmn:incoming>F2</bpmn:incoming>
    </bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
`;

// fetch() inside the page with the page's own session (cookie and CSRF token), as the UI would
// send it: the status the server answers.
async function pageFetch(page, method, route, body, type = 'application/json') {
  return page.evaluate(async ([m, r, b, t]) => {
    const auth = JSON.parse(sessionStorage.getItem('ordo.auth') || '{}');
    const headers = { 'Content-Type': t };
    if (auth.csrf) headers['X-CSRF-Token'] = auth.csrf;
    const resp = await fetch(r, { method: m, headers, body: b, credentials: 'same-origin' });
    const answer = await resp.json().catch(() => ({}));
    return { status: resp.status, csrf: Boolean(auth.csrf), message: (answer.error && answer.error.message) || '' };
  }, [method, route, body, type]);
}

// A call from the viewer's own session (cookie and CSRF token) refused for the role, not for a
// missing token: 403 with the role's message.
async function refusedForRole(page, what, method, route, body, type) {
  const r = await pageFetch(page, method, route, body, type);
  lib.check(r.csrf, `${what}: the viewer's session has no CSRF token`);
  lib.check(r.status === 403 && /role/i.test(r.message) && !/CSRF/i.test(r.message),
    `${what}: ${r.status} "${r.message}", not a refusal for the role`);
}

async function noButton(page, name, where) {
  const n = await page.getByRole('button', { name, exact: true }).count();
  lib.check(n === 0, `${where}: the viewer sees a "${name}" button`);
}

lib.main(async () => {
  const run = Date.now();
  const password = `pw-${run}-Secret!`;
  const designer = `designer${run}`;
  const viewer = `viewer${run}`;
  await lib.makeUser(designer, password, ['designer', 'operator']);
  await lib.makeUser(viewer, password, ['viewer']);
  const ui = await lib.launch();
  const findings = [];
  const pages = [];
  try {
    // ---- Generate ----
    const page = await ui.newPage('designer');
    pages.push(page);
    await lib.loginPassword(page, designer, password);
    await page.locator('#nav a', { hasText: 'Generate' }).click();
    await page.getByRole('heading', { name: 'Generate' }).waitFor();
    await page.waitForLoadState('networkidle');
    findings.push(...await lib.axe(page, 'generate: empty'));
    await page.getByRole('button', { name: 'Use the onboarding example' }).click();
    const text = await page.getByRole('textbox', { name: 'Requirement' }).inputValue();
    lib.check(/BambooHR adds an employee/.test(text), `the example button filled in: ${text}`);
    await lib.screenshot(page, 'define-generate-example');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await page.waitForURL(/#\/generate\/\d+$/);
    const draftKey = /#\/generate\/(\d+)$/.exec(page.url())[1];
    await page.locator('.draft-status', { hasText: 'ready' }).waitFor({ timeout: 30000 });
    await page.locator('.diagram .djs-container svg').first().waitFor();
    const status = await page.locator('.draft-status').textContent();
    lib.check(/revision 1: ready, can be deployed/.test(status), `draft status: ${status}`);
    lib.check(await page.locator('.diagram [data-element-id="Task_approve_laptop"]').count() > 0, 'the diagram shows "Approve laptop"');
    const side = await page.locator('.draft-side').textContent();
    lib.check(/Which Jira project/.test(side), 'the draft\'s questions are shown');
    lib.check(/employee is read from BambooHR/.test(side), 'the draft\'s assumptions are shown');
    lib.check(/jira\.create_issue/.test(side) && /=employee_email/.test(side), 'the actions and targets it uses are shown');
    await page.getByText('Progress', { exact: true }).click();
    lib.check(await page.locator('ol.progress li', { hasText: 'Laid out' }).count() === 1, 'the progress shows the layout event');
    findings.push(...await lib.axe(page, 'generate: draft'));
    await lib.screenshot(page, 'define-draft');

    // Simulate: the path is highlighted, the run waits at the approval; answering it completes.
    await page.getByRole('textbox', { name: 'Variables for the simulation (JSON)' }).fill('{"employee_id": "102"}');
    await page.getByRole('button', { name: 'Simulate', exact: true }).click();
    await page.locator('.sim-result', { hasText: 'Simulation waiting' }).waitFor();
    lib.check(await page.locator('.djs-element.ordo-path[data-element-id="Task_open_a_jira_ticket"]').count() === 1, 'the simulated path marks "Open a Jira ticket"');
    lib.check(await page.locator('.djs-connection.ordo-path').count() >= 3, 'the simulated path marks the flows taken');
    lib.check(await page.locator('.djs-element.ordo-active[data-element-id="Task_approve_laptop"]').count() === 1, 'the waiting approval is marked active');
    lib.check(await page.locator('.djs-element.ordo-path[data-element-id="Task_welcome_them_in_slack"]').count() === 0, 'nothing after the approval is on the path yet');
    await lib.screenshot(page, 'define-simulate-waiting');
    findings.push(...await lib.axe(page, 'generate: simulation waiting'));
    await page.locator('.sim-result').getByText('Yes', { exact: true }).click();
    await page.getByRole('button', { name: /Answer “Approve laptop” and continue/ }).click();
    await page.locator('.sim-result', { hasText: 'Simulation completed' }).waitFor();
    lib.check(await page.locator('.djs-element.ordo-path[data-element-id="Task_welcome_them_in_slack"]').count() === 1, 'after the approval the path reaches "Welcome them in Slack"');
    await lib.screenshot(page, 'define-simulate-completed');

    // Revise in words: the offline drafter cannot; the API's reason is shown.
    await page.getByRole('textbox', { name: 'Change' }).fill('also post in #it when the laptop is approved');
    await page.getByRole('button', { name: 'Revise', exact: true }).click();
    await page.locator('.revise .notice.error', { hasText: 'needs an LLM' }).waitFor();
    ui.forgive(/designer: console error: Failed to load resource: the server responded with a status of 422/, 1);
    findings.push(...await lib.axe(page, 'generate: revise refused'));

    // Edit in the modeler and save: a new revision, lifted back and still usable.
    await page.getByRole('button', { name: 'Edit in the modeler' }).click();
    await page.locator('.diagram.editing .djs-palette').waitFor();
    findings.push(...await lib.axe(page, 'generate: the modeler'));
    await lib.screenshot(page, 'define-modeler');
    await page.getByRole('button', { name: 'Save edits' }).click();
    await page.locator('.draft-status', { hasText: 'revision 2: ready, can be deployed' }).waitFor({ timeout: 30000 });
    await page.locator('.diagram .djs-container svg').first().waitFor();
    const draft = await lib.apiOk('GET', `/api/drafts/${draftKey}`);
    lib.check(draft.revision === 2 && draft.history.some((r) => r.kind === 'edit'), `the edit is revision 2: ${JSON.stringify(draft.history)}`);

    // Deploy.
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.locator('.deploy .notice.ok', { hasText: 'Deployed new_employee_onboarding version' }).waitFor();
    await lib.screenshot(page, 'define-deployed');
    const deployed = await lib.apiOk('GET', `/api/drafts/${draftKey}`);
    lib.check(deployed.deployment && deployed.deployment.definitionKey, 'the draft records its deployment');
    const defKey = deployed.deployment.definitionKey;

    // ---- Processes ----
    await page.getByRole('link', { name: 'open it in Processes' }).click();
    await page.waitForURL(new RegExp(`#/processes/${defKey}$`));
    await page.locator('.diagram .djs-container svg').first().waitFor();
    await page.getByRole('list', { name: 'Webhook endpoints of this process' }).filter({ hasText: '/hooks/bamboohr-adds-employee' }).waitFor();
    await page.getByRole('table', { name: 'Versions of this process' }).waitFor();
    await page.waitForLoadState('networkidle');
    findings.push(...await lib.axe(page, 'processes: detail'));
    await lib.screenshot(page, 'define-process');

    await page.getByRole('textbox', { name: 'Variables (JSON)' }).fill('{"employee_id": "102"}');
    await page.getByRole('button', { name: 'Start instance' }).click();
    const opened = page.getByRole('link', { name: /^Open instance \d+$/ });
    await opened.waitFor();
    const instanceKey = /(\d+)$/.exec(await opened.textContent())[1];
    lib.check((await opened.getAttribute('href')) === `#/instances/${instanceKey}`, 'the link goes to the instance');
    const instance = await lib.apiOk('GET', `/api/instances/${instanceKey}`);
    lib.check(instance.processId === 'new_employee_onboarding' && instance.variables.employee_id === '102',
      `the instance started with its variables: ${JSON.stringify(instance.variables)}`);
    await lib.screenshot(page, 'define-started');

    // Export for Camunda 8 and 7: files are downloaded, and the report is shown.
    for (const [label, target, mark] of [['Export for Camunda 8', 'camunda8', 'zeebe:taskDefinition'], ['Export for Camunda 7', 'camunda7', 'camunda:']]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
      lib.check(download.suggestedFilename() === `new_employee_onboarding-v${instance.version}-${target}.bpmn`, `download name ${download.suggestedFilename()}`);
      const body = fs.readFileSync(await download.path(), 'utf8');
      lib.check(body.includes('<bpmn:definitions') && body.includes(mark), `the ${target} export holds ${mark}`);
      await page.locator('.export-result h2', { hasText: label }).waitFor();
    }
    // The report says what Camunda 7 cannot take: the webhook start is Ordo's own.
    await page.locator('.export-result summary', { hasText: 'What changed' }).click();
    await page.getByRole('table', { name: 'What the camunda7 export changed' }).getByRole('row', { name: /lost.*ordo:webhook/ }).waitFor();
    findings.push(...await lib.axe(page, 'processes: exported'));
    await lib.screenshot(page, 'define-exported');

    // Suspend and resume: the badge, the button and the server agree.
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    lib.check((await lib.apiOk('GET', `/api/definitions/${defKey}`)).suspended === true, 'suspended on the server');
    const refused = await lib.api('POST', '/api/instances', { processId: 'new_employee_onboarding', version: instance.version, variables: {} });
    lib.check(refused.status >= 400, `a suspended definition started an instance: ${refused.status}`);
    lib.check(await page.locator('dl.facts .badge', { hasText: 'suspended' }).count() === 1, 'the state shows suspended');
    await lib.screenshot(page, 'define-suspended');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Suspend' }).waitFor();
    lib.check((await lib.apiOk('GET', `/api/definitions/${defKey}`)).suspended === false, 'resumed on the server');

    // A start form: the fields of the start event's ordo:form, their values become variables.
    const formId = `ui_define_form_${run}`;
    const formDeploy = await lib.apiOk('POST', `/api/deployments?name=${formId}.bpmn`, FORM_BPMN(formId), [201]);
    await page.locator('#nav a', { hasText: 'Processes' }).click();
    await page.getByRole('link', { name: `Order with a start form ${formId}` }).click();
    await page.getByRole('textbox', { name: 'Customer (required)' }).waitFor();
    lib.check(await page.getByRole('textbox', { name: 'Variables (JSON)' }).count() === 0, 'a start form replaces the JSON box');
    await page.getByRole('button', { name: 'Start instance' }).click();
    await page.locator('.start .notice.error', { hasText: 'Customer is required' }).waitFor();
    await page.getByRole('textbox', { name: 'Customer (required)' }).fill('ACME');
    await page.getByRole('spinbutton', { name: 'Amount' }).fill('42');
    await page.getByRole('button', { name: 'Start instance' }).click();
    const formOpened = page.getByRole('link', { name: /^Open instance \d+$/ });
    await formOpened.waitFor();
    const formInstance = await lib.apiOk('GET', `/api/instances/${/(\d+)$/.exec(await formOpened.textContent())[1]}`);
    lib.check(formInstance.variables.customer === 'ACME' && formInstance.variables.amount === 42,
      `the form's values are the variables: ${JSON.stringify(formInstance.variables)}`);
    findings.push(...await lib.axe(page, 'processes: start form'));
    await lib.screenshot(page, 'define-start-form');
    lib.check(formDeploy.deployments[0].processId === formId, 'the form process deployed');

    // ---- a viewer: sees, cannot change (must-show 3) ----
    const view = await ui.newPage('viewer');
    pages.push(view);
    await lib.loginPassword(view, viewer, password);
    await lib.open(view, `#/generate/${draftKey}`);
    await view.locator('.draft-status', { hasText: 'ready' }).waitFor();
    await view.locator('.diagram .djs-container svg').first().waitFor();
    for (const name of ['Deploy', 'Generate', 'Simulate', 'Edit in the modeler', 'Revise', 'Use the onboarding example']) {
      await noButton(view, name, 'generate');
    }
    lib.check(await view.getByText('Deploying needs the designer role.').count() === 1, 'the viewer is told why there is no Deploy');
    await refusedForRole(view, 'deploy of the draft', 'POST', `/api/drafts/${draftKey}/deploy`);
    await refusedForRole(view, 'deployment', 'POST', '/api/deployments', FORM_BPMN(`${formId}_viewer`), 'application/xml');
    findings.push(...await lib.axe(view, 'generate: viewer'));
    await lib.screenshot(view, 'define-viewer-draft');

    await lib.open(view, '#/processes');
    await view.getByRole('link', { name: 'New employee onboarding' }).first().waitFor();
    await noButton(view, 'Deploy file', 'processes list');
    lib.check(await view.getByText('Deploy a BPMN file').count() === 0, 'the viewer has no upload');
    await lib.open(view, `#/processes/${defKey}`);
    await view.locator('.diagram .djs-container svg').first().waitFor();
    await view.getByRole('button', { name: 'Export for Camunda 8' }).waitFor();
    for (const name of ['Start instance', 'Suspend', 'Resume']) await noButton(view, name, 'process');
    await refusedForRole(view, 'start', 'POST', '/api/instances', JSON.stringify({ processId: 'new_employee_onboarding', variables: {} }));
    await refusedForRole(view, 'suspend', 'POST', `/api/definitions/${defKey}/suspend`);
    await view.getByRole('list', { name: 'Webhook endpoints of this process' }).filter({ hasText: '/hooks/bamboohr-adds-employee' }).waitFor();
    await view.getByRole('table', { name: 'Versions of this process' }).waitFor();
    findings.push(...await lib.axe(view, 'processes: viewer'));
    await lib.screenshot(view, 'define-viewer-process');
    ui.forgive(/viewer: console error: Failed to load resource: the server responded with a status of 403/, 4); // the four refused calls above

    const problems = [...ui.problems(), ...findings];
    lib.check(problems.length === 0, `problems:\n${problems.join('\n')}`);
  } catch (e) {
    for (const p of pages) await lib.screenshot(p, `define-failed-${p.ordoName}`).catch(() => {});
    console.error(ui.problems().join('\n'));
    throw e;
  } finally {
    await ui.close();
  }
});
