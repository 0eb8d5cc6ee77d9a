// Oracle: the GitHub stand-in of ordo-sandbox (tests/fakes/github.c) against GitHub's own
// OpenAPI description of api.github.com, the npm package @octokit/openapi, checked with ajv and
// ajv-formats.
//
// It starts bin/ordo-sandbox (--port 0 --ready-file in a temporary folder) and sends, for every
// GitHub call Ordo's connector makes (integrations/github/github.c), the request the connector
// sends: its headers (Accept, X-GitHub-Api-Version, Authorization: Bearer, User-Agent,
// Content-Type) and its body. For each exchange it checks
//  - the request: the body against the operation's requestBody schema, no member the operation
//    does not describe (GitHub ignores those without a word), and the query against the
//    operation's parameters; so the connector's request shape is held to GitHub's contract too;
//  - the response: a status the operation documents, a JSON body valid against that status's
//    application/json schema, the headers the operation documents (Link, Location) against
//    their schemas, and the x-ratelimit-* headers every GitHub answer carries (the description
//    names three of them, as x-rate-limit-*; their schemas are used);
//  - the sandbox's record of the call: the body as sent, and no protocol notes.
// Besides the connector's calls it covers the fake's other two routes (GET /users/{username},
// GET /orgs/{org}/invitations) and the refusals: 401 for a bad token, 404, and the 422s for a
// duplicate invitation and a duplicate repository.
//
// Every mismatch is printed with the instance path and the path in the description's schema;
// any mismatch fails the test. A self-check first makes sure the validators refuse a wrong
// request, a wrong response and an undocumented status, so that a check that checks nothing
// cannot pass.
//
// The description is OpenAPI 3.0.3, whose schema objects are JSON Schema (draft 4/5 era) with
// `nullable`. The keywords it uses (type, format, properties, required, enum, items, allOf,
// anyOf, oneOf, additionalProperties, pattern, min/max*, uniqueItems) mean the same in draft 7,
// so ajv's draft-7 class checks them, after `nullable: true` is rewritten into JSON Schema (null
// added to type and enum, or anyOf [schema, null] where there is no type). strict is off for
// the description's own keywords (example, x-*, discriminator: the oneOf of GET /user is
// exclusive already, public-user has additionalProperties false). A 3.1 description would use
// ajv's 2020-12 class with no rewriting. Only generated/api.github.com.json is loaded (13 MB):
// the package's index.js would load all ten descriptions (600 MB).
//
// Usage: node github-openapi.js [--verbose]
// ORDOTEST_SANDBOX names the ordo-sandbox binary (ctest passes it).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const NAME = 'github-openapi.js';
const PACKAGE = '@octokit/openapi';
const VERBOSE = process.argv.includes('--verbose');

function skip(why) {
  console.log(`NOTICE: oracle test ${NAME} skipped: ${why}`);
  process.exit(77);
}

let doc, version, Ajv, Ajv2020, addFormats;
try {
  Ajv = require('ajv');
  Ajv2020 = require('ajv/dist/2020');
  addFormats = require('ajv-formats');
  doc = require(`${PACKAGE}/generated/api.github.com.json`);
  version = require(`${PACKAGE}/package.json`).version;
} catch (e) {
  skip(`npm packages ajv, ajv-formats and ${PACKAGE} missing: run 'npm ci' in tests/oracle`);
}
const sandboxBin = process.env.ORDOTEST_SANDBOX;
if (!sandboxBin || !fs.existsSync(sandboxBin)) skip('ordo-sandbox is not built (ORDOTEST_SANDBOX)');

// What the connector sends (integrations/github/github.c: setup() and ordo_conn_send()).
const TOKEN = 'ghp_sandbox_token';
const CONNECTOR_HEADERS = {
  Accept: 'application/vnd.github+json',
  'X-GitHub-Api-Version': '2022-11-28',
  Authorization: `Bearer ${TOKEN}`,
  'User-Agent': 'ordo-connector-github/1.0.0',
};
const BODY_TYPE = 'application/json; charset=utf-8';
// The rate-limit headers the fake claims on every answer (docs/sandbox.md), and the
// description's header component for each, where it has one.
const RATE_HEADERS = {
  'x-ratelimit-limit': 'x-rate-limit-limit',
  'x-ratelimit-remaining': 'x-rate-limit-remaining',
  'x-ratelimit-reset': 'x-rate-limit-reset',
  'x-ratelimit-used': null,
  'x-ratelimit-resource': null,
};

