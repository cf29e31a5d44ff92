import { resolve } from 'node:path';
import { isUuid } from '@casegraph/contracts';
import { cooccurrenceMaxEntitiesSpec } from '@casegraph/graph';
import { optionalSecretKey } from '@casegraph/intake';
import { BaseConfig, ConfigSpec, Parser, baseConfigSpec, bullPrefixSpec, parsers } from '@casegraph/platform';
import { StorageConfig, storageConfigSpec, storageCrossChecks } from '@casegraph/storage';

/** One entry of CASEGRAPH_API_KEYS: a key, optionally named and optionally bound to one project. */
export interface ApiKeyEntry {
  key: string;
  /** Who uses the key (`name=key`): the actor of the curation log. Null/absent for an unnamed key. */
  name?: string | null;
  /** When set, the key may only touch this project. */
  projectUuid: string | null;
}

export interface IngestApiConfig extends BaseConfig, StorageConfig {
  port: number;
  /** Bull key prefix (tests use a private one per file). */
  bullPrefix: string;
  /** Largest accepted upload, per file, in MiB. */
  maxFileMb: number;
  /** Most files in one multipart request. */
  maxFilesPerUpload: number;
  /** Most documents in one batch manifest. */
  maxBatchDocuments: number;
  /** Largest JSON body, in KiB. */
  jsonBodyLimitKb: number;
  /** Deepest nesting of arrays/objects in a JSON body (checked before parsing; deeper = 400). */
  jsonMaxDepth: number;
  /** Empty = open API (a loud warning at boot). */
  apiKeys: ApiKeyEntry[];
  /** COOCCURRENCE_MAX_ENTITIES, as the graph worker reads it: curation recomputes a document's edges with the same bound. */
  cooccurrenceMaxEntities: number;
  /** Requests per minute per API key (per IP when the API is open); 0 disables the limit. */
  rateLimitPerMinute: number;
  /** Seconds between reconciler ticks; 0 disables the timer (the start-up tick still runs). */
  reconcileIntervalSeconds: number;
  /** A pending document is reconciled only once it is this old (lets the request's own enqueue finish). */
  reconcileMinAgeSeconds: number;
  /** Documents per keyset batch in a reconciler tick. */
  reconcileBatchSize: number;
  /** Longest a request waits for Bull before leaving its documents to the reconciler. */
  enqueueTimeoutMs: number;
  /** Seconds between sweeper ticks (stuck `processing` documents); 0 disables the timer. */
  sweepIntervalSeconds: number;
  /** A stage `processing` longer than this, with no live Bull job, is stuck. */
  stageTimeoutSeconds: number;
  /** Per-stage overrides of stageTimeoutSeconds (STAGE_TIMEOUT_<STAGE>_SECONDS); null = the default. */
  stageTimeoutOcrSeconds: number | null;
  stageTimeoutChunkingSeconds: number | null;
  stageTimeoutEntitiesSeconds: number | null;
  stageTimeoutResolutionSeconds: number | null;
  stageTimeoutRelationshipsSeconds: number | null;
  /** Starts of one stage after which a stuck document is failed instead of re-enqueued. */
  maxStageAttempts: number;
  /** Documents per keyset batch in a sweeper tick. */
  sweepBatchSize: number;
  /**
   * DOCUMENT_PASSWORD_KEY (32 bytes, hex or base64): seals the passwords of encrypted PDFs given at upload or on
   * retry (document_secrets). Null: the server refuses passwords (400) and keeps none.
   */
  documentPasswordKey: Buffer | null;
  /** Production imports (POST /v1/projects/:projectUuid/productions): most image parts in one request. */
  productionMaxFiles: number;
  /** Largest DAT or OPT of a production (MiB). */
  productionMaxLoadFileMb: number;
  /** Largest production request body (MiB): the load files and every image. */
  productionMaxTotalMb: number;
  /** Most pages one production record may have. */
  productionMaxPages: number;
  /** Largest production page image (pixels, width × height). */
  productionMaxImagePixels: number;
  /** Lifetime of a browser session (POST /v1/session), in minutes; the expiry is signed into the cookie. */
  sessionTtlMinutes: number;
  /** WEB_DIST_DIR: the built web app (index.html + assets/); null = dist/apps/web beside the bundle or in the repo. */
  webDistDir: string | null;
  /**
   * TRUST_PROXY: how many reverse proxies (TLS terminators, ingress) stand in front of the API. 0 (default) trusts
   * none; N > 0 takes the client address and https from the last N X-Forwarded-For / X-Forwarded-Proto hops, so the
   * session cookie is marked Secure behind an HTTPS ingress and login limits count clients, not the proxy.
   */
  trustProxyHops: number;
  /**
   * SEARCH_COUNT_CAP: a search counts its matching pages exactly up to this many; above it answers the cap with
   * totalIsExact false (counting every page of a very common word costs as much as ranking them).
   */
  searchCountCap: number;
}

