/**
 * What the container specs share: the contract of tools/containers/run.js (env CASEGRAPH_POD, CASEGRAPH_IMAGE_TAG,
 * CASEGRAPH_CONTAINERS_RUN, DOCKER_HOST, DATABASE_URL / REDIS_URL of the stand-ins, CASEGRAPH_CONTAINERS_REPORT),
 * the docker CLI, the app containers (started in the pod's network namespace, hardened as Kubernetes runs them),
 * the stand-ins' database and queues, and the run's report.
 *
 * Every container and volume a spec makes is named `<run>-...` and labelled `casegraph.containers.run=<run>`, so
 * the runner removes whatever a failed or interrupted spec leaves behind.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import Bull from 'bull';
import { Pool } from 'pg';
import { QUEUES } from '@casegraph/contracts';
import { waitFor } from '@casegraph/testing';

export type App = 'ingest-api' | 'ocr-worker' | 'graph-worker';
export type Target = App | 'cli';
export const APPS: App[] = ['ingest-api', 'ocr-worker', 'graph-worker'];
export const TARGETS: Target[] = [...APPS, 'cli'];
/** The apps' ports in the pod (their defaults, as in docker/compose.yaml). */
export const PORTS: Record<App, number> = { 'ingest-api': 3000, 'ocr-worker': 3001, 'graph-worker': 3002 };
export const LABEL = 'casegraph.containers.run';

const env = process.env;
/** Set by tools/containers/run.js; without it (a bare `jest` run) the container specs are skipped, by their title. */
export const inPod = !!env.CASEGRAPH_POD;
export const describeInPod: jest.Describe = inPod ? describe : describe.skip;
export const NOT_IN_POD = inPod ? '' : ' [skipped: run by npm run test:containers]';

