/**
 * SIGTERM to the `npm start` npm process (what a process manager or `kill <pid>` sends) must stop the apps.
 * npm forwards it to its `sh -c` child only; sh dies without passing it on, so the supervisor never got the
 * signal and the three apps kept running. The supervisor now watches its parent and stops the apps when it
 * goes (tools/start/supervisor.ts, PARENT_EXITED).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..');
const HARNESS = join(__dirname, 'testing', 'supervise-harness.ts');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const cmdline = (pid: number): string | null => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
};

/** Every live descendant of `root` with its command line (from /proc). */
function descendants(root: number): Array<{ pid: number; cmd: string }> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* gone */
    }
  }
  const out: Array<{ pid: number; cmd: string }> = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length) {
    const pid = todo.pop()!;
    const cmd = cmdline(pid);
    if (cmd !== null) out.push({ pid, cmd });
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The processes (started by this test) that are still alive with the same command line. */
const stillAlive = (procs: Array<{ pid: number; cmd: string }>) => procs.filter((p) => cmdline(p.pid) === p.cmd);

async function waitGone(procs: Array<{ pid: number; cmd: string }>, ms: number): Promise<Array<{ pid: number; cmd: string }>> {
  const until = Date.now() + ms;
  while (stillAlive(procs).length && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  return stillAlive(procs);
}

function capture(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return () => out;
}

async function waitFor(output: () => string, child: ChildProcess, test: (out: string) => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!test(output())) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output().slice(-6000)}`);
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms:\n${output().slice(-6000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Last resort for the test's own processes only (matched by pid AND command line). */
function killLeftovers(procs: Array<{ pid: number; cmd: string }>): void {
  for (const p of stillAlive(procs)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

describe('SIGTERM to the parent of the supervisor stops the apps', () => {
  it('supervisor under a `sh -c` that dies of SIGTERM (as npm start has): the dummy apps stop within the deadline', async () => {
    const apps = ['ingest-api', 'ocr-worker', 'graph-worker'].map((name) => ({ name, mode: 'graceful' }));
    // `; exit $?` keeps dash from exec-ing node in its place, as it does not under npm either.
    const script = `"${process.execPath}" -r ts-node/register/transpile-only "${HARNESS}" '${JSON.stringify(apps)}' 5000; exit $?`;
    const sh = spawn('sh', ['-c', script], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const output = capture(sh);
    let procs: Array<{ pid: number; cmd: string }> = [];
    try {
      await waitFor(output, sh, (o) => o.includes('HARNESS STARTED') && (o.match(/ ready pid=\d+/g) ?? []).length === 3, 30_000);
      procs = descendants(sh.pid!);
      expect(procs.filter((p) => p.cmd.includes('dummy-app.js'))).toHaveLength(3);
      process.kill(sh.pid!, 'SIGTERM');
      expect(await waitGone(procs, 8000)).toEqual([]);
      expect(output()).toContain('parent process exited: stopping');
      for (const a of apps) expect(output()).toContain(`${a.name} got SIGTERM #1`);
      expect(output()).not.toContain('#2');
    } finally {
      killLeftovers(procs);
    }
  }, 60_000);

  describe('the real `npm start`', () => {
    const run = randomUUID().slice(0, 8);
    const adminUrl = process.env.DATABASE_URL!.replace(/\/[^/?]+(\?.*)?$/, '/postgres');
    const dbName = `casegraph_x_sigterm_${run}`;
    const bullPrefix = `bull-int-sigterm-${run}`;
    const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-int-sigterm-'));
    let procs: Array<{ pid: number; cmd: string }> = [];

    afterAll(async () => {
      killLeftovers(procs);
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
      const redis = new Redis(process.env.REDIS_URL!);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${bullPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      rmSync(storageDir, { recursive: true, force: true });
    });

    it(
      'SIGTERM to the npm process: ingest-api, ocr-worker and graph-worker all exit within the grace',
      async () => {
        const env = {
          ...process.env,
          NODE_ENV: 'development',
          LOG_LEVEL: 'warn',
          DATABASE_URL: process.env.DATABASE_URL!.replace(/\/[^/?]+(\?.*)?$/, `/${dbName}`),
          BULL_PREFIX: bullPrefix,
          STORAGE_DRIVER: 'local',
          STORAGE_DIR: storageDir,
          PORT: String(await freePort()),
          OCR_HEALTH_PORT: String(await freePort()),
          GRAPH_HEALTH_PORT: String(await freePort()),
          SHUTDOWN_GRACE_MS: '5000',
          CASEGRAPH_API_KEYS: `int-sigterm-${run}`,
          FORCE_COLOR: '0',
        };
        const npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        const output = capture(npm);
        // A build may run first when dist/ is older than the sources.
        await waitFor(output, npm, (o) => o.includes('CaseGraph is running'), 6 * 60_000);
        procs = descendants(npm.pid!);
        const apps = procs.filter((p) => /dist\/apps\/(ingest-api|ocr-worker|graph-worker)\/main\.js/.test(p.cmd));
        expect(apps).toHaveLength(3);

        const npmExited = new Promise<void>((r) => npm.once('exit', () => r()));
        process.kill(npm.pid!, 'SIGTERM');
        await npmExited;
        // Grace (5 s) + the apps' force-exit (5 s) + the supervisor's parent check; everything it started is gone.
        expect(await waitGone(procs, 15_000)).toEqual([]);
        expect(output()).toContain('parent process exited: stopping ingest-api, ocr-worker, graph-worker');
        expect(output()).toContain('stopped (parent process exited)');
      },
      8 * 60_000,
    );
  });
});