// ---- the description as JSON Schema ---------------------------------------------------------

const DOC_ID = 'https://api.github.com/openapi.json';
const is31 = /^3\.1\./.test(String(doc.openapi));
if (!is31 && !/^3\.0\./.test(String(doc.openapi))) {
  console.error(`${PACKAGE}@${version} is OpenAPI ${doc.openapi}, which this oracle does not know`);
  process.exit(1);
}

// OpenAPI 3.0's nullable in JSON Schema terms. Data members (example, examples, default, enum,
// const) are not schemas and are left alone.
const NOT_SCHEMA = new Set(['example', 'examples', 'default', 'enum', 'const']);
function unNullable(node) {
  if (Array.isArray(node)) {
    node.forEach(unNullable);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' || k === 'patternProperties') {
      Object.values(v || {}).forEach(unNullable); // a member may be called "default" or "enum"
    } else if (!NOT_SCHEMA.has(k)) {
      unNullable(v);
    }
  }
  if (node.nullable === undefined || typeof node.nullable !== 'boolean') return;
  const nullable = node.nullable;
  delete node.nullable;
  if (!nullable) return;
  if (typeof node.type === 'string' || Array.isArray(node.type)) {
    const types = [].concat(node.type);
    if (!types.includes('null')) node.type = types.concat('null');
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = node.enum.concat(null);
    return;
  }
  const rest = {};
  for (const k of Object.keys(node)) {
    if (k !== 'description' && k !== 'title') {
      rest[k] = node[k];
      delete node[k];
    }
  }
  node.anyOf = [rest, { type: 'null' }];
}

if (!is31) unNullable(doc);
// A format ajv does not know would be ignored with a warning: the test fails on it instead, so
// that no value goes unchecked unnoticed.
const warnings = [];
const logger = { log: () => {}, warn: (...a) => warnings.push(a.join(' ')), error: (...a) => warnings.push(a.join(' ')) };
// inlineRefs off: an error's schemaPath then names the schema it is in, not the $ref to it.
const ajv = new (is31 ? Ajv2020 : Ajv)({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false, logger });
addFormats(ajv);
// GitHub's own format for epoch seconds (x-rate-limit-reset).
ajv.addFormat('timestamp', { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 });
ajv.addSchema(doc, DOC_ID, undefined, false);

