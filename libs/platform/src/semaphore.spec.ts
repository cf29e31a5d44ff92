import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('never runs more than max tasks at once and runs them all', async () => {
    const s = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 20 }, (_, i) =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return i;
      }),
    );
    while (gates.length || s.running) {
      await new Promise((r) => setImmediate(r));
      expect(s.running).toBeLessThanOrEqual(3);
      gates.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(s.queued).toBe(0);
  });

  it('releases the slot when a task throws', async () => {
    const s = new Semaphore(1);
    await expect(s.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(s.run(async () => 'ok')).resolves.toBe('ok');
    expect(s.running).toBe(0);
  });

  it('rejects a bad bound', () => {
    expect(() => new Semaphore(0)).toThrow();
  });
});

describe('Semaphore: order', () => {
  it('runs at most `limit` tasks at once, in order', async () => {
    const s = new Semaphore(2);
    const releases: Array<() => void> = [];
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map((i) =>
      s.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(i);
            releases[i] = () => resolve(i);
          }),
      ),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(s.running).toBe(2);
    releases[1]();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    releases[0]();
    releases[2]();
    await new Promise((r) => setImmediate(r));
    releases[3]();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(s.running).toBe(0);
  });
});