/** An optional positive number of seconds (blank = not set). */
const optionalSeconds: Parser<number | null> = (raw, name) =>
  raw.trim() === '' ? null : parsers.int({ min: 1, max: 30 * 86_400 })(raw.trim(), name);

/** An optional path (blank = not set), resolved against the working directory. */
const optionalPath: Parser<string | null> = (raw, name) => {
  const v = raw.trim();
  if (v === '') return null;
  // eslint-disable-next-line no-control-regex -- a control character in a path is a pasting mistake
  if (/[\u0000-\u001f]/.test(v)) throw new Error(`${name} must be a path without control characters`);
  return resolve(v);
};

/** A key's name: what comes before the first `=` of an entry, when it has this shape. */
const API_KEY_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `[name=]key[:projectUuid]`, comma-separated. The part before the FIRST `=` names the key when it is a
 * valid name (API_KEY_NAME_RE) and something other than `=` follows it, so base64 keys with `=` padding
 * ("dGVzdA==") and keys whose `=` follows no name-shaped prefix ("a b=c" has a space, "x/y=z" a slash)
 * stay whole keys as before. The part after the LAST colon binds the key to a project only when it is
 * a UUID, so keys may themselves contain colons.
 */
export const apiKeysParser: Parser<ApiKeyEntry[]> = (raw, name) =>
  parsers
    .list()(raw, name)
    .map((item, i): ApiKeyEntry => {
      // Never echo a key in an error message: name the entry by position.
      const colon = item.lastIndexOf(':');
      const suffix = colon >= 0 ? item.slice(colon + 1).trim() : '';
      let projectUuid: string | null = null;
      let rest = item;
      if (isUuid(suffix)) [rest, projectUuid] = [item.slice(0, colon).trim(), suffix.toLowerCase()];
      else if (/^[0-9a-f-]{16,}$/i.test(suffix)) {
        // Looks like a mistyped binding: refusing is safer than silently granting every project.
        throw new Error(`${name}: entry ${i + 1} is bound to ${JSON.stringify(suffix)}, which is not a UUID`);
      }
      const eq = rest.indexOf('=');
      const prefix = eq > 0 ? rest.slice(0, eq) : '';
      const named = API_KEY_NAME_RE.test(prefix) && /[^=]/.test(rest.slice(eq + 1));
      const entry: ApiKeyEntry = named ? { key: rest.slice(eq + 1).trim(), name: prefix, projectUuid } : { key: rest, name: null, projectUuid };
      if (!entry.key) throw new Error(`${name}: entry ${i + 1} has an empty key`);
      if (/\s/.test(entry.key)) throw new Error(`${name}: entry ${i + 1} contains whitespace`);
      return entry;
    });

