import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { redisKeys } from '@casegraph/contracts';
import { decodeEntry, encodeEntry, jitteredTtlMs } from './cache-entry';
import { CacheRead, ContextRedis, VERSION_TTL_SECONDS, createCacheClient, docKeys, failOnError } from './context-cache';
import { ProjectContextMetrics, liveBreakers, projectContextMetrics } from './project-context.metrics';
import { PROJECT_CONTEXT_OPTIONS, ProjectContext, ResolvedOptions } from './project-context.types';
import { BreakerState, CircuitBreaker } from './util/circuit-breaker';
import { waitUntil } from './util/wait-until';

/** Marker for "Redis was skipped or failed": the caller goes on without the cache. */
const SKIPPED = Symbol('skipped');
type Skippable<T> = T | typeof SKIPPED;

const skippedRead = (keys: string[]): CacheRead => ({ found: new Map(), misses: keys, versions: new Map(), redisOk: false });

/**
 * The Redis side of the resolver: owns the cache connection and everything that
 * guards it (no offline queue, command timeout, circuit breaker), the reads, the
 * version-guarded write-back and the writes still in flight. Redis errors never
 * leave this class: a failed or skipped operation is counted, logged and
 * reported as "no cache". It knows nothing of L1s or pub/sub; whoever cares that
 * Redis is reachable again registers with `onAvailable`.
 */
