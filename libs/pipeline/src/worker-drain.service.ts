import { getQueueToken } from '@nestjs/bull';
import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
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
export class WorkerDrainService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerDrainService.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(WORKER_DRAIN_OPTIONS) private readonly options: WorkerDrainOptions,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.options.queues.map((name) => this.drain(name)));
  }

  private async drain(name: QueueName): Promise<void> {
    const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
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
      this.logger.warn(`queue ${name}: active jobs still running after ${this.options.graceMs} ms; returning them to the queue`);
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
