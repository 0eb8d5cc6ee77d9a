// tests/ui/lib.js - what the browser tests share: the server's address and keys from the
// environment (tests/integration/test_compat.c sets them), API calls with the admin key, Debian's
// chromium driven by playwright-core (never a downloaded browser), and the checks every page
// gets: no Content-Security-Policy violation, no console error, no uncaught exception, and no
// serious or critical axe-core finding.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const URL_BASE = process.env.ORDOTEST_URL;
const ADMIN_KEY = process.env.ORDOTEST_ADMIN_KEY;
const DATA_DIR = process.env.ORDOTEST_DATA_DIR;
const ARTIFACTS = process.env.ORDOTEST_ARTIFACTS || path.join(process.cwd(), 'ui-artifacts');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

if (!URL_BASE || !ADMIN_KEY) {
  console.error('ORDOTEST_URL and ORDOTEST_ADMIN_KEY must be set (tests/integration/test_compat.c sets them)');
  process.exit(2);
}

function fail(message) {
  throw new Error(message);
}

function check(cond, message) {
  if (!cond) fail(message);
}

// A REST call with a Bearer key (the admin's unless given); returns {status, body}.
async function api(method, route, body, key = ADMIN_KEY) {
  const headers = { Authorization: `Bearer ${key}` };
  let payload;
  if (typeof body === 'string') {
    payload = body;
    headers['Content-Type'] = 'application/xml';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const resp = await fetch(URL_BASE + route, { method, headers, body: payload });
  const text = await resp.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch (_) {
    json = text;
  }
  return { status: resp.status, body: json };
}

// The same, failing the test unless the status is 'want' (a number or a list).
async function apiOk(method, route, body, want = [200, 201, 202, 204], key = ADMIN_KEY) {
  const r = await api(method, route, body, key);
  const wanted = Array.isArray(want) ? want : [want];
  check(wanted.includes(r.status), `${method} ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// A user with a password and roles, and optionally groups (created when missing).
async function makeUser(login, password, roles, groups = []) {
  const user = await apiOk('POST', '/api/users', { login, email: `${login}@example.com`, password, roles }, [201]);
  for (const g of groups) {
    const list = await apiOk('GET', '/api/groups', undefined, [200]);
    let group = (list.items || []).find((x) => x.name === g);
    if (!group) group = await apiOk('POST', '/api/groups', { name: g }, [201]);
    await apiOk('POST', `/api/groups/${group.key}/members`, { userKey: String(user.key) });
  }
  return user;
}

// The demo manager's password, from data_dir/demo-users (ordo serve --demo writes it).
function demoPassword() {
  const text = fs.readFileSync(path.join(DATA_DIR, 'demo-users'), 'utf8');
  const m = /^password (\S+)$/m.exec(text);
  check(m, 'demo-users names no password');
  return m[1];
}

// Chromium with a fresh profile (playwright makes and removes one). Returns {browser, newPage(name), problems(), close()}.
// Every page records CSP violations, console errors and uncaught exceptions; problems() lists
// them all, and the test asserts it is empty at the end.
async function launch() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.ORDOTEST_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const pages = [];
  async function newPage(name) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    const page = await context.newPage();
    page.ordoName = name;
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        // eslint-disable-next-line no-console
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`${name}: console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`${name}: uncaught: ${err.message}`));
    track(page);
    pages.push(page);
    return page;
  }
  return {
    browser,
    newPage,
    problems: () => problems.slice(),
    // Forget up to 'count' problems the test caused on purpose (the refused requests it made
    // and asserted on); any more of them stay problems.
    forgive(pattern, count) {
      let left = count;
      for (let i = 0; i < problems.length && left > 0;) {
        if (pattern.test(problems[i])) {
          problems.splice(i, 1);
          left -= 1;
        } else {
          i += 1;
        }
      }
    },
    async close() {
      await browser.close();
    },
  };
}

// Requests in flight, for settle(): waitForLoadState('networkidle') returns at once after the
// first load, so it cannot wait for a list that a click or a filter reloads.
function track(page) {
  page.ordoPending = 0;
  page.ordoQuietSince = Date.now();
  const done = () => {
    page.ordoPending = Math.max(0, page.ordoPending - 1);
    page.ordoQuietSince = Date.now();
  };
  page.on('request', () => { page.ordoPending += 1; });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

// Wait until the page has had no request in flight for 300 ms (long polls aside, which no
// screen keeps open: the lists poll with short requests).
async function settle(page) {
  await page.waitForTimeout(50);
  for (let i = 0; i < 200; i++) {
    if (page.ordoPending === 0 && Date.now() - page.ordoQuietSince >= 300) return;
    await page.waitForTimeout(50);
  }
  fail('the page never stopped loading');
}

let shots = 0;
// A full-page screenshot in the artifacts folder, numbered in the order taken.
async function screenshot(page, what) {
  shots += 1;
  const file = path.join(ARTIFACTS, `${String(shots).padStart(2, '0')}-${what}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// axe-core on the page once it has settled: the serious and critical violations, as text lines,
// and any missing value printed as text ("null", "undefined", "[object Object]"), a bug too.
async function axe(page, what) {
  await settle(page);
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const stray = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    const out = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (/^(null|undefined|\[object Object\])$/.test(n.data.trim())) out.push(n.parentElement.outerHTML.slice(0, 120));
    }
    return out;
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: axe ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`)
    .concat(stray.map((t) => `${what}: stray text in ${t}`));
}

async function open(page, hash = '') {
  await page.goto(`${URL_BASE}/ui/${hash}`);
}

async function loginPassword(page, login, password) {
  await open(page);
  await page.getByRole('textbox', { name: 'Login or email' }).fill(login);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#who .user').waitFor();
}

async function loginKey(page, key) {
  await open(page);
  await page.getByText('Sign in with an API key').click();
  await page.getByRole('textbox', { name: 'API key' }).fill(key);
  await page.getByRole('button', { name: 'Sign in with key' }).click();
  await page.locator('#who .user').waitFor();
}

// Run 'body' and report: exit 0 when it passes, else 1 with the error.
function main(body) {
  body().then(() => {
    console.log('ok');
    process.exit(0);
  }, (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  });
}

module.exports = {
  URL_BASE, ADMIN_KEY, DATA_DIR, ARTIFACTS, api, apiOk, makeUser, demoPassword, launch,
  screenshot, axe, settle, open, loginPassword, loginKey, check, fail, main,
};
