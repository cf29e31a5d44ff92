/**
 * `npm start`: one command to run CaseGraph on a laptop.
 *
 *   1. validates the environment of the three apps (exit 78 naming each bad variable);
 *   2. checks PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) are reachable, and says
 *      which is not and how to start it (exit 69);
 *   3. checks the apps' ports are free (exit 1);
 *   4. builds the apps when dist/ is missing or older than the sources (`npm run build`);
 *   5. creates the database if missing and applies migrations (`npm run db:migrate`);
 *   6. runs ingest-api, ocr-worker and graph-worker with prefixed, coloured output,
 *      prints the URLs once they are ready, and stops all three cleanly on Ctrl-C/SIGTERM.
 *
 * DOCUMENT_PASSWORD_KEY (seals the passwords of encrypted PDFs) is generated for the run when it is unset and given
 * to the API and the OCR worker, so passwords work out of the box; sealed passwords then open only until the next
 * start (set the variable to keep them across restarts).
 *
 * Environment: everything the apps read (see docs/operations.md), plus
 *   OCR_HEALTH_PORT / GRAPH_HEALTH_PORT  each worker's HEALTH_PORT (defaults: the apps' own)
 *   START_READY_TIMEOUT_SECONDS          how long to wait for /health/ready (default 120)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigSpec, baseConfigSpec, loadConfig } from '@casegraph/platform';
import { graphWorkerConfigSpec } from '../apps/graph-worker/src/config';
import { ingestApiConfigSpec } from '../apps/ingest-api/src/config';
import { ocrWorkerConfigSpec } from '../apps/ocr-worker/src/config';
import { redactUrl } from '../libs/entities/src/database-url';
import { buildStatus } from './start/build-check';
import { withBuildLock } from './start/build-lock';
import { checkPostgres, checkRedis, configProblems, formatFailures, portIsFree } from './start/preflight';
import { waitForAll } from './start/readiness';
import { AppProcess, supervise } from './start/supervisor';

const ROOT = resolve(__dirname, '..');
const EX_CONFIG = 78;
const EX_UNAVAILABLE = 69;

const say = (line = '') => process.stdout.write(`${line}\n`);
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);

interface AppPlan {
  name: 'ingest-api' | 'ocr-worker' | 'graph-worker';
  spec: ConfigSpec<unknown>;
  env: Record<string, string>;
  port: number;
  /** The variable of npm start's environment that sets `port`. */
  portVar: string;
  color: string;
}

/** DOCUMENT_PASSWORD_KEY for this run: the environment's, or a random one (null: the environment has one). */
function runPasswordKey(env: NodeJS.ProcessEnv): string | null {
  return env.DOCUMENT_PASSWORD_KEY && env.DOCUMENT_PASSWORD_KEY.trim() ? null : randomBytes(32).toString('hex');
}

function plan(env: NodeJS.ProcessEnv, generatedKey: string | null = null): AppPlan[] {
  const secrets: Record<string, string> = generatedKey ? { DOCUMENT_PASSWORD_KEY: generatedKey } : {};
  const pick = (v: string | undefined, fallback: string | undefined) => (v && v.trim() ? v.trim() : (fallback ?? ''));
  const apiPort = pick(env.PORT, ingestApiConfigSpec.port.default);
  const ocrPort = pick(env.OCR_HEALTH_PORT, ocrWorkerConfigSpec.healthPort.default);
  const graphPort = pick(env.GRAPH_HEALTH_PORT, graphWorkerConfigSpec.healthPort.default);
  return [
    {
      name: 'ingest-api',
      spec: ingestApiConfigSpec as ConfigSpec<unknown>,
      env: { PORT: apiPort, ...secrets },
      port: Number(apiPort),
      portVar: 'PORT',
      color: 'cyan',
    },
    {
      name: 'ocr-worker',
      spec: ocrWorkerConfigSpec as ConfigSpec<unknown>,
      env: { HEALTH_PORT: ocrPort, ...secrets },
      port: Number(ocrPort),
      portVar: 'OCR_HEALTH_PORT',
      color: 'magenta',
    },
    {
      name: 'graph-worker',
      spec: graphWorkerConfigSpec as ConfigSpec<unknown>,
      env: { HEALTH_PORT: graphPort },
      port: Number(graphPort),
      portVar: 'GRAPH_HEALTH_PORT',
      color: 'yellow',
    },
  ];
}

