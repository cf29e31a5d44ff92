/** Where a document belongs: what every pipeline stage needs before it can write anything. */
export interface ProjectContext {
  documentUuid: string;
  projectUuid: string;
  projectId: number;
  documentMetadata: {
    filename: string;
    s3Bucket?: string;
    s3Key?: string;
    uploadedAt: string;
  };
}

export interface ProjectContextModuleOptions {
  redisUrl: string;
  /** TTL of a cache entry; ±10% jitter is applied. Default 86400. */
  ttlSeconds?: number;
  /** TTL of the negative-cache marker for an unknown document; 0 disables it. Default 5. */
  negativeTtlSeconds?: number;
  /**
   * Timeout of one Redis command. A resolve() spends at most one read and one
   * write-back on Redis, so its worst case on top of SQL is 2× this. Default 60.
   */
  redisCommandTimeoutMs?: number;
  /** TCP/handshake timeout of the cache connection. Default 1000. */
  redisConnectTimeoutMs?: number;
  /** Consecutive Redis failures that open the circuit breaker. Default 2. */
  breakerFailureThreshold?: number;
  /** How long the breaker stays open before one probe is let through. Default 1000. */
  breakerCooldownMs?: number;
  /** Concurrent database lookups per instance (the rest wait in line). Default 8. */
  maxConcurrentDbLookups?: number;
  /**
   * invalidate() returns once every instance subscribed to invalidations has
   * acknowledged dropping the entry, or after this long. Default 250.
   */
  invalidationAckTimeoutMs?: number;
  /** Invalidations that failed while Redis was away, kept to replay when it returns. Default 10000. */
  maxPendingInvalidations?: number;
  /**
   * Optional in-process L1 (bounded LRU, short TTL, invalidated over Redis
   * pub/sub). Off by default. It is only used while its subscription is live;
   * a lost subscription clears it.
   */
  l1?: false | { maxEntries?: number; ttlMs?: number };
  /** CLIENT SETNAME of the cache connection. Default 'casegraph-project-context'. */
  connectionName?: string;
}

/** The module's options with every default applied (ResolvedOptions), as its providers inject them. */
export const PROJECT_CONTEXT_OPTIONS = Symbol('PROJECT_CONTEXT_OPTIONS');

/** The document does not exist in the database. Nothing was written anywhere. */
export class DocumentNotFoundError extends Error {
  constructor(readonly documentUuid: string) {
    super(`Document ${documentUuid} not found`);
    this.name = 'DocumentNotFoundError';
  }
}

/** Options with every default applied. */
export type ResolvedOptions = Required<Omit<ProjectContextModuleOptions, 'l1'>> & {
  l1: false | { maxEntries: number; ttlMs: number };
};

export function resolveOptions(o: ProjectContextModuleOptions): ResolvedOptions {
  const pos = (v: number | undefined, d: number, name: string, min = 1) => {
    const n = v ?? d;
    if (!Number.isFinite(n) || n < min) throw new Error(`ProjectContextModule: ${name} must be >= ${min}, got ${v}`);
    return n;
  };
  if (!o || typeof o.redisUrl !== 'string' || !o.redisUrl) throw new Error('ProjectContextModule: redisUrl is required');
  return {
    redisUrl: o.redisUrl,
    ttlSeconds: pos(o.ttlSeconds, 86400, 'ttlSeconds'),
    negativeTtlSeconds: pos(o.negativeTtlSeconds, 5, 'negativeTtlSeconds', 0),
    redisCommandTimeoutMs: pos(o.redisCommandTimeoutMs, 60, 'redisCommandTimeoutMs'),
    redisConnectTimeoutMs: pos(o.redisConnectTimeoutMs, 1000, 'redisConnectTimeoutMs'),
    breakerFailureThreshold: pos(o.breakerFailureThreshold, 2, 'breakerFailureThreshold'),
    breakerCooldownMs: pos(o.breakerCooldownMs, 1000, 'breakerCooldownMs'),
    maxConcurrentDbLookups: pos(o.maxConcurrentDbLookups, 8, 'maxConcurrentDbLookups'),
    invalidationAckTimeoutMs: pos(o.invalidationAckTimeoutMs, 250, 'invalidationAckTimeoutMs'),
    maxPendingInvalidations: pos(o.maxPendingInvalidations, 10_000, 'maxPendingInvalidations', 0),
    l1: o.l1 ? { maxEntries: pos(o.l1.maxEntries, 10_000, 'l1.maxEntries'), ttlMs: pos(o.l1.ttlMs, 5_000, 'l1.ttlMs') } : false,
    connectionName: o.connectionName ?? 'casegraph-project-context',
  };
}
