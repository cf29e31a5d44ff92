import type { Job, Queue } from 'bull';
import { Counter, Gauge, Histogram, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

/** Queues whose depth is reported at scrape time (several app instances may share a process in tests). */
const depthSources = new Set<{ name: string; queue: Queue; timeoutMs: number }>();
const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function depthGauge(): Gauge<string> {
  const existing = register.getSingleMetric('casegraph_queue_jobs') as Gauge<string> | undefined;
  if (existing) return existing;
  return new Gauge({
    name: 'casegraph_queue_jobs',
    help: 'Jobs in a Bull queue by state (waiting, active, delayed, failed), read from Redis at scrape time',
    labelNames: ['queue', 'state'],
    // Runs on every scrape; each queue is bounded by its timeout so a dead Redis never hangs /metrics.
    async collect() {
      this.reset();
      await Promise.all(
        [...depthSources].map(async (src) => {
          try {
            const counts = await withTimeout(src.queue.getJobCounts(), src.timeoutMs);
            for (const state of DEPTH_STATES) this.set({ queue: src.name, state }, counts[state] ?? 0);
          } catch {
            queueMetrics.depthScrapeFailures.inc({ queue: src.name });
          }
        }),
      );
    },
  });
}

/** Job metrics shared by both workers (prom-client default registry). */
export const queueMetrics = {
  completed: counter('casegraph_jobs_completed_total', 'Jobs completed by this process', ['queue', 'job']),
  failed: counter('casegraph_jobs_failed_total', 'Jobs that failed for good (last attempt, or discarded)', ['queue', 'job']),
  retried: counter('casegraph_jobs_retried_total', 'Failed job attempts that Bull will retry', ['queue', 'job']),
  stalled: counter('casegraph_jobs_stalled_total', 'Jobs found stalled (their worker died or stopped renewing the lock)', ['queue']),
  duration:
    (register.getSingleMetric('casegraph_job_duration_seconds') as Histogram<string>) ??
    new Histogram({
      name: 'casegraph_job_duration_seconds',
      help: 'Time a job ran in this process, by queue, job name, pipeline stage and outcome',
      labelNames: ['queue', 'job', 'stage', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    }),
  depthScrapeFailures: counter(
    'casegraph_queue_depth_scrape_failures_total',
    'Scrapes where a queue depth could not be read in time (Redis down or slow)',
    ['queue'],
  ),
  depth: undefined as unknown as Gauge<string>,
};
queueMetrics.depth = depthGauge();

/** Stage label of a job: the ocr queue runs the ocr stage; the graph queue runs chunking→relationships. */
export function stageOfQueue(queue: string): string {
  return queue === 'ocr' ? 'ocr' : queue === 'graph' ? 'graph' : queue;
}

/** Reports the depth of `queue` on every scrape until the returned function is called. */
export function reportQueueDepth(name: string, queue: Queue, timeoutMs: number): () => void {
  const src = { name, queue, timeoutMs };
  depthSources.add(src);
  return () => depthSources.delete(src);
}

/** Counts completed/failed/retried jobs and their duration from the queue's local events. Returns a detach function. */
export function countJobEvents(name: string, queue: Queue): () => void {
  const seconds = (job: Job) =>
    job.processedOn && job.finishedOn && job.finishedOn >= job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined;
  const onCompleted = (job: Job) => {
    queueMetrics.completed.inc({ queue: name, job: job.name });
    const s = seconds(job);
    if (s !== undefined) queueMetrics.duration.observe({ queue: name, job: job.name, stage: stageOfQueue(name), outcome: 'completed' }, s);
  };
  const onFailed = (job: Job) => {
    if (!job) return;
    // Bull counts the attempt before emitting 'failed'; a discarded job is not retried.
    const discarded = (job as unknown as { isDiscarded?: () => boolean }).isDiscarded?.() ?? false;
    const willRetry = !discarded && job.attemptsMade < (job.opts.attempts ?? 1);
    (willRetry ? queueMetrics.retried : queueMetrics.failed).inc({ queue: name, job: job.name });
    const s = seconds(job);
    if (s !== undefined) {
      queueMetrics.duration.observe({ queue: name, job: job.name, stage: stageOfQueue(name), outcome: willRetry ? 'retry' : 'failed' }, s);
    }
  };
  const onStalled = () => queueMetrics.stalled.inc({ queue: name });
  queue.on('completed', onCompleted);
  queue.on('failed', onFailed);
  queue.on('stalled', onStalled);
  return () => {
    queue.removeListener('completed', onCompleted);
    queue.removeListener('failed', onFailed);
    queue.removeListener('stalled', onStalled);
  };
}
