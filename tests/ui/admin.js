// tests/ui/admin.js - the Audit, Connectors, Webhooks and Access screens (issue 10) in a real
// browser against `ordo serve --demo`: audit search by instance and actor and the chain
// verified; connectors with their actions, a credential set, tested and deleted without its
// secret ever reaching the page or the API's answers; an inbound endpoint made and its
// delivery shown; a subscription made (its secret shown once and copied) and its deliveries
// listed; a user, a group, roles and an API key made and the key revoked, then that user signs
// in and sees only what an operator may, while the API refuses them the rest. Every screen
// state gets axe; names carry a time stamp so the test runs again on the same server.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib.js');

const stamp = Date.now().toString(36);
const findings = [];

const settle = lib.settle;

async function axe(page, what) {
  findings.push(...await lib.axe(page, what));
}

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.locator('main h1').first().waitFor();
  await settle(page);
}

// The texts of one column of the first grid table under 'scope'.
async function column(scope, title) {
  await scope.locator('table.grid').first().waitFor();
  const heads = await scope.locator('table.grid').first().locator('thead th').allTextContents();
  const at = heads.indexOf(title);
  lib.check(at >= 0, `no column "${title}" in ${heads.join(', ')}`);
  return scope.locator('table.grid').first().locator(`tbody tr td:nth-child(${at + 1})`).allTextContents();
}

async function setup() {
  const xml = fs.readFileSync(path.join(__dirname, '../../examples/quickstart.bpmn'), 'utf8');
  await lib.apiOk('POST', '/api/deployments', xml, [200, 201]);
  const inst = await lib.apiOk('POST', '/api/instances', { processId: 'quickstart', variables: { from: 'ui-admin' } }, [200, 201]);
  return inst.key;
}

async function auditScreen(page, instanceKey) {
  await go(page, '#/audit');
  await axe(page, 'audit');
  const instance = page.getByLabel('Instance key');
  await instance.fill(instanceKey);
  const grid = page.locator('.audit-list');
  await page.waitForFunction((key) => {
    const cells = [...document.querySelectorAll('.audit-list tbody tr td:nth-child(5)')].map((td) => td.textContent);
    return cells.length > 0 && cells.every((c) => c === key);
  }, instanceKey);
  const actions = await column(grid, 'Action');
  lib.check(actions.includes('instance.started'), `audit of instance ${instanceKey}: ${actions.join(', ')}`);
  await lib.screenshot(page, 'audit-by-instance');

  await instance.fill('');
  await page.getByLabel('Actor').fill('system:demo');
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('.audit-list tbody tr td:nth-child(3)')].map((td) => td.textContent);
    return cells.length > 0 && cells.every((c) => c === 'system:demo');
  });
  const demoActions = await column(grid, 'Action');
  lib.check(demoActions.includes('user.created'), `audit by system:demo: ${demoActions.join(', ')}`);
  // A time range that ends before anything happened finds nothing.
  await page.getByLabel('Until (your time)').fill('2001-01-01T00:00');
  await page.getByText('No audit rows match.').waitFor();
  await page.getByLabel('Until (your time)').fill('');
  await page.getByLabel('Actor').fill('');
  await settle(page);

  await page.getByRole('button', { name: 'Verify chain' }).click();
  const result = page.locator('.verify-result');
  await result.getByText(/verified/).waitFor();
  lib.check(/\d+ rows in \d+ seals/.test(await result.textContent()), `verify said: ${await result.textContent()}`);
  await axe(page, 'audit verified');
  await lib.screenshot(page, 'audit-verified');
}