@Injectable()
export class ContextCacheGateway implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ProjectContext');
  private readonly redis: ContextRedis;
  private readonly breaker: CircuitBreaker;
  private readonly metrics: ProjectContextMetrics = projectContextMetrics();
  private readonly hitRedis = this.metrics.hits.labels('redis');
  private readonly inflightWrites = new Set<Promise<void>>();
  private readonly availableListeners: Array<() => void> = [];
  private lastRedisError = '';
  private destroyed = false;

  constructor(@Inject(PROJECT_CONTEXT_OPTIONS) private readonly opts: ResolvedOptions) {
    this.breaker = new CircuitBreaker({
      failureThreshold: opts.breakerFailureThreshold,
      cooldownMs: opts.breakerCooldownMs,
      onStateChange: (to) => this.onBreakerChange(to),
    });
    liveBreakers().add(this.breaker);
    this.redis = createCacheClient(opts.redisUrl, {
      commandTimeoutMs: opts.redisCommandTimeoutMs,
      connectTimeoutMs: opts.redisConnectTimeoutMs,
      connectionName: opts.connectionName,
    });
    this.redis.on('error', (err: Error) => this.noteRedisError('connection', err, false));
    // A fresh connection answered its ready check: Redis is reachable again.
    this.redis.on('ready', () => {
      this.breaker.success();
      this.notifyAvailable();
    });
  }

  /**
   * Gives the connection a moment (at most redisConnectTimeoutMs) to be ready
   * before the app serves, so the first calls are not needless misses. Never
   * fails: without Redis the app starts and serves from PostgreSQL.
   */
  async onModuleInit(): Promise<void> {
    await waitUntil(() => this.redis.status === 'ready' || this.destroyed, this.opts.redisConnectTimeoutMs);
    if (this.redis.status !== 'ready') {
      this.logger.warn(`Redis cache not reachable at startup (${this.lastRedisError || this.redis.status}); serving from PostgreSQL until it is`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.settle();
    this.destroyed = true;
    liveBreakers().delete(this.breaker);
    this.redis.disconnect();
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** `listener` runs whenever Redis is reachable again (a fresh connection is ready, or the breaker closed). */
  onAvailable(listener: () => void): void {
    this.availableListeners.push(listener);
  }

  // ---------------------------------------------------------------- reads

  /**
   * read() for one key, with the hit path inlined: a valid entry costs one MGET,
   * one JSON.parse and its validation, and nothing else. `distrusted` holds keys
   * whose entry may be stale (an invalidation that has not reached Redis yet).
   */
  async readOne(key: string, distrusted: ReadonlySet<string>): Promise<CacheRead | ProjectContext> {
    if (this.destroyed || !this.breaker.allow()) return skippedRead([key]);
    let read: Array<string | null>;
    try {
      read = await this.redis.mget(docKeys(key));
      this.breaker.success();
    } catch (err) {
      this.breaker.failure();
      this.noteRedisError('read', err as Error, true);
      return skippedRead([key]);
    }
    const raw = read[0];
    if (raw !== null && !distrusted.size) {
      const entry = decodeEntry(raw, key);
      if (entry.ok && entry.complete) {
        this.hitRedis.inc();
        return entry.context;
      }
    }
    return this.classify([key], read, distrusted);
  }

  /**
   * Reads the cache for `keys` in one MGET (entry, version, negative marker of
   * each). `found` holds hits (a context) and negative hits (null); `misses`
   * the rest. Invalid entries are deleted and counted as misses; an old-shape
   * entry is served when complete, else it is a miss (not deleted: the
   * write-back replaces it).
   */
  async read(keys: string[], distrusted: ReadonlySet<string>): Promise<CacheRead> {
    const read = await this.cacheOp('read', () => this.redis.mget(keys.flatMap(docKeys)));
    if (read === SKIPPED) return skippedRead(keys);
    return this.classify(keys, read, distrusted);
  }

  /** Sorts an MGET reply (entry, version, negative marker per key) into hits, negative hits and misses. */
  private async classify(keys: string[], read: Array<string | null>, distrusted: ReadonlySet<string>): Promise<CacheRead> {
    const found = new Map<string, ProjectContext | null>();
    const versions = new Map<string, string>();
    const misses: string[] = [];
    const poisoned: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const raw = read[i * 3];
      const version = read[i * 3 + 1];
      versions.set(key, version ?? '');
      // Our invalidation of this key has not reached Redis yet: its entry may be stale.
      if (distrusted.size && distrusted.has(key)) {
        misses.push(key);
        continue;
      }
      if (raw !== null) {
        const entry = decodeEntry(raw, key);
        if (entry.ok && entry.complete) {
          this.hitRedis.inc();
          found.set(key, entry.context);
          continue;
        }
        if (entry.ok) {
          // An old shape that lacks a field we need: a miss, loaded and written back in our shape (never deleted).
          misses.push(key);
          continue;
        }
        this.metrics.invalidEntries.inc();
        this.logger.warn(`Deleted an invalid cache entry for document ${key}: ${entry.reason}`);
        poisoned.push(redisKeys.docMetadata(key));
      } else if (read[i * 3 + 2] !== null) {
        this.metrics.negativeHits.inc();
        found.set(key, null);
        continue;
      }
      misses.push(key);
    }
    if (poisoned.length) await this.cacheOp('delete', () => this.redis.del(...poisoned));
    return { found, misses, versions, redisOk: true };
  }

  // ---------------------------------------------------------------- writes

  /**
   * Write-behind after a load: writes each context (or, for a key without one,
   * a negative marker), but only where the version counter is still what the
   * read saw. The commands are sent before this returns, on the connection every
   * later read uses (so those reads see them); Redis's reply is not awaited
   * here: settle() waits for it.
   */
  writeBehind(keys: string[], contexts: Map<string, ProjectContext>, versions: Map<string, string>): void {
    const p = this.writeBack(keys, contexts, versions);
    this.inflightWrites.add(p);
    void p.finally(() => this.inflightWrites.delete(p));
  }

  /**
   * Resolves once every cache write-back sent so far has been acknowledged by
   * Redis (or has failed; each is bounded by the command timeout).
   */
  async settle(): Promise<void> {
    while (this.inflightWrites.size) await Promise.all([...this.inflightWrites]);
  }

  private async writeBack(keys: string[], contexts: Map<string, ProjectContext>, versions: Map<string, string>): Promise<void> {
    const negTtlMs = this.opts.negativeTtlSeconds * 1000;
    if (keys.length === 1 && contexts.has(keys[0])) {
      // The common single-document case, without a pipeline object.
      const [meta, version, missing] = docKeys(keys[0]);
      const written = await this.cacheOp('write', () =>
        this.redis.cgWriteBack(
          meta,
          version,
          missing,
          versions.get(keys[0]) ?? '',
          encodeEntry(contexts.get(keys[0])!),
          jitteredTtlMs(this.opts.ttlSeconds),
        ),
      );
      if (written === 0) this.refused(keys[0]);
      return;
    }
    const result = await this.cacheOp('write', () => {
      const p = this.redis.pipeline();
      let n = 0;
      for (const key of keys) {
        const ctx = contexts.get(key);
        const [meta, version, missing] = docKeys(key);
        const expected = versions.get(key) ?? '';
        if (ctx) {
          p.cgWriteBack(meta, version, missing, expected, encodeEntry(ctx), jitteredTtlMs(this.opts.ttlSeconds));
          n++;
        } else if (negTtlMs > 0) {
          p.cgWriteNegative(meta, version, missing, expected, negTtlMs);
          n++;
        }
      }
      if (!n) return Promise.resolve([] as Array<[Error | null, unknown]>);
      return p.exec().then(failOnError);
    });
    if (result === SKIPPED) return;
    let i = 0;
    for (const key of keys) {
      if (contexts.get(key)) {
        if (result[i]?.[1] === 0) this.refused(key);
        i++;
      } else if (negTtlMs > 0) i++;
    }
  }

  private refused(key: string): void {
    this.metrics.staleWritesPrevented.inc();
    this.logger.debug(`Write-back of ${key} refused: invalidated while loading`);
  }

  /** Writes contexts (canonical form) in one pipeline, each deleting its negative marker. */
  async remember(contexts: ProjectContext[]): Promise<void> {
    await this.cacheOp('remember', () => {
      const p = this.redis.pipeline();
      for (const c of contexts) {
        const [meta, , missing] = docKeys(c.documentUuid);
        p.set(meta, encodeEntry(c), 'PX', jitteredTtlMs(this.opts.ttlSeconds));
        p.del(missing);
      }
      return p.exec().then(failOnError);
    });
  }

  /**
   * The invalidation script: delete the entry and the marker, bump the version,
   * publish `message` on the invalidation channel. Returns how many subscribers
   * received the message, or undefined if Redis was skipped or failed.
   */
  async invalidate(key: string, message: string): Promise<number | undefined> {
    const [meta, version, missing] = docKeys(key);
    const r = await this.cacheOp('invalidate', () =>
      this.redis.cgInvalidate(meta, version, missing, VERSION_TTL_SECONDS, redisKeys.contextInvalidationChannel(), message),
    );
    return r === SKIPPED ? undefined : Number(r[1]);
  }

  /** Publishes on the invalidation channel (not through the breaker: an ack is cheap and must not be lost to it). */
  publish(message: string): void {
    this.redis.publish(redisKeys.contextInvalidationChannel(), message).catch((err: Error) => this.noteRedisError('ack', err, true));
  }

  // ---------------------------------------------------------------- internals

  /** Runs one Redis operation through the breaker; failures are counted and logged, never thrown. */
  private async cacheOp<T>(op: string, fn: () => Promise<T>): Promise<Skippable<T>> {
    if (this.destroyed || !this.breaker.allow()) return SKIPPED;
    try {
      const r = await fn();
      this.breaker.success();
      return r;
    } catch (err) {
      this.breaker.failure();
      this.noteRedisError(op, err as Error, true);
      return SKIPPED;
    }
  }

  private noteRedisError(op: string, err: Error, count: boolean): void {
    if (count) this.metrics.redisErrors.inc({ op });
    this.lastRedisError = err?.message ?? String(err);
    this.logger.debug(`Redis ${op} failed: ${this.lastRedisError}`);
  }

  private onBreakerChange(to: BreakerState): void {
    if (to === 'open') {
      // Timed-out commands stay queued on a stalled connection; start afresh.
      // While the server stays silent the new connection is not ready, so
      // commands fail at once instead of each waiting for the timeout.
      if (/timed out/i.test(this.lastRedisError) && !this.destroyed) this.redis.disconnect(true);
      this.logger.warn(
        `Redis cache unavailable (${this.lastRedisError}); serving from PostgreSQL, probing again in ${this.opts.breakerCooldownMs} ms`,
      );
    } else if (to === 'closed') {
      this.logger.log('Redis cache is back; caching resumed');
      this.notifyAvailable();
    }
  }

  private notifyAvailable(): void {
    if (this.destroyed) return;
    for (const l of this.availableListeners) l();
  }
}
