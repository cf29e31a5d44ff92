import { getQueueToken } from '@nestjs/bull';
import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bull';
import type { QueueName } from '@casegraph/contracts';

export const WORKER_DRAIN_OPTIONS = Symbol('WORKER_DRAIN_OPTIONS');
export interface WorkerDrainOptions {
  /** Queues this process consumes. */
  queues: QueueName[];
  /** How long active jobs may run on after SIGTERM (SHUTDOWN_GRACE_MS). */
  graceMs: number;
}

/**
 * On shutdown a worker stops taking jobs at once (local pause), lets its active
 * jobs finish for up to `graceMs`, and then closes without waiting: whatever is
 * still running is not lost, its lock lapses and Bull hands it to another worker
 * as a stalled job (every stage is idempotent).
 */
@Injectable()
export class WorkerDrainService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerDrainService.name);
  /** Jobs this process is running, per queue (Bull does not expose them). */
  private readonly active = new Map<string, Set<Job>>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(WORKER_DRAIN_OPTIONS) private readonly options: WorkerDrainOptions,
  ) {}

  onModuleInit(): void {
    for (const name of this.options.queues) {
      const running = new Set<Job>();
      this.active.set(name, running);
      const queue = this.queue(name);
      queue.on('active', (job: Job) => running.add(job));
      const done = (job: Job) => {
        for (const j of running) if (j.id === job?.id) running.delete(j);
      };
      queue.on('completed', done);
      queue.on('failed', done);
    }
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.options.queues.map((name) => this.drain(name)));
  }

  private async drain(name: QueueName): Promise<void> {
    const queue = this.queue(name);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.graceMs);
    });
    const finished = queue.pause(true, false).then(
      () => 'done' as const,
      () => 'done' as const,
    );
    const outcome = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      const running = [...(this.active.get(name) ?? [])];
      this.logger.warn(`queue ${name}: ${running.length} active job(s) still running after ${this.options.graceMs} ms; returning them to the queue`);
      // Drop their locks now: the next stalled-job check of any worker (at its start, then every
      // stalledInterval) moves them back to waiting, instead of waiting for the lock to expire.
      await Promise.all(
        running.map((job) =>
          job.releaseLock().catch((err: Error) => this.logger.warn(`queue ${name}: job ${job.id}: lock not released: ${err.message}`)),
        ),
      );
    } else {
      this.logger.log(`queue ${name}: drained`);
    }
    // close() is memoised by Bull, so @nestjs/bull's own close on shutdown reuses this one.
    await queue.close(outcome === 'timeout').catch((err: Error) => this.logger.warn(`queue ${name}: close failed: ${err.message}`));
  }
}

@Module({})
export class WorkerDrainModule {
  static forRoot(options: WorkerDrainOptions): DynamicModule {
    return {
      module: WorkerDrainModule,
      providers: [{ provide: WORKER_DRAIN_OPTIONS, useValue: options }, WorkerDrainService],
    };
  }
}
