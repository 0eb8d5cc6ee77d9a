// tests/ui/smoke.js - the UI is served with its CSP, signs in with a password and with an API
// key, shows every screen the admin may use without a CSP violation, console error or serious
// axe finding, and signs out.
'use strict';

const lib = require('./lib.js');

lib.main(async () => {
  const ui = await lib.launch();
  try {
    const root = await fetch(`${lib.URL_BASE}/`, { redirect: 'manual' });
    lib.check(root.status === 302 && root.headers.get('location') === '/ui/', `GET / answered ${root.status}`);
    const index = await fetch(`${lib.URL_BASE}/ui/`);
    const csp = index.headers.get('content-security-policy') || '';
    lib.check(index.status === 200 && /script-src 'self'(;|$)/.test(csp) && !/unsafe-eval/.test(csp),
      `GET /ui/: ${index.status}, CSP "${csp}"`);

    // A wrong key is refused on the sign-in form itself, which stays up.
    const page = await ui.newPage('admin');
    await lib.open(page);
    await page.getByText('Sign in with an API key').click();
    await page.getByRole('textbox', { name: 'API key' }).fill('ordo_not-a-key-of-this-server');
    await page.getByRole('button', { name: 'Sign in with key' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong login, password or key.' }).waitFor();
    lib.check(await page.locator('#nav a').count() === 0, 'a wrong key signed in');
    ui.forgive(/status of 401/, 1); // the browser logs the refused request it was asked to make

    await lib.loginKey(page, lib.ADMIN_KEY);
    const findings = [];
    const names = await page.locator('#nav a').allTextContents();
    lib.check(names.length === 9, `the admin sees ${names.length} screens: ${names.join(', ')}`);
    for (const name of names) {
      await page.locator('#nav a', { hasText: name }).click();
      await page.locator('main h1').first().waitFor();
      findings.push(...await lib.axe(page, name));
      await lib.screenshot(page, `smoke-${name.toLowerCase()}`);
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Login or email' }).waitFor();

    const maria = await ui.newPage('maria');
    await lib.loginPassword(maria, 'maria', lib.demoPassword());
    const mariaScreens = await maria.locator('#nav a').allTextContents();
    lib.check(mariaScreens.join(',') === 'Tasks', `maria (approver) sees: ${mariaScreens.join(', ')}`);
    findings.push(...await lib.axe(maria, 'login as maria'));

    const problems = [...ui.problems(), ...findings];
    lib.check(problems.length === 0, `problems:\n${problems.join('\n')}`);
  } finally {
    await ui.close();
  }
});
