// docs/openapi.yaml against the routing table (server/api_routes.c, printed by
// tests/tools/routes_dump), both ways, and the document against OpenAPI 3.0
// (@apidevtools/swagger-parser: the 3.0 JSON Schema and the spec's own rules).
//
// Every route must be documented with the same method and path, x-ordo-roles equal to its
// role bits (in the order of enum ordo_role), its summary, a request body exactly when it
// takes one (x-ordo-max-body equal to its limit), security [] exactly when it is open, the
// session's CSRF token for a state change, and the answers its gates can give (401, 403, 429
// when protected; 400, 413, 415 with a body; 404 with a {key}). Every documented operation
// must be a route, with an operationId of its own. A self-check first makes sure the diff does
// find a missing route, an extra operation and wrong roles, so that a diff that compares
// nothing cannot pass.
//
// Usage: node openapi-routes.js [path/to/openapi.yaml]
// ORDOTEST_ROUTES_DUMP names the routes_dump tool (ctest passes it).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const NAME = 'openapi-routes.js';

function skip(why) {
  console.log(`NOTICE: oracle test ${NAME} skipped: ${why}`);
  process.exit(77);
}

let YAML, SwaggerParser;
try {
  YAML = require('yaml');
  SwaggerParser = require('@apidevtools/swagger-parser');
} catch (e) {
  skip("npm packages yaml and @apidevtools/swagger-parser missing: run 'npm ci' in tests/oracle");
}
const tool = process.env.ORDOTEST_ROUTES_DUMP;
if (!tool || !fs.existsSync(tool)) skip('routes_dump is not built (ORDOTEST_ROUTES_DUMP)');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const STATUSES = new Set(['200', '201', '202', '204', '302', '400', '401', '403', '404', '405', '409', '413',
  '415', '422', '429', '500', '503']);

