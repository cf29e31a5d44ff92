/** The one waiter of the test suites: polls a condition until it holds or a deadline passes. */

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between two checks (default 50 ms). */
  intervalMs?: number;
  /** What is waited for, as the timeout message says it: "timed out after 5000 ms waiting for <what>". */
  what?: string;
  /** Called between checks; a thrown error stops the wait (e.g. "the child exited first"). */
  abort?: () => string | undefined;
  /** Appended to the timeout message (e.g. a child's last output). */
  detail?: () => string;
}

/**
 * Calls `fn` until it returns a truthy value and returns that value. An error thrown by `fn`
 * counts as "not yet" (the service may be down on purpose); the last one is named in the
 * timeout message, with the last value seen.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'a condition' } = opts;
  const started = Date.now();
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    const aborted = opts.abort?.();
    if (aborted) throw new Error(`stopped waiting for ${what}: ${aborted}${suffix(opts)}`);
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      const seen = lastError ? `last error: ${lastError instanceof Error ? lastError.message : show(lastError)}` : `last value: ${show(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${seen})${suffix(opts)}`);
    }
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function suffix(opts: WaitOptions): string {
  const d = opts.detail?.();
  return d ? `\n${d}` : '';
}

function show(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(v);
  }
}
