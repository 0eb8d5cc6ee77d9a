// Oracle: `ordo bpmn export` (issue 9) against the rules Camunda Modeler checks models with.
// Every model of examples/, every executable fixture of tests/integration/bpmn and every
// usable draft that `ordo generate` (the offline drafter) makes from the requirement texts of
// tests/fixtures/requirements is exported to Camunda 8 and to Camunda 7, read with
// bpmn-moddle and the Camunda moddle extensions (zeebe-bpmn-moddle, camunda-bpmn-moddle,
// modeler-moddle, as the Modeler reads them), and linted with bpmnlint-plugin-camunda-compat's
// configuration for the target: camunda-cloud-8-6 and camunda-platform-7-21. No error may
// remain. Camunda 7 exports also pass checks written here: every service and send task has an
// implementation (camunda:type, class, expression or delegateExpression), every condition is
// one JUEL ${...}, and every executable process has camunda:historyTimeToLive. The export must
// exit 0 (all translated) or 1 (exported, something reported as lost); its --json report must
// list each lost item with an element id. Known, justified differences are listed with a
// reason in camunda-export-divergences.json, which must match what happens exactly.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { BpmnModdle } = require('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { usableDrafts, walk } = require('./drafts.js');

const ordo = process.env.ORDOTEST_BIN;
const root = path.join(__dirname, '..', '..');
const divergences = JSON.parse(fs.readFileSync(path.join(__dirname, 'camunda-export-divergences.json'), 'utf8'));

if (!ordo || !fs.existsSync(ordo)) {
  console.log(`NOTICE: the ordo binary is not built (${ordo}): skipped`);
  process.exit(77);
}
let extensions;
try {
  extensions = {
    zeebe: require('zeebe-bpmn-moddle/resources/zeebe.json'),
    camunda: require('camunda-bpmn-moddle/resources/camunda.json'),
    modeler: require('modeler-moddle/resources/modeler.json'),
  };
} catch (e) {
  console.log(`NOTICE: the Camunda moddle extensions are missing (${e.message}): run 'npm ci' in tests/oracle; skipped`);
  process.exit(77);
}

const targets = {
  camunda8: { config: 'plugin:camunda-compat/camunda-cloud-8-6', ext: { zeebe: extensions.zeebe, modeler: extensions.modeler } },
  camunda7: { config: 'plugin:camunda-compat/camunda-platform-7-21', ext: { camunda: extensions.camunda, modeler: extensions.modeler } },
};

function run(args) {
  return spawnSync(ordo, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
}

// The models to export: name (for the divergence list) and path.
function inputs() {
  const list = [];
  const examples = path.join(root, 'examples');
  for (const f of fs.readdirSync(examples).filter((f) => f.endsWith('.bpmn')).sort()) {
    list.push({ name: `examples/${f}`, file: path.join(examples, f) });
  }
  const fixtures = path.join(root, 'tests', 'integration', 'bpmn');
  for (const f of fs.readdirSync(fixtures).filter((f) => f.endsWith('.bpmn')).sort()) {
    const file = path.join(fixtures, f);
    // Executable: `ordo run` accepts it (exit 2 is a model that cannot run).
    if (run(['run', file]).status !== 2) list.push({ name: `tests/integration/bpmn/${f}`, file });
  }
  for (const d of usableDrafts(ordo)) {
    list.push({ name: `generated/${d.text.replace(/\.txt$/, '.bpmn')}`, file: d.bpmn });
  }
  return list;
}

// The Camunda 7 checks of issue 9, as findings like bpmnlint's.
function camunda7Checks(definitions) {
  const found = [];
  const juel = /^\s*[$#]\{[\s\S]*\}\s*$/;
  for (const el of walk(definitions)) {
    if (el.$type === 'bpmn:ServiceTask' || el.$type === 'bpmn:SendTask') {
      if (!['type', 'class', 'expression', 'delegateExpression'].some((a) => el.get(`camunda:${a}`))) {
        found.push({ rule: 'ordo/c7-implementation', id: el.id, message: 'no implementation' });
      }
    }
    for (const key of ['conditionExpression', 'condition', 'completionCondition']) {
      const c = el[key];
      if (c && c.$type === 'bpmn:FormalExpression' && c.body !== undefined && !juel.test(c.body)) {
        found.push({ rule: 'ordo/c7-juel-condition', id: el.id, message: `condition ${JSON.stringify(c.body)} is not JUEL` });
      }
    }
    if (el.$type === 'bpmn:Process' && el.isExecutable && !el.get('camunda:historyTimeToLive')) {
      found.push({ rule: 'ordo/c7-history-time-to-live', id: el.id, message: 'no camunda:historyTimeToLive' });
    }
  }
  return found;
}

async function lint(xml, target) {
  const moddle = new BpmnModdle(targets[target].ext);
  const { rootElement, warnings } = await moddle.fromXML(xml);
  const found = warnings.map((w) => ({ rule: 'moddle', id: w.element && w.element.id, message: w.message }));
  // Resolve the plugin from this folder, not from ctest's working directory.
  const linter = new Linter({ config: { extends: targets[target].config }, resolver: new NodeResolver({ require }) });
  const reports = await linter.lint(rootElement);
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      if (r.category === 'error' || r.category === 'rule-error') found.push({ rule, id: r.id, message: r.message });
    }
  }
  if (target === 'camunda7') found.push(...camunda7Checks(rootElement));
  return found;
}

async function main() {
  const problems = [];
  const seen = new Set();
  const models = inputs();
  let exports = 0;
  for (const m of models) {
    for (const target of Object.keys(targets)) {
      const r = run(['bpmn', 'export', '--target', target, m.file, '--json']);
      if (r.status !== 0 && r.status !== 1) {
        problems.push(`${m.name} ${target}: export exited ${r.status}: ${r.stderr.trim()}`);
        continue;
      }
      const doc = JSON.parse(r.stdout);
      const lost = doc.report.filter((f) => f.level === 'lost');
      if ((r.status === 1) !== (lost.length > 0) || doc.lost !== lost.length) {
        problems.push(`${m.name} ${target}: exit ${r.status} with ${lost.length} lost findings`);
      }
      for (const f of lost) {
        if (!f.element && f.what !== 'form') problems.push(`${m.name} ${target}: a lost finding names no element: ${f.message}`);
      }
      exports++;
      for (const f of await lint(doc.bpmn, target)) {
        const d = divergences.divergences.find((x) => x.file === m.name && x.target === target &&
                                               x.rule === f.rule && x.element === f.id);
        if (d) {
          seen.add(d);
          continue;
        }
        problems.push(`${m.name} ${target}: ${f.rule} ${f.id || ''}: ${f.message}`);
      }
    }
  }
  for (const d of divergences.divergences) {
    if (!seen.has(d)) problems.push(`listed divergence did not occur: ${JSON.stringify(d)}`);
    if (!divergences.reasons[d.reason]) problems.push(`divergence without a known reason: ${JSON.stringify(d)}`);
  }
  console.log(`${models.length} models, ${exports} exports linted, ${seen.size} listed divergences`);
  if (models.length < 10) problems.push(`only ${models.length} models found; expected the examples, fixtures and drafts`);
  if (problems.length) {
    for (const p of problems) console.log(`FAIL: ${p}`);
    process.exit(1);
  }
  console.log('OK');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
