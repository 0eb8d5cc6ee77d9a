// tests/oracle/drafts.js - what several oracle tests share: the usable drafts that `ordo generate`
// (the offline drafter) makes from the requirement texts of tests/fixtures/requirements, and a
// walk over every element of a bpmn-moddle tree.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const TEXTS = path.join(__dirname, '..', 'fixtures', 'requirements');

// Each usable draft, written to a temporary folder: [{text (the .txt name), bpmn (its path),
// result (ordo generate --json's answer)}], in the order of the file names.
function usableDrafts(ordo) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-drafts-'));
  const drafts = [];
  for (const t of fs.readdirSync(TEXTS).filter((f) => f.endsWith('.txt')).sort()) {
    const r = spawnSync(ordo, ['generate', '-f', path.join(TEXTS, t), '--allow-http', '--json'],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
    const result = JSON.parse(r.stdout);
    if (!result.usable) continue;
    const bpmn = path.join(out, t.replace(/\.txt$/, '.bpmn'));
    fs.writeFileSync(bpmn, result.xml);
    drafts.push({ text: t, bpmn, result });
  }
  return drafts;
}

// Every element of a bpmn-moddle tree under 'root', once (DI left out).
function walk(root) {
  const all = [];
  const seen = new Set();
  (function visit(el) {
    if (!el || typeof el !== 'object' || seen.has(el) || !el.$type) return;
    seen.add(el);
    all.push(el);
    for (const key of Object.keys(el)) {
      if (key.startsWith('$') || key === 'di') continue;
      const v = el[key];
      if (Array.isArray(v)) v.forEach((x) => x && x.$parent === el && visit(x));
      else if (v && typeof v === 'object' && v.$parent === el) visit(v);
    }
  })(root);
  return all;
}

module.exports = { usableDrafts, walk };
