// Oracle: for bpmnlint's recommended rules, `ordo bpmn lint --profile
// bpmnlint` reports the same (file, rule, element id, severity) findings as
// bpmnlint on every corpus file. Each difference must be listed, with its
// reason, in bpmnlint-divergences.json; at most 5% of bpmnlint's findings
// may be listed there, and every listed entry must still be a difference.
'use strict';
const fs = require('fs');
const path = require('path');
const { BpmnModdle } = require('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { corpusRoot, corpusFiles, runOrdo } = require('./corpus');

const MAX_SHARE = 0.05;
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'bpmnlint-divergences.json'), 'utf8'));
const key = (file, rule, id, severity) => [file, rule, id == null ? '(none)' : id, severity].join('\t');

function addTo(map, k) {
  map.set(k, (map.get(k) || 0) + 1);
}

async function bpmnlintFindings(files) {
  const moddle = new BpmnModdle();
  const found = new Map();
  for (const rel of files) {
    const { rootElement } = await moddle.fromXML(fs.readFileSync(path.join(corpusRoot, rel), 'utf8'));
    // A fresh linter per file: bpmnlint's rule instances keep state across
    // lint() calls (no-duplicate-sequence-flows would compare files).
    const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
    const results = await linter.lint(rootElement);
    for (const [rule, reports] of Object.entries(results)) {
      for (const r of reports) {
        if (r.category === 'rule-error') throw new Error(`${rel}: bpmnlint rule ${rule} crashed: ${r.message}`);
        addTo(found, key(rel, rule, r.id, r.category));
      }
    }
  }
  return found;
}

function ordoFindings(files) {
  const r = runOrdo(['bpmn', 'lint', '--json', '--profile', 'bpmnlint',
                     ...files.map((f) => path.join(corpusRoot, f))]);
  if (r.status === 2) throw new Error(`ordo bpmn lint could not read a file: ${r.stderr}`);
  const found = new Map();
  for (const file of JSON.parse(r.stdout).files) {
    const rel = path.relative(corpusRoot, file.file);
    for (const f of file.findings) addTo(found, key(rel, f.rule, f.element, f.severity));
  }
  return found;
}

function difference(a, b, side, out) {
  for (const [k, n] of a) {
    for (let i = (b.get(k) || 0); i < n; i++) out.push(`${side}\t${k}`);
  }
}

(async () => {
  const files = corpusFiles();
  const theirs = await bpmnlintFindings(files);
  const ours = ordoFindings(files);
  const total = [...theirs.values()].reduce((a, b) => a + b, 0);
  const diffs = [];
  difference(theirs, ours, 'bpmnlint-only', diffs);
  difference(ours, theirs, 'ordo-only', diffs);
  const listed = new Map();
  const problems = [];
  for (const d of fixture.divergences) {
    if (!fixture.reasons[d.reason]) problems.push(`fixture entry names unknown reason "${d.reason}"`);
    addTo(listed, [d.side, d.file, d.rule, d.element == null ? '(none)' : d.element, d.severity].join('\t'));
  }
  const actual = new Map();
  diffs.forEach((d) => addTo(actual, d));
  for (const [k, n] of actual) {
    if ((listed.get(k) || 0) < n) problems.push(`unlisted difference: ${k}`);
  }
  for (const [k, n] of listed) {
    if ((actual.get(k) || 0) < n) problems.push(`listed difference no longer happens: ${k}`);
  }
  const share = total ? fixture.divergences.length / total : 0;
  if (share > MAX_SHARE) {
    problems.push(`${fixture.divergences.length} listed differences are ${(share * 100).toFixed(1)}% of ` +
                  `bpmnlint's ${total} findings (limit ${MAX_SHARE * 100}%)`);
  }
  if (total === 0) problems.push('bpmnlint found nothing: the oracle is not running');
  console.log(`${files.length} files: bpmnlint ${total} findings, Ordo ${[...ours.values()].reduce((a, b) => a + b, 0)}, ` +
              `${diffs.length} differences (${(share * 100).toFixed(1)}%), all listed: ${problems.length === 0}`);
  for (const p of problems.slice(0, 50)) console.log('FAIL ' + p);
  process.exit(problems.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
