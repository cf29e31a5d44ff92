import { randomUUID } from 'node:crypto';
import { cloneContext, decodeEntry, encodeEntry, isValidContext, jitteredTtlMs } from './cache-entry';
import type { ProjectContext } from './project-context.types';

const ctx = (over: Partial<ProjectContext> = {}): ProjectContext => ({
  documentUuid: randomUUID(),
  projectUuid: randomUUID(),
  projectId: 7,
  documentMetadata: { filename: 'a.pdf', s3Bucket: 'b', s3Key: 'k/a.pdf', uploadedAt: '2025-06-05T02:20:00.000Z' },
  ...over,
});

describe('cache entry codec', () => {
  it('round-trips a context through the old JSON shape', () => {
    const c = ctx();
    const raw = encodeEntry(c);
    expect(JSON.parse(raw)).toEqual({
      project_uuid: c.projectUuid,
      project_id: 7,
      document_uuid: c.documentUuid,
      document_metadata: { filename: 'a.pdf', s3_bucket: 'b', s3_key: 'k/a.pdf', uploaded_at: '2025-06-05T02:20:00.000Z' },
    });
    expect(decodeEntry(raw, c.documentUuid)).toEqual({ ok: true, complete: true, legacy: undefined, context: c });
  });

  it('stores absent S3 fields as null and reads them back as undefined', () => {
    const c = ctx({ documentMetadata: { filename: 'x.png', uploadedAt: '2025-01-01T00:00:00.000Z' } });
    const raw = encodeEntry(c);
    expect(JSON.parse(raw).document_metadata).toEqual({ filename: 'x.png', s3_bucket: null, s3_key: null, uploaded_at: '2025-01-01T00:00:00.000Z' });
    const d = decodeEntry(raw, c.documentUuid);
    expect(d.ok && d.complete && d.context.documentMetadata).toEqual({
      filename: 'x.png',
      s3Bucket: undefined,
      s3Key: undefined,
      uploadedAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('accepts an entry written by the old system (no document_uuid)', () => {
    const doc = randomUUID();
    const pu = randomUUID();
    const raw = JSON.stringify({
      project_uuid: pu,
      project_id: 1,
      document_metadata: { filename: 'f', s3_bucket: 'b', s3_key: 'k', uploaded_at: '2025-06-05T02:20:00' },
    });
    const d = decodeEntry(raw, doc);
    expect(d).toMatchObject({ ok: true, complete: true, legacy: undefined, context: { projectUuid: pu, projectId: 1 } });
  });

  const doc = randomUUID();
  const good = {
    project_uuid: randomUUID(),
    project_id: 3,
    document_metadata: { filename: 'f', s3_bucket: null, s3_key: null, uploaded_at: '2025-01-01T00:00:00Z' },
  };
  it.each([
    ['garbage', '{not json', 'not JSON'],
    ['a JSON string', '"hello"', 'not an object'],
    ['an array', '[1,2]', 'not an object'],
    ['null project_uuid', JSON.stringify({ ...good, project_uuid: null }), 'project_uuid is not a UUID'],
    ['non-UUID project_uuid', JSON.stringify({ ...good, project_uuid: 'None' }), 'project_uuid is not a UUID'],
    ['string project_id', JSON.stringify({ ...good, project_id: '3' }), 'project_id is not a positive integer'],
    ['zero project_id', JSON.stringify({ ...good, project_id: 0 }), 'project_id is not a positive integer'],
    ['another document', JSON.stringify({ ...good, document_uuid: randomUUID() }), 'document_uuid does not match the key'],
    ['no metadata', JSON.stringify({ ...good, document_metadata: undefined }), 'document_metadata missing'],
    ['no filename', JSON.stringify({ ...good, document_metadata: { ...good.document_metadata, filename: 1 } }), 'document_metadata.filename missing'],
    [
      'bad date',
      JSON.stringify({ ...good, document_metadata: { ...good.document_metadata, uploaded_at: 'yesterday' } }),
      'document_metadata.uploaded_at is not a date',
    ],
    [
      'numeric bucket',
      JSON.stringify({ ...good, document_metadata: { ...good.document_metadata, s3_bucket: 5 } }),
      'document_metadata.s3_* is not a string',
    ],
  ])('rejects %s', (_name, raw, reason) => {
    expect(decodeEntry(raw, doc)).toEqual({ ok: false, reason });
  });

  it('accepts the same document in upper case', () => {
    const c = ctx();
    expect(decodeEntry(encodeEntry(c), c.documentUuid.toUpperCase()).ok).toBe(true);
  });
});

describe("the old system's entry shapes", () => {
  const doc = randomUUID();
  const pu = randomUUID();
  /** Shape A, as the old intake wrote it (no TTL). */
  const intake = {
    document_uuid: doc,
    project_id: 12,
    project_uuid: pu,
    filename: 'Complaint.pdf',
    s3_bucket: 'legal-docs',
    s3_key: `documents/${doc}/Complaint.pdf`,
    created_at: '2025-06-05T02:20:00.123456+00:00',
    status: 'pending',
  };
  /** Shape B, as the old pipeline wrote it (TTL 86400). */
  const pipeline = {
    project_uuid: pu,
    document_metadata: { documentId: doc, name: 'Complaint.pdf', file_type: 'pdf', project_uuid: pu },
    file_path: `s3://legal-docs/documents/${doc}/Complaint.pdf`,
    pipeline_started: '2025-06-05T02:21:00',
  };

  it('reads a complete intake entry as a context: the serial id, the UUID, filename, S3 and created_at', () => {
    expect(decodeEntry(JSON.stringify(intake), doc)).toEqual({
      ok: true,
      complete: true,
      legacy: 'intake',
      context: {
        documentUuid: doc,
        projectUuid: pu,
        projectId: 12,
        documentMetadata: { filename: 'Complaint.pdf', s3Bucket: 'legal-docs', s3Key: intake.s3_key, uploadedAt: intake.created_at },
      },
    });
    // Upper-case UUIDs (key and values) are the same document and project.
    const upper = decodeEntry(JSON.stringify({ ...intake, document_uuid: doc.toUpperCase(), project_uuid: pu.toUpperCase() }), doc);
    expect(upper).toMatchObject({ ok: true, complete: true, context: { projectUuid: pu } });
    // NULL S3 fields and status are fine.
    expect(decodeEntry(JSON.stringify({ ...intake, s3_bucket: null, s3_key: null, status: null }), doc)).toMatchObject({ ok: true, complete: true });
  });

  it.each([
    ['a NULL filename', { filename: null }],
    ['no filename', { filename: undefined }],
    ['a NULL created_at', { created_at: null }],
    ['no created_at', { created_at: undefined }],
  ])('reads an intake entry with %s as incomplete (a miss, not malformed)', (_name, over) => {
    const d = decodeEntry(JSON.stringify({ ...intake, ...over }), doc);
    expect(d).toMatchObject({ ok: true, complete: false, legacy: 'intake', context: { documentUuid: doc, projectUuid: pu, projectId: 12 } });
  });

  it('reads a pipeline entry as incomplete (it has no project id), with its project UUID', () => {
    expect(decodeEntry(JSON.stringify(pipeline), doc)).toEqual({
      ok: true,
      complete: false,
      legacy: 'pipeline',
      context: { documentUuid: doc, projectUuid: pu, filename: 'Complaint.pdf' },
    });
    const bare = { project_uuid: pu, document_metadata: { documentId: doc, name: null } };
    expect(decodeEntry(JSON.stringify(bare), doc)).toEqual({
      ok: true,
      complete: false,
      legacy: 'pipeline',
      context: { documentUuid: doc, projectUuid: pu },
    });
  });

  it.each([
    ['intake: another document', { ...intake, document_uuid: randomUUID() }, 'document_uuid does not match the key'],
    ['intake: document_uuid not a string', { ...intake, document_uuid: 5 }, 'document_uuid does not match the key'],
    ['intake: project_uuid not a UUID', { ...intake, project_uuid: 'None' }, 'project_uuid is not a UUID'],
    ['intake: NULL project_uuid', { ...intake, project_uuid: null }, 'project_uuid is not a UUID'],
    ['intake: project_id a string', { ...intake, project_id: '12' }, 'project_id is not a positive integer'],
    ['intake: project_id NULL', { ...intake, project_id: null }, 'project_id is not a positive integer'],
    ['intake: project_id 0', { ...intake, project_id: 0 }, 'project_id is not a positive integer'],
    ['intake: project_id a fraction', { ...intake, project_id: 1.5 }, 'project_id is not a positive integer'],
    ['intake: numeric filename', { ...intake, filename: 7 }, 'filename is not a string'],
    ['intake: numeric s3_key', { ...intake, s3_key: 7 }, 's3_* is not a string'],
    ['intake: created_at not a date', { ...intake, created_at: 'yesterday' }, 'created_at is not a date'],
    ['intake: numeric status', { ...intake, status: 3 }, 'status is not a string'],
    ['pipeline: project_uuid not a UUID', { ...pipeline, project_uuid: 'None' }, 'project_uuid is not a UUID'],
    [
      'pipeline: another document',
      { ...pipeline, document_metadata: { ...pipeline.document_metadata, documentId: randomUUID() } },
      'document_metadata.documentId does not match the key',
    ],
    [
      'pipeline: two projects',
      { ...pipeline, document_metadata: { ...pipeline.document_metadata, project_uuid: randomUUID() } },
      'document_metadata.project_uuid disagrees with project_uuid',
    ],
    ['pipeline: numeric name', { ...pipeline, document_metadata: { ...pipeline.document_metadata, name: 1 } }, 'a file field is not a string'],
    ['pipeline: numeric file_path', { ...pipeline, file_path: 1 }, 'a file field is not a string'],
    // Neither old shape nor ours: a flat entry without document_uuid, or a metadata object of neither kind.
    ['flat, no document_uuid', { project_uuid: pu, project_id: 12, filename: 'x' }, 'document_metadata missing'],
    ['metadata of no known kind', { project_uuid: pu, document_metadata: { title: 'x' } }, 'project_id is not a positive integer'],
  ])('still rejects %s', (_name, value, reason) => {
    expect(decodeEntry(JSON.stringify(value), doc)).toEqual({ ok: false, reason });
  });
});

describe('isValidContext', () => {
  it('accepts a full context and rejects broken ones', () => {
    expect(isValidContext(ctx())).toBe(true);
    expect(isValidContext(ctx({ projectUuid: 'nope' }))).toBe(false);
    expect(isValidContext(ctx({ documentUuid: '' }))).toBe(false);
    expect(isValidContext(ctx({ projectId: 0 }))).toBe(false);
    expect(isValidContext({ ...ctx(), documentMetadata: undefined })).toBe(false);
    expect(isValidContext(null)).toBe(false);
  });
});

describe('jitteredTtlMs', () => {
  it('stays within ±10% of the TTL at the extremes of the random source', () => {
    expect(jitteredTtlMs(86400, () => 0)).toBe(86400 * 900);
    expect(jitteredTtlMs(86400, () => 0.999999)).toBeLessThanOrEqual(86400 * 1100);
    expect(jitteredTtlMs(86400, () => 0.5)).toBe(86400 * 1000);
  });

  it('spreads real draws across the band', () => {
    const draws = Array.from({ length: 2000 }, () => jitteredTtlMs(100));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(90_000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(110_000);
    // Both halves of the band are used: entries written together do not expire together.
    expect(draws.some((d) => d < 95_000)).toBe(true);
    expect(draws.some((d) => d > 105_000)).toBe(true);
  });
});

describe('cloneContext', () => {
  it('returns a copy whose mutation does not reach the original', () => {
    const c = ctx();
    const copy = cloneContext(c);
    copy.documentMetadata.filename = 'changed';
    copy.projectId = 99;
    expect(c.documentMetadata.filename).toBe('a.pdf');
    expect(c.projectId).toBe(7);
  });
});
