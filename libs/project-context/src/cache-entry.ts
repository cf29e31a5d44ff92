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

export type LegacyShape = 'intake' | 'pipeline';

/** What an incomplete entry tells: its project's UUID, and the serial id when it has one. Never served. */
export interface PartialContext {
  documentUuid: string;
  projectUuid: string;
  projectId?: number;
  filename?: string;
}

/**
 * A decoded entry. `complete` entries (ours, or the old intake shape with every field) are served like any hit;
 * incomplete ones (old shapes that lack a field we need) are a miss that is loaded and written back in our shape,
 * never deleted as malformed. `legacy` names the old shape, undefined for ours.
 */
export type DecodedEntry =
  | { ok: true; complete: true; legacy: LegacyShape | undefined; context: ProjectContext }
  | { ok: true; complete: false; legacy: LegacyShape; context: PartialContext }
  | { ok: false; reason: string };

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
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const sameUuid = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/**
 * Parses and validates a cache entry read for `documentUuid`: ours, or one of
 * the old system's two shapes (see DecodedEntry). Anything that is not exactly
 * a well-formed entry for that document is rejected with a reason; the caller
 * deletes it and treats it as a miss.
 */
export function decodeEntry(raw: string, documentUuid: string): DecodedEntry {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObject(v)) return { ok: false, reason: 'not an object' };
  const e = v;
  if (!isUuid(e.project_uuid)) return { ok: false, reason: 'project_uuid is not a UUID' };
  if (isIntakeShape(e)) return decodeIntake(e, documentUuid, e.project_uuid.toLowerCase());
  if (isPipelineShape(e)) return decodePipeline(e, documentUuid, e.project_uuid.toLowerCase());
  if (!isPositiveInt(e.project_id)) return { ok: false, reason: 'project_id is not a positive integer' };
  if (e.document_uuid !== undefined && !sameUuid(e.document_uuid, documentUuid)) {
    return { ok: false, reason: 'document_uuid does not match the key' };
  }
  const m = e.document_metadata;
  if (!isObject(m)) return { ok: false, reason: 'document_metadata missing' };
  if (typeof m.filename !== 'string') return { ok: false, reason: 'document_metadata.filename missing' };
  if (!isDate(m.uploaded_at)) return { ok: false, reason: 'document_metadata.uploaded_at is not a date' };
  if (!optString(m.s3_bucket) || !optString(m.s3_key)) return { ok: false, reason: 'document_metadata.s3_* is not a string' };
  return {
    ok: true,
    complete: true,
    legacy: undefined,
    context: {
      documentUuid,
      projectUuid: e.project_uuid.toLowerCase(),
      projectId: e.project_id,
      documentMetadata: {
        filename: m.filename,
        s3Bucket: (m.s3_bucket as string | null) ?? undefined,
        s3Key: (m.s3_key as string | null) ?? undefined,
        uploadedAt: m.uploaded_at,
      },
    },
  };
}

/** The old intake's shape: flat, `document_uuid` and `filename`/`created_at` at the top, no document_metadata. */
function isIntakeShape(e: Record<string, unknown>): boolean {
  return !('document_metadata' in e) && 'document_uuid' in e && ('filename' in e || 'created_at' in e);
}

/** The old pipeline's shape: document_metadata {documentId, name, …} and no project_id. */
function isPipelineShape(e: Record<string, unknown>): boolean {
  const m = e.document_metadata;
  return !('project_id' in e) && isObject(m) && ('documentId' in m || 'name' in m) && !('uploaded_at' in m) && !('filename' in m);
}

/**
 * `{document_uuid, project_id: <serial>, project_uuid, filename, s3_bucket, s3_key, created_at, status}`.
 * Complete when the filename and created_at are there; a field of the wrong kind rejects it.
 */
function decodeIntake(e: Record<string, unknown>, documentUuid: string, projectUuid: string): DecodedEntry {
  if (!sameUuid(e.document_uuid, documentUuid)) return { ok: false, reason: 'document_uuid does not match the key' };
  if (!isPositiveInt(e.project_id)) return { ok: false, reason: 'project_id is not a positive integer' };
  if (!optString(e.filename)) return { ok: false, reason: 'filename is not a string' };
  if (!optString(e.s3_bucket) || !optString(e.s3_key)) return { ok: false, reason: 's3_* is not a string' };
  if (e.created_at !== undefined && e.created_at !== null && !isDate(e.created_at)) return { ok: false, reason: 'created_at is not a date' };
  if (!optString(e.status)) return { ok: false, reason: 'status is not a string' };
  if (typeof e.filename !== 'string' || !isDate(e.created_at)) {
    return {
      ok: true,
      complete: false,
      legacy: 'intake',
      context: { documentUuid, projectUuid, projectId: e.project_id, ...(typeof e.filename === 'string' ? { filename: e.filename } : {}) },
    };
  }
  return {
    ok: true,
    complete: true,
    legacy: 'intake',
    context: {
      documentUuid,
      projectUuid,
      projectId: e.project_id,
      documentMetadata: {
        filename: e.filename,
        s3Bucket: (e.s3_bucket as string | null) ?? undefined,
        s3Key: (e.s3_key as string | null) ?? undefined,
        uploadedAt: e.created_at,
      },
    },
  };
}

/**
 * `{project_uuid, document_metadata: {documentId, name, file_type, project_uuid}, file_path, pipeline_started}`.
 * Always incomplete (no project id); rejected when it names another document or disagrees on the project.
 */
function decodePipeline(e: Record<string, unknown>, documentUuid: string, projectUuid: string): DecodedEntry {
  const m = e.document_metadata as Record<string, unknown>;
  if (m.documentId !== undefined && m.documentId !== null && !sameUuid(m.documentId, documentUuid)) {
    return { ok: false, reason: 'document_metadata.documentId does not match the key' };
  }
  if (m.project_uuid !== undefined && m.project_uuid !== null && !sameUuid(m.project_uuid, projectUuid)) {
    return { ok: false, reason: 'document_metadata.project_uuid disagrees with project_uuid' };
  }
  if (!optString(m.name) || !optString(m.file_type) || !optString(e.file_path)) return { ok: false, reason: 'a file field is not a string' };
  return {
    ok: true,
    complete: false,
    legacy: 'pipeline',
    context: { documentUuid, projectUuid, ...(typeof m.name === 'string' ? { filename: m.name } : {}) },
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
