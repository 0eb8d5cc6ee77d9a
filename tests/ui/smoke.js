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

    const page = await ui.newPage('admin');
    await lib.loginKey(page, lib.ADMIN_KEY);
    const findings = [];
    const names = await page.locator('#nav a').allTextContents();
    lib.check(names.length === 9, `the admin sees ${names.length} screens: ${names.join(', ')}`);
    for (const name of names) {
      await page.locator('#nav a', { hasText: name }).click();
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
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
