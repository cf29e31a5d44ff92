import { isUuid } from '@casegraph/contracts';
import type { ProjectContext } from './project-context.types';

/**
 * The JSON stored at `doc:metadata:{document_uuid}`. The field names are the old
 * system's, so that its tools still read our entries. `document_uuid` is ours
 * (old tools ignore it): it lets a reader reject an entry stored under the
 * wrong key.
 */
export interface CacheEntryJson {
  project_uuid: string;
  project_id: number;
  document_uuid?: string;
  document_metadata: {
    filename: string;
    s3_bucket: string | null;
    s3_key: string | null;
    uploaded_at: string;
  };
}

export type DecodedEntry = { ok: true; context: ProjectContext } | { ok: false; reason: string };

export function encodeEntry(c: ProjectContext): string {
  const json: CacheEntryJson = {
    project_uuid: c.projectUuid,
    project_id: c.projectId,
    document_uuid: c.documentUuid,
    document_metadata: {
      filename: c.documentMetadata.filename,
      s3_bucket: c.documentMetadata.s3Bucket ?? null,
      s3_key: c.documentMetadata.s3Key ?? null,
      uploaded_at: c.documentMetadata.uploadedAt,
    },
  };
  return JSON.stringify(json);
}

const optString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/**
 * Parses and validates a cache entry read for `documentUuid`. Anything that is
 * not exactly a well-formed entry for that document is rejected with a reason;
 * the caller deletes it and treats it as a miss.
 */
export function decodeEntry(raw: string, documentUuid: string): DecodedEntry {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'not an object' };
  const e = v as Record<string, unknown>;
  if (!isUuid(e.project_uuid)) return { ok: false, reason: 'project_uuid is not a UUID' };
  if (typeof e.project_id !== 'number' || !Number.isSafeInteger(e.project_id) || e.project_id < 1) {
    return { ok: false, reason: 'project_id is not a positive integer' };
  }
  if (e.document_uuid !== undefined && (typeof e.document_uuid !== 'string' || e.document_uuid.toLowerCase() !== documentUuid.toLowerCase())) {
    return { ok: false, reason: 'document_uuid does not match the key' };
  }
  const m = e.document_metadata as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return { ok: false, reason: 'document_metadata missing' };
  if (typeof m.filename !== 'string') return { ok: false, reason: 'document_metadata.filename missing' };
  if (typeof m.uploaded_at !== 'string' || Number.isNaN(Date.parse(m.uploaded_at))) {
    return { ok: false, reason: 'document_metadata.uploaded_at is not a date' };
  }
  if (!optString(m.s3_bucket) || !optString(m.s3_key)) return { ok: false, reason: 'document_metadata.s3_* is not a string' };
  return {
    ok: true,
    context: {
      documentUuid,
      projectUuid: e.project_uuid.toLowerCase(),
      projectId: e.project_id,
      documentMetadata: {
        filename: m.filename,
        s3Bucket: m.s3_bucket ?? undefined,
        s3Key: m.s3_key ?? undefined,
        uploadedAt: m.uploaded_at,
      },
    },
  };
}

/** True when `c` is a context we may write to the cache. */
export function isValidContext(c: unknown): c is ProjectContext {
  if (!c || typeof c !== 'object') return false;
  const x = c as ProjectContext;
  return (
    isUuid(x.documentUuid) &&
    isUuid(x.projectUuid) &&
    Number.isSafeInteger(x.projectId) &&
    x.projectId > 0 &&
    !!x.documentMetadata &&
    typeof x.documentMetadata.filename === 'string' &&
    typeof x.documentMetadata.uploadedAt === 'string' &&
    optString(x.documentMetadata.s3Bucket) &&
    optString(x.documentMetadata.s3Key)
  );
}

/** `ttlSeconds` ±10%, in milliseconds, so that entries written together do not expire together. */
export function jitteredTtlMs(ttlSeconds: number, random: () => number = Math.random): number {
  const factor = 0.9 + 0.2 * random();
  return Math.max(1, Math.round(ttlSeconds * 1000 * factor));
}

/** A copy the caller may mutate without touching what we cache. */
export function cloneContext(c: ProjectContext): ProjectContext {
  return { documentUuid: c.documentUuid, projectUuid: c.projectUuid, projectId: c.projectId, documentMetadata: { ...c.documentMetadata } };
}
