/** The doc:progress writer on a real Redis: throttled to one write a second, the last one always, never throwing. */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DOC_PROGRESS_TTL_S, redisKeys } from '@casegraph/contracts';
import type { OcrWorkerConfig } from '../config';
import { DocProgressService } from './doc-progress.service';

describe('DocProgressService (real Redis)', () => {
  let redis: Redis;
  const services: DocProgressService[] = [];
  const service = (redisUrl: string) => {
    const s = new DocProgressService({ redisUrl } as OcrWorkerConfig);
    services.push(s);
    return s;
  };

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(() => {
    for (const s of services) s.onApplicationShutdown();
    redis.disconnect();
  });

  it('writes the first update, skips those within a second of the last write, and always writes the final count', async () => {
    const uuid = randomUUID();
    const key = redisKeys.docProgress(uuid);
    let now = 10_000;
    const progress = service(process.env.REDIS_URL!).reporter(uuid, () => now);
    const read = async () => (await redis.hgetall(key)).pagesDone;
    try {
      // The client connects lazily: the first write may be skipped while it does; wait until it is up.
      for (let i = 0; i < 100 && (await read()) === undefined; i++) {
        now += 1000;
        progress.update(1, 5);
        await progress.flushed();
        if ((await read()) === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      expect(await read()).toBe('1');
      now += 500;
      progress.update(2, 5);
      await progress.flushed();
      expect(await read()).toBe('1');
      now += 500;
      progress.update(3, 5);
      await progress.flushed();
      expect(await read()).toBe('3');
      now += 10;
      await progress.finish(5, 5);
      expect(await redis.hgetall(key)).toMatchObject({ pagesDone: '5', pageCount: '5' });
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(DOC_PROGRESS_TTL_S);
    } finally {
      await redis.del(key);
    }
  });

  it('never throws when Redis is away', async () => {
    const progress = service('redis://127.0.0.1:1').reporter(randomUUID());
    progress.update(1, 2);
    await expect(progress.finish(2, 2)).resolves.toBeUndefined();
  });
});