export const ingestApiConfigSpec: ConfigSpec<IngestApiConfig> = {
  ...baseConfigSpec,
  ...storageConfigSpec,
  port: { env: 'PORT', default: '3000', parse: parsers.int({ min: 0, max: 65535 }) },
  bullPrefix: bullPrefixSpec,
  maxFileMb: { env: 'MAX_FILE_MB', default: '200', parse: parsers.number({ min: 0.001, max: 100_000 }) },
  maxFilesPerUpload: { env: 'MAX_FILES_PER_UPLOAD', default: '50', parse: parsers.int({ min: 1, max: 10_000 }) },
  maxBatchDocuments: { env: 'MAX_BATCH_DOCUMENTS', default: '1000', parse: parsers.int({ min: 1, max: 100_000 }) },
  jsonBodyLimitKb: { env: 'JSON_BODY_LIMIT_KB', default: '4096', parse: parsers.int({ min: 1, max: 1_048_576 }) },
  // At least 3 (a batch manifest); capped well below where the validation pipe's recursion (frames per level) nears the stack limit.
  jsonMaxDepth: { env: 'JSON_MAX_DEPTH', default: '32', parse: parsers.int({ min: 3, max: 512 }) },
  apiKeys: { env: 'CASEGRAPH_API_KEYS', default: ' ', parse: apiKeysParser },
  cooccurrenceMaxEntities: cooccurrenceMaxEntitiesSpec,
  rateLimitPerMinute: { env: 'RATE_LIMIT_PER_MINUTE', default: '600', parse: parsers.int({ min: 0 }) },
  reconcileIntervalSeconds: { env: 'RECONCILE_INTERVAL_SECONDS', default: '30', parse: parsers.int({ min: 0, max: 86_400 }) },
  reconcileMinAgeSeconds: { env: 'RECONCILE_MIN_AGE_SECONDS', default: '5', parse: parsers.int({ min: 0, max: 86_400 }) },
  reconcileBatchSize: { env: 'RECONCILE_BATCH_SIZE', default: '500', parse: parsers.int({ min: 1, max: 10_000 }) },
  enqueueTimeoutMs: { env: 'ENQUEUE_TIMEOUT_MS', default: '1500', parse: parsers.int({ min: 50, max: 60_000 }) },
  sweepIntervalSeconds: { env: 'SWEEP_INTERVAL_SECONDS', default: '60', parse: parsers.int({ min: 0, max: 86_400 }) },
  stageTimeoutSeconds: { env: 'STAGE_TIMEOUT_SECONDS', default: '600', parse: parsers.int({ min: 1, max: 30 * 86_400 }) },
  stageTimeoutOcrSeconds: { env: 'STAGE_TIMEOUT_OCR_SECONDS', default: ' ', parse: optionalSeconds },
  stageTimeoutChunkingSeconds: { env: 'STAGE_TIMEOUT_CHUNKING_SECONDS', default: ' ', parse: optionalSeconds },
  stageTimeoutEntitiesSeconds: { env: 'STAGE_TIMEOUT_ENTITIES_SECONDS', default: ' ', parse: optionalSeconds },
  stageTimeoutResolutionSeconds: { env: 'STAGE_TIMEOUT_RESOLUTION_SECONDS', default: ' ', parse: optionalSeconds },
  stageTimeoutRelationshipsSeconds: { env: 'STAGE_TIMEOUT_RELATIONSHIPS_SECONDS', default: ' ', parse: optionalSeconds },
  maxStageAttempts: { env: 'MAX_STAGE_ATTEMPTS', default: '3', parse: parsers.int({ min: 1, max: 100 }) },
  sweepBatchSize: { env: 'SWEEP_BATCH_SIZE', default: '500', parse: parsers.int({ min: 1, max: 10_000 }) },
  documentPasswordKey: { env: 'DOCUMENT_PASSWORD_KEY', default: ' ', parse: optionalSecretKey },
  productionMaxFiles: { env: 'PRODUCTION_MAX_FILES', default: '20000', parse: parsers.int({ min: 1, max: 1_000_000 }) },
  productionMaxLoadFileMb: { env: 'PRODUCTION_MAX_LOAD_FILE_MB', default: '64', parse: parsers.number({ min: 0.001, max: 10_000 }) },
  productionMaxTotalMb: { env: 'PRODUCTION_MAX_TOTAL_MB', default: '20480', parse: parsers.number({ min: 0.001, max: 10_000_000 }) },
  productionMaxPages: { env: 'PRODUCTION_MAX_PAGES', default: '2000', parse: parsers.int({ min: 1, max: 100_000 }) },
  productionMaxImagePixels: { env: 'PRODUCTION_MAX_IMAGE_PIXELS', default: '100000000', parse: parsers.int({ min: 1, max: 2_000_000_000 }) },
  // At most 30 days: a browser session is no long-lived credential (a key is).
  sessionTtlMinutes: { env: 'SESSION_TTL_MINUTES', default: '480', parse: parsers.int({ min: 1, max: 43_200 }) },
  webDistDir: { env: 'WEB_DIST_DIR', default: ' ', parse: optionalPath },
  trustProxyHops: { env: 'TRUST_PROXY', default: '0', parse: parsers.int({ min: 0, max: 10 }) },
  searchCountCap: { env: 'SEARCH_COUNT_CAP', default: '10000', parse: parsers.int({ min: 1, max: 10_000_000 }) },
  crossChecks: [...storageCrossChecks],
};
