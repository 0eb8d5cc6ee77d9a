// Oracle: bpmn-moddle (the parser of bpmn-js and Camunda Modeler) reads
// `ordo bpmn fmt` output of every corpus file with no warning the input did
// not already have, and finds the same element ids in input and output.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { BpmnModdle } = require('bpmn-moddle');
const { corpusRoot, corpusFiles, runOrdo } = require('./corpus');

// Warnings without their line/column, which move when a file is reformatted.
function normalized(warnings) {
  const counts = new Map();
  for (const w of warnings) {
    const m = w.message.split('\n').filter((l) => !/^\s*(line|column):/.test(l)).join(' ');
    counts.set(m, (counts.get(m) || 0) + 1);
  }
  return counts;
}

// Every (type, id) bpmn-moddle built, from the root down through all properties.
function ids(root) {
  const out = new Set();
  const seen = new Set();
  (function visit(el) {
    if (!el || typeof el !== 'object' || seen.has(el)) return;
    seen.add(el);
    if (el.$type && typeof el.id === 'string') out.add(`${el.$type}#${el.id}`);
    for (const key of Object.keys(el)) {
      if (key.startsWith('$') && key !== '$children') continue;
      const v = el[key];
      if (Array.isArray(v)) v.forEach((x) => x && x.$type && x.$parent === el && visit(x));
      else if (v && typeof v === 'object' && v.$type && v.$parent === el) visit(v);
    }
  })(root);
  return out;
}

(async () => {
  const files = corpusFiles();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-moddle-'));
  const moddle = new BpmnModdle();
  const failures = [];
  let inputsWithWarnings = 0;
  let idsCompared = 0;
  for (const rel of files) {
    const input = path.join(corpusRoot, rel);
    const output = path.join(tmp, rel.replace(/[\\/]/g, '__'));
    const r = runOrdo(['bpmn', 'fmt', input, '-o', output]);
    if (r.status !== 0) {
      failures.push(`${rel}: ordo bpmn fmt exited ${r.status}: ${r.stderr.trim()}`);
      continue;
    }
    const a = await moddle.fromXML(fs.readFileSync(input, 'utf8'));
    const b = await moddle.fromXML(fs.readFileSync(output, 'utf8'));
    if (a.warnings.length) inputsWithWarnings++;
    const before = normalized(a.warnings);
    for (const [msg, n] of normalized(b.warnings)) {
      if (n > (before.get(msg) || 0)) failures.push(`${rel}: fmt adds bpmn-moddle warning: ${msg}`);
    }
    const ia = ids(a.rootElement);
    const ib = ids(b.rootElement);
    idsCompared += ia.size;
    for (const x of ia) if (!ib.has(x)) failures.push(`${rel}: ${x} missing after fmt`);
    for (const x of ib) if (!ia.has(x)) failures.push(`${rel}: ${x} appears after fmt`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`${files.length} files, ${inputsWithWarnings} inputs with bpmn-moddle warnings, ` +
              `${idsCompared} element ids compared, ${failures.length} problems`);
  if (files.length === 0) failures.push('no corpus files found');
  for (const f of failures.slice(0, 50)) console.log('FAIL ' + f);
  process.exit(failures.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
