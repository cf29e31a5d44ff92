import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isUuid } from '@casegraph/contracts';
import { cloneContext, isValidContext } from './cache-entry';
import { CacheRead } from './context-cache';
import { ContextCacheGateway } from './context-cache-gateway';
import { ContextRepository, EnsuredProject } from './context-repository';
import { InvalidationBus } from './invalidation-bus';
import { ProjectContextMetrics, projectContextMetrics } from './project-context.metrics';
import { DocumentNotFoundError, ProjectContext } from './project-context.types';
import { BreakerState } from './util/circuit-breaker';
import { SingleFlight } from './util/single-flight';

/**
 * A document's project: cache-aside over PostgreSQL (the truth) and Redis (an
 * accelerator), self-healing NULL project UUIDs in SQL.
 *
 * Nothing here depends on a cache entry being present, valid or reachable: a
 * missing, expired, malformed or foreign entry is a miss; an unreachable or
 * hung Redis is skipped (command timeout, no offline queue, circuit breaker)
 * and the answer comes from PostgreSQL. Redis errors never leave this class.
 *
 * The facade: it composes the cache gateway (Redis), the invalidation bus
 * (pub/sub, L1) and the repository (SQL), and owns only the single-flight of
 * loads, which the bus tells it to drop on invalidation.
 */
@Injectable()
export class ProjectContextService {
  private readonly logger = new Logger('ProjectContext');
  private readonly flight = new SingleFlight<ProjectContext | null>();
  private readonly metrics: ProjectContextMetrics = projectContextMetrics();
  private readonly hitL1 = this.metrics.hits.labels('l1');

  constructor(
    private readonly cache: ContextCacheGateway,
    private readonly bus: InvalidationBus,
    private readonly repository: ContextRepository,
  ) {
    // An invalidated document's running load finishes for its callers; new callers start afresh.
    bus.onDrop((key) => this.flight.forget(key));
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
    const hit = this.bus.l1Get(key);
    if (hit) {
      this.hitL1.inc();
      return cloneContext(hit);
    }
    // One flight per document covers the Redis read and the load together: concurrent callers
    // join it before reading Redis, so a caller whose read is still on the wire when the load
    // ends cannot start a second load (the stampede costs one GET and one SELECT).
    const ctx = await this.flight.do(key, () => this.readThrough(key));
    if (!ctx) throw new DocumentNotFoundError(documentUuid);
    return cloneContext(ctx);
  }

  /** Redis, then PostgreSQL on a miss (healed and written back); null for an unknown document. */
  private async readThrough(key: string): Promise<ProjectContext | null> {
    const epoch = this.bus.currentEpoch;
    const read = await this.cache.readOne(key, this.bus.pending);
    if (!('found' in read)) {
      this.bus.l1Set(key, read, epoch);
      return read;
    }
    const cached = read.found.get(key);
    if (cached) {
      this.bus.l1Set(key, cached, epoch);
      return cached;
    }
    if (cached === null) return null;
    return (await this.loadMisses([key], read, epoch)).get(key) ?? null;
  }

  /**
   * Contexts of many documents: one MGET, one SQL query for all misses, one
   * pipelined write-back. Unknown documents and non-UUID strings are absent
   * from the result (no throw). Keys are the strings the caller passed. A
   * database error rejects the call once (with that error).
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
    const joinedKeys: string[] = [];
    const joined: Array<Promise<ProjectContext | null | undefined>> = [];
    const cold: string[] = [];
    for (const key of callerKeys.keys()) {
      const hit = this.bus.l1Get(key);
      const inflight = hit ? undefined : this.flight.get(key);
      if (hit) {
        this.hitL1.inc();
        put(key, hit);
      } else if (inflight) {
        joinedKeys.push(key);
        joined.push(inflight);
      } else cold.push(key);
    }
    if (cold.length) {
      const epoch = this.bus.currentEpoch;
      const read = await this.cache.read(cold, this.bus.pending);
      for (const [key, ctx] of read.found) {
        if (ctx) this.bus.l1Set(key, ctx, epoch);
        put(key, ctx);
      }
      if (read.misses.length) {
        for (const [key, p] of this.flight.doMany(read.misses, (owned) => this.loadMisses(owned, read, epoch))) {
          joinedKeys.push(key);
          joined.push(p);
        }
      }
    }
    // One handler on every promise at once: a failed batch load rejects each of its
    // keys' promises, and awaiting them one by one would leave the rest unhandled.
    const loaded = await Promise.all(joined);
    for (let i = 0; i < joinedKeys.length; i++) put(joinedKeys[i], loaded[i]);
    return out;
  }

  /**
   * Loads cache misses from PostgreSQL in one query (healing NULLs), then
   * writes them back, guarded by the versions read before the query.
   */
  private async loadMisses(keys: string[], read: CacheRead, epoch: number): Promise<Map<string, ProjectContext | null>> {
    this.metrics.misses.inc(keys.length);
    if (!read.redisOk) this.metrics.dbFallbacks.inc(keys.length);
    const contexts = await this.repository.load(keys);
    const found = new Map<string, ProjectContext | null>();
    for (const key of keys) {
      const ctx = contexts.get(key) ?? null;
      found.set(key, ctx);
      if (ctx) this.bus.l1Set(key, ctx, epoch);
    }
    // Write back only when Redis answered this very call, so a failing Redis
    // costs a resolve() at most one command timeout. Never for a key whose
    // invalidation has not reached Redis yet.
    if (read.redisOk) {
      const pending = this.bus.pending;
      const writable = pending.size ? keys.filter((k) => !pending.has(k)) : keys;
      if (writable.length) this.cache.writeBehind(writable, contexts, read.versions);
    }
    return found;
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
    const epoch = this.bus.currentEpoch;
    const canonical = valid.map(normalise);
    for (const c of canonical) this.bus.l1Set(c.documentUuid, c, epoch);
    await this.cache.remember(canonical);
  }

  /**
   * Drops a document's entry everywhere: Redis, this instance's L1 and in-flight
   * loads, and (over pub/sub) every other instance's L1. A load that started
   * before this call cannot write its old value back (version counter). If Redis
   * is unreachable, the invalidation is kept and replayed when it returns.
   */
  async invalidate(documentUuid: string): Promise<void> {
    if (!isUuid(documentUuid)) return;
    await this.bus.invalidate(documentUuid.toLowerCase());
  }

  // ---------------------------------------------------------------- projects

  /**
   * Creates the project or returns the existing one (idempotent, race-safe).
   * With `id`: INSERT … ON CONFLICT (id), sequence kept ahead of the id. Without:
   * reuses the oldest project of that name, else creates it. A NULL project_uuid
   * is healed. `manager` runs it inside the caller's transaction.
   */
  ensureProject(given: { id?: number | null; name: string }, manager?: EntityManager): Promise<EnsuredProject> {
    return this.repository.ensureProject(given, manager);
  }

  // ---------------------------------------------------------------- diagnostics

  /**
   * Resolves once every cache write-back sent so far has been acknowledged by
   * Redis (or has failed; each is bounded by the command timeout). Used at
   * shutdown, and by tests that read Redis through another connection.
   */
  settle(): Promise<void> {
    return this.cache.settle();
  }

  /** For tests and diagnostics. */
  get breakerState(): BreakerState {
    return this.cache.breakerState;
  }

  /** True while the L1 is in use (enabled and its invalidation subscription is live). */
  get l1Active(): boolean {
    return this.bus.l1Active;
  }

  get pendingInvalidationCount(): number {
    return this.bus.pending.size;
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
