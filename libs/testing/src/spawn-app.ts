/**
 * One of the real apps as a child process: its built dist/apps/<app>/main.js, or its
 * apps/<app>/src/main.ts under ts-node with the one path loader (tools/register-paths.js),
 * as the npm scripts run it. Output is captured; readiness is a line of output or an open
 * port; stop() is SIGTERM, then SIGKILL after a grace, always by the child's own pid.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { portAccepts } from './ports';
import { waitFor } from './wait';

export const REPO_ROOT = resolve(__dirname, '../../..');

export type AppName = 'ingest-api' | 'ocr-worker' | 'graph-worker' | 'cli';

export interface SpawnAppOptions {
  app: AppName;
  /** Run dist/apps/<app>/main.js (needs `npm run build`); default: the sources under ts-node. */
  built?: boolean;
  /** Over process.env (or over nothing with inheritEnv: false); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  inheritEnv?: boolean;
  args?: string[];
  /** Ready once a line of output contains this (string) or matches it (RegExp). */
  readyLine?: string | RegExp;
  /** Ready once 127.0.0.1:<port> accepts connections. */
  readyPort?: number;
  /** Default 90 s (a cold ts-node start of an app takes a while on a busy machine). */
  readyTimeoutMs?: number;
  /** Own process group: stop()/kill()/signal() then reach the whole group. */
  detached?: boolean;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedApp {
  readonly app: AppName;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** What was written to stdout, and to stderr, so far. */
  stdout(): string;
  stderr(): string;
  /** The complete lines written so far (stdout and stderr). */
  lines(): string[];
  readonly exited: Promise<AppExit>;
  /** How it ended, or undefined while it runs. */
  exit(): AppExit | undefined;
  running(): boolean;
  /** Waits for a line of output (fails at once if the child exits first, naming its last output). */
  waitForOutput(match: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal to the child (to its group when detached) unless it has exited. */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL when it has not exited after graceMs (default 10 s). */
  stop(graceMs?: number): Promise<AppExit>;
  /** SIGKILL, no goodbye. */
  kill(): Promise<AppExit>;
}

/** The command line that runs an app: [executable, ...arguments]. */
export function appCommand(app: AppName, built = false, args: string[] = []): string[] {
  if (built) return [process.execPath, join(REPO_ROOT, 'dist/apps', app, 'main.js'), ...args];
  const tsNode = require.resolve('ts-node/dist/bin.js', { paths: [REPO_ROOT] });
  return [process.execPath, tsNode, '--transpile-only', '-r', './tools/register-paths.js', `apps/${app}/src/main.ts`, ...args];
}

const matches = (line: string, m: string | RegExp) => (typeof m === 'string' ? line.includes(m) : m.test(line));

/** Starts the app; resolves once it is ready (readyLine / readyPort), or at once when neither is given. */
export async function spawnApp(opts: SpawnAppOptions): Promise<SpawnedApp> {
  const [cmd, ...argv] = appCommand(opts.app, opts.built, opts.args);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(opts.inheritEnv === false ? {} : process.env), ...(opts.env ?? {}) })) if (v !== undefined) env[k] = v;
  const child = spawn(cmd, argv, { cwd: REPO_ROOT, env, detached: !!opts.detached, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const streams = { stdout: '', stderr: '' };
  const lines: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const collect = (from: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out += text;
    streams[from] += text;
    const parts = (partial[from] + text).split('\n');
    partial[from] = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  };
  child.stdout.on('data', collect('stdout'));
  child.stderr.on('data', collect('stderr'));
  let ended: AppExit | undefined;
  const exited = new Promise<AppExit>((r) =>
    child.once('exit', (code, signal) => {
      for (const from of ['stdout', 'stderr'] as const) if (partial[from]) lines.push(partial[from]);
      ended = { code, signal };
      r(ended);
    }),
  );
  const running = () => ended === undefined && child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals) => {
    if (!running()) return;
    try {
      if (opts.detached) process.kill(-child.pid!, sig);
      else child.kill(sig);
    } catch {
      /* already gone */
    }
  };
  const tail = () => `--- ${opts.app} output (last 4000 characters) ---\n${out.slice(-4000)}`;
  const exitedFirst = () =>
    running() ? undefined : `${opts.app} exited first (${JSON.stringify(ended ?? { code: child.exitCode, signal: child.signalCode })})`;
  const handle: SpawnedApp = {
    app: opts.app,
    child,
    pid: child.pid!,
    output: () => out,
    stdout: () => streams.stdout,
    stderr: () => streams.stderr,
    lines: () => lines,
    exited,
    exit: () => ended,
    running,
    waitForOutput: async (m, timeoutMs = opts.readyTimeoutMs ?? 90_000) => {
      const seen = () => lines.some((l) => matches(l, m)) || matches(partial.stdout, m) || matches(partial.stderr, m);
      await waitFor(seen, {
        timeoutMs,
        intervalMs: 50,
        what: `${opts.app} to print ${String(m)}`,
        abort: () => (seen() ? undefined : exitedFirst()),
        detail: tail,
      });
    },
    signal,
    stop: async (graceMs = 10_000) => {
      if (!running()) return exited;
      signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
      clearTimeout(timer);
      if (!done) signal('SIGKILL');
      return exited;
    },
    kill: async () => {
      signal('SIGKILL');
      return exited;
    },
  };
  try {
    if (opts.readyLine !== undefined) await handle.waitForOutput(opts.readyLine);
    if (opts.readyPort !== undefined) {
      const port = opts.readyPort;
      await waitFor(() => portAccepts(port), {
        timeoutMs: opts.readyTimeoutMs ?? 90_000,
        intervalMs: 100,
        what: `${opts.app} to listen on port ${port}`,
        abort: exitedFirst,
        detail: tail,
      });
    }
  } catch (e) {
    await handle.kill();
    throw e;
  }
  return handle;
}
