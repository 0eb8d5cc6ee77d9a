// tests/ui/onboarding.js - issue 10's must-show 1, end to end in the browser against
// `ordo serve --demo`: the admin signs in, generates the onboarding process from the README's
// paragraph with the offline drafter, sees its diagram, simulates it, deploys it and starts an
// instance for employee 102; maria (the employee's manager in the demo data) signs in with her
// password, finds the laptop task and approves it with the keyboard only; the instance view then
// shows the completed path, and the audit screen verifies the chain. A screenshot of each step
// goes to the artifacts folder; every page ends with no CSP violation, no console error and no
// serious or critical axe finding.
'use strict';

const lib = require('./lib.js');

// Press Tab until the focused element matches 'selector' (a playwright locator's element).
async function tabTo(page, locator, what, max = 60) {
  const target = await locator.elementHandle();
  lib.check(target, `${what} is not on the page`);
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((el) => document.activeElement === el, target)) return;
  }
  lib.fail(`${what} could not be reached with Tab in ${max} presses`);
}

lib.main(async () => {
  const ui = await lib.launch();
  const findings = [];
  try {
    // 1. The admin signs in with the key of the first start.
    const admin = await ui.newPage('admin');
    await lib.loginKey(admin, lib.ADMIN_KEY);
    await lib.screenshot(admin, 'signed-in');

    // 2. Generate the onboarding process.
    await admin.locator('#nav a', { hasText: 'Generate' }).click();
    await admin.getByRole('button', { name: 'Use the onboarding example' }).click();
    await admin.getByRole('button', { name: 'Generate', exact: true }).click();
    const diagram = admin.locator('.diagram .djs-container');
    await diagram.waitFor({ timeout: 60000 });
    await admin.locator('.diagram [data-element-id="Task_approve_laptop"]').first().waitFor();
    findings.push(...await lib.axe(admin, 'generate: the draft'));
    await lib.screenshot(admin, 'generated');

    // 3. Simulate: the path is drawn on the diagram.
    await admin.getByRole('button', { name: 'Simulate' }).click();
    await admin.locator('.diagram .djs-element.ordo-path').first().waitFor({ timeout: 30000 });
    const onPath = await admin.locator('.diagram .djs-element.ordo-path').count();
    lib.check(onPath >= 3, `the simulated path marks ${onPath} elements`);
    await lib.screenshot(admin, 'simulated');

    // 4. Deploy: the page says so, and the server has the definition.
    await admin.getByRole('button', { name: 'Deploy', exact: true }).click();
    await admin.locator('.deploy .notice.ok').waitFor({ timeout: 20000 });
    const defs = await lib.apiOk('GET', '/api/definitions', undefined, [200]);
    lib.check(defs.items.some((d) => d.processId === 'new_employee_onboarding'), `deployed: ${JSON.stringify(defs.items)}`);
    await lib.screenshot(admin, 'deployed');

    // 5. Start an instance from the Processes screen.
    await admin.locator('#nav a', { hasText: 'Processes' }).click();
    await admin.getByRole('link', { name: /New employee onboarding/ }).first().waitFor();
    findings.push(...await lib.axe(admin, 'processes: the list'));
    await admin.getByRole('link', { name: /New employee onboarding/ }).first().click();
    await admin.getByLabel('Variables (JSON)').fill('{"employee_id": "102"}');
    await admin.getByRole('button', { name: 'Start instance' }).click();
    await admin.getByRole('link', { name: /^Open instance \d+$/ }).click();
    await admin.waitForURL(/#\/instances\/\d+/, { timeout: 20000 });
    const instanceKey = /#\/instances\/(\d+)/.exec(admin.url())[1];
    await admin.locator('.instance-state').waitFor();
    await lib.screenshot(admin, 'started');

    // 6. maria signs in and approves the laptop with the keyboard only.
    const maria = await ui.newPage('maria');
    await lib.loginPassword(maria, 'maria', lib.demoPassword());
    await maria.locator('#nav a', { hasText: 'Tasks' }).click();
    const taskLink = maria.getByRole('link', { name: /Approve laptop/ }).first();
    await taskLink.waitFor({ timeout: 60000 });
    await lib.screenshot(maria, 'maria-inbox');
    findings.push(...await lib.axe(maria, 'tasks: the inbox'));
    await tabTo(maria, taskLink, 'the task link');
    await maria.keyboard.press('Enter');
    await maria.waitForURL(/#\/tasks\/\d+/);
    const claim = maria.getByRole('button', { name: 'Claim', exact: true });
    if (await claim.count()) {
      await tabTo(maria, claim, 'Claim');
      await maria.keyboard.press('Enter');
    }
    const approve = maria.getByRole('button', { name: 'Approve', exact: true });
    await approve.waitFor();
    findings.push(...await lib.axe(maria, 'tasks: the laptop task'));
    await lib.screenshot(maria, 'maria-task');
    await tabTo(maria, approve, 'Approve');
    await maria.keyboard.press('Enter');
    await maria.locator('.toast', { hasText: 'Approve laptop' }).waitFor({ timeout: 20000 });
    await maria.waitForURL(/#\/tasks$/);
    await lib.screenshot(maria, 'maria-approved');

    // 7. The instance ends; its view shows the completed path.
    let inst = null;
    for (let i = 0; i < 150; i++) {
      inst = await lib.apiOk('GET', `/api/instances/${instanceKey}`);
      if (inst.state !== 'active') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    lib.check(inst.state === 'completed', `the instance is ${inst.state}: ${JSON.stringify(inst)}`);
    await admin.goto(`${lib.URL_BASE}/ui/#/instances/${instanceKey}`);
    await admin.locator('.instance-state', { hasText: /completed/i }).waitFor({ timeout: 20000 });
    for (const id of ['Task_approve_laptop', 'Task_invite_them_to_github', 'Task_welcome_them_in_slack', 'End_done']) {
      await admin.locator(`.diagram .djs-element.ordo-done[data-element-id="${id}"]`).waitFor({ timeout: 10000 });
    }
    lib.check(await admin.locator('.diagram .djs-element.ordo-done[data-element-id="End_laptop_declined"]').count() === 0,
      'the declined end is marked done');
    findings.push(...await lib.axe(admin, 'instances: the completed instance'));
    await lib.screenshot(admin, 'instance-completed');

    // 8. The audit screen verifies the chain.
    await admin.locator('#nav a', { hasText: 'Audit' }).click();
    await admin.getByRole('button', { name: 'Verify chain' }).click();
    await admin.locator('.verify-result', { hasText: /verified/i }).waitFor({ timeout: 30000 });
    findings.push(...await lib.axe(admin, 'audit: verified'));
    await lib.screenshot(admin, 'audit-verified');

    // The screens that list what this run made, with their rows, for axe.
    for (const screen of ['Generate', 'Webhooks', 'Incidents', 'Instances']) {
      await admin.locator('#nav a', { hasText: screen }).click();
      await admin.locator('main h1').first().waitFor();
      findings.push(...await lib.axe(admin, `${screen.toLowerCase()}: with data`));
    }

    const problems = [...ui.problems(), ...findings];
    lib.check(problems.length === 0, `problems:\n${problems.join('\n')}`);
  } finally {
    await ui.close();
  }
});
