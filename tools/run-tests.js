#!/usr/bin/env node
// npm test: every suite of the unit, int and e2e projects, in two jest runs.
//  1. everything but SERIAL on two workers. Suites own their rows and resources: unique names, private Bull
//     prefixes, storage folders and free ports; private databases where they scan every row; a private
//     redis-server or TCP proxy where they break Redis or PostgreSQL (the shared ones are never stopped).
//     So the fault scenarios and the `npm start` suites run here too: they only signal their own children.
//  2. SERIAL in band, one suite at a time: they assert on elapsed time (exit after SIGTERM, stop deadlines,
//     latency budgets) or on Bull's stalled-job window after a SIGKILL, which a second busy suite would skew.
// Extra arguments go to both runs; `--json --outputFile=<f>` writes one merged result file, as one run would.
const { spawnSync } = require('node:child_process');
const { readFileSync, rmSync, writeFileSync } = require('node:fs');

const SERIAL = [
  'test/shutdown/', // SIGTERM to real apps: exits within moments, far below the grace
  'test/faults/worker-killed\\.e2e-spec\\.ts', // SIGKILLed workers, rescued by Bull's 30 s stalled-job check
  'apps/ocr-worker/src/ocr/ocr-stalled\\.int-spec\\.ts', // the same, for one OCR job
  'libs/project-context/src/redis-outage\\.int-spec\\.ts', // latency budgets while Redis is down or hung
  'tools/start/supervisor\\.int-spec\\.ts', // stop deadlines of the supervisor
];

const jest = require.resolve('jest/bin/jest');
const args = process.argv.slice(2);
let outputFile;
const passed = args.filter((a, i) => {
  if (a.startsWith('--outputFile=')) return ((outputFile = a.slice('--outputFile='.length)), false);
  if (a === '--outputFile') return ((outputFile = args[i + 1]), false);
  return !(i > 0 && args[i - 1] === '--outputFile');
});
// One id for both runs (what a run shares between its files is keyed by it: test/support/global-setup.ts).
const env = { ...process.env, CASEGRAPH_TEST_RUN: process.env.CASEGRAPH_TEST_RUN || `${Date.now()}-${process.pid}` };

const runs = [
  // Two suites share the two cores: a test without its own timeout gets 30 s instead of jest's 5 s.
  ['--selectProjects', 'unit', 'int', 'e2e', '--maxWorkers=2', '--testTimeout=30000', '--testPathIgnorePatterns', '/node_modules/', ...SERIAL],
  ['--selectProjects', 'int', 'e2e', '--runInBand', '--testPathPattern', `(${SERIAL.join('|')})`],
];
let status = 0;
const results = [];
runs.forEach((run, i) => {
  const out = outputFile ? `${outputFile}.${i + 1}` : undefined;
  const r = spawnSync(process.execPath, [jest, ...run, ...passed, ...(out ? [`--outputFile=${out}`] : [])], { stdio: 'inherit', env });
  if (r.status !== 0) status = r.status ?? 1;
  if (!out) return;
  try {
    results.push(JSON.parse(readFileSync(out, 'utf8')));
  } catch {
    status ||= 1;
  }
  rmSync(out, { force: true });
});

if (outputFile && results.length) {
  const merged = { ...results[0], testResults: results.flatMap((r) => r.testResults) };
  for (const k of Object.keys(results[0])) {
    if (typeof results[0][k] === 'number' && k.startsWith('num')) merged[k] = results.reduce((n, r) => n + (r[k] ?? 0), 0);
  }
  merged.startTime = Math.min(...results.map((r) => r.startTime));
  merged.success = results.every((r) => r.success) && results.length === runs.length;
  merged.wasInterrupted = results.some((r) => r.wasInterrupted);
  writeFileSync(outputFile, JSON.stringify(merged));
}
process.exit(status);
