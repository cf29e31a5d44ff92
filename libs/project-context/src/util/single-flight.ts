/**
 * Coalesces concurrent work by key: while a call for a key is in flight, later
 * callers for that key get the same promise instead of starting their own.
 */
/** Calls `fn` at once; a synchronous throw becomes a rejection, as if `fn` were async. */
function callNow<T>(fn: () => Promise<T>): Promise<T> {
  return (async () => fn())();
}

export class SingleFlight<V> {
  private readonly inflight = new Map<string, Promise<V>>();

  get size(): number {
    return this.inflight.size;
  }

  /** The in-flight promise for `key`, if any. */
  get(key: string): Promise<V> | undefined {
    return this.inflight.get(key);
  }

  do(key: string, fn: () => Promise<V>): Promise<V> {
    const existing = this.inflight.get(key);
    if (existing) return existing;
    const p = callNow(fn);
    const tracked = p.finally(() => {
      if (this.inflight.get(key) === tracked) this.inflight.delete(key);
    });
    this.inflight.set(key, tracked);
    return tracked;
  }

  /**
   * Runs `fn` once for all of `keys` that are not already in flight, and joins
   * the ones that are. `fn` gets the keys it owns and returns a value (or
   * nothing, for "not found") per key; a key `fn` leaves out resolves to
   * `undefined`. Returns one promise per key.
   */
  doMany(keys: string[], fn: (owned: string[]) => Promise<Map<string, V>>): Map<string, Promise<V | undefined>> {
    const out = new Map<string, Promise<V | undefined>>();
    const owned: string[] = [];
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) continue;
      seen.add(k);
      const existing = this.inflight.get(k);
      if (existing) out.set(k, existing);
      else owned.push(k);
    }
    if (!owned.length) return out;
    const batch = callNow(() => fn(owned));
    for (const k of owned) {
      const p = batch.then((m) => m.get(k));
      // A key missing from the batch result is "not found": joiners see undefined too.
      const tracked = p.finally(() => {
        if (this.inflight.get(k) === (tracked as Promise<unknown>)) this.inflight.delete(k);
      });
      this.inflight.set(k, tracked as Promise<V>);
      out.set(k, tracked);
    }
    return out;
  }

  /** Detaches `key`: the running call finishes for its callers, new callers start afresh. */
  forget(key: string): void {
    this.inflight.delete(key);
  }
}
