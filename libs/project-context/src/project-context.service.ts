import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { isUuid, redisKeys } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import { cloneContext, decodeEntry, encodeEntry, isValidContext, jitteredTtlMs } from './cache-entry';
import { ContextRedis, VERSION_TTL_SECONDS, createCacheClient, docKeys } from './context-cache';
import { EnsuredProject, HealCounts, Queryable, ensureProjectTx, loadContexts } from './context-repository';
import { ProjectContextMetrics, liveBreakers, projectContextMetrics } from './project-context.metrics';
import {
  DocumentNotFoundError,
  PROJECT_CONTEXT_OPTIONS,
  ProjectContext,
  ProjectContextModuleOptions,
  ResolvedOptions,
  resolveOptions,
} from './project-context.types';
import { BreakerState, CircuitBreaker } from './util/circuit-breaker';
import { LruCache } from './util/lru-cache';
import { Semaphore } from './util/semaphore';
import { SingleFlight } from './util/single-flight';

interface CacheRead {
  /** Hits (a context) and negative hits (null). */
  found: Map<string, ProjectContext | null>;
  misses: string[];
  /** Version counter of each key as read (guards the write-back). */
  versions: Map<string, string>;
  /** Redis answered this read (else it was skipped or failed). */
  redisOk: boolean;
  /** Local invalidation epoch when the read started (guards the L1). */
  epoch: number;
}

interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Marker for "Redis was skipped or failed": the caller goes on without the cache. */
const SKIPPED = Symbol('skipped');
type Skippable<T> = T | typeof SKIPPED;

/**
 * A document's project: cache-aside over PostgreSQL (the truth) and Redis (an
 * accelerator), self-healing NULL project UUIDs in SQL.
 *
 * Nothing here depends on a cache entry being present, valid or reachable: a
 * missing, expired, malformed or foreign entry is a miss; an unreachable or
 * hung Redis is skipped (command timeout, no offline queue, circuit breaker)
 * and the answer comes from PostgreSQL. Redis errors never leave this class.
 */
