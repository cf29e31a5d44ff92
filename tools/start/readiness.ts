/** Waits for the apps' health routes, so `npm start` prints its URLs when they work. */

export interface ReadyTarget {
  name: string;
  url: string;
}

/** Polls `url` until it answers 2xx, the deadline passes or `signal` aborts. */
export async function waitForHttp(url: string, deadlineMs: number, signal?: AbortSignal, everyMs = 500): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (!signal?.aborted && Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

/** Waits for every target in parallel; returns the names that never became ready. */
export async function waitForAll(targets: ReadyTarget[], deadlineMs: number, signal?: AbortSignal): Promise<string[]> {
  const results = await Promise.all(targets.map(async (t) => ((await waitForHttp(t.url, deadlineMs, signal)) ? null : t.name)));
  return results.filter((n): n is string => n !== null);
}
