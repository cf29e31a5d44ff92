#!/usr/bin/env node
/**
 * `npm run test:containers`: builds docker/Dockerfile's four targets from the working tree, starts Debian-built
 * PostgreSQL and Redis stand-ins in one private network namespace (a "pod" container with --network=none:
 * loopback only, nothing listens outside it or reaches out), and runs the jest project `containers`
 * (test/containers/**\/*.containers-spec.ts) inside that namespace (nsenter --net), so the specs' 127.0.0.1 is the
 * pod's: the apps they start with --network=container:<pod> answer there.
 *
 * Engine: the one the docker CLI reaches (DOCKER_HOST, its context or the default socket) when `docker info` works; else, as root with apt-get, a private engine from
 * tools/containers/local-engine.sh in CASEGRAPH_CONTAINERS_WORK (or a fresh temporary folder); else the run is
 * skipped with the reason (exit 0), or fails when CASEGRAPH_REQUIRE_CONTAINERS=1 (as .ci/run sets).
 *
 * Always cleans up, pass or fail, and on SIGINT/SIGTERM: the run's containers and volumes (by label and name), the
 * images it built, its engine (`local-engine.sh down` when it made one) and its work folder.
 *
 * Writes artifacts/containers/report.json (image sizes, build times, start-up times, scenario time, test counts)
 * and prints a summary. Arguments are passed on to jest (e.g. a spec path, -t "<name>").
 *
 * Settings (environment):
 *   CASEGRAPH_IMAGE_TAG             tag of the images built (default test-<pid>)
 *   CASEGRAPH_CONTAINERS_RUN        name prefix (and label value) of the run's containers and volumes
 *                                   (default casegraph-ct-<pid>)
 *   CASEGRAPH_CONTAINERS_WORK       work folder (engine, logs); default a fresh one under the OS temp folder
 *   CASEGRAPH_REQUIRE_CONTAINERS=1  no engine is a failure, not a skip
 *   CASEGRAPH_DOCKERFILE            the Dockerfile to build (default docker/Dockerfile)
 *   CASEGRAPH_KEEP_IMAGES=1         keep the images built (development on a shared engine; never in CI)
 *   CASEGRAPH_MAX_IMAGE_MB          passed to the specs (their default is 300)
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const TARGETS = ['ingest-api', 'ocr-worker', 'graph-worker', 'cli'];
const STANDINS = ['postgres', 'redis'];
const LABEL = 'casegraph.containers.run';
const started = Date.now();

const env = { ...process.env };
const tag = env.CASEGRAPH_IMAGE_TAG || `test-${process.pid}`;
const runId = env.CASEGRAPH_CONTAINERS_RUN || `casegraph-ct-${process.pid}`;
const dockerfile = path.resolve(ROOT, env.CASEGRAPH_DOCKERFILE || 'docker/Dockerfile');
const required = env.CASEGRAPH_REQUIRE_CONTAINERS === '1';
const artifacts = path.join(ROOT, 'artifacts', 'containers');
const reportPath = path.join(artifacts, 'report.json');
const jestArgs = process.argv.slice(2);

const state = {
  work: undefined,
  madeWork: false,
  ownEngine: false,
  builtImages: [],
  engineUp: false,
  children: new Set(),
  cleaning: false,
};

const seconds = (ms) => Math.round(ms / 100) / 10;
const mb = (bytes) => Math.round(bytes / 1e5) / 10;
const log = (msg) => process.stdout.write(`== ${msg} (${seconds(Date.now() - started)}s)\n`);

/** Runs a command (async, so signals are handled meanwhile); resolves with its exit code and captured output. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const out = opts.logFile ? fs.openSync(opts.logFile, 'w') : 'pipe';
    const child = spawn(cmd, args, {
      cwd: opts.cwd || ROOT,
      env: opts.env || env,
      stdio: opts.inherit ? 'inherit' : ['ignore', out, out],
      detached: true,
    });
    state.children.add(child);
    let stdout = '';
    if (!opts.inherit && !opts.logFile) {
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stdout += c));
    }
    child.on('error', (err) => {
      state.children.delete(child);
      resolve({ code: 127, output: `${cmd}: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      state.children.delete(child);
      if (typeof out === 'number') fs.closeSync(out);
      const output = opts.logFile ? fs.readFileSync(opts.logFile, 'utf8') : stdout;
      resolve({ code: code === null ? 128 + (os.constants.signals[signal] || 0) : code, output });
    });
  });
}

/** A short synchronous docker call (cleanup, inspection). */
function dockerSync(args) {
  const r = spawnSync('docker', args, { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status === null ? 1 : r.status, output: `${r.stdout || ''}${r.stderr || ''}`.trim() };
}

function git(args) {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

function tail(text, lines = 40) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function writeReport(report) {
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
}

/** The specs' own figures (start-up times, scenario time), merged into CASEGRAPH_CONTAINERS_REPORT by them. */
function readSpecReport(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

async function findEngine() {
  // The engine the docker CLI already reaches (DOCKER_HOST, its context, or the default socket), if any answers.
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}']);
  const where = env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : 'the default Docker engine';
  if (info.code === 0) return { how: `${where} (Docker ${info.output.trim()})` };
  process.stdout.write(`${where} does not answer: ${tail(info.output, 3)}\n`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    return {
      skip: `no Docker engine: ${where} does not answer, and ${root ? 'apt-get is missing' : 'not root'} (a private engine needs root and apt-get)`,
    };
  }
  log(`private engine: tools/containers/local-engine.sh up ${state.work}`);
  state.ownEngine = true;
  const up = await run('bash', [path.join(__dirname, 'local-engine.sh'), 'up', state.work], { logFile: path.join(artifacts, 'engine.log') });
  if (up.code !== 0) return { error: `local-engine.sh up failed (exit ${up.code}):\n${tail(up.output)}` };
  for (const line of up.output.split('\n')) {
    const m = /^(DOCKER_HOST|DOCKER_CONFIG|DOCKER_BIN|ENGINE_STARTED)=(.*)$/.exec(line.trim());
    if (!m) continue;
    // An engine an earlier run left in CASEGRAPH_CONTAINERS_WORK is reused, and left running at the end.
    if (m[1] === 'ENGINE_STARTED') {
      state.ownEngine = m[2] === '1';
      continue;
    }
    if (m[1] === 'DOCKER_BIN') env.PATH = `${path.dirname(m[2])}${path.delimiter}${env.PATH}`;
    else env[m[1]] = m[2];
  }
  const own = await run('docker', ['info', '--format', '{{.ServerVersion}}']);
  if (own.code !== 0) return { error: `the private engine does not answer: ${tail(own.output, 5)}` };
  return { how: `private engine in ${state.work} (Docker ${own.output.trim()})` };
}

/** `# syntax=<image>` needs that frontend image in the engine (no registry here): say so before a long build. */
function syntaxProblem() {
  const first = fs
    .readFileSync(dockerfile, 'utf8')
    .split('\n')
    .find((l) => l.trim() !== '');
  const m = /^#\s*syntax\s*=\s*(\S+)/i.exec(first || '');
  if (!m) return undefined;
  if (dockerSync(['image', 'inspect', m[1]]).code === 0) return undefined;
  return `${path.relative(ROOT, dockerfile)} starts with "# syntax=${m[1]}", and the engine has no such frontend image (no registry is reachable): BuildKit cannot resolve it. Drop the line (Docker 26's built-in frontend has RUN --mount and --network) or build the frontend into the engine.`;
}

async function buildImages(report) {
  const revision = `${git(['rev-parse', 'HEAD'])}${git(['status', '--porcelain']) ? '-dirty' : ''}`;
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const sourceUrl = git(['remote', 'get-url', 'origin']);
  Object.assign(report.build, { revision, version, sourceUrl, dockerfile: path.relative(ROOT, dockerfile) });
  env.CASEGRAPH_IMAGE_REVISION = revision;
  env.CASEGRAPH_IMAGE_VERSION = version;
  env.CASEGRAPH_IMAGE_SOURCE_URL = sourceUrl;
  for (const target of TARGETS) {
    const image = `casegraph-${target}:${tag}`;
    const t0 = Date.now();
    const logFile = path.join(artifacts, `build-${target}.log`);
    // The compose spec builds the same targets again as <tag>-compose (test/containers/compose/pod.yaml): removed too.
    state.builtImages.push(image, `casegraph-${target}:${tag}-compose`);
    const r = await run(
      'docker',
      [
        'build',
        '--progress=plain',
        '--network=host',
        '-f',
        dockerfile,
        '--target',
        target,
        '-t',
        image,
        '--build-arg',
        `REVISION=${revision}`,
        '--build-arg',
        `VERSION=${version}`,
        '--build-arg',
        `SOURCE_URL=${sourceUrl}`,
        ROOT,
      ],
      { logFile },
    );
    const buildSeconds = seconds(Date.now() - t0);
    if (r.code !== 0)
      throw new Error(`docker build --target ${target} failed (exit ${r.code}, log ${path.relative(ROOT, logFile)}):\n${tail(r.output)}`);
    const size = Number(dockerSync(['image', 'inspect', '-f', '{{.Size}}', image]).output);
    report.images[target] = { image, sizeMB: mb(size), buildSeconds };
    log(`${image}: ${mb(size)} MB, built in ${buildSeconds}s`);
  }
}

async function buildStandins(report) {
  await Promise.all(
    STANDINS.map(async (name) => {
      const image = `casegraph-standin-${name}:${tag}`;
      const t0 = Date.now();
      state.builtImages.push(image);
      const logFile = path.join(artifacts, `build-standin-${name}.log`);
      const r = await run(
        'docker',
        ['build', '--progress=plain', '--network=host', '-t', image, path.join(ROOT, 'test', 'containers', 'standins', name)],
        {
          logFile,
        },
      );
      if (r.code !== 0) throw new Error(`stand-in ${name} did not build (exit ${r.code}):\n${tail(r.output)}`);
      report.standins[name] = { image, buildSeconds: seconds(Date.now() - t0) };
    }),
  );
}

async function until(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The pod (a private network namespace, loopback only), then PostgreSQL and Redis in it; resolves once both answer. */
async function startPod(report) {
  const t0 = Date.now();
  const pod = `${runId}-pod`;
  const labels = ['--label', `${LABEL}=${runId}`];
  const ok = (r, what) => {
    if (r.code !== 0) throw new Error(`${what}: ${tail(r.output, 10)}`);
    return r.output.trim();
  };
  ok(await run('docker', ['run', '-d', '--name', pod, ...labels, '--network=none', 'debian:bookworm-slim', 'sleep', 'infinity']), 'pod');
  const pid = ok(dockerSync(['inspect', '-f', '{{.State.Pid}}', pod]), 'pod pid');
  for (const name of STANDINS) {
    ok(
      await run('docker', ['run', '-d', '--name', `${runId}-${name}`, ...labels, `--network=container:${pod}`, `casegraph-standin-${name}:${tag}`]),
      `stand-in ${name}`,
    );
  }
  const alive = (c) => dockerSync(['inspect', '-f', '{{.State.Running}}', c]).output === 'true';
  const answers = async (name, cmd) => {
    if (!alive(`${runId}-${name}`)) throw new Error(`stand-in ${name} exited:\n${tail(dockerSync(['logs', `${runId}-${name}`]).output, 20)}`);
    return (await run('docker', ['exec', `${runId}-${name}`, ...cmd])).code === 0;
  };
  await until('PostgreSQL in the pod', () => answers('postgres', ['pg_isready', '-q', '-h', '127.0.0.1', '-p', '5432', '-d', 'casegraph']), 60_000);
  await until('Redis in the pod', () => answers('redis', ['redis-cli', '-h', '127.0.0.1', '-p', '6379', 'ping']), 60_000);
  report.pod = { name: pod, pid: Number(pid), readySeconds: seconds(Date.now() - t0) };
  return { pod, pid };
}

/** Removes what this run made. Synchronous: it also runs from signal handlers and at exit. */
function cleanup() {
  if (state.cleaning) return;
  state.cleaning = true;
  for (const child of state.children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (state.engineUp && !state.ownEngine) {
    const byLabel = dockerSync(['ps', '-aq', '--filter', `label=${LABEL}=${runId}`]).output.split('\n');
    const byName = dockerSync(['ps', '-aq', '--filter', `name=^${runId}-`]).output.split('\n');
    const containers = [...new Set([...byLabel, ...byName].filter(Boolean))];
    if (containers.length) dockerSync(['rm', '-f', '-v', ...containers]);
    const volumes = [
      ...new Set(
        [
          ...dockerSync(['volume', 'ls', '-q', '--filter', `label=${LABEL}=${runId}`]).output.split('\n'),
          ...dockerSync(['volume', 'ls', '-q', '--filter', `name=^${runId}-`]).output.split('\n'),
        ].filter(Boolean),
      ),
    ];
    if (volumes.length) dockerSync(['volume', 'rm', '-f', ...volumes]);
    // One at a time: a tag that was never made (the compose spec did not run) must not stop the others' removal.
    if (env.CASEGRAPH_KEEP_IMAGES !== '1') for (const image of state.builtImages) dockerSync(['rmi', '-f', image]);
    process.stdout.write(
      `cleanup: ${containers.length} container(s), ${volumes.length} volume(s)${env.CASEGRAPH_KEEP_IMAGES === '1' ? '' : `, ${state.builtImages.length} image(s)`} removed\n`,
    );
  }
  if (state.ownEngine && state.work) {
    const r = spawnSync('bash', [path.join(__dirname, 'local-engine.sh'), 'down', state.work], { encoding: 'utf8' });
    process.stdout.write(
      `cleanup: private engine stopped and ${state.work} removed${r.status === 0 ? '' : ` (down exited ${r.status}: ${tail(`${r.stdout}${r.stderr}`, 5)})`}\n`,
    );
  }
  if (state.work && state.madeWork && fs.existsSync(state.work)) fs.rmSync(state.work, { recursive: true, force: true });
}

/** The report of this run, so far (also written when a signal ends the run). */
let current;

function onSignal(signal) {
  process.stdout.write(`\n${signal}: cleaning up\n`);
  cleanup();
  if (current) {
    current.interrupted = signal;
    current.tests = { ...(current.tests || { passed: 0, skipped: 0 }), failed: 1 };
    current.totalSeconds = seconds(Date.now() - started);
    writeReport(current);
  }
  process.exit(128 + os.constants.signals[signal]);
}

function summary(report) {
  const lines = ['', '== containers summary'];
  for (const i of Object.values(report.images)) lines.push(`  ${i.image.padEnd(40)} ${String(i.sizeMB).padStart(6)} MB  built in ${i.buildSeconds}s`);
  for (const [app, s] of Object.entries(report.startupSeconds || {}))
    lines.push(`  start-up ${app.padEnd(14)} ${s}s (container start to /health/ready 200)`);
  if (report.scenarioSeconds !== undefined) lines.push(`  scenario (documents through the API)  ${report.scenarioSeconds}s`);
  if (report.phases)
    lines.push(
      `  phases: ${Object.entries(report.phases)
        .map(([k, v]) => `${k} ${v}s`)
        .join(', ')}`,
    );
  lines.push(`  total ${report.totalSeconds}s`);
  const t = report.tests;
  lines.push(
    t
      ? `containers: ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`
      : `containers: ${report.skipped ? 'skipped' : 'no results'}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  const report = { startedAt: new Date(started).toISOString(), tag, run: runId, images: {}, standins: {}, build: {}, phases: {} };
  current = report;
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  let status = 0;
  try {
    state.work = env.CASEGRAPH_CONTAINERS_WORK
      ? path.resolve(env.CASEGRAPH_CONTAINERS_WORK)
      : fs.mkdtempSync(path.join(os.tmpdir(), 'casegraph-containers-'));
    state.madeWork = !env.CASEGRAPH_CONTAINERS_WORK || !fs.existsSync(state.work);
    fs.mkdirSync(state.work, { recursive: true });

    let t0 = Date.now();
    const engine = await findEngine();
    report.phases.engine = seconds(Date.now() - t0);
    if (engine.skip) {
      report.skipped = engine.skip;
      process.stdout.write(`test:containers ${required ? 'FAILED (CASEGRAPH_REQUIRE_CONTAINERS=1)' : 'skipped'}: ${engine.skip}\n`);
      if (required) report.tests = { passed: 0, failed: 1, skipped: 0, note: 'no Docker engine' };
      return required ? 1 : 0;
    }
    if (engine.error) throw new Error(engine.error);
    state.engineUp = true;
    report.engine = engine.how;
    log(`engine: ${engine.how}`);
    const problem = syntaxProblem();
    if (problem) throw new Error(problem);

    // The stand-ins and the pod (apt downloads) overlap the app images' build (CPU).
    t0 = Date.now();
    const standins = buildStandins(report).then(() => startPod(report));
    standins.catch(() => undefined);
    await buildImages(report);
    report.phases.build = seconds(Date.now() - t0);
    const { pod, pid } = await standins;
    report.phases.buildAndPod = seconds(Date.now() - t0);
    log(`pod ${pod}: PostgreSQL and Redis answer on its 127.0.0.1`);

    const specReport = path.join(state.work, 'spec-report.json');
    const jestJson = path.join(state.work, 'jest.json');
    const jestEnv = {
      ...env,
      CASEGRAPH_POD: pod,
      CASEGRAPH_CONTAINERS_RUN: runId,
      CASEGRAPH_IMAGE_TAG: tag,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/casegraph',
      REDIS_URL: 'redis://127.0.0.1:6379',
      CASEGRAPH_CONTAINERS_REPORT: specReport,
    };
    t0 = Date.now();
    log('jest --selectProjects containers, in the pod network namespace');
    const jest = await run(
      'nsenter',
      [
        `--net=/proc/${pid}/ns/net`,
        '--',
        process.execPath,
        path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
        ...jestArgs,
        '--selectProjects',
        'containers',
        '--runInBand',
        '--verbose',
        '--json',
        `--outputFile=${jestJson}`,
      ],
      { env: jestEnv, inherit: true },
    );
    report.phases.tests = seconds(Date.now() - t0);
    Object.assign(report, readSpecReport(specReport));
    if (fs.existsSync(jestJson)) fs.copyFileSync(jestJson, path.join(artifacts, 'jest.json'));
    try {
      const r = JSON.parse(fs.readFileSync(jestJson, 'utf8'));
      report.tests = { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests, suitesFailed: r.numFailedTestSuites };
      if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) report.tests.failed = r.numFailedTestSuites;
    } catch {
      report.tests = { passed: 0, failed: 1, skipped: 0, note: 'jest wrote no results' };
    }
    status = jest.code === 0 ? 0 : 1;
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    process.stderr.write(`test:containers failed: ${report.error}\n`);
    report.tests = report.tests || { passed: 0, failed: 1, skipped: 0, note: 'the run stopped before or during the tests' };
    status = 1;
  } finally {
    const t0 = Date.now();
    cleanup();
    report.phases.cleanup = seconds(Date.now() - t0);
    report.totalSeconds = seconds(Date.now() - started);
    writeReport(report);
    summary(report);
  }
  return status;
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    cleanup();
    process.exit(1);
  },
);
