import { waitFor } from './wait';

describe('waitFor', () => {
  it('returns the first truthy value, counting thrown errors as "not yet"', async () => {
    let n = 0;
    const v = await waitFor(
      () => {
        n += 1;
        if (n < 3) throw new Error('not up yet');
        return n >= 4 ? { n } : 0;
      },
      { intervalMs: 1 },
    );
    expect(v).toEqual({ n: 4 });
  });

  it('times out with what it waited for and the last error or value', async () => {
    await expect(waitFor(() => false, { timeoutMs: 30, intervalMs: 5, what: 'the queue to drain' })).rejects.toThrow(
      /^timed out after 30 ms waiting for the queue to drain \(last value: false\)$/,
    );
    await expect(
      waitFor(
        () => {
          throw new Error('ECONNREFUSED');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'Redis', detail: () => 'child output' },
      ),
    ).rejects.toThrow(/waiting for Redis \(last error: ECONNREFUSED\)\nchild output$/);
  });

  it('stops at once when abort() names a reason', async () => {
    await expect(waitFor(() => false, { timeoutMs: 10_000, what: 'a line', abort: () => 'the child exited' })).rejects.toThrow(
      'stopped waiting for a line: the child exited',
    );
  });
});
