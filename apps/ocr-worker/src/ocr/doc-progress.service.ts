import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { DOC_PROGRESS_TTL_S, redisKeys } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import type { OcrWorkerConfig } from '../config';
import { OCR_CONFIG } from '../engines/ocr-engines';

/** Writes at most one progress update a second per document (plus the last one). */
export const PROGRESS_INTERVAL_MS = 1000;

/** One document's progress reporter: `update` from the engine's onProgress, `finish` once the pages are known. */
export interface ProgressReporter {
  update(pagesDone: number, pageCount: number): void;
  /** Writes the final count (always, not throttled) and waits for the pending write. Never throws. */
  finish(pagesDone: number, pageCount: number): Promise<void>;
  /** Resolves once the writes asked for so far are done (or skipped). */
  flushed(): Promise<void>;
}

/**
 * Page progress of the running OCR stage in the `doc:progress:{uuid}` hash (pagesDone, pageCount, updatedAt; TTL
 * DOC_PROGRESS_TTL_S), which the API shows as stages.ocr.pagesDone/pageCount. Best effort: its own Redis client with
 * no offline queue and a short command timeout, like DocumentStateService's mirror; a Redis error is swallowed and
 * never fails or slows a page (writes are not awaited by the engine, one at a time per document).
 */
@Injectable()
export class DocProgressService implements OnApplicationShutdown {
  private readonly logger = new Logger(DocProgressService.name);
  private readonly redis: Redis;

  constructor(@Inject(OCR_CONFIG) config: OcrWorkerConfig) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      connectionName: 'casegraph-doc-progress',
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  reporter(documentUuid: string, now: () => number = Date.now): ProgressReporter {
    let lastAt = -Infinity;
    let chain: Promise<void> = Promise.resolve();
    const write = (pagesDone: number, pageCount: number) => {
      chain = chain.then(() => this.write(documentUuid, pagesDone, pageCount));
    };
    return {
      update: (pagesDone, pageCount) => {
        const t = now();
        if (t - lastAt < PROGRESS_INTERVAL_MS) return;
        lastAt = t;
        write(pagesDone, pageCount);
      },
      finish: async (pagesDone, pageCount) => {
        write(pagesDone, pageCount);
        await chain;
      },
      flushed: () => chain,
    };
  }

  private async write(documentUuid: string, pagesDone: number, pageCount: number): Promise<void> {
    try {
      const key = redisKeys.docProgress(documentUuid);
      await this.redis
        .multi()
        .hset(key, { pagesDone: String(pagesDone), pageCount: String(pageCount), updatedAt: new Date().toISOString() })
        .expire(key, DOC_PROGRESS_TTL_S)
        .exec();
    } catch (err) {
      this.logger.debug(`doc:progress skipped for ${documentUuid}: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
