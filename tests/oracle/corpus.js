// Shared by the oracle tests: the corpus files, and running the ordo binary.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const corpusRoot = path.join(process.env.ORDOTEST_CORPUS_DIR || '../shared/corpus', 'miwg');
const ordo = process.env.ORDOTEST_BIN || 'ordo';

function corpusFiles() {
  if (!fs.existsSync(corpusRoot)) {
    console.log(`NOTICE: BPMN corpus not found at ${corpusRoot}: 0 corpus files checked, skipped`);
    process.exit(77);
  }
  const files = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.bpmn')) files.push(path.relative(corpusRoot, p));
    }
  })(corpusRoot);
  return files.sort();
}

// Run ordo with 'args'; returns { status, stdout, stderr }.
function runOrdo(args) {
  const r = spawnSync(ordo, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

module.exports = { corpusRoot, corpusFiles, runOrdo };
