import { SingleFlight } from './single-flight';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs one call for N concurrent callers of a key and gives all the result', async () => {
    const sf = new SingleFlight<number>();
    const d = deferred<number>();
    let calls = 0;
    const ps = Array.from({ length: 50 }, () => sf.do('k', () => (calls++, d.promise)));
    expect(calls).toBe(1);
    d.resolve(42);
    expect(await Promise.all(ps)).toEqual(Array(50).fill(42));
    expect(sf.size).toBe(0);
  });

  it('shares a rejection and then lets the next caller retry', async () => {
    const sf = new SingleFlight<number>();
    const d = deferred<number>();
    const a = sf.do('k', () => d.promise);
    const b = sf.do('k', () => Promise.resolve(1));
    d.reject(new Error('boom'));
    await expect(a).rejects.toThrow('boom');
    await expect(b).rejects.toThrow('boom');
    await expect(sf.do('k', () => Promise.resolve(2))).resolves.toBe(2);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const sf = new SingleFlight<number>();
    await expect(
      sf.do('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(sf.size).toBe(0);
  });

  it('keeps different keys apart', async () => {
    const sf = new SingleFlight<string>();
    let calls = 0;
    const r = await Promise.all(['a', 'b', 'a'].map((k) => sf.do(k, async () => (calls++, k))));
    expect(r).toEqual(['a', 'b', 'a']);
    expect(calls).toBe(2);
  });

  it('forget() lets new callers start afresh while the old call finishes for its callers', async () => {
    const sf = new SingleFlight<string>();
    const old = deferred<string>();
    const p1 = sf.do('k', () => old.promise);
    sf.forget('k');
    const p2 = sf.do('k', async () => 'new');
    old.resolve('old');
    expect(await p1).toBe('old');
    expect(await p2).toBe('new');
    // The old call's cleanup must not remove the new one's entry.
    expect(sf.size).toBe(0);
  });

  it('doMany batches the keys not in flight and joins the ones that are', async () => {
    const sf = new SingleFlight<string>();
    const d = deferred<string>();
    const single = sf.do('a', () => d.promise);
    const batches: string[][] = [];
    const many = sf.doMany(['a', 'b', 'c', 'b'], async (owned) => {
      batches.push(owned);
      return new Map([['b', 'B']]);
    });
    const joined = sf.do('c', async () => 'not me');
    expect(batches).toEqual([['b', 'c']]);
    d.resolve('A');
    expect(await single).toBe('A');
    expect(await many.get('a')).toBe('A');
    expect(await many.get('b')).toBe('B');
    expect(await many.get('c')).toBeUndefined();
    expect(await joined).toBeUndefined();
    expect(sf.size).toBe(0);
  });
});
