import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withBuildLock } from './build-lock';

describe('withBuildLock', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'casegraph-lock-'));
    path = join(dir, 'build.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs one holder at a time, in turn, and releases the lock after', async () => {
    const events: string[] = [];
    const hold = (name: string) =>
      withBuildLock(
        dir,
        async () => {
          events.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 50));
          events.push(`${name} out`);
        },
        { path },
      );
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i].replace(' in', ' out'));
    expect(events).toHaveLength(6);
    expect(existsSync(path)).toBe(false);
  });

  it('releases the lock when the holder throws', async () => {
    await expect(withBuildLock(dir, () => Promise.reject(new Error('build failed')), { path })).rejects.toThrow('build failed');
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose owner process is dead', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), String(dead.pid));
    expect(await withBuildLock(dir, () => 'ran', { path })).toBe('ran');
  });

  it('waits for a live owner, says so once, and gives up after the timeout', async () => {
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), String(process.ppid));
    const waited: number[] = [];
    await expect(withBuildLock(dir, () => 'never', { path, timeoutMs: 600, onWait: (pid) => waited.push(pid) })).rejects.toThrow(
      `another build (pid ${process.ppid}) still holds`,
    );
    expect(waited).toEqual([process.ppid]);
  });
});
