// Oracle: the Camunda 8 element templates Ordo makes for installed actions
// (plugins/catalogue.h) are valid against Camunda's own JSON Schema for
// them, the npm package @camunda/zeebe-element-templates-json-schema (the
// schema Camunda Modeler validates templates with), checked with ajv. On
// top of the schema it checks what Camunda Modeler's loader checks besides
// (a $schema naming the package, each id and version once) and that the
// templates match the catalogue printed beside them: one template per
// action, the action id as the job type, one input per input schema field.
// A template that fails is listed with every error.
//
// Usage: node element-templates.js [--show]   (--show prints the templates)
// ORDOTEST_CATALOGUE_DUMP is the command that prints
// {"catalogue": {...}, "templates": [...]}: ctest passes
// tests/tools/catalogue_dump (the test connectors); words are separated by
// spaces, so it can be any command that prints the same object.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const PACKAGE = '@camunda/zeebe-element-templates-json-schema';

function skip(why) {
  console.log(`NOTICE: oracle test element-templates.js skipped: ${why}`);
  process.exit(77);
}

let schema, version;
try {
  schema = require(`${PACKAGE}/resources/schema.json`);
  version = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(`${PACKAGE}/resources/schema.json`)), '..', 'package.json'), 'utf8')).version;
  require('ajv');
} catch (e) {
  skip(`npm packages ajv and ${PACKAGE} missing: run 'npm ci' in tests/oracle`);
}
const command = (process.env.ORDOTEST_CATALOGUE_DUMP || '').trim().split(/\s+/).filter(Boolean);
if (!command.length) skip('no dump command (ORDOTEST_CATALOGUE_DUMP)');
if (command[0].includes('/') && !fs.existsSync(command[0])) skip(`${command[0]} is not built (ORDOTEST_CATALOGUE_DUMP)`);

// The schema names its draft; ajv has one class per draft.
const AJV_BY_DRAFT = {
  'http://json-schema.org/draft-07/schema': 'ajv',
  'https://json-schema.org/draft/2019-09/schema': 'ajv/dist/2019',
  'https://json-schema.org/draft/2020-12/schema': 'ajv/dist/2020',
};
const draft = String(schema.$schema || '').replace(/#$/, '');
if (!AJV_BY_DRAFT[draft]) {
  console.error(`${PACKAGE}@${version} uses ${draft}, which this oracle does not know: add its ajv class`);
  process.exit(1);
}
const Ajv = require(AJV_BY_DRAFT[draft]);
// strict: false, since the schema has keywords of its own (errorMessage, deprecated).
const ajv = new Ajv({ strict: false, allErrors: true });
const validateFile = ajv.compile(schema);
// One template against the schema's template definition, so that its errors
// are not buried under the file's "an object or an array" alternative.
const validate = ajv.getSchema(`${schema.$id}#/definitions/template`);
if (!validate) {
  console.error(`${PACKAGE}@${version} has no #/definitions/template: update this oracle`);
  process.exit(1);
}

function errorsOf(value, check = validate) {
  if (check(value)) return [];
  return check.errors.map((e) => `${e.instancePath || '/'}: ${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
}

// The validator must refuse a broken template, or every pass below is void.
const broken = {
  $schema: schema.$id, name: 'broken', id: 'broken', appliesTo: ['bpmn:Task'],
  properties: [{ type: 'Dropdown', binding: { type: 'zeebe:input', name: 'x' } }],
};
if (errorsOf(broken).length === 0) {
  console.error('the schema accepted a Dropdown without choices: the validator does not work');
  process.exit(1);
}

const run = spawnSync(command[0], command.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20 });
if (run.error || run.status !== 0) {
  console.error(`${command.join(' ')} failed: ${run.error ? run.error.message : run.stderr}`);
  process.exit(1);
}
const { catalogue, templates } = JSON.parse(run.stdout);
if (process.argv.includes('--show')) console.log(JSON.stringify(templates, null, 2));

const problems = [];
function problem(id, text) {
  problems.push(`${id}: ${text}`);
}

// The schema.
for (const t of templates) {
  for (const e of errorsOf(t)) problem(t.id, e);
  if (!String(t.$schema).includes(PACKAGE)) problem(t.id, `$schema ${t.$schema} does not name ${PACKAGE}`);
}
// A file that holds all of them is one array.
if (!problems.length) for (const e of errorsOf(templates, validateFile)) problem('(the array)', e);

// What Camunda Modeler's loader refuses besides the schema.
const seen = new Set();
for (const t of templates) {
  const key = `${t.id}@${t.version}`;
  if (seen.has(key)) problem(t.id, `id and version ${key} used twice`);
  seen.add(key);
}

// The templates against the catalogue.
const actions = new Map();
for (const c of catalogue.connectors) for (const a of c.actions) actions.set(a.id, a);
const covered = new Set();
for (const t of templates) {
  const type = t.properties.find((p) => p.binding.type === 'zeebe:taskDefinition' && p.binding.property === 'type');
  const action = type && actions.get(type.value);
  if (!action) {
    problem(t.id, `job type ${type ? type.value : '(none)'} is no action of the catalogue`);
    continue;
  }
  covered.add(action.id);
  if (t.id !== `io.ordo.${action.id}`) problem(t.id, `id should be io.ordo.${action.id}`);
  const inputs = t.properties.filter((p) => p.binding.type === 'zeebe:input').map((p) => p.binding.name).sort();
  const fields = Object.keys(action.input_schema.properties || {}).sort();
  if (JSON.stringify(inputs) !== JSON.stringify(fields)) {
    problem(t.id, `inputs ${inputs.join(',')} are not the input schema's fields ${fields.join(',')}`);
  }
}
for (const id of actions.keys()) if (!covered.has(id)) problem(id, 'has no element template');

for (const p of problems) console.log(`INVALID ${p}`);
console.log(`element-templates: ${templates.length} templates for ${actions.size} actions, ` +
  `${problems.length} problems (${PACKAGE}@${version}, ${draft})`);
process.exit(problems.length === 0 && templates.length > 0 ? 0 : 1);
