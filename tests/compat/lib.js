'use strict';
// Shared by the compatibility scripts: the server under test (test_compat.c sets
// ORDOTEST_URL and ORDOTEST_ADMIN_KEY), plain HTTP calls to its native API for the setup a
// script needs, and a small assertion that names what failed.

const url = process.env.ORDOTEST_URL;
const adminKey = process.env.ORDOTEST_ADMIN_KEY;
if (!url || !adminKey) {
  console.error('ORDOTEST_URL and ORDOTEST_ADMIN_KEY must be set (run through test_compat)');
  process.exit(2);
}

// One request with the admin key (or 'key'; null for none): {status, headers, body, json}.
async function call(method, path, body, key = adminKey, headers = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof FormData)) {
    h['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(url + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch (e) {
    json = null;
  }
  return { status: res.status, headers: res.headers, body: text, json };
}

// A user 'login' with 'roles' and an API key of theirs: the key.
async function userKey(login, roles) {
  const u = await call('POST', '/api/users', { login, email: `${login}@example.com`, roles });
  check(u.status === 201, `creating user ${login}: ${u.status} ${u.body}`);
  const k = await call('POST', '/api/keys', { user: login, scopes: roles, name: login });
  check(k.status === 201, `creating a key for ${login}: ${k.status} ${k.body}`);
  return k.json.token;
}

function check(ok, what) {
  if (!ok) {
    throw new Error(`FAILED: ${what}`);
  }
}

// Run 'main' and exit 0 on success, 1 with the reason otherwise.
function run(main) {
  main().then(
    () => {
      console.log('ok');
      process.exit(0);
    },
    (e) => {
      console.error(e && e.stack ? e.stack : e);
      process.exit(1);
    },
  );
}

module.exports = { url, adminKey, call, userKey, check, run };
