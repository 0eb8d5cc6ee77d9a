// Oracle: Ordo's FEEL evaluator (bpmn/feel.h, run through tests/tools/feel_eval)
// gives the same results as feelin, bpmn.io's FEEL interpreter, for every
// expression of feel-cases.json and for expressions from a seeded random
// generator. Each difference must be listed, with its reason, in
// feel-divergences.json; at most 5% of the evaluated expressions may be listed
// there, and every listed entry must still differ, as listed.
//
// Results are compared after normalising: numbers as decimals within a
// relative 1e-12 (feelin computes with doubles, Ordo with 34-digit decimals,
// so 0.1 + 0.2 differs in the 17th digit by design; where the difference
// shows, as in 0.1 + 0.2 = 0.3, it is a listed divergence); feelin's temporal
// objects as their ISO 8601 text, with "+00:00" read as "Z" and zero fractions
// of seconds dropped on both sides; lists and contexts structurally. An
// expression that feelin cannot parse (it throws) agrees with an Ordo error.
//
// Usage: node feel-differential.js [--seed N] [--count N] [--show]
//   --seed/--count  generate other expressions (default seed 500, 500 of
//                   them); the listed divergences are checked only for the
//                   default run
//   --show          print every expression with both results
//   --feelin-only   evaluate with feelin alone (no feel_eval needed) and print
//                   its results: for writing cases
// ORDOTEST_FEEL_EVAL names the feel_eval tool (ctest passes it).
'use strict';
process.env.TZ = 'UTC'; // feelin's now() and today() read the process zone
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const MAX_SHARE = 0.05;
const TOLERANCE = 1e-12;
const DEFAULT_SEED = 500;
const DEFAULT_COUNT = 500;

