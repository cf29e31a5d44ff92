import { getQueueToken } from '@nestjs/bull';
import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { Job, Queue } from 'bull';
import type { QueueName } from '@casegraph/contracts';
import { ReadinessService, runWithLogContext } from '@casegraph/platform';
import { countJobEvents, reportQueueDepth, stageOfQueue } from './queue-metrics';

export const QUEUE_OBSERVABILITY_OPTIONS = Symbol('QUEUE_OBSERVABILITY_OPTIONS');
export interface QueueObservabilityOptions {
  /** Queues registered in this app (registerQueues) to report on. */
  queues: QueueName[];
  /** Count completed/failed/retried jobs and their duration (workers: true; a producer-only API: false). */
  jobEvents?: boolean;
  /** Add a readiness check per queue: client ready + PING within `timeoutMs` (workers: true). */
  readiness?: boolean;
  /** Bound on a depth read at scrape time and on the readiness ping. Default 1000 ms. */
  timeoutMs?: number;
}

/** Readiness of one Bull queue: its Redis client is 'ready' and answers PING within `timeoutMs`. */
export async function queueReadiness(key: string, queue: Queue, timeoutMs: number): Promise<HealthIndicatorResult> {
  const client = queue.client;
  const down = (message: string): HealthIndicatorResult => ({ [key]: { status: 'down', redis: client.status, message } });
  if (client.status !== 'ready') return down(`queue connection is ${client.status}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`PING timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { [key]: { status: 'up' } };
  } catch (err) {
    return down((err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one job's handler with documentUuid, jobId, queue and stage bound to every
 * log line it writes (see runWithLogContext); DocumentStateService.startStage adds
 * projectUuid and the precise stage once the document row is found.
 */
export function runJob<T>(queue: string, job: Job<{ documentUuid?: string }>, fn: () => Promise<T>): Promise<T> {
  return runWithLogContext(
    { queue, jobId: job.id === undefined ? undefined : String(job.id), documentUuid: job.data?.documentUuid, stage: stageOfQueue(queue) },
    fn,
  );
}

/** Job counters, duration histogram, queue depth on scrape, and queue readiness, for the given queues. */
@Injectable()
export class QueueObservabilityService implements OnModuleInit, OnApplicationShutdown {
  private readonly detach: Array<() => void> = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(QUEUE_OBSERVABILITY_OPTIONS) private readonly options: QueueObservabilityOptions,
    @Optional() private readonly readiness?: ReadinessService,
  ) {}

  onModuleInit(): void {
    const timeoutMs = this.options.timeoutMs ?? 1000;
    for (const name of this.options.queues) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      this.detach.push(reportQueueDepth(name, queue, timeoutMs));
      if (this.options.jobEvents !== false) this.detach.push(countJobEvents(name, queue));
      if (this.options.readiness && this.readiness) {
        this.readiness.addCheck(() => queueReadiness(`${name}Queue`, queue, timeoutMs));
      }
    }
  }

  /** After the drain, so jobs that finish during the grace are still counted. */
  onApplicationShutdown(): void {
    for (const d of this.detach.splice(0)) d();
  }
}

@Module({})
export class QueueObservabilityModule {
  static forRoot(options: QueueObservabilityOptions): DynamicModule {
    return {
      module: QueueObservabilityModule,
      providers: [{ provide: QUEUE_OBSERVABILITY_OPTIONS, useValue: options }, QueueObservabilityService],
    };
  }
}