async function connectorsScreen(ui, page) {
  await go(page, '#/connectors');
  const names = await column(page.locator('main'), 'Name');
  for (const n of ['slack', 'http', 'jira']) lib.check(names.includes(n), `connectors listed: ${names.join(', ')}`);
  await axe(page, 'connectors');
  await lib.screenshot(page, 'connectors');

  await page.getByRole('link', { name: 'Slack', exact: true }).click();
  await page.locator('main h2', { hasText: 'Actions' }).waitFor();
  await settle(page);
  const actions = await column(page.locator('main'), 'Action');
  lib.check(actions.some((a) => a.startsWith('slack.post_message')), `slack actions: ${actions.join(', ')}`);

  const sandbox = (await lib.apiOk('GET', '/api/credentials?connector=slack')).items.find((c) => c.name === 'default');
  const credName = `ui-${stamp}`;
  const secret = `xoxb-ui-secret-${stamp}-do-not-show`;
  const good = 'xoxb-sandbox-token'; // docs/sandbox.md
  await page.getByLabel('Credential name').fill(credName);
  await page.getByLabel('API base URL').fill(sandbox.config.base_url);
  const token = page.getByLabel('Bot token (required)');
  lib.check(await token.getAttribute('type') === 'password', 'the bot token is not a password input');
  await token.fill(secret);
  await axe(page, 'connector slack with the credential form filled');
  await page.getByRole('button', { name: 'Save credential' }).click();
  const row = page.locator('table.grid tbody tr', { has: page.locator('code', { hasText: credName }) });
  await row.waitFor();
  lib.check(await token.inputValue() === '', 'the secret input keeps the secret after saving');

  // A wrong token: the test shows the service's refusal (422, which the browser also logs as a
  // failed request: forgiven below, it is the answer the test wants).
  const testButton = row.getByRole('button', { name: `Test credential slack/${credName}` });
  await testButton.click();
  await row.locator('.test-result .notice.error').filter({ hasText: /Did not work/ }).waitFor();
  const refusal = await row.locator('.test-result').textContent();
  lib.check(/invalid_auth/.test(refusal) && !refusal.includes(secret), `the refused test shows: ${refusal}`);
  ui.forgive(/status of 422/, 1);

  // Replaced with the sandbox's token (the form keeps the settings, asks for the secret again).
  await row.getByRole('button', { name: `Replace credential slack/${credName}` }).click();
  lib.check(await page.getByLabel('Credential name').inputValue() === credName, 'Replace did not fill the name');
  lib.check(await page.getByLabel('API base URL').inputValue() === sandbox.config.base_url, 'Replace did not fill the settings');
  lib.check(await token.inputValue() === '', 'Replace filled in a secret');
  await token.fill(good);
  await page.getByRole('button', { name: 'Save credential' }).click();
  await page.locator('.toast', { hasText: `Credential slack/${credName} replaced.` }).waitFor();
  await settle(page);
  await row.getByRole('button', { name: `Test credential slack/${credName}` }).click();
  await row.locator('.test-result .notice.ok').filter({ hasText: 'Works' }).waitFor();
  await axe(page, 'credential tested');
  await lib.screenshot(page, 'connector-slack-credential-tested');

  const html = await page.content();
  lib.check(!html.includes(secret) && !html.includes(good), 'a secret is in the page');
  const listed = await lib.api('GET', '/api/credentials');
  const text = JSON.stringify(listed.body);
  lib.check(listed.status === 200 && !text.includes(secret) && !text.includes(good), 'a secret is in GET /api/credentials');
  const mine = listed.body.items.find((c) => c.connector === 'slack' && c.name === credName);
  lib.check(mine && mine.secretFields.includes('bot_token'), `credential listed: ${JSON.stringify(mine)}`);

  await row.getByRole('button', { name: `Delete credential slack/${credName}` }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Delete' }).click();
  await row.waitFor({ state: 'detached' });
  const gone = await lib.api('POST', `/api/credentials/slack/${credName}/test`);
  lib.check(gone.status === 404, `the deleted credential answers ${gone.status}`);
  return refusal;
}

async function webhooksScreen(page) {
  await go(page, '#/webhooks');
  await axe(page, 'webhooks');
  const name = `ui-${stamp}`;
  await page.getByLabel('Name (the path /hooks/NAME)').fill(name);
  await page.getByLabel('Signature scheme').selectOption('unsigned');
  await page.getByLabel('Process id (action start)').fill('quickstart');
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  const epRow = page.locator('table.grid tbody tr', { has: page.locator('code', { hasText: `/hooks/${name}` }) });
  await epRow.waitFor();

  const hook = await fetch(`${lib.URL_BASE}/hooks/${name}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `ui-${stamp}` }, body: '{"hello":"ui"}',
  });
  const accepted = await hook.json();
  lib.check(hook.status === 200 && accepted.status === 'accepted', `POST /hooks/${name}: ${hook.status} ${JSON.stringify(accepted)}`);
  // The delivery is worked in the background: look until it is done and names its instance.
  let done = false;
  for (let i = 0; i < 20 && !done; i++) {
    await epRow.getByRole('button', { name: `Deliveries of ${name}` }).click();
    await page.locator('#ep-deliveries-title').waitFor();
    await settle(page);
    const states = await column(page.locator('#ep-deliveries-title').locator('..'), 'State');
    done = states.includes('done');
    if (!done) await page.waitForTimeout(500);
  }
  lib.check(done, 'the inbound delivery never showed as done');
  const box = page.locator('#ep-deliveries-title').locator('..');
  const ids = await column(box, 'Delivery id');
  lib.check(ids.includes(`ui-${stamp}`), `delivery ids: ${ids.join(', ')}`);
  const insts = await column(box, 'Instance');
  lib.check(/^\d+$/.test(insts[0]), `the delivery names no instance: ${insts.join(', ')}`);
  await axe(page, 'webhook endpoint deliveries');
  await lib.screenshot(page, 'webhook-endpoint-deliveries');

  // A signed endpoint refuses everything until its secret is set; the secret never comes back.
  const signed = `ui-s-${stamp}`;
  const hookSecret = `hook-secret-${stamp}-do-not-show`;
  await page.getByLabel('Name (the path /hooks/NAME)').fill(signed);
  await page.getByLabel('Signature scheme').selectOption('hmac');
  await page.getByLabel('Process id (action start)').fill('quickstart');
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  const sRow = page.locator('table.grid tbody tr', { has: page.locator('code', { hasText: `/hooks/${signed}` }) });
  await sRow.getByText('no secret: refuses all').waitFor();
  await axe(page, 'webhooks with a signed endpoint listed');
  await sRow.getByRole('button', { name: `Set secret of ${signed}` }).click();
  await page.getByLabel('New secret').fill(hookSecret);
  await page.getByRole('button', { name: 'Set secret', exact: true }).click();
  await sRow.getByText('secret set').waitFor();
  lib.check(!(await page.content()).includes(hookSecret), 'the endpoint secret is in the page');
  const ep = await lib.apiOk('GET', `/api/webhooks/endpoints/${signed}`);
  lib.check(ep.secret_set === true && ep.enabled === true && !JSON.stringify(ep).includes(hookSecret), `endpoint: ${JSON.stringify(ep)}`);
  const unsignedTry = await fetch(`${lib.URL_BASE}/hooks/${signed}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  lib.check(unsignedTry.status === 401, `an unsigned POST to a signed endpoint: ${unsignedTry.status}`);
  await sRow.getByRole('button', { name: `Delete ${signed}` }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Delete' }).click();
  await sRow.waitFor({ state: 'detached' });

  // An outbound subscription to a port nobody listens on: its events stay pending with errors.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lib.URL_BASE });
  const url = `http://127.0.0.1:9/ui-${stamp}`;
  await page.getByLabel('URL', { exact: true }).fill(url);
  await page.getByLabel('every event (*), also types added later').check();
  await page.getByRole('button', { name: 'Subscribe' }).click();
  const once = page.locator('.shown-once');
  await once.waitFor();
  const shown = (await once.locator('.secret-value').textContent()).trim();
  lib.check(/^whsec_/.test(shown), `the subscription secret shown: ${shown}`);
  await once.getByRole('button', { name: 'Copy' }).click();
  await once.getByText('Copied.').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  lib.check(copied === shown, 'Copy did not put the secret on the clipboard');
  const subs = (await lib.apiOk('GET', '/api/webhooks/subscriptions?limit=500')).items;
  const sub = subs.find((s) => s.url === url);
  lib.check(sub && !JSON.stringify(subs).includes(shown), 'the subscription is missing or its list shows the secret');

  const started = await lib.apiOk('POST', '/api/instances', { processId: 'quickstart', variables: {} }, [201]);
  const subRow = page.locator('table.grid tbody tr', { has: page.locator('code', { hasText: url }) });
  await subRow.waitFor();
  let seen = false;
  for (let i = 0; i < 20 && !seen; i++) {
    await subRow.getByRole('button', { name: `Deliveries to ${url} (subscription ${sub.key})` }).click();
    await page.locator('#sub-deliveries-title').waitFor();
    await settle(page);
    const events = await column(page.locator('#sub-deliveries-title').locator('..'), 'Instance');
    seen = events.includes(started.key);
    if (!seen) await page.waitForTimeout(500);
  }
  lib.check(seen, `no delivery of instance ${started.key} listed`);
  const dbox = page.locator('#sub-deliveries-title').locator('..');
  const evs = await column(dbox, 'Event');
  lib.check(evs.some((e) => e.startsWith('instance.started')), `subscription events: ${evs.join(', ')}`);
  await page.getByLabel('State', { exact: true }).selectOption('dead');
  await dbox.getByText('No deliveries in this state.').waitFor();
  await page.getByLabel('State', { exact: true }).selectOption('');
  await settle(page);
  await dbox.locator('details summary').first().click();
  await axe(page, 'subscription deliveries');
  await lib.screenshot(page, 'webhook-subscription-deliveries');

  // Tidy up, through the UI: the subscription and the endpoint go.
  await subRow.getByRole('button', { name: `Delete subscription ${sub.key}` }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Delete' }).click();
  await subRow.waitFor({ state: 'detached' });
  await epRow.getByRole('button', { name: `Delete ${name}` }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Delete' }).click();
  await epRow.waitFor({ state: 'detached' });
}

async function accessScreen(page) {
  const login = `ui-op-${stamp}`;
  const password = `pw-${stamp}-long-enough`;
  const group = `ui-g-${stamp}`;

  await go(page, '#/access/users');
  await axe(page, 'access users');
  await page.getByLabel('Login', { exact: true }).fill(login);
  await page.getByLabel('E-mail', { exact: true }).fill(`${login}@example.com`);
  await page.getByLabel('Password (optional)').fill(password);
  await page.locator('#new-user-title').locator('..').getByLabel('operator').check();
  await page.getByRole('button', { name: 'Create user' }).click();
  const panel = page.locator('section.manage', { hasText: `User ${login}` });
  await panel.waitFor();
  lib.check((await panel.textContent()).includes('operator'), 'the new user does not hold operator');

  await page.getByRole('link', { name: 'Groups' }).click();
  await page.locator('#new-group-title').waitFor();
  await settle(page);
  await page.getByLabel('Group name').fill(group);
  await page.locator('#new-group-title').locator('..').getByLabel('viewer').check();
  await page.getByRole('button', { name: 'Create group' }).click();
  const gpanel = page.locator('section.manage', { hasText: `Group ${group}` });
  await gpanel.waitFor();
  await gpanel.getByLabel('Add a member (login or e-mail)').fill(login);
  await gpanel.getByRole('button', { name: 'Add member' }).click();
  await gpanel.getByRole('button', { name: `Remove ${login} from ${group}` }).waitFor();
  await axe(page, 'access group');
  await lib.screenshot(page, 'access-group');
  const u = (await lib.apiOk('GET', '/api/users?limit=500')).items.find((x) => x.login === login);
  lib.check(u && u.effectiveRoles.includes('viewer') && u.effectiveRoles.includes('operator') && u.groups.includes(group),
    `the user as the API has them: ${JSON.stringify(u)}`);

  await page.getByRole('link', { name: 'API keys' }).click();
  await page.locator('#new-key-title').waitFor();
  await settle(page);
  await page.getByLabel('Key name').fill(`k-${stamp}`);
  await page.getByLabel('Owner', { exact: true }).first().selectOption(login);
  await page.locator('#new-key-title').locator('..').getByLabel('operator').check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const once = page.locator('.shown-once');
  await once.waitFor();
  const token = (await once.locator('.secret-value').textContent()).trim();
  lib.check(/^ordo_[a-z2-7]{40}$/.test(token), `the token shown: ${token}`);
  lib.check((await once.textContent()).includes('Shown only this once'), 'the token box does not say it is shown once');
  await axe(page, 'access key created');
  await lib.screenshot(page, 'access-key-created');

  const asOperator = await lib.api('GET', '/api/users', undefined, token);
  lib.check(asOperator.status === 403, `GET /api/users with an operator key: ${asOperator.status}`);
  const audit = await lib.api('GET', '/api/audit?limit=1', undefined, token);
  lib.check(audit.status === 200, `GET /api/audit with an operator key: ${audit.status}`);

  const keyRow = page.locator('table.grid tbody tr', { hasText: `k-${stamp}` });
  await keyRow.getByRole('button', { name: `Revoke key k-${stamp} of ${login}` }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: 'Revoke' }).click();
  await keyRow.getByText(/revoked/).waitFor();
  const revoked = await lib.api('GET', '/api/audit?limit=1', undefined, token);
  lib.check(revoked.status === 401, `a revoked key answers ${revoked.status}`);
  await lib.screenshot(page, 'access-key-revoked');
  return { login, password };
}

// The new user signs in with the password the admin gave: an operator (and a viewer through
// the group) sees Audit and Webhooks read-only and no Access.
async function asOperator(ui, who) {
  const page = (await ui.newPage('operator'));
  await lib.loginPassword(page, who.login, who.password);
  const screens = await page.locator('#nav a').allTextContents();
  lib.check(screens.includes('Audit') && screens.includes('Webhooks') && !screens.includes('Access'),
    `the operator sees: ${screens.join(', ')}`);
  await go(page, '#/webhooks');
  await page.locator('main h2', { hasText: 'Inbound endpoints' }).waitFor();
  lib.check(await page.getByRole('button', { name: 'Save endpoint' }).count() === 0, 'the operator sees the endpoint form');
  lib.check(await page.locator('main h2', { hasText: 'Outbound subscriptions' }).count() === 0, 'the operator sees subscriptions');
  await axe(page, 'webhooks as operator');
  await lib.screenshot(page, 'webhooks-operator');
  await go(page, '#/connectors/slack');
  lib.check(await page.locator('main h2', { hasText: 'Credentials' }).count() === 0, 'the operator sees credentials');
  await go(page, '#/access');
  await page.getByText('Your roles do not allow this screen.').waitFor();
  await go(page, '#/audit');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await page.locator('.verify-result').getByText(/verified/).waitFor();
  await axe(page, 'audit as operator');
  await lib.screenshot(page, 'audit-operator');
}

lib.main(async () => {
  const instanceKey = await setup();
  const ui = await lib.launch();
  try {
    const page = (await ui.newPage('admin'));
    await lib.loginKey(page, lib.ADMIN_KEY);
    await auditScreen(page, instanceKey);
    await connectorsScreen(ui, page);
    await webhooksScreen(page);
    const who = await accessScreen(page);
    await asOperator(ui, who);
    const problems = [...ui.problems(), ...findings];
    lib.check(problems.length === 0, `problems:\n${problems.join('\n')}`);
  } finally {
    await ui.close();
  }
});
