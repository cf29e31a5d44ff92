/**
 * The shared job/queue metrics and the queue readiness check on real Bull queues
 * (real Redis, a private prefix per run), and on a queue whose Redis is down.
 */
import Bull, { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { register } from 'prom-client';
import { redisOptionsFromUrl } from '@casegraph/platform';
import { countJobEvents, queueMetrics, reportQueueDepth } from './queue-metrics';
import { queueReadiness, runJob } from './queue-observability.module';
import { currentLogContext } from '@casegraph/platform';

jest.setTimeout(30_000);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function value(metric: string, labels: Record<string, string>): Promise<number> {
  const m = register.getSingleMetric(metric);
  const data = await m!.get();
  const hit = data.values.find(
    (v) => (v as { metricName?: string }).metricName !== `${metric}_bucket` && Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  );
  return hit?.value ?? 0;
}

describe('queue observability on a real Bull queue', () => {
  const name = `obs-${randomUUID().slice(0, 8)}`;
  let queue: Queue;
  const detach: Array<() => void> = [];

  beforeAll(() => {
    queue = new Bull(name, {
      prefix: `bull-test-${randomUUID().slice(0, 8)}`,
      redis: { ...redisOptionsFromUrl(REDIS_URL), maxRetriesPerRequest: null, enableReadyCheck: false },
    });
  });
  afterAll(async () => {
    for (const d of detach) d();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  });

  it('counts completed, retried and failed jobs and their duration, with the job context bound', async () => {
    detach.push(countJobEvents(name, queue));
    const seen: Array<Record<string, unknown>> = [];
    void queue.process('work', 2, (job) =>
      runJob(name, job, async () => {
        seen.push({ ...currentLogContext() });
        await new Promise((r) => setTimeout(r, 20));
        if (job.data.fail) throw new Error('boom');
        return 'ok';
      }),
    );
    const ok = await queue.add('work', { documentUuid: randomUUID() }, { jobId: 'ok-1' });
    await queue.add('work', { documentUuid: randomUUID(), fail: true }, { jobId: 'bad-1', attempts: 2 });
    await ok.finished();
    // The local 'failed' event of the last attempt may come just after Bull settles the job.
    for (let i = 0; i < 100 && (await value('casegraph_jobs_failed_total', { queue: name, job: 'work' })) < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await (await queue.getJob('bad-1'))!.isFailed()).toBe(true);

    expect(await value('casegraph_jobs_completed_total', { queue: name, job: 'work' })).toBe(1);
    expect(await value('casegraph_jobs_retried_total', { queue: name, job: 'work' })).toBe(1);
    expect(await value('casegraph_jobs_failed_total', { queue: name, job: 'work' })).toBe(1);
    const hist = await queueMetrics.duration.get();
    const count = (outcome: string) =>
      hist.values.find((v) => v.metricName === 'casegraph_job_duration_seconds_count' && v.labels.queue === name && v.labels.outcome === outcome)
        ?.value;
    expect(count('completed')).toBe(1);
    expect(count('failed')).toBe(1);
    expect(seen).toContainEqual({ queue: name, jobId: 'ok-1', documentUuid: ok.data.documentUuid, stage: name });
  });

  it('reports depth per state on scrape', async () => {
    detach.push(reportQueueDepth(name, queue, 1000));
    await queue.add('later', { documentUuid: randomUUID() }, { delay: 60_000 });
    await queue.add('later', { documentUuid: randomUUID() }, { delay: 60_000 });
    const text = await register.metrics();
    expect(text).toContain(`casegraph_queue_jobs{queue="${name}",state="delayed"} 2`);
    expect(text).toContain(`casegraph_queue_jobs{queue="${name}",state="failed"} 1`);
  });

  it('is ready when the queue connection answers', async () => {
    await queue.isReady();
    expect(await queueReadiness('q', queue, 1000)).toEqual({ q: { status: 'up' } });
  });
});

describe('queue observability with Redis down', () => {
  it('a scrape does not hang, depth is left out, and readiness says down', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    // A server that accepts and never answers: commands hang until our timeout.
    const port = (probe.address() as { port: number }).port;
    const name = `obs-hung-${randomUUID().slice(0, 8)}`;
    const queue = new Bull(name, {
      prefix: 'bull-test-hung',
      redis: { host: '127.0.0.1', port, maxRetriesPerRequest: null, enableReadyCheck: false, connectTimeout: 60_000 },
    });
    queue.on('error', () => undefined);
    const stop = reportQueueDepth(name, queue, 300);
    try {
      const text = await register.metrics();
      expect(text).not.toContain(`queue="${name}",state=`);
      expect(await value('casegraph_queue_depth_scrape_failures_total', { queue: name })).toBe(1);
      const ready = await queueReadiness('q', queue, 300);
      expect(ready.q.status).toBe('down');
    } finally {
      stop();
      probe.close();
      await Promise.race([queue.close(true).catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
      queue.clients.forEach((c) => c.disconnect());
      for (const s of [probe]) s.unref();
    }
  });
});