@Injectable()
export class ProjectContextService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ProjectContext');
  private readonly opts: ResolvedOptions;
  private readonly redis: ContextRedis;
  private readonly breaker: CircuitBreaker;
  private readonly flight = new SingleFlight<ProjectContext | null>();
  private readonly dbLimit: Semaphore;
  private readonly metrics: ProjectContextMetrics = projectContextMetrics();
  private readonly hitRedis = this.metrics.hits.labels('redis');
  private readonly hitL1 = this.metrics.hits.labels('l1');
  /** Invalidations that could not reach Redis; replayed when it is back. */
  private readonly pendingInvalidations = new Set<string>();
  private lastRedisError = '';
  private readonly inflightWrites = new Set<Promise<void>>();
  private destroyed = false;

  // Optional L1 (only used while the invalidation subscription is live).
  private readonly l1?: LruCache<ProjectContext>;
  /** Invalidation events (pub/sub): drops L1 entries here, acknowledges to the invalidator. */
  private readonly subscriber: Redis;
  private subscribed = false;
  private l1Live = false;
  /** Bumped by every invalidation seen here; a load that straddles one does not fill the L1. */
  private epoch = 0;
  private readonly instanceId = randomUUID();
  private invalidationSeq = 0;
  private readonly ackWaiters = new Map<string, { needed: number; got: number; done: () => void }>();

  constructor(
    @Inject(PROJECT_CONTEXT_OPTIONS) options: ProjectContextModuleOptions,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.opts = resolveOptions(options);
    this.dbLimit = new Semaphore(this.opts.maxConcurrentDbLookups);
    this.breaker = new CircuitBreaker({
      failureThreshold: this.opts.breakerFailureThreshold,
      cooldownMs: this.opts.breakerCooldownMs,
      onStateChange: (to) => this.onBreakerChange(to),
    });
    liveBreakers().add(this.breaker);
    this.redis = createCacheClient(this.opts.redisUrl, {
      commandTimeoutMs: this.opts.redisCommandTimeoutMs,
      connectTimeoutMs: this.opts.redisConnectTimeoutMs,
      connectionName: this.opts.connectionName,
    });
    this.redis.on('error', (err: Error) => this.noteRedisError('connection', err, false));
    // A fresh connection answered its ready check: Redis is reachable again.
    this.redis.on('ready', () => {
      this.breaker.success();
      void this.flushPendingInvalidations();
    });
    if (this.opts.l1) this.l1 = new LruCache(this.opts.l1.maxEntries, this.opts.l1.ttlMs);
    this.subscriber = this.createSubscriber();
  }

  /**
   * Gives the cache connections a moment (at most redisConnectTimeoutMs) to be
   * ready before the app serves, so the first calls are not needless misses.
   * Never fails: without Redis the app starts and serves from PostgreSQL.
   */
  async onModuleInit(): Promise<void> {
    const ready = (c: Redis, subscribed: () => boolean) =>
      new Promise<void>((resolve) => {
        const started = Date.now();
        const check = () => {
          if ((c.status === 'ready' && subscribed()) || Date.now() - started >= this.opts.redisConnectTimeoutMs || this.destroyed) resolve();
          else setTimeout(check, 5);
        };
        check();
      });
    await Promise.all([ready(this.redis, () => true), ready(this.subscriber, () => this.subscribed)]);
    if (this.redis.status !== 'ready') {
      this.logger.warn(`Redis cache not reachable at startup (${this.lastRedisError || this.redis.status}); serving from PostgreSQL until it is`);
    }
  }

  // ---------------------------------------------------------------- resolve

  /**
   * The project context of a document. Throws DocumentNotFoundError for an
   * unknown document or a string that is not a UUID (nothing written anywhere
   * but an optional short negative-cache entry). Database errors propagate;
   * Redis errors never do.
   */
  async resolve(documentUuid: string): Promise<ProjectContext> {
    if (!isUuid(documentUuid)) throw new DocumentNotFoundError(String(documentUuid));
    const key = documentUuid.toLowerCase();
    if (this.l1Live) {
      const hit = this.l1!.get(key);
      if (hit) {
        this.hitL1.inc();
        return cloneContext(hit);
      }
    }
    // A load of this document is already running here: join it, do not even read Redis.
    let pending = this.flight.get(key);
    if (!pending) {
      const read = await this.readCache1(key);
      // A Redis hit decoded for this call alone: nobody else holds it unless the L1 does.
      if (!('found' in read)) return this.l1 ? cloneContext(read) : read;
      const cached = read.found.get(key);
      if (cached) return cloneContext(cached);
      pending = cached === null ? Promise.resolve(null) : this.flight.do(key, () => this.loadMisses([key], read).then((m) => m.get(key) ?? null));
    }
    const ctx = await pending;
    if (!ctx) throw new DocumentNotFoundError(documentUuid);
    return cloneContext(ctx);
  }

  /**
   * Contexts of many documents: one MGET, one SQL query for all misses, one
   * pipelined write-back. Unknown documents and non-UUID strings are absent
   * from the result (no throw). Keys are the strings the caller passed.
   */
  async resolveMany(documentUuids: string[]): Promise<Map<string, ProjectContext>> {
    const out = new Map<string, ProjectContext>();
    const callerKeys = new Map<string, string[]>();
    for (const u of documentUuids) {
      if (!isUuid(u)) continue;
      const key = u.toLowerCase();
      const list = callerKeys.get(key);
      if (list) list.push(u);
      else callerKeys.set(key, [u]);
    }
    const put = (key: string, ctx: ProjectContext | null | undefined) => {
      if (ctx) for (const u of callerKeys.get(key)!) out.set(u, cloneContext(ctx));
    };
    const joined: Array<[string, Promise<ProjectContext | null>]> = [];
    const cold: string[] = [];
    for (const key of callerKeys.keys()) {
      const hit = this.l1Live ? this.l1!.get(key) : undefined;
      const inflight = hit ? undefined : this.flight.get(key);
      if (hit) {
        this.hitL1.inc();
        put(key, hit);
      } else if (inflight) joined.push([key, inflight]);
      else cold.push(key);
    }
    if (cold.length) {
      const read = await this.readCache(cold);
      for (const [key, ctx] of read.found) put(key, ctx);
      if (read.misses.length) {
        const pending = this.flight.doMany(read.misses, (owned) => this.loadMisses(owned, read));
        for (const [key, p] of pending) joined.push([key, p as Promise<ProjectContext | null>]);
      }
    }
    for (const [key, p] of joined) put(key, await p);
    return out;
  }

  /**
   * readCache() for one key, with the hit path inlined: a valid entry costs one
   * MGET, one JSON.parse and its validation, and nothing else.
   */
  private async readCache1(key: string): Promise<CacheRead | ProjectContext> {
    if (this.destroyed || !this.breaker.allow()) {
      return { found: new Map(), misses: [key], versions: new Map(), redisOk: false, epoch: this.epoch };
    }
    const epoch = this.epoch;
    let read: Array<string | null>;
    try {
      read = await this.redis.mget(docKeys(key));
      this.breaker.success();
    } catch (err) {
      this.breaker.failure();
      this.noteRedisError('read', err as Error, true);
      return { found: new Map(), misses: [key], versions: new Map(), redisOk: false, epoch };
    }
    const raw = read[0];
    if (raw !== null && !this.pendingInvalidations.size) {
      const entry = decodeEntry(raw, key);
      if (entry.ok) {
        this.hitRedis.inc();
        this.l1Set(key, entry.context, epoch);
        return entry.context;
      }
    }
    return this.classify([key], read, epoch);
  }

  /**
   * Reads the cache for `keys` in one MGET (entry, version, negative marker of
   * each). `found` holds hits (a context) and negative hits (null); `misses`
   * the rest. Invalid entries are deleted and counted as misses.
   */
  private async readCache(keys: string[]): Promise<CacheRead> {
    const epoch = this.epoch;
    const read = await this.cacheOp('read', () => this.redis.mget(keys.flatMap(docKeys)));
    if (read === SKIPPED) return { found: new Map(), misses: keys, versions: new Map(), redisOk: false, epoch };
    return this.classify(keys, read, epoch);
  }

  /** Sorts an MGET reply (entry, version, negative marker per key) into hits, negative hits and misses. */
  private async classify(keys: string[], read: Array<string | null>, epoch: number): Promise<CacheRead> {
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
      if (this.pendingInvalidations.size && this.pendingInvalidations.has(key)) {
        misses.push(key);
        continue;
      }
      if (raw !== null) {
        const entry = decodeEntry(raw, key);
        if (entry.ok) {
          this.hitRedis.inc();
          found.set(key, entry.context);
          this.l1Set(key, entry.context, epoch);
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
    return { found, misses, versions, redisOk: true, epoch };
  }

  /**
   * Loads cache misses from PostgreSQL in one query (healing NULLs), then
   * writes them back, guarded by the versions read before the query.
   */
  private async loadMisses(keys: string[], read: CacheRead): Promise<Map<string, ProjectContext | null>> {
    const found = new Map<string, ProjectContext | null>();
    this.metrics.misses.inc(keys.length);
    if (!read.redisOk) this.metrics.dbFallbacks.inc(keys.length);
    const { contexts, healed } = await this.dbLimit.run(() => {
      this.metrics.dbLookups.inc();
      return loadContexts(this.lookupDb(), keys);
    });
    this.countHeals(healed);
    for (const key of keys) {
      const ctx = contexts.get(key) ?? null;
      found.set(key, ctx);
      if (ctx) this.l1Set(key, ctx, read.epoch);
    }
    // Write back only when Redis answered this very call, so a failing Redis
    // costs a resolve() at most one command timeout. The write is sent now, on
    // the connection every later read of this instance uses (so those reads see
    // it), but the caller does not wait for Redis to acknowledge it.
    if (read.redisOk) {
      const writable = this.pendingInvalidations.size ? keys.filter((k) => !this.pendingInvalidations.has(k)) : keys;
      if (writable.length) this.trackWrite(this.writeBack(writable, contexts, read.versions));
    }
    return found;
  }

  private pool?: Queryable | null;
  /**
   * Lookups go straight to the pg Pool under the host's DataSource (same
   * connections, same settings): TypeORM's per-query QueryRunner costs more
   * than the indexed SELECT itself on a busy machine. Falls back to the
   * DataSource when the driver has no pg Pool.
   */
  private lookupDb(): Queryable {
    if (this.pool === undefined) {
      const master = (this.db.driver as { master?: { query?: unknown } }).master;
      this.pool =
        master && typeof master.query === 'function'
          ? { query: (sql: string, params?: unknown[]) => (master as PgPoolLike).query(sql, params).then((r) => r.rows) }
          : null;
    }
    return this.pool ?? this.db;
  }

  private trackWrite(p: Promise<void>): void {
    this.inflightWrites.add(p);
    void p.finally(() => this.inflightWrites.delete(p));
  }

  /**
   * Resolves once every cache write-back sent so far has been acknowledged by
   * Redis (or has failed; each is bounded by the command timeout). Used at
   * shutdown, and by tests that read Redis through another connection.
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
        this.redis.cgWriteBack(meta, version, missing, versions.get(keys[0]) ?? '', encodeEntry(contexts.get(keys[0])!), jitteredTtlMs(this.opts.ttlSeconds)),
      );
      if (written === 0) {
        this.metrics.staleWritesPrevented.inc();
        this.logger.debug(`Write-back of ${keys[0]} refused: invalidated while loading`);
      }
      return;
    }
    const result = await this.cacheOp('write', () => {
      const p = this.redis.pipeline() as unknown as ContextRedis;
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
      return (p as unknown as ReturnType<Redis['pipeline']>).exec().then((r) => {
        const failed = (r ?? []).find(([err]) => err);
        if (failed) throw failed[0];
        return r ?? [];
      });
    });
    if (result === SKIPPED) return;
    let i = 0;
    for (const key of keys) {
      if (contexts.get(key)) {
        if (result[i]?.[1] === 0) {
          this.metrics.staleWritesPrevented.inc();
          this.logger.debug(`Write-back of ${key} refused: invalidated while loading`);
        }
        i++;
      } else if (negTtlMs > 0) i++;
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Write-through at document creation (after the row is committed). Overrides
   * a negative-cache entry at once. Never throws for a Redis failure; an invalid
   * context is logged and not written.
   */
  async remember(context: ProjectContext): Promise<void> {
    await this.rememberMany([context]);
  }

  /** Writes many contexts in one Redis pipeline (after a batch of documents is committed). */
  async rememberMany(contexts: ProjectContext[]): Promise<void> {
    const valid = contexts.filter((c) => {
      if (isValidContext(c)) return true;
      this.logger.warn(`remember() ignored an invalid context: ${JSON.stringify(c)?.slice(0, 300)}`);
      return false;
    });
    if (!valid.length) return;
    const epoch = this.epoch;
    for (const c of valid) this.l1Set(c.documentUuid.toLowerCase(), normalise(c), epoch);
    await this.cacheOp('remember', () => {
      const p = this.redis.pipeline();
      for (const c of valid) {
        const [meta, , missing] = docKeys(c.documentUuid.toLowerCase());
        p.set(meta, encodeEntry(normalise(c)), 'PX', jitteredTtlMs(this.opts.ttlSeconds));
        p.del(missing);
      }
      return p.exec().then((r) => {
        const failed = (r ?? []).find(([err]) => err);
        if (failed) throw failed[0];
      });
    });
  }

  /**
   * Drops a document's entry everywhere: Redis, this instance's L1 and in-flight
   * loads, and (over pub/sub) every other instance's L1. A load that started
   * before this call cannot write its old value back (version counter). If Redis
   * is unreachable, the invalidation is kept and replayed when it returns.
   */
  async invalidate(documentUuid: string): Promise<void> {
    if (!isUuid(documentUuid)) return;
    const key = documentUuid.toLowerCase();
    this.dropLocal(key);
    const ok = await this.sendInvalidation(key);
    if (!ok) this.queueInvalidation(key);
  }

  /**
   * Runs the invalidation script (delete, bump version, publish) and then waits
   * until every instance that received the message has acknowledged it, i.e.
   * has dropped the entry from its L1 (bounded by invalidationAckTimeoutMs).
   * PUBLISH returns how many subscribers got the message, so we know how many
   * acknowledgements to expect.
   */
  private async sendInvalidation(key: string): Promise<boolean> {
    const id = `${this.instanceId}:${++this.invalidationSeq}`;
    const waiter = this.subscribed ? this.expectAcks(id) : undefined;
    const [meta, version, missing] = docKeys(key);
    const r = await this.cacheOp('invalidate', () =>
      this.redis.cgInvalidate(meta, version, missing, VERSION_TTL_SECONDS, redisKeys.contextInvalidationChannel(), `inv ${id} ${key}`),
    );
    if (r === SKIPPED) {
      waiter?.cancel();
      return false;
    }
    if (waiter) await waiter.wait(Number(r[1]));
    return true;
  }

  private expectAcks(id: string): { wait: (receivers: number) => Promise<void>; cancel: () => void } {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const entry = { needed: Infinity, got: 0, done };
    this.ackWaiters.set(id, entry);
    const cancel = () => {
      this.ackWaiters.delete(id);
      done();
    };
    return {
      cancel,
      wait: async (receivers) => {
        entry.needed = receivers;
        if (entry.got >= entry.needed) return cancel();
        const timer = setTimeout(() => {
          this.logger.warn(`Invalidation ${id}: ${entry.got}/${receivers} instances acknowledged within ${this.opts.invalidationAckTimeoutMs} ms`);
          cancel();
        }, this.opts.invalidationAckTimeoutMs);
        await finished;
        clearTimeout(timer);
      },
    };
  }

  // ---------------------------------------------------------------- projects

  /**
   * Creates the project or returns the existing one (idempotent, race-safe).
   * With `id`: INSERT … ON CONFLICT (id), sequence kept ahead of the id. Without:
   * reuses the oldest project of that name, else creates it. A NULL project_uuid
   * is healed. `manager` runs it inside the caller's transaction.
   */
  async ensureProject(given: { id?: number | null; name: string }, manager?: EntityManager): Promise<EnsuredProject> {
    // An explicit null id (JSON `"id": null`) means "no id", never an INSERT of NULL.
    const input = { name: given.name, ...(given.id === undefined || given.id === null ? {} : { id: given.id }) };
    if (input.id !== undefined && (!Number.isSafeInteger(input.id) || input.id < 1 || input.id > 2_147_483_647)) {
      throw new RangeError(`project id must be a positive 32-bit integer, got ${input.id}`);
    }
    if (typeof input.name !== 'string') throw new TypeError('project name must be a string');
    if (manager?.queryRunner?.isTransactionActive) return ensureProjectTx(manager as Queryable, input);
    return this.db.transaction((m) => ensureProjectTx(m as Queryable, input));
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
      this.logger.warn(`Redis cache unavailable (${this.lastRedisError}); serving from PostgreSQL, probing again in ${this.opts.breakerCooldownMs} ms`);
    } else if (to === 'closed') {
      this.logger.log('Redis cache is back; caching resumed');
      void this.flushPendingInvalidations();
    }
  }

  private countHeals(h: HealCounts): void {
    if (h.projects) this.metrics.heals.inc({ table: 'projects' }, h.projects);
    if (h.documents) this.metrics.heals.inc({ table: 'source_documents' }, h.documents);
    if (h.projects || h.documents) this.logger.log(`Healed project_uuid on ${h.projects} project(s), ${h.documents} document(s)`);
  }

  private queueInvalidation(key: string): void {
    if (this.opts.maxPendingInvalidations === 0) return;
    this.pendingInvalidations.delete(key);
    this.pendingInvalidations.add(key);
    if (this.pendingInvalidations.size > this.opts.maxPendingInvalidations) {
      const oldest = this.pendingInvalidations.values().next().value as string;
      this.pendingInvalidations.delete(oldest);
      this.logger.warn(`Pending invalidations over ${this.opts.maxPendingInvalidations}; dropped ${oldest} (its entry expires with its TTL)`);
    }
    this.logger.warn(`Invalidation of ${key} could not reach Redis; it will be replayed when Redis is back`);
  }

  private flushing = false;
  private async flushPendingInvalidations(): Promise<void> {
    if (this.flushing || !this.pendingInvalidations.size || this.destroyed) return;
    this.flushing = true;
    try {
      for (const key of [...this.pendingInvalidations]) {
        if (!(await this.sendInvalidation(key))) break;
        this.pendingInvalidations.delete(key);
      }
    } finally {
      this.flushing = false;
    }
  }

  private dropLocal(key: string): void {
    this.epoch++;
    this.l1?.delete(key);
    this.flight.forget(key);
  }

  private l1Set(key: string, ctx: ProjectContext, epoch: number): void {
    if (this.l1Live && epoch === this.epoch) this.l1!.set(key, ctx);
  }

  /**
   * The invalidation subscription. Messages on the channel:
   *   `inv <id> <document_uuid>`: drop the document locally, then publish `ack <id>`;
   *   `ack <id>`: one instance has dropped it (counted by the invalidator).
   * The L1 is used only while this subscription is live: losing it clears the L1.
   */
  private createSubscriber(): Redis {
    const sub = new Redis({
      ...redisOptionsFromUrl(this.opts.redisUrl),
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      connectTimeout: this.opts.redisConnectTimeoutMs,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      connectionName: `${this.opts.connectionName}-events`,
    });
    const channel = redisKeys.contextInvalidationChannel();
    sub.on('error', (err: Error) => this.logger.debug(`Invalidation subscriber: ${err.message}`));
    sub.on('ready', () => {
      sub.subscribe(channel).then(
        () => {
          // Anything may have changed while we were not listening.
          this.l1?.clear();
          this.epoch++;
          this.subscribed = true;
          this.l1Live = !!this.l1 && !this.destroyed;
        },
        (err: Error) => this.logger.debug(`Invalidation subscribe failed: ${err.message}`),
      );
    });
    sub.on('close', () => {
      this.subscribed = false;
      this.l1Live = false;
      this.l1?.clear();
      this.epoch++;
    });
    sub.on('message', (_channel: string, message: string) => {
      const [kind, id, key] = message.split(' ');
      if (kind === 'inv' && id) {
        if (key && isUuid(key)) this.dropLocal(key.toLowerCase());
        this.redis.publish(channel, `ack ${id}`).catch((err: Error) => this.noteRedisError('ack', err, true));
      } else if (kind === 'ack' && id) {
        const w = this.ackWaiters.get(id);
        if (w && ++w.got >= w.needed) {
          this.ackWaiters.delete(id);
          w.done();
        }
      }
    });
    return sub;
  }

  /** For tests and diagnostics. */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** True while the L1 is in use (enabled and its invalidation subscription is live). */
  get l1Active(): boolean {
    return this.l1Live;
  }

  get pendingInvalidationCount(): number {
    return this.pendingInvalidations.size;
  }

  async onModuleDestroy(): Promise<void> {
    await this.settle();
    this.destroyed = true;
    liveBreakers().delete(this.breaker);
    for (const w of this.ackWaiters.values()) w.done();
    this.ackWaiters.clear();
    this.l1Live = false;
    this.redis.disconnect();
    this.subscriber.disconnect();
  }
}

/** A context keyed and stored in canonical (lower-case) form. */
function normalise(c: ProjectContext): ProjectContext {
  return {
    documentUuid: c.documentUuid.toLowerCase(),
    projectUuid: c.projectUuid.toLowerCase(),
    projectId: c.projectId,
    documentMetadata: {
      filename: c.documentMetadata.filename,
      s3Bucket: c.documentMetadata.s3Bucket ?? undefined,
      s3Key: c.documentMetadata.s3Key ?? undefined,
      uploadedAt: c.documentMetadata.uploadedAt,
    },
  };
}