function skip(why) {
  console.log(`NOTICE: oracle test feel-differential.js skipped: ${why}`);
  process.exit(77);
}

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number`);
  return v;
}

// ---- the generator -------------------------------------------------------

// mulberry32: a small, well-mixed 32-bit PRNG, so a seed names one run.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Typed expressions over the variables of feel-cases.json's context: mostly
// well-typed, so results are values worth comparing, with a share of nulls,
// missing variables and mixed types for FEEL's null semantics. Where feelin
// departs from DMN in a way the generator would hit again and again, the
// generator steers clear (ordered bounds, "in" in parentheses) and a
// hand-written case keeps the difference in view.
function generator(seed) {
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => rand() < p;
  const oneOf = (table) => pick(table)();

  const nullish = () => pick(['null', 'nothing', 'missing']);
  // Bounds of a range or "between", low first: feelin reads [10..1] as
  // [1..10], DMN as empty (a listed divergence, tested once by hand).
  const bounds = () => oneOf([
    () => [int(10), 10 + int(90)].map(String),
    () => { const v = pick(['n', 'm', 'x', 'zero', 'order.total']); return [v, `${v} + ${int(20)}`]; },
    () => [pick(['m', '-5', '0.5']), pick(['n', '100', 'order.total'])],
  ]);
  const num = (d) => {
    if (d <= 0 || chance(0.3)) {
      if (chance(0.04)) return nullish();
      return oneOf([
        () => String(int(21)),
        () => pick(['0.1', '0.2', '2.5', '1.25', '100', '0.5', '3.75']),
        () => pick(['n', 'm', 'x', 'zero', 'big']),
        () => pick(['order.total', 'order.items[1].price', 'nums[2]', 'nums[-1]']),
      ]);
    }
    return oneOf([
      () => `${num(d - 1)} ${pick(['+', '-', '*', '/'])} ${num(d - 1)}`,
      () => `(${num(d - 1)} ${pick(['+', '-', '*', '/'])} ${num(d - 1)})`,
      () => `-${num(0)}`,
      () => `${num(0)} ** ${int(4)}`,
      () => `(if ${bool(d - 1)} then ${num(d - 1)} else ${num(d - 1)})`,
      () => `count(${list(d - 1)})`,
      () => `${pick(['sum', 'min', 'max'])}(${list(d - 1)})`,
      () => `string length(${str(d - 1)})`,
      () => `${pick(['abs', 'floor', 'ceiling'])}(${num(d - 1)})`,
      () => `modulo(${num(d - 1)}, ${1 + int(9)})`,
      () => `decimal(${num(d - 1)}, ${int(3)})`,
    ]);
  };
  const str = (d) => {
    if (d <= 0 || chance(0.3)) {
      if (chance(0.04)) return nullish();
      return oneOf([
        () => pick(['"abc"', '"Hello"', '""', '"a b"', '"x"', '"\u00c4\u00f6"']),
        () => pick(['s', 'name', 'blank', 'order.id', 'order.customer.tier', 'words[1]']),
      ]);
    }
    return oneOf([
      () => `${str(d - 1)} + ${str(d - 1)}`,
      () => `${pick(['upper case', 'lower case'])}(${str(d - 1)})`,
      () => `substring(${str(d - 1)}, ${1 + int(4)})`,
      () => `substring(${str(d - 1)}, ${1 + int(3)}, ${int(4)})`,
      () => `${pick(['substring before', 'substring after'])}(${str(d - 1)}, ${str(0)})`,
      () => `(if ${bool(d - 1)} then ${str(d - 1)} else ${str(d - 1)})`,
      () => `string(${int(1000)})`,
    ]);
  };
  const bool = (d) => {
    if (d <= 0 || chance(0.25)) {
      if (chance(0.05)) return nullish();
      return pick(['true', 'false', 't', 'f']);
    }
    return oneOf([
      () => `${num(d - 1)} ${pick(['=', '!=', '<', '<=', '>', '>='])} ${num(d - 1)}`,
      () => `${str(d - 1)} ${pick(['=', '!=', '<', '>'])} ${str(d - 1)}`,
      () => `${bool(d - 1)} ${pick(['and', 'or'])} ${bool(d - 1)}`,
      () => `not(${bool(d - 1)})`,
      () => `${pick(['contains', 'starts with', 'ends with'])}(${str(d - 1)}, ${str(0)})`,
      () => `${num(d - 1)} between ${bounds().join(' and ')}`,
      () => `(${num(d - 1)} in ${pick(['[', '('])}${bounds().join('..')}${pick([']', ')'])})`,
      () => `list contains(${list(d - 1)}, ${num(0)})`,
      () => `(if ${bool(d - 1)} then ${bool(d - 1)} else ${bool(d - 1)})`,
      () => `(${bool(d - 1)}) = (${bool(d - 1)})`,
    ]);
  };
  const list = (d) => {
    if (d <= 0 || chance(0.4)) {
      return oneOf([
        () => pick(['nums', 'empty', 'order.items.price', 'order.items.qty']),
        () => `[${Array.from({ length: int(4) }, () => num(0)).join(', ')}]`,
      ]);
    }
    return oneOf([
      () => `${list(d - 1)}[item ${pick(['>', '<', '>=', '!='])} ${num(0)}]`,
      () => `[${Array.from({ length: 1 + int(3) }, () => num(d - 1)).join(', ')}]`,
      () => `(for i in ${list(d - 1)} return i ${pick(['+', '*', '-'])} ${num(0)})`,
    ]);
  };
  return () => oneOf([() => num(3), () => num(3), () => str(3), () => bool(3), () => bool(3),
                      () => list(2)]);
}

// ---- normalising ---------------------------------------------------------

// ISO 8601 text of a temporal value, so that equal values compare equal:
// "+00:00" is "Z"; zero fractions of seconds are dropped; durations are read
// into (months, seconds) and printed back, so PT36H and P1DT12H agree.
function canonicalTemporal(s) {
  const dur = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s);
  if (dur && s !== 'P' && !s.endsWith('T')) {
    const [, neg, y, mo, w, d, h, mi, sec] = dur;
    const months = Number(y || 0) * 12 + Number(mo || 0);
    const secs = Number(w || 0) * 604800 + Number(d || 0) * 86400 + Number(h || 0) * 3600 +
                 Number(mi || 0) * 60 + Number(sec || 0);
    if (months && secs) return s; // not a FEEL duration: leave it alone
    return `${months ? 'ym' : 'dt'}:${neg && (months || secs) ? '-' : ''}${months || secs}`;
  }
  return s.replace(/(\d\d:\d\d:\d\d)\.0+(?=$|[Z+\-@])/, '$1')
          .replace(/(\d\d:\d\d:\d\d\.\d*?)0+(?=$|[Z+\-@])/, '$1')
          .replace(/\+00:00$/, 'Z');
}

// feelin's value as plain data: temporal objects become {temporal: text}.
function fromFeelin(v, feelin) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { nonFinite: String(v) };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => fromFeelin(x, feelin));
  if (v instanceof feelin.FeelDate || v instanceof feelin.FeelTime ||
      v instanceof feelin.FeelDateTime || v instanceof feelin.FeelDuration) {
    return { temporal: String(v) };
  }
  if (feelin.isRange(v)) return { range: String(v) };
  if (feelin.isFunction(v)) return { function: true };
  const out = {};
  for (const k of Object.keys(v)) out[k] = fromFeelin(v[k], feelin);
  return out;
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function same(theirs, ours) {
  if (isPlainObject(theirs) && 'temporal' in theirs && Object.keys(theirs).length === 1) {
    return typeof ours === 'string' && canonicalTemporal(ours) === canonicalTemporal(theirs.temporal);
  }
  if (typeof theirs === 'number') {
    if (typeof ours !== 'number') return false;
    return theirs === ours ||
           Math.abs(theirs - ours) <= TOLERANCE * Math.max(Math.abs(theirs), Math.abs(ours));
  }
  if (Array.isArray(theirs)) {
    return Array.isArray(ours) && ours.length === theirs.length &&
           theirs.every((x, i) => same(x, ours[i]));
  }
  if (isPlainObject(theirs)) {
    if (!isPlainObject(ours)) return false;
    const a = Object.keys(theirs).sort();
    const b = Object.keys(ours).sort();
    return a.length === b.length && a.every((k, i) => k === b[i] && same(theirs[k], ours[k]));
  }
  return theirs === ours;
}

// One line of text for a result: the value, or "error".
function show(r) {
  if ('error' in r) return 'error';
  return JSON.stringify(r.ok, (k, v) => (isPlainObject(v) && 'temporal' in v ? v.temporal : v));
}

// ---- the two evaluators --------------------------------------------------

function runFeelin(feelin, c) {
  try {
    return { ok: fromFeelin(feelin.evaluate(c.expr, structuredClone(c.vars)).value, feelin) };
  } catch (e) {
    return { error: e.message };
  }
}

function runOrdo(tool, cases, now) {
  const input = cases.map((c) => JSON.stringify({ expr: c.expr, vars: c.vars, now })).join('\n');
  const r = spawnSync(tool, [], { input: input + '\n', encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${tool} exited with ${r.status}: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.length);
  if (lines.length !== cases.length) {
    throw new Error(`${tool} answered ${lines.length} lines for ${cases.length} expressions: ${r.stderr}`);
  }
  return lines.map((l) => JSON.parse(l));
}

// ---- the check -----------------------------------------------------------

function addTo(map, k, v) {
  if (!map.has(k)) map.set(k, []);
  map.get(k).push(v);
}

(async () => {
  let feelin;
  try {
    feelin = await import('feelin');
  } catch (e) {
    skip("npm package feelin missing: run 'npm ci' in tests/oracle (scripts/test.sh does)");
  }
  const feelinOnly = process.argv.includes('--feelin-only');
  const tool = process.env.ORDOTEST_FEEL_EVAL;
  if (!feelinOnly && !(tool && fs.existsSync(tool))) {
    skip(`feel_eval not found (ORDOTEST_FEEL_EVAL=${tool || ''}): build the tests first`);
  }
  const seed = option('--seed', DEFAULT_SEED);
  const count = option('--count', DEFAULT_COUNT);
  const defaultRun = seed === DEFAULT_SEED && count === DEFAULT_COUNT;
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'feel-cases.json'), 'utf8'));
  const listedFile = JSON.parse(fs.readFileSync(path.join(__dirname, 'feel-divergences.json'), 'utf8'));
  const nowMs = Date.parse(fixture.now);
  Date.now = () => nowMs; // feelin's now() and today() read the clock; Ordo's come from the caller

  const cases = fixture.cases.map((c) => ({ source: 'cases', expr: c.expr, vars: c.vars || fixture.context }));
  const next = generator(seed);
  for (let i = 0; i < count; i++) cases.push({ source: 'generated', expr: next(), vars: fixture.context });
  console.log(`feel-differential: ${fixture.cases.length} cases from feel-cases.json and ${count} ` +
              `generated with seed ${seed} (node feel-differential.js --seed ${seed} --count ${count})`);

  const theirs = cases.map((c) => runFeelin(feelin, c));
  if (feelinOnly) {
    cases.forEach((c, i) => console.log(`${c.source}\t${c.expr}\t${show(theirs[i])}`));
    return 0;
  }
  const ours = runOrdo(tool, cases, fixture.now);
  const actual = new Map();
  cases.forEach((c, i) => {
    const agree = 'error' in ours[i] ? 'error' in theirs[i] : !('error' in theirs[i]) && same(theirs[i].ok, ours[i].ok);
    if (process.argv.includes('--show')) {
      console.log(`${agree ? 'same' : 'DIFF'}\t${c.source}\t${c.expr}\tfeelin ${show(theirs[i])}\tordo ${show(ours[i])}`);
    }
    if (!agree) addTo(actual, `${c.source}\t${c.expr}`, { feelin: show(theirs[i]), ordo: show(ours[i]) });
  });

  const problems = [];
  const listed = new Map();
  for (const d of listedFile.divergences) {
    if (!listedFile.reasons[d.reason]) problems.push(`listed entry names unknown reason "${d.reason}": ${d.expr}`);
    if (!fixture.cases.some((c) => c.expr === d.expr) && d.source === 'cases') {
      problems.push(`listed entry is not in feel-cases.json: ${d.expr}`);
    }
    if (d.source === 'cases' || defaultRun) addTo(listed, `${d.source}\t${d.expr}`, d);
  }
  let differences = 0;
  for (const [k, diffs] of actual) {
    differences += diffs.length;
    const entries = listed.get(k) || [];
    diffs.forEach((d, i) => {
      const e = entries[i];
      if (!e) {
        problems.push(`unlisted difference: ${k.replace('\t', ': ')}  feelin ${d.feelin}  ordo ${d.ordo}`);
      } else if (e.feelin !== d.feelin || e.ordo !== d.ordo) {
        problems.push(`listed difference changed: ${k.replace('\t', ': ')}  now feelin ${d.feelin}  ordo ${d.ordo}` +
                      `  (listed feelin ${e.feelin}  ordo ${e.ordo})`);
      }
    });
  }
  for (const [k, entries] of listed) {
    const n = (actual.get(k) || []).length;
    if (entries.length > n) problems.push(`listed difference no longer happens: ${k.replace('\t', ': ')}`);
  }
  const share = Math.max(differences, listedFile.divergences.length) / cases.length;
  if (share > MAX_SHARE) {
    problems.push(`${differences} differences (${listedFile.divergences.length} listed) are ` +
                  `${(share * 100).toFixed(1)}% of ${cases.length} ` +
                  `expressions (limit ${MAX_SHARE * 100}%)`);
  }
  const values = theirs.filter((r) => !('error' in r) && r.ok !== null).length;
  if (values < cases.length / 2) problems.push(`feelin gave a value for only ${values} expressions: the oracle is not running`);
  console.log(`${cases.length} expressions: ${differences} differences (${(share * 100).toFixed(1)}%), ` +
              `${listedFile.divergences.length} listed, all listed: ${problems.length === 0}`);
  for (const p of problems.slice(0, 60)) console.log('FAIL ' + p);
  return problems.length ? 1 : 0;
})().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
