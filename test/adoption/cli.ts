/** The CLI as a user runs it: `npm run db:migrate`, `npm run context -- <command>`, a child process of npm. */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '@casegraph/testing';

export interface CliRun {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliTarget {
  databaseUrl: string;
  redisUrl: string;
}

/** Longest a command may run before it is stopped (its process group: npm and the node it starts) and reported. */
export const CLI_TIMEOUT_MS = 120_000;

/**
 * Starts `npm run <script> [-- args]`; resolves once it has exited (never rejects: the exit code is the answer;
 * null when it was stopped after CLI_TIMEOUT_MS). Each finished command is logged with its exit code and time.
 */
export function npmRun(target: CliTarget, script: string, ...args: string[]): Promise<CliRun> {
  const argv = ['run', script, ...(args.length ? ['--', ...args] : [])];
  const command = `npm ${argv.join(' ')}`;
  const t0 = Date.now();
  const env = { ...process.env, DATABASE_URL: target.databaseUrl, REDIS_URL: target.redisUrl, NODE_ENV: 'test', LOG_LEVEL: 'error' };
  // Own process group, so a hung command is stopped with the node process npm started.
  const child = spawn('npm', argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, CLI_TIMEOUT_MS);
  return new Promise((resolve) => {
    const done = (code: number | null, extra = '') => {
      clearTimeout(timer);
      const r = {
        command,
        code: timedOut ? null : code,
        stdout,
        stderr: `${stderr}${extra}${timedOut ? `\n(stopped after ${CLI_TIMEOUT_MS} ms)` : ''}`,
        ms: Date.now() - t0,
      };
      process.stderr.write(`[adoption] $ ${command} -> exit ${r.code} in ${r.ms} ms\n`);
      resolve(r);
    };
    child.once('error', (err) => done(null, err.message));
    child.once('close', (code) => done(code));
  });
}

/** A run's output for a failure message. */
export function shown(r: CliRun): string {
  return `$ ${r.command}  (exit ${r.code}, ${r.ms} ms)\n--- stdout ---\n${r.stdout.slice(-6000)}\n--- stderr ---\n${r.stderr.slice(-6000)}`;
}

/** Expects an exit code; on a mismatch the error carries the whole output. */
export function expectExit(r: CliRun, code: number): CliRun {
  if (r.code !== code) throw new Error(`expected exit ${code}\n${shown(r)}`);
  return r;
}

/** The counters of `context audit`'s report ("  <label>   <n>" lines), keyed by the label's first word(s). */
export function auditCounters(out: string): { scanned: number; counters: Record<string, number> } {
  const scanned = /audit: (\d+) document\(s\) scanned/.exec(out);
  if (!scanned) throw new Error(`no audit report in:\n${out}`);
  const counters: Record<string, number> = {};
  for (const line of out.split('\n')) {
    const m = /^ {2}(\S.*?)\s{2,}(\d+)\s*$/.exec(line);
    if (m) counters[m[1].trim()] = Number(m[2]);
  }
  return { scanned: Number(scanned[1]), counters };
}

/** The counter whose label starts with `prefix` (e.g. 'ok', 'legacy', 'malformed'); 0 when the report has no such line. */
export function counter(report: { counters: Record<string, number> }, prefix: string): number {
  const key = Object.keys(report.counters).find((k) => k === prefix || k.startsWith(`${prefix} `));
  return key === undefined ? 0 : report.counters[key];
}
