// Oracle: the process IR's JSON Schema (generator/ir.schema.json) against
// ajv 8 for draft 2020-12 in strict mode, and a differential between ajv and
// Ordo's hand-written shape check (rule ir/schema, generator/ir_shape.c):
//   1. the schema compiles under strict mode (union types allowed: strict
//      structured output makes optional fields nullable, ["string", "null"]),
//      with $defs.action_id.enum replaced by the action ids of the connectors
//      the build installs (`ordo connector catalogue`, http.* left out as
//      ordo_ir_schema does without the opt-in);
//   2. every IR in tests/fixtures/ir/*.json is valid against it;
//   3. every fixture in tests/fixtures/ir/invalid/ whose expected rule is
//      ir/schema is refused by ajv, and every other one is accepted: the
//      shape Ordo checks is the shape the schema says. test_ir asserts that
//      the C validator gives each fixture exactly its expected rule, so the
//      expectation stands for the C side. For this step the action enum is
//      relaxed to any string, because Ordo reports an action that is not
//      installed (or not allowed) as ir/action, not as a shape error;
//   4. ajv refuses a few broken IRs made here, so a schema that accepts
//      everything cannot pass.
//
// Usage: node ir-schema.js   (ORDOTEST_BIN names the ordo binary; ctest passes it)
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function skip(why) {
  console.log(`NOTICE: oracle test ir-schema.js skipped: ${why}`);
  process.exit(77);
}

let Ajv2020;
try {
  Ajv2020 = require('ajv/dist/2020');
} catch (e) {
  skip("npm package ajv missing: run 'npm ci' in tests/oracle");
}
const ordo = process.env.ORDOTEST_BIN;
if (!ordo || !fs.existsSync(ordo)) skip('ordo is not built (ORDOTEST_BIN)');

const root = path.resolve(__dirname, '..', '..');
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const schema = readJson(path.join(root, 'generator', 'ir.schema.json'));
const fixtures = path.join(root, 'tests', 'fixtures', 'ir');

const run = spawnSync(ordo, ['connector', 'catalogue'], { encoding: 'utf8', maxBuffer: 64 << 20 });
if (run.error || run.status !== 0) {
  console.error(`ordo connector catalogue failed: ${run.error ? run.error.message : run.stderr}`);
  process.exit(1);
}
const catalogue = JSON.parse(run.stdout);
const ids = catalogue.connectors
  .filter((c) => c.name !== 'http')
  .flatMap((c) => c.actions.map((a) => a.id));
if (ids.length === 0) {
  console.error('the catalogue has no actions: the build installs no connectors?');
  process.exit(1);
}

function compile(actionDef) {
  const copy = JSON.parse(JSON.stringify(schema));
  copy.$defs.action_id = actionDef;
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  return ajv.compile(copy);
}

function errorsOf(check, value) {
  if (check(value)) return [];
  return check.errors.map((e) => `${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`);
}

const failures = [];
const installed = compile({ ...schema.$defs.action_id, enum: ids });
const anyAction = compile({ type: 'string', description: schema.$defs.action_id.description });

// 2. The valid IRs.
const valid = fs.readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort();
if (valid.length === 0) failures.push('no IR in tests/fixtures/ir');
for (const file of valid) {
  const errors = errorsOf(installed, readJson(path.join(fixtures, file)));
  if (errors.length) failures.push(`${file}: valid IR refused by ajv:\n    ${errors.join('\n    ')}`);
}

// 3. The differential on the invalid ones.
const invalidDir = path.join(fixtures, 'invalid');
const invalid = fs.readdirSync(invalidDir).filter((f) => f.endsWith('.json')).sort();
let shapeCount = 0;
for (const file of invalid) {
  const doc = readJson(path.join(invalidDir, file));
  const shape = doc.expect.rule === 'ir/schema';
  const errors = errorsOf(anyAction, doc.ir);
  shapeCount += shape;
  if (shape && errors.length === 0) {
    failures.push(`invalid/${file}: Ordo reports ir/schema, ajv accepts it`);
  } else if (!shape && errors.length) {
    failures.push(`invalid/${file}: Ordo reports only ${doc.expect.rule}, ajv refuses its shape:\n    ${errors.join('\n    ')}`);
  }
}
if (shapeCount < 5) failures.push(`only ${shapeCount} ir/schema fixtures: the differential needs more`);

// 4. The validator refuses what it must.
const onboarding = readJson(path.join(fixtures, 'onboarding.json'));
const broken = [
  ['another ir_version', (ir) => { ir.ir_version = 2; }],
  ['a missing key', (ir) => { delete ir.nodes[0].timer; }],
  ['an unknown key', (ir) => { ir.flows[0].weight = 1; }],
  ['an id with a dash', (ir) => { ir.lanes[0].id = 'Lane-hr'; }],
  ['an action that is not installed', (ir) => { ir.nodes[1].action = 'email.send'; }],
  ['an http action without the opt-in', (ir) => { ir.nodes[1].action = 'http.request'; }],
];
for (const [what, change] of broken) {
  const ir = JSON.parse(JSON.stringify(onboarding));
  change(ir);
  if (installed(ir)) failures.push(`ajv accepted ${what}: the check is void`);
}

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`ir-schema: schema compiles (strict, ${ids.length} actions); ${valid.length} valid IR(s) pass; ` +
  `${invalid.length} invalid fixtures agree with ajv (${shapeCount} shape errors)`);
