import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { withTimeout } from './job-queues.service';

const LOCK_TTL_MS = 60_000;
const RELEASE_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export type Exclusive<T> = { ran: true; value: T } | { ran: false; skipped: 'redis-unavailable' | 'locked'; error?: string };

/**
 * Runs `fn` on one replica at a time (the reconciler and the sweeper): a Redis
 * lock taken with SET NX PX under a random token, extended by `extend()` between
 * batches, and released only by its owner. A Redis that does not answer within
 * `acquireTimeoutMs` means "skip this tick", never an error.
 */
export async function runExclusive<T>(
  redis: Redis,
  lockKey: string,
  acquireTimeoutMs: number,
  fn: (extend: () => Promise<void>) => Promise<T>,
): Promise<Exclusive<T>> {
  const token = randomUUID();
  try {
    const got = await withTimeout(redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX'), acquireTimeoutMs, 'lock');
    if (got !== 'OK') return { ran: false, skipped: 'locked' };
  } catch (err) {
    return { ran: false, skipped: 'redis-unavailable', error: (err as Error).message };
  }
  const extend = async () => {
    await redis.eval(EXTEND_LUA, 1, lockKey, token, String(LOCK_TTL_MS)).catch(() => undefined);
  };
  try {
    return { ran: true, value: await fn(extend) };
  } finally {
    await redis.eval(RELEASE_LUA, 1, lockKey, token).catch(() => undefined);
  }
}
