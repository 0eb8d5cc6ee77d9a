// Oracle: every BPMN that Ordo emits from the IR fixtures (tests/fixtures/ir,
// through tests/tools/ir_emit) imports in bpmn-moddle without a warning,
// has no error under bpmnlint's recommended rules, has DI for every flow
// element, lane and participant, and has a layout that passes geometry
// checks written here independently of the C code: integer coordinates,
// no overlapping shapes (a boundary event on its host excepted), every
// shape inside the pool, every edge segment horizontal or vertical, and no
// edge segment through a shape other than its own source and target. When
// the ordo binary is there, `ordo run FILE` must start each process (exit
// 0 completed or 3 waiting). Edge crossings are printed per file. The same
// checks run on every usable draft that `ordo generate` (the offline drafter)
// makes from the requirement texts of tests/fixtures/requirements.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { BpmnModdle } = require('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { usableDrafts, walk } = require('./drafts.js');

const tool = process.env.ORDOTEST_IR_EMIT;
const ordo = process.env.ORDOTEST_BIN;
const fixtures = path.join(__dirname, '..', 'fixtures', 'ir');

if (!tool || !fs.existsSync(tool)) {
  console.log(`NOTICE: tests/tools/ir_emit not built (${tool}): skipped`);
  process.exit(77);
}

function emitAll() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-ir-emit-'));
  const files = fs.readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort()
    .map((f) => path.join(fixtures, f));
  const r = spawnSync(tool, [out, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ir_emit exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

// The usable drafts of the requirement texts, as emitAll's records.
function draftAll() {
  if (!ordo || !fs.existsSync(ordo)) return [];
  return usableDrafts(ordo).map((d) => ({ bpmn: d.bpmn, report: d.result.layout }));
}

const isInt = (n) => Number.isInteger(n);
const inside = (p, r) => p.x > r.x && p.x < r.x + r.width && p.y > r.y && p.y < r.y + r.height;

function overlap(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// Does the segment p-q meet the open inside of r? Sampled at every unit
// step, so this shares no arithmetic with the C check.
function through(p, q, r) {
  const n = Math.max(Math.abs(q.x - p.x), Math.abs(q.y - p.y));
  for (let i = 0; i <= n; i++) {
    const t = n ? i / n : 0;
    if (inside({ x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t }, r)) return true;
  }
  return false;
}

function checkGeometry(name, definitions, problems) {
  const plane = definitions.diagrams[0].plane;
  const shapes = [];
  const containers = [];
  const edges = [];
  for (const di of plane.planeElement) {
    const el = di.bpmnElement;
    if (!el) {
      problems.push(`${name}: ${di.id} shows no element`);
      continue;
    }
    if (di.$type === 'bpmndi:BPMNShape') {
      const b = di.bounds;
      if (![b.x, b.y, b.width, b.height].every(isInt)) problems.push(`${name}: ${el.id}: bounds not integers`);
      if (el.$type === 'bpmn:Participant' || el.$type === 'bpmn:Lane') containers.push({ el, b });
      else shapes.push({ el, b });
    } else {
      edges.push({ el, points: di.waypoint });
    }
  }
  const pool = containers.find((c) => c.el.$type === 'bpmn:Participant');
  for (let i = 0; i < shapes.length; i++) {
    const a = shapes[i];
    if (pool && !(a.b.x >= pool.b.x && a.b.y >= pool.b.y && a.b.x + a.b.width <= pool.b.x + pool.b.width &&
                  a.b.y + a.b.height <= pool.b.y + pool.b.height)) {
      problems.push(`${name}: ${a.el.id} lies outside the pool`);
    }
    for (let j = i + 1; j < shapes.length; j++) {
      const b = shapes[j];
      const hosted = a.el.attachedToRef === b.el || b.el.attachedToRef === a.el;
      if (!hosted && overlap(a.b, b.b)) problems.push(`${name}: ${a.el.id} overlaps ${b.el.id}`);
    }
  }
  for (const e of edges) {
    if (e.points.length < 2) problems.push(`${name}: ${e.el.id} has ${e.points.length} waypoints`);
    for (let k = 0; k + 1 < e.points.length; k++) {
      const p = e.points[k];
      const q = e.points[k + 1];
      if (![p.x, p.y, q.x, q.y].every(isInt)) problems.push(`${name}: ${e.el.id}: waypoint not integer`);
      if (p.x !== q.x && p.y !== q.y) problems.push(`${name}: ${e.el.id}: diagonal segment`);
      for (const s of shapes) {
        if (s.el === e.el.sourceRef || s.el === e.el.targetRef) continue;
        if (through(p, q, s.b)) problems.push(`${name}: ${e.el.id} passes through ${s.el.id}`);
      }
    }
  }
}

function checkDi(name, definitions, problems) {
  const shown = new Set(definitions.diagrams[0].plane.planeElement.map((d) => d.bpmnElement && d.bpmnElement.id));
  for (const el of walk(definitions)) {
    const visible = el.$instanceOf('bpmn:FlowNode') || el.$instanceOf('bpmn:SequenceFlow') ||
      el.$type === 'bpmn:Lane' || el.$type === 'bpmn:Participant';
    if (visible && !shown.has(el.id)) problems.push(`${name}: ${el.id} (${el.$type}) has no DI`);
  }
}

(async () => {
  const moddle = new BpmnModdle();
  const problems = [];
  const fixtureLines = emitAll();
  const drafts = draftAll();
  const lines = fixtureLines.concat(drafts);
  let totalCrossings = 0;
  for (const line of lines) {
    const name = path.basename(line.bpmn);
    const xml = fs.readFileSync(line.bpmn, 'utf8');
    const { rootElement, warnings } = await moddle.fromXML(xml);
    for (const w of warnings) problems.push(`${name}: bpmn-moddle warning: ${w.message.split('\n')[0]}`);
    const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
    const results = await linter.lint(rootElement);
    for (const [rule, reports] of Object.entries(results)) {
      for (const r of reports) {
        if (r.category === 'error' || r.category === 'rule-error') {
          problems.push(`${name}: bpmnlint ${rule} on ${r.id}: ${r.message}`);
        }
      }
    }
    checkDi(name, rootElement, problems);
    checkGeometry(name, rootElement, problems);
    if (ordo && fs.existsSync(ordo)) {
      const r = spawnSync(ordo, ['run', line.bpmn], { encoding: 'utf8' });
      if (r.status !== 0 && r.status !== 3) {
        problems.push(`${name}: ordo run exited ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
      }
    }
    totalCrossings += line.report.crossings;
    console.log(`${name}: ${line.report.shapes} shapes, ${line.report.edges} edges, ` +
                `${line.report.crossings} crossings, ${line.report.width}x${line.report.height}`);
  }
  if (fixtureLines.length < 9) problems.push(`only ${fixtureLines.length} fixtures emitted`);
  if (ordo && fs.existsSync(ordo) && drafts.length < 20) problems.push(`only ${drafts.length} usable drafts`);
  console.log(`${lines.length} files, ${totalCrossings} edge crossings in all, ` +
              `ordo run ${ordo && fs.existsSync(ordo) ? 'checked' : 'not checked (no binary)'}`);
  for (const p of problems.slice(0, 50)) console.log('FAIL ' + p);
  process.exit(problems.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(1); });
