/**
 * One `npm start` builds at a time per checkout. `nest build` deletes an app's
 * output folder before writing it, so two builds at once (two terminals, or two
 * test runs) can leave one of them starting an app whose bundle is momentarily gone.
 * The lock is a directory (mkdir is atomic) holding the owner's pid; a lock whose
 * owner is dead is taken over.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function lockPathFor(root: string): string {
  return join(tmpdir(), `casegraph-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(path: string): number | null {
  try {
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), String(process.pid));
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(path, 'pid'), 'utf8'));
    } catch {
      /* being created or removed right now */
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      rmSync(path, { recursive: true, force: true });
      return tryAcquire(path);
    }
    return Number.isInteger(owner) ? owner : -1;
  }
}

/** Runs `fn` holding the build lock of `root`; waits (up to `timeoutMs`) while another process holds it. */
export async function withBuildLock<T>(
  root: string,
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; onWait?: (ownerPid: number) => void; path?: string } = {},
): Promise<T> {
  const path = opts.path ?? lockPathFor(root);
  const until = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let told = false;
  for (;;) {
    const owner = tryAcquire(path);
    if (owner === null) break;
    if (!told) {
      opts.onWait?.(owner);
      told = true;
    }
    if (Date.now() > until) throw new Error(`another build (pid ${owner}) still holds ${path}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const release = () => rmSync(path, { recursive: true, force: true });
  process.once('exit', release);
  try {
    return await fn();
  } finally {
    process.off('exit', release);
    release();
  }
}