/** The command of an app, from its package.json script (`start:<app>`), so both stay one thing. */
function appArgv(name: string): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts[`start:${name}`];
  if (!script || /[|&;<>$`"'\\]/.test(script)) throw new Error(`package.json script start:${name} must be a plain "node <file>" command`);
  return script.trim().split(/\s+/);
}

function run(label: string, args: string[]): void {
  say(bold(`▸ ${label}`));
  const r = spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    say(`✗ ${label} failed (${r.signal ?? `exit ${r.status}`})`);
    process.exit(r.status || 1);
  }
}

async function main(): Promise<number> {
  // 1. configuration of every app, as each will see it: the apps' own specs, cross-variable rules included
  const generatedKey = runPasswordKey(process.env);
  const apps = plan(process.env, generatedKey);
  const problems = configProblems(apps);
  if (problems.length) {
    process.stderr.write(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return EX_CONFIG;
  }
  const base = loadConfig(baseConfigSpec);

  // 2. PostgreSQL and Redis
  say(bold('▸ checking PostgreSQL and Redis'));
  const checks = await Promise.all([checkPostgres(base.databaseUrl), checkRedis(base.redisUrl)]);
  if (checks.some((c) => !c.ok)) {
    process.stderr.write(formatFailures(checks));
    return EX_UNAVAILABLE;
  }
  for (const c of checks) say(`  ✓ ${c.service} ${c.url}${c.detail ? ` (${c.detail})` : ''}`);

  // 3. ports
  const busy: string[] = [];
  for (const app of apps) {
    if (app.port !== 0 && !(await portIsFree(app.port))) {
      busy.push(`  ✗ port ${app.port} (${app.name} ${app.portVar}) is in use`);
    }
  }
  if (busy.length) {
    process.stderr.write(`Cannot start CaseGraph:\n${busy.join('\n')}\n  → stop what uses it (another npm start?) or choose other ports.\n`);
    return 1;
  }

  // 4. build (one build at a time per checkout: a concurrent `nest build` empties dist/apps/<app>)
  await withBuildLock(
    ROOT,
    () => {
      const build = buildStatus(ROOT);
      if (build.needed) {
        say(`  building: ${build.reason}`);
        run('npm run build', ['run', 'build']);
      } else {
        say(`  ${build.reason}`);
      }
    },
    { onWait: (pid) => say(`  waiting for another npm start to finish building (pid ${pid})`) },
  );

  // 5. database
  run('npm run db:migrate', ['run', '--silent', 'db:migrate']);

  // 6. the apps
  say(bold('▸ starting ingest-api, ocr-worker, graph-worker'));
  if (generatedKey) {
    say('  DOCUMENT_PASSWORD_KEY is not set: using a random key for this run (PDF passwords given now open only until');
    say('  the next start; set DOCUMENT_PASSWORD_KEY, e.g. `openssl rand -hex 32`, to keep them)');
  }
  const graceMs = base.shutdownGraceMs;
  const readyTimeoutMs = Number(process.env.START_READY_TIMEOUT_SECONDS || 120) * 1000;
  const [api, ocr, graph] = apps;
  const processes: AppProcess[] = apps.map((a) => ({ name: a.name, argv: appArgv(a.name), env: a.env, color: a.color }));
  const result = await supervise(processes, {
    cwd: ROOT,
    // The apps give active jobs SHUTDOWN_GRACE_MS and force-exit 5 s after; allow a little more.
    stopTimeoutMs: graceMs + 10_000,
    onStarted: (stopping) => {
      const host = 'localhost';
      const targets = [
        { name: 'ingest-api', url: `http://127.0.0.1:${api.port}/health/ready` },
        { name: 'ocr-worker', url: `http://127.0.0.1:${ocr.port}/health/ready` },
        { name: 'graph-worker', url: `http://127.0.0.1:${graph.port}/health/ready` },
      ];
      void waitForAll(targets, readyTimeoutMs, stopping).then(async (notReady) => {
        if (stopping.aborted) return;
        const dashboard = await dashboardStatus(api.port);
        const keyed = process.env.CASEGRAPH_API_KEYS ? ' --key <one of CASEGRAPH_API_KEYS>' : '';
        say('');
        say(bold(notReady.length ? `CaseGraph started; not ready yet: ${notReady.join(', ')}` : 'CaseGraph is running'));
        say(`  Web app          http://${host}:${api.port}/   (open this in a browser)`);
        say(`  API              http://${host}:${api.port}/v1`);
        say(`  API docs         http://${host}:${api.port}/docs`);
        say(`  Queue dashboard  http://${host}:${api.port}/admin/queues${dashboardNote(dashboard)}`);
        say(`  Health, metrics  http://${host}:${api.port}/health/ready  :${ocr.port}/health/ready  :${graph.port}/health/ready  (/metrics on each)`);
        say(`  Database         ${redactUrl(base.databaseUrl)}   Redis ${redactUrl(base.redisUrl)}`);
        say(`  Ingest           npm run ingest -- <files or folders> --project "My matter" --api http://${host}:${api.port}${keyed}`);
        say('  Press Ctrl-C to stop.');
        say('');
      });
    },
  });
  say(result.exitCode === 0 ? `stopped (${result.cause})` : `stopped: ${result.cause}`);
  return result.exitCode;
}

/** What to say beside the dashboard URL, from the status of GET /admin/queues (Bull Board, behind the API key). */
function dashboardNote(status: number | undefined): string {
  if (status === 200) return process.env.CASEGRAPH_API_KEYS ? '  (log in with any user name and an API key as the password)' : '';
  if (status === 401 || status === 403) return '  (needs an API key that is not bound to a project)';
  if (status === 404) return '  (not served by this build: 404)';
  return status === undefined ? '  (did not answer)' : `  (answered ${status})`;
}

/** Status of GET /admin/queues (with the first API key, as the dashboard sits behind it); undefined if unreachable. */
async function dashboardStatus(port: number): Promise<number | undefined> {
  const key = (process.env.CASEGRAPH_API_KEYS ?? '')
    .split(',')[0]
    ?.trim()
    .replace(/:[0-9a-f-]{36}$/i, '');
  try {
    const res = await fetch(`http://127.0.0.1:${port}/admin/queues`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(3000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`npm start failed: ${err.message}\n`);
    process.exit(1);
  },
);
