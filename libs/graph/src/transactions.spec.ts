import { isRetryableTransactionError, retryTransaction } from './transactions';

/** An error as TypeORM's QueryFailedError carries PostgreSQL's SQLSTATE. */
const pgError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe('retryTransaction', () => {
  it('runs again after a deadlock or serialization failure, handing over the previous error', async () => {
    const seen: Array<[number, unknown]> = [];
    const errors = [pgError('40P01'), pgError('40001')];
    const result = await retryTransaction(async (attempt, previous) => {
      seen.push([attempt, previous]);
      if (attempt <= errors.length) throw errors[attempt - 1];
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual([
      [1, undefined],
      [2, errors[0]],
      [3, errors[1]],
    ]);
  });

  it('throws any other error at once, and the last retryable one after `attempts` runs', async () => {
    let runs = 0;
    const unique = pgError('23505');
    await expect(retryTransaction(async () => (runs++, Promise.reject(unique)))).rejects.toBe(unique);
    expect(runs).toBe(1);
    runs = 0;
    await expect(retryTransaction(async () => (runs++, Promise.reject(pgError('40P01'))), { attempts: 3 })).rejects.toThrow('40P01');
    expect(runs).toBe(3);
  });

  it('asks `retryable` which errors to run again', async () => {
    let runs = 0;
    const mine = new Error('grew');
    await expect(retryTransaction(async () => (runs++, Promise.reject(mine)), { attempts: 2, retryable: (e) => e === mine })).rejects.toBe(mine);
    expect(runs).toBe(2);
    expect(isRetryableTransactionError(pgError('40001'))).toBe(true);
    expect(isRetryableTransactionError(mine)).toBe(false);
  });
});
