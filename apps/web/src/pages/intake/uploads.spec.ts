import { SendResult, UploadQueue, queueSummary } from './uploads';

type F = { name: string; size: number };

/** A send whose every call waits until the test settles it. */
function controlledSend() {
  const calls: Array<{
    file: F;
    resolve: (r: SendResult) => void;
    reject: (e: unknown) => void;
    progress: (l: number, t: number) => void;
    signal: AbortSignal;
  }> = [];
  const send = (file: F, progress: (l: number, t: number) => void, signal: AbortSignal) =>
    new Promise<SendResult>((resolve, reject) => {
      calls.push({ file, resolve, reject, progress, signal });
    });
  return { calls, send };
}

const files = (n: number) => Array.from({ length: n }, (_, i) => ({ file: { name: `f${i}.pdf`, size: 100 }, path: `f${i}.pdf` }));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('UploadQueue', () => {
  it('runs at most `limit` uploads at a time and starts the next as each ends', async () => {
    const { calls, send } = controlledSend();
    const stored: string[] = [];
    const q = new UploadQueue<F>(
      send,
      () => 'failed',
      3,
      (i) => stored.push(i.name),
    );
    q.add(files(7));
    expect(calls).toHaveLength(3);
    expect(q.snapshot().filter((i) => i.state === 'uploading')).toHaveLength(3);
    calls[0].resolve({ documentUuid: 'd0' });
    await flush();
    expect(calls).toHaveLength(4);
    calls[1].reject(new Error('415'));
    calls[2].resolve({ documentUuid: 'd2', duplicateOf: 'd2', duplicateName: 'orig.pdf' });
    await flush();
    expect(calls).toHaveLength(6);
    expect(q.snapshot().filter((i) => i.state === 'uploading')).toHaveLength(3);
    for (const c of calls.slice(3)) c.resolve({ documentUuid: 'x' });
    await flush();
    calls[6].resolve({ documentUuid: 'y' });
    await flush();
    const states = q.snapshot().map((i) => i.state);
    expect(states).toEqual(['done', 'failed', 'duplicate', 'done', 'done', 'done', 'done']);
    expect(q.snapshot()[1].message).toBe('failed');
    expect(q.snapshot()[2]).toMatchObject({ duplicateOf: 'd2', duplicateName: 'orig.pdf' });
    expect(stored).toEqual(['f0.pdf', 'f2.pdf', 'f3.pdf', 'f4.pdf', 'f5.pdf', 'f6.pdf']);
  });

  it('cancel aborts a running upload (its signal), frees its slot, and a late answer does not revive it', async () => {
    const { calls, send } = controlledSend();
    const q = new UploadQueue<F>(send, () => 'failed', 1);
    q.add(files(2));
    const first = q.snapshot()[0];
    q.cancel(first.id);
    expect(calls[0].signal.aborted).toBe(true);
    expect(q.snapshot()[0].state).toBe('cancelled');
    calls[0].reject(new Error('The upload was cancelled'));
    await flush();
    expect(q.snapshot()[0].state).toBe('cancelled');
    expect(calls).toHaveLength(2);
    expect(q.snapshot()[1].state).toBe('uploading');
  });

  it('reports progress, and a failed file can be tried again', async () => {
    const { calls, send } = controlledSend();
    const q = new UploadQueue<F>(send, (e) => (e as Error).message, 2);
    q.add(files(1));
    calls[0].progress(40, 160);
    expect(q.snapshot()[0]).toMatchObject({ loaded: 40, total: 160 });
    calls[0].reject(new Error('Too large'));
    await flush();
    expect(q.snapshot()[0]).toMatchObject({ state: 'failed', message: 'Too large' });
    q.again(q.snapshot()[0].id);
    expect(calls).toHaveLength(2);
    calls[1].resolve({ documentUuid: 'ok' });
    await flush();
    expect(q.snapshot()[0]).toMatchObject({ state: 'done', documentUuid: 'ok', message: undefined });
  });

  it('notifies subscribers with a new snapshot on every change; clearSettled keeps only what runs', async () => {
    const { calls, send } = controlledSend();
    const q = new UploadQueue<F>(send, () => 'x', 1);
    const seen: unknown[] = [];
    q.subscribe(() => seen.push(q.snapshot()));
    q.add(files(2));
    calls[0].resolve({ documentUuid: 'a' });
    await flush();
    expect(new Set(seen).size).toBe(seen.length);
    q.clearSettled();
    expect(q.snapshot().map((i) => i.name)).toEqual(['f1.pdf']);
  });
});

describe('queueSummary', () => {
  it('counts what is stored, duplicated, failed and still to go', () => {
    expect(queueSummary([{ state: 'done' }, { state: 'duplicate' }, { state: 'failed' }, { state: 'queued' }, { state: 'uploading' }])).toBe(
      '2 of 5 uploaded, 1 already in the project, 1 failed, 2 to go',
    );
    expect(queueSummary([{ state: 'done' }])).toBe('1 of 1 uploaded');
  });
});
