import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const HARNESS = join(__dirname, 'testing', 'supervise-harness.ts');

interface Run {
  child: ChildProcess;
  output: () => string;
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the harness in its own process group, as a terminal runs `npm start`. */
function startHarness(apps: Array<{ name: string; mode: string; log?: string }>, stopTimeoutMs = 5000): Run {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', HARNESS, JSON.stringify(apps), String(stopTimeoutMs)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let out = '';
  const expectedReady = apps.length;
  let readyLines = 0;
  let resolveStarted!: () => void;
  const started = new Promise<void>((r) => (resolveStarted = r));
  const onData = (d: Buffer) => {
    out += d.toString();
    readyLines = (out.match(/ ready pid=\d+\n/g) ?? []).length;
    if (out.includes('HARNESS STARTED') && readyLines >= expectedReady) resolveStarted();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, started, exited };
}

function result(out: string): { exitCode: number; cause: string; exits: Array<{ name: string; exitCode: number | string }> } {
  const line = out.split('\n').find((l) => l.startsWith('HARNESS RESULT '));
  if (!line) throw new Error(`no result in output:\n${out}`);
  return JSON.parse(line.slice('HARNESS RESULT '.length));
}

const three = [
  { name: 'ingest-api', mode: 'graceful' },
  { name: 'ocr-worker', mode: 'graceful' },
  { name: 'graph-worker', mode: 'graceful' },
];

describe('supervise (npm start process handling)', () => {
  jest.setTimeout(30_000);

  it('Ctrl-C (SIGINT to the whole foreground group) gives each app exactly one SIGTERM and exits 0', async () => {
    const run = startHarness(three);
    await run.started;
    process.kill(-run.child.pid!, 'SIGINT');
    const { code } = await run.exited;
    const out = run.output();
    expect(code).toBe(0);
    for (const app of three) {
      expect(out).toContain(`${app.name} got SIGTERM #1`);
      expect(out).not.toContain(`${app.name} got SIGTERM #2`);
      expect(out).not.toContain(`${app.name} got SIGINT`);
      expect(out).toContain(`${app.name} stopped cleanly`);
    }
    expect(result(out)).toMatchObject({ exitCode: 0, cause: 'SIGINT' });
  });

  it('prefixes every line of an app with its name', async () => {
    const run = startHarness(three);
    await run.started;
    process.kill(run.child.pid!, 'SIGTERM');
    await run.exited;
    const lines = run.output().split('\n');
    for (const app of three) {
      expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^\\[${app.name}\\] ${app.name} ready pid=\\d+$`))]));
      expect(lines).toContain(`[${app.name}] ${app.name} stopped cleanly`);
    }
  });

  it('SIGTERM to the supervisor alone stops all apps and exits 0', async () => {
    const run = startHarness(three);
    await run.started;
    process.kill(run.child.pid!, 'SIGTERM');
    const { code } = await run.exited;
    expect(code).toBe(0);
    const r = result(run.output());
    expect(r.cause).toBe('SIGTERM');
    expect(r.exits.map((e) => e.name).sort()).toEqual(three.map((a) => a.name).sort());
    expect(r.exits.every((e) => e.exitCode === 0)).toBe(true);
  });

  it('when one app dies, stops the others and exits 1 naming it', async () => {
    const run = startHarness([
      { name: 'ingest-api', mode: 'graceful' },
      { name: 'ocr-worker', mode: 'crash' },
      { name: 'graph-worker', mode: 'graceful' },
    ]);
    const { code } = await run.exited;
    const out = run.output();
    expect(code).toBe(1);
    expect(result(out).cause).toBe('ocr-worker exited with code 3');
    expect(out).toContain('ingest-api stopped cleanly');
    expect(out).toContain('graph-worker stopped cleanly');
  });

  it('kills an app that does not stop within the deadline, and exits 1', async () => {
    const run = startHarness(
      [
        { name: 'ingest-api', mode: 'graceful' },
        { name: 'ocr-worker', mode: 'stubborn' },
      ],
      1500,
    );
    await run.started;
    process.kill(run.child.pid!, 'SIGTERM');
    const { code } = await run.exited;
    const out = run.output();
    expect(code).toBe(1);
    expect(out).toContain('still running after');
    expect(result(out).exits.find((e) => e.name === 'ocr-worker')?.exitCode).toBe('SIGKILL');
  });

  it('if the supervisor itself is SIGKILLed, the apps notice and stop gracefully (no orphans)', async () => {
    const { mkdtempSync, readFileSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const log = join(mkdtempSync(join(tmpdir(), 'casegraph-orphans-')), 'stops.log');
    const run = startHarness(three.map((a) => ({ ...a, log })));
    await run.started;
    const pids = [...run.output().matchAll(/ready pid=(\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(3);
    run.child.kill('SIGKILL');
    await run.exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    const stops = existsSync(log) ? readFileSync(log, 'utf8') : '';
    for (const app of three) expect(stops).toContain(`${app.name} stopped cleanly after SIGTERM`);
  });

  it('a second Ctrl-C kills at once instead of waiting for the deadline', async () => {
    const run = startHarness([{ name: 'ocr-worker', mode: 'stubborn' }], 60_000);
    await run.started;
    process.kill(run.child.pid!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(run.child.pid!, 'SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toContain('second SIGINT');
  });
});
