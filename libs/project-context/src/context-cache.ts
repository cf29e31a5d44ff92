import Redis, { ChainableCommander, RedisOptions } from 'ioredis';
import { redisKeys } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import type { ProjectContext } from './project-context.types';

/**
 * Lua scripts of the cache. Each touches only the keys it is given (KEYS), so
 * they stay correct if the keys are ever hash-tagged for a cluster.
 *
 * KEYS[1] = doc:metadata:{uuid}, KEYS[2] = doc:metadata-version:{uuid},
 * KEYS[3] = doc:metadata-missing:{uuid}
 */
const SCRIPTS = {
  /**
   * Write-back after a load: only if no invalidate() ran since the load read the
   * version (ARGV[1], '' for none). ARGV[2] = JSON, ARGV[3] = TTL ms.
   * Returns 1 written, 0 refused (stale).
   */
  cgWriteBack: `
    if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
    redis.call('DEL', KEYS[3])
    return 1`,
  /**
   * Negative entry for an unknown document: only if no invalidate() ran since the
   * load and no positive entry appeared meanwhile (remember() wins). ARGV[2] = TTL ms.
   */
  cgWriteNegative: `
    if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
    return 1`,
  /**
   * Drops the entry and the negative marker, bumps the version so in-flight loads
   * cannot write the old value back, and tells every L1 (pub/sub).
   * ARGV[1] = version TTL s, ARGV[2] = channel, ARGV[3] = message.
   * Returns {new version, number of subscribers that received the message}.
   */
  cgInvalidate: `
    redis.call('DEL', KEYS[1], KEYS[3])
    local v = redis.call('INCR', KEYS[2])
    redis.call('EXPIRE', KEYS[2], ARGV[1])
    local n = redis.call('PUBLISH', ARGV[2], ARGV[3])
    return {v, n}`,
} as const;

/** How long a version counter outlives its invalidation (far beyond any in-flight load). */
export const VERSION_TTL_SECONDS = 24 * 3600;

export interface ContextRedis extends Redis {
  /** Its pipelines know the scripts too. */
  pipeline(commands?: unknown[][]): ContextPipeline;
  cgWriteBack(meta: string, version: string, missing: string, expected: string, json: string, ttlMs: number): Promise<number>;
  cgWriteNegative(meta: string, version: string, missing: string, expected: string, ttlMs: number): Promise<number>;
  cgInvalidate(meta: string, version: string, missing: string, versionTtl: number, channel: string, message: string): Promise<[number, number]>;
}

/** A pipeline of a ContextRedis: each script call queues a command (and returns the pipeline); exec() runs them. */
export interface ContextPipeline extends ChainableCommander {
  cgWriteBack(meta: string, version: string, missing: string, expected: string, json: string, ttlMs: number): ContextPipeline;
  cgWriteNegative(meta: string, version: string, missing: string, expected: string, ttlMs: number): ContextPipeline;
  cgInvalidate(meta: string, version: string, missing: string, versionTtl: number, channel: string, message: string): ContextPipeline;
}

/** Adds the scripts to a client (also available in its pipelines). */
export function withContextScripts(redis: Redis): ContextRedis {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 3, lua });
  }
  return redis as ContextRedis;
}

/**
 * Invalidates the entries of many documents from outside a running app (the context CLI): for each, the
 * invalidation script (entry and negative marker dropped, version bumped so an in-flight load cannot write the
 * old value back, `inv <id> <uuid>` published so every L1 drops it). Pipelined in slices of 500. Returns each
 * document's new version, for a versioned write-back after it.
 */
export async function invalidateDocuments(client: Redis, documentUuids: string[], origin: string): Promise<Map<string, string>> {
  const redis = withContextScripts(client);
  const versions = new Map<string, string>();
  for (let i = 0; i < documentUuids.length; i += 500) {
    const slice = documentUuids.slice(i, i + 500);
    const p = redis.pipeline();
    for (const uuid of slice) {
      const [meta, version, missing] = docKeys(uuid);
      p.cgInvalidate(meta, version, missing, VERSION_TTL_SECONDS, redisKeys.contextInvalidationChannel(), `inv ${origin}:${uuid} ${uuid}`);
    }
    const replies = failOnError(await p.exec());
    slice.forEach((uuid, j) => versions.set(uuid, String((replies[j][1] as [number, number])[0])));
  }
  return versions;
}

/** One read of the cache for some documents (ContextCacheGateway.read). */
export interface CacheRead {
  /** Hits (a context) and negative hits (null). */
  found: Map<string, ProjectContext | null>;
  misses: string[];
  /** Version counter of each key as read (guards the write-back). */
  versions: Map<string, string>;
  /** Redis answered this read (else it was skipped or failed). */
  redisOk: boolean;
}

/** A pipeline's replies, or its first error thrown. */
export function failOnError(r: Array<[Error | null, unknown]> | null): Array<[Error | null, unknown]> {
  const failed = (r ?? []).find(([err]) => err)?.[0];
  if (failed) throw failed;
  return r ?? [];
}

/** The three keys of a document, in script order. */
export function docKeys(documentUuid: string): [meta: string, version: string, missing: string] {
  return [redisKeys.docMetadata(documentUuid), redisKeys.docMetadataVersion(documentUuid), redisKeys.docMetadataMissing(documentUuid)];
}

/**
 * The cache connection: fail fast instead of queueing. No offline queue (a
 * command while disconnected fails at once), a per-command timeout (a hung
 * server costs at most that), no retries of failed commands, and reconnection
 * forever with capped backoff so caching resumes by itself.
 */
export function createCacheClient(url: string, opts: { commandTimeoutMs: number; connectTimeoutMs: number; connectionName: string }): ContextRedis {
  const options: RedisOptions = {
    ...redisOptionsFromUrl(url),
    enableOfflineQueue: false,
    commandTimeout: opts.commandTimeoutMs,
    connectTimeout: opts.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    connectionName: opts.connectionName,
  };
  return withContextScripts(new Redis(options));
}

/**
 * The invalidation subscriber: like the cache connection it never queues and
 * reconnects forever; it does not resubscribe by itself (the bus subscribes on
 * every `ready`, so it knows when it was not listening).
 */
export function createSubscriberClient(url: string, opts: { connectTimeoutMs: number; connectionName: string }): Redis {
  return new Redis({
    ...redisOptionsFromUrl(url),
    enableOfflineQueue: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
    connectTimeout: opts.connectTimeoutMs,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    connectionName: opts.connectionName,
  });
}
