import { BullModule } from '@nestjs/bull';
import { DynamicModule } from '@nestjs/common';
import { DEFAULT_DOCUMENT_JOB_OPTIONS, QueueName } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';

export interface QueueRootOptions {
  redisUrl: string;
  /** Bull key prefix. Use a hash tag such as `{casegraph}` on Redis Cluster. */
  prefix?: string;
}

/** The Bull connection shared by every queue of an app. */
export function bullRoot(options: QueueRootOptions): DynamicModule {
  return BullModule.forRoot({
    prefix: options.prefix ?? 'bull',
    redis: {
      ...redisOptionsFromUrl(options.redisUrl),
      // Bull's own requirements for its blocking client; reconnects forever with capped backoff.
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
      retryStrategy: (times: number) => Math.min(times * 500, 5000),
    },
    settings: {
      // A job whose worker died is re-run after this long without a lock renewal.
      stalledInterval: 15_000,
      maxStalledCount: 2,
    },
  });
}

/** Registers queues with the project's default job options (attempts, backoff, keep failures). */
export function registerQueues(...names: QueueName[]): DynamicModule {
  return BullModule.registerQueue(...names.map((name) => ({ name, defaultJobOptions: { ...DEFAULT_DOCUMENT_JOB_OPTIONS } })));
}
