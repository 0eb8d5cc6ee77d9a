// Peer baseline: bpmn-moddle's fromXML over every .bpmn file under DIR,
// preloaded in memory, ROUNDS times; prints one JSON line like
// bench/bpmn_parse_bench.
'use strict';
const { BpmnModdle } = require('bpmn-moddle');
const fs = require('fs');
const path = require('path');

const [dir, roundsArg] = process.argv.slice(2);
const rounds = parseInt(roundsArg || '5', 10);
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith('.bpmn')) files.push(p);
  }
})(dir);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);

(async () => {
  const moddle = new BpmnModdle();
  for (const t of texts) await moddle.fromXML(t).catch(() => {}); // warm up the JIT
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) await moddle.fromXML(t).catch(() => {});
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ parser: 'bpmn-moddle', files: files.length, bytes, rounds,
                               seconds: +seconds.toFixed(4),
                               MB_per_s: +((bytes * rounds) / seconds / 1e6).toFixed(2) }));
})();
