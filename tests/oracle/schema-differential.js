// Oracle: Ordo's JSON Schema subset (base/schema.h, run through
// tests/tools/schema_check) accepts and refuses the same values as ajv 8
// with ajv-formats (date, date-time, email), for hand-written cases and for
// values from a seeded random generator, over schemas inside the subset of
// CONTRACTS §11. Every difference must be one of the differences by design
// below, each with its reason; anything else fails the test.
//
// Usage: node schema-differential.js [--seed N] [--count N] [--show]
// ORDOTEST_SCHEMA_CHECK names the schema_check tool (ctest passes it).
'use strict';
const fs = require('fs');
const { spawnSync } = require('child_process');

function skip(why) {
  console.log(`NOTICE: oracle test schema-differential.js skipped: ${why}`);
  process.exit(77);
}

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

let Ajv, addFormats;
try {
  Ajv = require('ajv');
  addFormats = require('ajv-formats');
} catch (e) {
  skip("npm packages ajv and ajv-formats missing: run 'npm ci' in tests/oracle");
}
const tool = process.env.ORDOTEST_SCHEMA_CHECK;
if (!tool || !fs.existsSync(tool)) skip('schema_check is not built (ORDOTEST_SCHEMA_CHECK)');

// Schemas inside the subset: every type, enum, format, required, defaults,
// additionalProperties both ways.
const SCHEMAS = [
  { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] },
  { properties: { amount: { type: 'number', title: 'Amount' }, ok: { type: 'boolean' } }, required: ['amount', 'ok'], additionalProperties: false },
  { properties: { color: { type: 'string', enum: ['red', 'green', 'blue'] }, level: { type: 'integer', enum: [1, 2, 3] } } },
  { properties: { due: { type: 'string', format: 'date' }, at: { type: 'string', format: 'date-time' }, mail: { type: 'string', format: 'email' } } },
  { properties: { n: { type: 'number', enum: [0.5, 1, 2.25] }, flag: { type: 'boolean', default: false } }, required: ['n'] },
  { title: 'Laptop approval', properties: { approved: { type: 'boolean' }, comment: { type: 'string', description: 'why' } }, required: ['approved'], additionalProperties: false },
];

// Values: good and bad for every keyword.
const POOL = {
  string: ['', 'Ada', 'red', 'green', 'x y', 'ümlaut', '2026-01-31', '2024-02-29', '2026-02-30', '2026-13-01',
    '2026-1-5', '2026-01-31T10:00:00Z', '2026-01-31T10:00:00.123+01:00', '2026-01-31T10:00:00', '2026-01-31T25:00:00Z',
    '2026-01-31t10:00:00z', 'ada@example.com', 'a.b+c@example.org', 'ada@localhost', 'ada@@example.com',
    '@example.com', 'ada example@x.com', 'ada@.example.com'],
  number: [0, 1, -1, 2.25, 0.5, 3.5, 1e3, -0.0001, 42],
  integer: [0, 1, 2, 3, -7, 3.0, 1000000],
  boolean: [true, false],
  other: [null, [], {}, [1], { a: 1 }],
};
const NAMES = ['name', 'age', 'amount', 'ok', 'color', 'level', 'due', 'at', 'mail', 'n', 'flag', 'approved', 'comment', 'extra'];

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function pick(r, list) { return list[Math.floor(r() * list.length)]; }

function randomValue(r) {
  const all = [].concat(POOL.string, POOL.number, POOL.integer, POOL.boolean, POOL.other);
  return pick(r, all);
}

function randomObject(r, schema) {
  const o = {};
  const props = Object.keys(schema.properties);
  for (const p of props) {
    if (r() < 0.75) o[p] = r() < 0.6 ? typedValue(r, schema.properties[p]) : randomValue(r);
  }
  if (r() < 0.2) o[pick(r, NAMES)] = randomValue(r);
  return o;
}

function typedValue(r, prop) {
  if (prop.enum && r() < 0.6) return pick(r, prop.enum);
  return pick(r, POOL[prop.type]);
}

// Differences by design (docs: base/schema.h).
function byDesign(schema, value, ordo, ajvSays) {
  // A null optional property counts as absent in Ordo (a form field left
  // empty); ajv checks its type and refuses it.
  if (ordo === 'valid' && ajvSays === 'invalid' && value && typeof value === 'object' && !Array.isArray(value)) {
    const cleaned = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) cleaned[k] = v;
    if (Object.keys(cleaned).length !== Object.keys(value).length && validate(schema, cleaned) === 'valid') {
      return 'a null optional field counts as absent';
    }
  }
  return null;
}

const ajv = new Ajv({ strict: false, allErrors: false });
addFormats(ajv, ['date', 'date-time', 'email']);
const compiled = new Map();
function validate(schema, value) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile({ type: 'object', ...schema }));
  return compiled.get(key)(value) ? 'valid' : 'invalid';
}

const cases = [];
for (const schema of SCHEMAS) {
  cases.push({ schema, value: {} }, { schema, value: [] }, { schema, value: 'x' });
  for (const [p, prop] of Object.entries(schema.properties)) {
    for (const v of POOL[prop.type].concat(POOL.other, prop.enum || [])) cases.push({ schema, value: { [p]: v } });
  }
}
const r = rng(option('--seed', 7));
for (let i = 0; i < option('--count', 2000); i++) {
  const schema = pick(r, SCHEMAS);
  cases.push({ schema, value: randomObject(r, schema) });
}

const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
const run = spawnSync(tool, [], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}
const answers = run.stdout.trim().split('\n');
let differ = 0, designed = 0;
const show = process.argv.includes('--show');
cases.forEach((c, i) => {
  const ordo = answers[i];
  const theirs = validate(c.schema, c.value);
  if (show) console.log(ordo, theirs, JSON.stringify(c.value));
  if (ordo === theirs) return;
  const why = byDesign(c.schema, c.value, ordo, theirs);
  if (why) {
    designed++;
    return;
  }
  differ++;
  if (differ <= 20) console.log(`DIFFERS: Ordo ${ordo}, ajv ${theirs}: ${JSON.stringify(c.value)} against ${JSON.stringify(c.schema)}`);
});
console.log(`schema-differential: ${cases.length} cases, ${differ} unexplained differences, ${designed} by design (null optional fields)`);
process.exit(differ === 0 ? 0 : 1);