export const pod = env.CASEGRAPH_POD ?? '';
export const run = env.CASEGRAPH_CONTAINERS_RUN ?? 'casegraph-ct';
export const tag = env.CASEGRAPH_IMAGE_TAG ?? 'local';
export const imageOf = (t: Target) => `casegraph-${t}:${tag}`;
export const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/casegraph';
export const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The apps' Bull prefix in these specs (the stand-in Redis is the run's own). */
export const BULL_PREFIX = 'casegraph';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the docker CLI (never a shell in a container); resolves with its exit code, never rejects. `env`: more
 * variables for the CLI (a spec's own `process.env.X = ...` does not reach child processes under jest).
 */
export function docker(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<DockerResult> {
  const childEnv = opts.env ? { ...process.env, ...opts.env } : undefined;
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: opts.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024, env: childEnv }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** docker ..., which must exit 0: its stdout, trimmed. */
export async function dockerOk(args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const r = await docker(args, opts);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.code}\n${r.stderr.slice(-3000)}`);
  return r.stdout.trim();
}

export interface ImageConfig {
  User?: string;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Labels?: Record<string, string> | null;
  Healthcheck?: { Test?: string[] } | null;
  Env?: string[];
}

export async function inspectImage(image: string): Promise<{ Size: number; Config: ImageConfig; RootFS: { Layers: string[] } }> {
  return JSON.parse(await dockerOk(['image', 'inspect', image]))[0];
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  OOMKilled: boolean;
  StartedAt: string;
  FinishedAt: string;
}

export async function containerState(name: string): Promise<ContainerState> {
  return JSON.parse(await dockerOk(['inspect', '-f', '{{json .State}}', name]));
}

/** The flags every app container runs with here: in the pod, read-only root, /tmp a tmpfs, no capabilities. */
export const HARDENED = [
  `--network=container:${pod}`,
  '--read-only',
  '--tmpfs',
  '/tmp',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges:true',
];

/** docker/compose.yaml's environment for every app, pointed at the stand-ins in the pod. */
export function appEnv(app: App | 'cli', extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    BULL_PREFIX,
    SHUTDOWN_GRACE_MS: '25000',
  };
  if (app === 'ingest-api' || app === 'ocr-worker') Object.assign(base, { STORAGE_DRIVER: 'local', STORAGE_DIR: '/data/storage' });
  if (app === 'ingest-api') base.PORT = String(PORTS[app]);
  if (app === 'ocr-worker' || app === 'graph-worker') base.HEALTH_PORT = String(PORTS[app]);
  return { ...base, ...extra };
}

const envFlags = (vars: Record<string, string>) => Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

let counter = 0;
/** A name of this run: `<run>-<what>-<n>`. */
export const nameOf = (what: string) => `${run}-${what}-${++counter}`;

/** A named volume of this run (labelled for the runner's cleanup). */
export async function createVolume(what: string): Promise<string> {
  const name = `${run}-${what}`;
  await dockerOk(['volume', 'create', '--label', `${LABEL}=${run}`, name]);
  return name;
}

/** One-shot container (the migrate job): runs to its end; resolves with its exit code and output. */
export async function runOnce(t: Target, opts: { env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {}): Promise<DockerResult> {
  return docker(
    [
      'run',
      '--rm',
      '--name',
      nameOf(t),
      '--label',
      `${LABEL}=${run}`,
      ...HARDENED,
      ...envFlags(opts.env ?? appEnv('cli')),
      imageOf(t),
      ...(opts.args ?? []),
    ],
    { timeoutMs: opts.timeoutMs ?? 180_000 },
  );
}

export interface AppContainer {
  app: App;
  name: string;
  port: number;
}

/** Starts an app's image detached, hardened, in the pod. `storage`: the named volume at /data/storage. */
export async function startApp(app: App, opts: { env?: Record<string, string>; storage?: string } = {}): Promise<AppContainer> {
  const name = nameOf(app);
  await dockerOk([
    'run',
    '-d',
    '--name',
    name,
    '--label',
    `${LABEL}=${run}`,
    ...HARDENED,
    ...(opts.storage ? ['-v', `${opts.storage}:/data/storage`] : []),
    ...envFlags(appEnv(app, opts.env)),
    imageOf(app),
  ]);
  return { app, name, port: PORTS[app] };
}

export async function logsOf(name: string): Promise<string> {
  const r = await docker(['logs', name]);
  return `${r.stdout}${r.stderr}`;
}

/** The JSON lines of a container's log (pino), the rest skipped. */
export async function jsonLogs(name: string): Promise<Array<Record<string, unknown>>> {
  return (await logsOf(name)).split('\n').flatMap((l) => {
    try {
      const v = JSON.parse(l) as Record<string, unknown> | null;
      return v && typeof v === 'object' ? [v] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Waits for GET /health/ready 200 on the app's port (in the pod); stops at once when the container exits, with its
 * log. Returns the seconds from the container's start (State.StartedAt) to that answer.
 */
export async function waitReady(c: AppContainer, timeoutMs = 120_000): Promise<number> {
  let exited: ContainerState | undefined;
  await waitFor(
    async () => {
      const s = await containerState(c.name);
      if (!s.Running) exited = s;
      const res = await fetch(`http://127.0.0.1:${c.port}/health/ready`, { signal: AbortSignal.timeout(3000) });
      await res.arrayBuffer();
      return res.status === 200;
    },
    {
      timeoutMs,
      intervalMs: 100,
      what: `${c.name} to answer /health/ready 200`,
      abort: () => (exited ? `it exited with ${exited.ExitCode}` : undefined),
      detail: () => '',
    },
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}\n--- ${c.name} log (tail) ---\n${(await logsOf(c.name)).slice(-4000)}`);
  });
  const readyAt = Date.now();
  const { StartedAt } = await containerState(c.name);
  return Math.round((readyAt - Date.parse(StartedAt)) / 100) / 10;
}

/** Waits for the container to exit (docker wait) and returns its exit code. */
export async function exitCodeOf(name: string, timeoutMs = 120_000): Promise<number> {
  return Number(await dockerOk(['wait', name], { timeoutMs }));
}

export async function removeContainer(name: string): Promise<void> {
  await docker(['rm', '-f', '-v', name]);
}

/** The stand-in PostgreSQL (in the pod), for the rows the specs check. */
export function database(): Pool {
  return new Pool({ connectionString: databaseUrl, max: 4 });
}

/** The apps' two queues on the stand-in Redis, for reading job states (this process consumes nothing). */
export function queues(): { ocr: Bull.Queue; graph: Bull.Queue; close(): Promise<void> } {
  const ocr = new Bull(QUEUES.OCR, redisUrl, { prefix: BULL_PREFIX });
  const graph = new Bull(QUEUES.GRAPH, redisUrl, { prefix: BULL_PREFIX });
  return {
    ocr,
    graph,
    close: async () => {
      await Promise.all([ocr.close(), graph.close()]);
    },
  };
}

/** Merges figures into the run's report (CASEGRAPH_CONTAINERS_REPORT; the runner folds it into report.json). */
export function report(patch: Record<string, unknown>): void {
  const file = env.CASEGRAPH_CONTAINERS_REPORT;
  if (!file) return;
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    /* first figure */
  }
  for (const [k, v] of Object.entries(patch)) {
    const old = current[k];
    current[k] = old && v && typeof old === 'object' && typeof v === 'object' && !Array.isArray(v) ? { ...old, ...v } : v;
  }
  writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
}