function routesOf(toolPath) {
  const r = spawnSync(toolPath, [], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${toolPath} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function operationsOf(doc) {
  const ops = new Map();
  for (const [p, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) {
      if (item[m]) ops.set(`${m.toUpperCase()} ${p}`, item[m]);
    }
  }
  return ops;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Does a security requirement list ask for the session's CSRF token with the cookie?
function hasCsrf(security) {
  return security.some((req) => 'sessionCookie' in req && 'csrfToken' in req);
}

// The problems of one route against its operation.
function checkRoute(doc, route, op) {
  const problems = [];
  const roles = op['x-ordo-roles'];
  const security = op.security !== undefined ? op.security : doc.security || [];
  const responses = Object.keys(op.responses || {});
  const bodyLimit = op['x-ordo-max-body'];
  const want = (codes, why) => {
    for (const c of codes) {
      if (!responses.includes(c)) problems.push(`does not list ${c} (${why})`);
    }
  };

  if (!Array.isArray(roles)) {
    problems.push('has no x-ordo-roles');
  } else if (!same(roles, route.roles)) {
    problems.push(`x-ordo-roles ${JSON.stringify(roles)}, the table says ${JSON.stringify(route.roles)}`);
  }
  if (op.summary !== route.summary) {
    problems.push(`summary "${op.summary}", the table says "${route.summary}"`);
  }
  if (route.open && security.length !== 0) problems.push('is open in the table but not security: []');
  if (!route.open && security.length === 0) problems.push('needs credentials but has security: []');
  if (!route.open && route.method !== 'GET' && !hasCsrf(security)) {
    problems.push('changes state but its security does not ask for csrfToken with sessionCookie');
  }
  if (route.max_body > 0 && !op.requestBody) problems.push(`takes a body (${route.max_body} bytes) but documents none`);
  if (route.max_body === 0 && op.requestBody) problems.push('documents a body the route does not take');
  if (route.max_body > 0 && bodyLimit !== route.max_body) {
    problems.push(`x-ordo-max-body ${bodyLimit}, the table says ${route.max_body}`);
  }
  if (route.max_body === 0 && bodyLimit !== undefined) problems.push('has x-ordo-max-body but takes no body');
  if (!route.open) want(['401', '403', '429'], 'protected');
  if (route.max_body > 0) want(['400', '413', '415'], 'takes a body');
  if (route.pattern.includes('{key}')) want(['404'], 'has a {key}');
  if (!responses.some((c) => c.startsWith('2') || c === '302')) problems.push('lists no success');
  for (const c of responses) {
    if (!STATUSES.has(c)) problems.push(`lists ${c}, which Ordo does not answer`);
  }
  return problems;
}

// Every problem between the table and the document, as lines of text.
function diff(doc, routes) {
  const problems = [];
  const ops = operationsOf(doc);
  const seen = new Set();

  for (const route of routes) {
    const id = `${route.method} ${route.pattern}`;
    const op = ops.get(id);
    if (seen.has(id)) problems.push(`${id}: twice in the routing table`);
    seen.add(id);
    if (!op) {
      problems.push(`${id}: in the routing table, not in docs/openapi.yaml`);
      continue;
    }
    for (const p of checkRoute(doc, route, op)) problems.push(`${id}: ${p}`);
  }
  const ids = new Map();
  for (const [id, op] of ops) {
    if (!seen.has(id)) problems.push(`${id}: in docs/openapi.yaml, not in the routing table`);
    if (!op.operationId) problems.push(`${id}: has no operationId`);
    else if (ids.has(op.operationId)) problems.push(`${id}: operationId ${op.operationId} is also ${ids.get(op.operationId)}'s`);
    else ids.set(op.operationId, id);
  }
  return problems;
}

// The diff must see a removed operation, an added one and changed roles.
function selfCheck(doc, routes) {
  const broken = structuredClone(doc);
  const victim = routes.find((r) => !r.open && r.roles.length > 0 && r.roles.length < 6);
  const item = broken.paths[victim.pattern];
  const op = item[victim.method.toLowerCase()];
  op['x-ordo-roles'] = op['x-ordo-roles'].concat(['metrics']).filter((v, i, a) => a.indexOf(v) === i);
  if (same(op['x-ordo-roles'], victim.roles)) op['x-ordo-roles'] = [];
  broken.paths['/api/not-a-route'] = { get: op };
  const gone = routes.find((r) => r !== victim && broken.paths[r.pattern]);
  delete broken.paths[gone.pattern][gone.method.toLowerCase()];
  const found = diff(broken, routes).join('\n');
  const expect = [`${victim.method} ${victim.pattern}: x-ordo-roles`, 'GET /api/not-a-route: in docs/openapi.yaml',
    `${gone.method} ${gone.pattern}: in the routing table, not in`];
  for (const e of expect) {
    if (!found.includes(e)) throw new Error(`self-check: the diff missed "${e}":\n${found}`);
  }
}

async function main() {
  const file = process.argv[2] || path.join(__dirname, '..', '..', 'docs', 'openapi.yaml');
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const routes = routesOf(tool);
  let failed = false;

  if (doc.openapi !== '3.0.3') {
    console.log(`FAIL: ${file}: openapi is ${doc.openapi}, not 3.0.3`);
    failed = true;
  }
  try {
    await SwaggerParser.validate(structuredClone(doc));
  } catch (e) {
    console.log(`FAIL: ${file} is not a valid OpenAPI 3.0 document: ${e.message}`);
    failed = true;
  }
  selfCheck(doc, routes);
  const problems = diff(doc, routes);
  for (const p of problems) console.log(`FAIL: ${p}`);
  const nops = operationsOf(doc).size;
  console.log(`${routes.length} routes, ${nops} documented operations, ${problems.length} differences`);
  if (failed || problems.length) process.exit(1);
  console.log('openapi-routes: docs/openapi.yaml is valid OpenAPI 3.0 and matches the routing table');
}

main().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