// A JSON pointer (as a list of segments) as a URI fragment.
function fragment(segments) {
  return '#/' + segments.map((s) => encodeURIComponent(String(s).replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

function at(segments) {
  return segments.reduce((o, s) => (o == null ? undefined : o[s]), doc);
}

// Follow the $ref of an object (response, parameter, header, schema): its target's segments.
function deref(segments) {
  let seen = 0;
  let node = at(segments);
  while (node && typeof node.$ref === 'string' && seen++ < 10) {
    if (!node.$ref.startsWith('#/')) throw new Error(`external $ref ${node.$ref}`);
    segments = node.$ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    node = at(segments);
  }
  return segments;
}

const compiled = new Map();
function validator(segments) {
  const key = fragment(segments);
  if (!compiled.has(key)) compiled.set(key, ajv.compile({ $ref: DOC_ID + key }));
  return compiled.get(key);
}

// The errors of 'value' against the schema at 'segments', as lines naming the instance path and
// the path in the description's schema.
function schemaErrors(segments, value) {
  // A schema that is only a $ref is checked as its target, so that paths name the target.
  segments = deref(segments);
  const key = fragment(segments);
  const validate = validator(segments);
  if (validate(value)) return [];
  return validate.errors.map((e) => {
    const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
    // Paths inside a referenced schema name it from the document's root; the others are below
    // 'segments'.
    let where = e.schemaPath.startsWith(DOC_ID) ? e.schemaPath.slice(DOC_ID.length) : e.schemaPath;
    if (!/^#\/(components|paths)\//.test(where)) where = where.replace(/^#/, key);
    where = `api.github.com.json${decodeURIComponent(where)}`;
    return `${e.instancePath || '/'} ${e.message}${params} (schema ${where})`;
  });
}

// ---- operations -----------------------------------------------------------------------------

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

// The operation of 'method' on a concrete path: its template and segments in the description.
function findOperation(method, concretePath) {
  const parts = concretePath.split('/');
  for (const template of Object.keys(doc.paths)) {
    const t = template.split('/');
    if (t.length !== parts.length || !doc.paths[template][method]) continue;
    if (t.every((s, i) => /^\{.+\}$/.test(s) || s === parts[i])) {
      return { template, segments: ['paths', template, method], op: doc.paths[template][method] };
    }
  }
  return null;
}

// The operation's parameters, the path item's included, by "in:name".
function parametersOf(found) {
  const params = new Map();
  const lists = [['paths', found.template, 'parameters'], found.segments.concat('parameters')];
  for (const list of lists) {
    (at(list) || []).forEach((_, i) => {
      const segs = deref(list.concat(i));
      const p = at(segs);
      params.set(`${p.in}:${p.name}`, { p, segs });
    });
  }
  return params;
}

// A query value read as its schema's type says, the way GitHub reads it.
function coerce(value, schema) {
  const type = schema && [].concat(schema.type || [])[0];
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function checkRequest(found, url, body, problems) {
  const op = found.op;
  const params = parametersOf(found);
  for (const [name, value] of url.searchParams) {
    const hit = params.get(`query:${name}`);
    if (!hit) {
      problems.push(`request: query parameter ${name} is not a parameter of ${op.operationId}`);
      continue;
    }
    for (const e of schemaErrors(hit.segs.concat('schema'), coerce(value, hit.p.schema))) {
      problems.push(`request: query ${name}=${value}: ${e}`);
    }
  }
  for (const { p } of params.values()) {
    if (p.in === 'query' && p.required && !url.searchParams.has(p.name)) {
      problems.push(`request: required query parameter ${p.name} is missing`);
    }
  }
  if (!op.requestBody) {
    if (body !== undefined) problems.push(`request: ${op.operationId} takes no body`);
    return;
  }
  const rb = deref(found.segments.concat('requestBody'));
  if (body === undefined) {
    if (at(rb).required) problems.push(`request: ${op.operationId} needs a body`);
    return;
  }
  const schemaSegs = rb.concat('content', 'application/json', 'schema');
  if (!at(schemaSegs)) {
    problems.push(`request: ${op.operationId} takes no application/json body`);
    return;
  }
  for (const e of schemaErrors(schemaSegs, body)) problems.push(`request body: ${e}`);
  const described = at(schemaSegs).properties || {};
  for (const k of Object.keys(body)) {
    if (!(k in described)) {
      const where = `api.github.com.json${decodeURIComponent(fragment(schemaSegs))}/properties`;
      problems.push(`request body: member ${k} is not described (schema ${where})`);
    }
  }
}

// The documented response for 'status': its segments, or null.
function responseFor(op, segments, status) {
  const codes = Object.keys(op.responses);
  const code = codes.find((c) => c === String(status)) ||
    codes.find((c) => /^[1-5]XX$/i.test(c) && c[0] === String(status)[0]) ||
    codes.find((c) => c === 'default');
  return code ? deref(segments.concat('responses', code)) : null;
}

function checkRateHeaders(res, problems) {
  const values = {};
  for (const [name, component] of Object.entries(RATE_HEADERS)) {
    const v = res.headers.get(name);
    if (v === null) {
      problems.push(`response: header ${name} is missing`);
      continue;
    }
    values[name] = v;
    if (component && doc.components.headers[component]) {
      const schema = doc.components.headers[component].schema;
      for (const e of schemaErrors(['components', 'headers', component, 'schema'], coerce(v, schema))) {
        problems.push(`response: header ${name}: ${v}: ${e}`);
      }
    } else if (name !== 'x-ratelimit-resource' && !/^\d+$/.test(v)) {
      problems.push(`response: header ${name}: ${v} is not a count`);
    }
  }
  const n = (k) => Number(values[k]);
  if (values['x-ratelimit-limit'] && values['x-ratelimit-remaining'] && values['x-ratelimit-used'] &&
      n('x-ratelimit-remaining') + n('x-ratelimit-used') !== n('x-ratelimit-limit')) {
    problems.push('response: x-ratelimit-remaining + x-ratelimit-used is not x-ratelimit-limit');
  }
  if (values['x-ratelimit-reset'] && n('x-ratelimit-reset') * 1000 < Date.now()) {
    problems.push(`response: x-ratelimit-reset ${values['x-ratelimit-reset']} is in the past`);
  }
}

function checkResponse(found, res, text, problems) {
  const responseSegs = responseFor(found.op, found.segments, res.status);
  if (!responseSegs) {
    problems.push(`response: status ${res.status} is not one ${found.op.operationId} documents ` +
      `(${Object.keys(found.op.responses).join(', ')})`);
    return;
  }
  const response = at(responseSegs);
  for (const name of Object.keys(response.headers || {})) {
    const hsegs = deref(responseSegs.concat('headers', name));
    const header = at(hsegs);
    const v = res.headers.get(name);
    if (v === null) {
      if (header.required) problems.push(`response: required header ${name} is missing`);
      continue;
    }
    if (header.schema) {
      for (const e of schemaErrors(hsegs.concat('schema'), coerce(v, header.schema))) {
        problems.push(`response: header ${name}: ${e}`);
      }
    }
  }
  checkRateHeaders(res, problems);
  const content = response.content || {};
  if (!content['application/json']) {
    if (Object.keys(content).length) problems.push(`response: ${res.status} has no application/json content in the description`);
    return;
  }
  const type = res.headers.get('content-type') || '';
  if (!/^application\/json\b/.test(type)) problems.push(`response: Content-Type ${type} is not application/json`);
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    problems.push(`response: the body is not JSON: ${text.slice(0, 80)}`);
    return;
  }
  for (const e of schemaErrors(responseSegs.concat('content', 'application/json', 'schema'), body)) {
    problems.push(`response body: ${e}`);
  }
}

// ---- the self-check -------------------------------------------------------------------------

function selfCheck() {
  const failures = [];
  const invite = findOperation('post', '/orgs/acme/invitations');
  const membership = findOperation('put', '/orgs/acme/teams/x/memberships/y');
  const user = findOperation('get', '/user');
  if (!invite || !membership || !user) return ['the description lacks an operation this oracle checks'];
  const expectProblems = (what, fn) => {
    const problems = [];
    fn(problems);
    if (!problems.length) failures.push(`${what} was not refused`);
    else if (VERBOSE) console.log(`self-check: ${what}: ${problems.join('; ')}`);
  };
  const headers = new Headers({ 'content-type': 'application/json', 'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999', 'x-ratelimit-used': '1',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60), 'x-ratelimit-resource': 'core' });
  const res = (status, h = headers) => ({ status, headers: h });
  expectProblems('a membership body with role "owner"', (p) =>
    checkRequest(membership, new URL('http://x/'), { role: 'owner' }, p));
  expectProblems('an invitation body with team_ids as strings', (p) =>
    checkRequest(invite, new URL('http://x/'), { email: 'a@b.example', team_ids: ['1'] }, p));
  expectProblems('an invitation body with a member GitHub does not describe', (p) =>
    checkRequest(invite, new URL('http://x/'), { email: 'a@b.example', teams: 'x' }, p));
  expectProblems('an invitation without inviter and with id as a string', (p) =>
    checkResponse(invite, res(201), JSON.stringify({ id: '1', login: null, email: 'a@b.example', role: 'direct_member',
      created_at: 'now', team_count: 0, node_id: 'x', invitation_teams_url: 'x' }), p));
  expectProblems('a team membership with state "gone"', (p) =>
    checkResponse(membership, res(200), JSON.stringify({ url: 'http://x/y', role: 'member', state: 'gone' }), p));
  expectProblems('status 418', (p) => checkResponse(invite, res(418), '{}', p));
  expectProblems('an answer without x-ratelimit-used', (p) => {
    const h = new Headers(headers);
    h.delete('x-ratelimit-used');
    checkResponse(membership, res(200, h), JSON.stringify({ url: 'http://x/y', role: 'member', state: 'active' }), p);
  });
  // nullable: null where the description allows it, and only there.
  const inv = ['components', 'schemas', 'organization-invitation', 'properties'];
  if (schemaErrors(inv.concat('login'), null).length) failures.push('a null login of an invitation was refused (nullable)');
  if (!schemaErrors(inv.concat('role'), null).length) failures.push('a null role of an invitation was accepted');
  return failures;
}

// ---- the sandbox ----------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function startSandbox(dir) {
  const ready = path.join(dir, 'ready.json');
  const child = spawn(sandboxBin, ['--port', '0', '--ready-file', ready, '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`ordo-sandbox exited with ${child.exitCode}`);
    if (fs.existsSync(ready)) return { child, exited, url: JSON.parse(fs.readFileSync(ready, 'utf8')).url };
    await sleep(50);
  }
  child.kill('SIGTERM');
  throw new Error('ordo-sandbox did not write its ready file in 15 s');
}

// ---- the exchanges --------------------------------------------------------------------------

// method, path (under /github), body, expected status, and headers to change.
const NORA = 'nora@acme.example';
const EXCHANGES = [
  { what: "the connector's token check (get_user)", method: 'GET', path: '/user', status: 200 },
  { what: 'team slugs to ids, one page of 100 (resolve_teams)', method: 'GET',
    path: '/orgs/acme/teams?per_page=100', status: 200 },
  { what: 'teams, paged by one', method: 'GET', path: '/orgs/acme/teams?per_page=1', status: 200, link: true },
  { what: 'teams, the last page', method: 'GET', path: '/orgs/acme/teams?per_page=1&page=2', status: 200, link: true },
  { what: 'invite by e-mail into a team (invite_to_org)', method: 'POST', path: '/orgs/acme/invitations',
    body: { email: NORA, role: 'direct_member', team_ids: [2] }, status: 201 },
  { what: 'invite by e-mail, no teams (invite_to_org)', method: 'POST', path: '/orgs/acme/invitations',
    body: { email: 'olga@acme.example', role: 'direct_member' }, status: 201 },
  { what: 'the same invitation again: 422 "already" (invite_to_org)', method: 'POST', path: '/orgs/acme/invitations',
    body: { email: NORA, role: 'direct_member', team_ids: [2] }, status: 422 },
  { what: 'the pending invitations', method: 'GET', path: '/orgs/acme/invitations', status: 200 },
  { what: 'team membership of an org member (add_team_member)', method: 'PUT',
    path: '/orgs/acme/teams/onboarding/memberships/dana-dev', body: { role: 'member' }, status: 200 },
  { what: 'team maintainer (add_team_member)', method: 'PUT',
    path: '/orgs/acme/teams/engineering/memberships/maria-acme', body: { role: 'maintainer' }, status: 200 },
  { what: 'an issue with body, labels and assignees (create_issue)', method: 'POST', path: '/repos/acme/it-requests/issues',
    body: { title: 'Laptop for Nora', body: 'A 14" laptop, please.', labels: ['onboarding', 'hardware'],
      assignees: ['maria-acme'] },
    status: 201 },
  { what: 'an issue with a title only (create_issue)', method: 'POST', path: '/repos/acme/it-requests/issues',
    body: { title: 'Badge for Nora' }, status: 201 },
  { what: 'a private org repository (create_repository)', method: 'POST', path: '/orgs/acme/repos',
    body: { name: 'nora-onboarding', private: true, auto_init: false, description: 'Nora\'s first weeks' }, status: 201 },
  { what: 'a public org repository without description (create_repository)', method: 'POST', path: '/orgs/acme/repos',
    body: { name: 'handbook', private: false, auto_init: true }, status: 201 },
  { what: 'the same repository again: 422 (create_repository)', method: 'POST', path: '/orgs/acme/repos',
    body: { name: 'nora-onboarding', private: true, auto_init: false, description: 'Nora\'s first weeks' }, status: 422 },
  { what: 'the existing repository on a retry (existing_repo)', method: 'GET', path: '/repos/acme/nora-onboarding', status: 200 },
  { what: "a repository of the token's user, no org (create_repository)", method: 'POST', path: '/user/repos',
    body: { name: 'dotfiles', private: true, auto_init: false }, status: 201 },
  { what: "the user's repository", method: 'GET', path: '/repos/ordo-sandbox-bot/dotfiles', status: 200 },
  { what: 'another user', method: 'GET', path: '/users/maria-acme', status: 200 },
  { what: 'a bad token: 401', method: 'GET', path: '/user', status: 401, headers: { Authorization: 'Bearer ghp_wrong' } },
  { what: 'no token: 401', method: 'GET', path: '/user', status: 401, headers: { Authorization: null } },
  { what: 'an unknown repository: 404', method: 'GET', path: '/repos/acme/nope', status: 404 },
  { what: 'an issue in an unknown repository: 404', method: 'POST', path: '/repos/acme/nope/issues',
    body: { title: 'x' }, status: 404 },
];

async function exchange(base, x, problems) {
  const url = new URL(`${base}/github${x.path}`);
  const found = findOperation(x.method.toLowerCase(), url.pathname.replace(/^\/github/, ''));
  if (!found) {
    problems.push(`${x.method} ${url.pathname} is no operation of api.github.com`);
    return null;
  }
  const headers = { ...CONNECTOR_HEADERS };
  if (x.body !== undefined) headers['Content-Type'] = BODY_TYPE;
  for (const [k, v] of Object.entries(x.headers || {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  checkRequest(found, url, x.body, problems);
  const body = x.body === undefined ? undefined : JSON.stringify(x.body);
  const res = await fetch(url, { method: x.method, headers, body });
  const text = await res.text();
  if (res.status !== x.status) problems.push(`response: status ${res.status}, expected ${x.status}: ${text.slice(0, 200)}`);
  checkResponse(found, res, text, problems);
  if (x.link) {
    const link = res.headers.get('link');
    if (!link || !/rel="(next|prev)"/.test(link)) problems.push(`response: no Link header with rel="next" or "prev": ${link}`);
    for (const [, u] of (link || '').matchAll(/<([^>]*)>/g)) {
      if (!u.startsWith(`${base}/github/`)) problems.push(`response: Link ${u} leaves the API's base URL`);
    }
  }
  if (VERBOSE) console.log(`${x.method} ${x.path} -> ${res.status}\n${text}`);
  return { found, status: res.status, sent: body };
}

async function main() {
  const selfFailures = selfCheck();
  if (selfFailures.length) {
    for (const f of selfFailures) console.log(`SELF-CHECK ${f}`);
    console.log('github-openapi: the self-check failed: the validators do not work');
    process.exit(1);
  }
  console.log(`self-check: the validators refuse wrong requests, answers and statuses`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-ghoracle-'));
  let sb;
  const failures = [];
  const operations = new Set();
  try {
    sb = await startSandbox(dir);
    const results = [];
    for (const x of EXCHANGES) {
      const problems = [];
      const r = await exchange(sb.url, x, problems);
      results.push(r);
      if (r) operations.add(`${r.found.op.operationId} (${x.method} ${r.found.template})`);
      for (const p of problems) failures.push(`${x.method} ${x.path} [${x.what}]: ${p}`);
      console.log(`${problems.length ? 'FAIL' : 'ok  '} ${x.method} ${x.path} -> ${r ? r.status : '-'} ` +
        `${r ? r.found.op.operationId : ''} (${x.what})`);
    }
    // The sandbox's records: every call as sent, with no protocol notes.
    const calls = (await (await fetch(`${sb.url}/_sandbox/calls?service=github`)).json()).calls;
    if (calls.length !== EXCHANGES.length) {
      failures.push(`the sandbox recorded ${calls.length} calls, not ${EXCHANGES.length}`);
    } else {
      calls.forEach((c, i) => {
        const x = EXCHANGES[i];
        const sent = results[i] && results[i].sent;
        if (c.method !== x.method || c.path !== `/github${x.path.split('?')[0]}`) {
          failures.push(`call ${i + 1}: recorded as ${c.method} ${c.path}`);
        }
        if (sent !== undefined && c.body !== sent) failures.push(`${x.method} ${x.path}: recorded body ${c.body}, sent ${sent}`);
        if (c.notes.length) failures.push(`${x.method} ${x.path}: the sandbox noted ${c.notes.join('; ')}`);
      });
    }
  } finally {
    if (sb) {
      sb.child.kill('SIGTERM');
      const { code, signal } = await sb.exited;
      if (code !== 0) failures.push(`ordo-sandbox ended with ${signal || code}, not 0`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }

  for (const w of warnings) failures.push(`ajv: ${w}`);
  for (const f of failures) console.log(`MISMATCH ${f}`);
  console.log(`operations covered: ${[...operations].join(', ')}`);
  console.log(`github-openapi: ${EXCHANGES.length} exchanges, ${operations.size} operations, ` +
    `${failures.length} mismatches (${PACKAGE}@${version}, OpenAPI ${doc.openapi}, ` +
    `${is31 ? 'ajv 2020-12' : 'ajv draft-07 + nullable'})`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`github-openapi: ${e.stack || e}`);
  process.exit(1);
});
