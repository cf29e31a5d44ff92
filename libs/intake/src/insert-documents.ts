import type { EntityManager } from 'typeorm';
import type { DocumentMetadata, DocumentStatus, OccurrenceSource } from '@casegraph/contracts';
import type { ProjectContext } from '@casegraph/project-context';

/** One document to create; its bytes are already in storage. */
export interface NewDocument {
  documentUuid: string;
  /** Sanitised file name (safeFilename). */
  filename: string;
  s3Bucket: string | null;
  s3Key: string;
  fileSizeBytes: number | null;
  /** Type the client declared (multipart part / manifest mimeType / attachment content type). */
  fileType: string | null;
  /** Type sniffed from the bytes. */
  detectedFileType: string | null;
  /** Content hash; duplicates within a project are found by it (null: never a duplicate). */
  sha256: string | null;
  /** Family: the document it came out of, its position there and its path inside it. */
  parentDocumentUuid?: string | null;
  attachmentIndex?: number | null;
  familyPath?: string | null;
  documentMetadata?: DocumentMetadata | null;
  /** Where it came from; recorded for the new document or, for a duplicate, for the document it duplicates. */
  occurrence: { source: OccurrenceSource; custodian?: string | null; path?: string | null; productionUuid?: string | null };
}

export interface IntakeProject {
  id: number;
  projectUuid: string;
  name: string;
}

export interface InsertedDocuments {
  /** New documents: UUID → created_at. */
  inserted: Map<string, Date>;
  /** Duplicates: sha256 → the existing document. */
  duplicates: Map<string, { documentUuid: string; status: DocumentStatus }>;
}

/** Advisory lock namespace (pg_advisory_xact_lock(int, int)) of a project's intake: 'INT' + 1. */
export const INTAKE_LOCK_NAMESPACE = 0x494e5401;

/** The project with this UUID (FOR KEY SHARE when `lock`: a project delete waits for the intake), or null. */
export async function findIntakeProject(m: EntityManager, projectUuid: string, lock = false): Promise<IntakeProject | null> {
  const rows: Array<{ id: number; project_uuid: string; name: string }> = await m.query(
    `SELECT id, project_uuid, name FROM projects WHERE project_uuid = $1 ${lock ? 'FOR KEY SHARE' : ''}`,
    [projectUuid],
  );
  return rows.length ? { id: Number(rows[0].id), projectUuid: rows[0].project_uuid, name: rows[0].name } : null;
}

/**
 * Inside the caller's transaction: ONE multi-row INSERT (unnest) of every row with both project_fk_id and
 * project_uuid, status pending; duplicates (same sha256 in the project) are skipped by ON CONFLICT and looked up.
 * Then ONE INSERT of every document's occurrence (the new document's, or the existing one's for a duplicate),
 * ON CONFLICT DO NOTHING on the origin: the same intake run twice records nothing twice.
 */
export async function insertDocuments(
  m: EntityManager,
  project: IntakeProject,
  docs: NewDocument[],
  batchId: string | null = null,
): Promise<InsertedDocuments> {
  if (!docs.length) return { inserted: new Map(), duplicates: new Map() };
  // One intake of a project at a time (until the caller's transaction ends). The INSERT takes the
  // (project_fk_id, sha256) unique-index locks in the order given: two intakes of the same files in different orders
  // (two e-mails of a thread forwarding the same attachments, two uploads of one folder) deadlocked. The
  // transactions are short (the bytes are stored before), so waiting costs little.
  await m.query('SELECT pg_advisory_xact_lock($1, $2)', [INTAKE_LOCK_NAMESPACE, project.id]);
  const rows: Array<{ document_uuid: string; created_at: Date }> = await m.query(
    `INSERT INTO source_documents
       (document_uuid, project_fk_id, project_uuid, batch_id, original_file_name, file_name, s3_bucket, s3_key,
        file_size_bytes, file_type, detected_file_type, sha256, status,
        parent_document_uuid, attachment_index, family_path, document_metadata)
     SELECT t.document_uuid, $1, $2, $3, t.filename, t.filename, t.s3_bucket, t.s3_key,
            t.file_size_bytes, t.file_type, t.detected_file_type, t.sha256, 'pending',
            t.parent_document_uuid, t.attachment_index, t.family_path, t.document_metadata
       FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[],
                   $12::uuid[], $13::int[], $14::text[], $15::jsonb[])
            WITH ORDINALITY AS t(document_uuid, filename, s3_bucket, s3_key, file_size_bytes, file_type,
                                 detected_file_type, sha256, parent_document_uuid, attachment_index, family_path,
                                 document_metadata, ord)
      ORDER BY t.ord
     ON CONFLICT (project_fk_id, sha256) WHERE sha256 IS NOT NULL DO NOTHING
     RETURNING document_uuid, created_at`,
    [
      project.id,
      project.projectUuid,
      batchId,
      docs.map((d) => d.documentUuid),
      docs.map((d) => d.filename),
      docs.map((d) => d.s3Bucket),
      docs.map((d) => d.s3Key),
      docs.map((d) => (d.fileSizeBytes === null ? null : String(d.fileSizeBytes))),
      docs.map((d) => d.fileType),
      docs.map((d) => d.detectedFileType),
      docs.map((d) => d.sha256),
      docs.map((d) => d.parentDocumentUuid ?? null),
      docs.map((d) => d.attachmentIndex ?? null),
      docs.map((d) => d.familyPath ?? null),
      docs.map((d) => (d.documentMetadata ? JSON.stringify(d.documentMetadata) : null)),
    ],
  );
  const inserted = new Map(rows.map((r) => [r.document_uuid, new Date(r.created_at)]));
  const missingHashes = docs.filter((d) => !inserted.has(d.documentUuid) && d.sha256).map((d) => d.sha256!);
  const duplicates = missingHashes.length ? await findByHash(m, project.id, missingHashes) : new Map();
  const ownerOf = (d: NewDocument): string | undefined =>
    inserted.has(d.documentUuid) ? d.documentUuid : d.sha256 ? duplicates.get(d.sha256)?.documentUuid : undefined;
  const recorded = docs.filter((d) => ownerOf(d));
  await m.query(
    `INSERT INTO document_occurrences
       (document_uuid, project_fk_id, source, custodian, path, parent_document_uuid, attachment_index, production_uuid)
     SELECT t.document_uuid, $1, t.source, t.custodian, t.path, t.parent_document_uuid, t.attachment_index, t.production_uuid
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::int[], $8::uuid[])
            AS t(document_uuid, source, custodian, path, parent_document_uuid, attachment_index, production_uuid)
     ON CONFLICT DO NOTHING`,
    [
      project.id,
      recorded.map((d) => ownerOf(d)),
      recorded.map((d) => d.occurrence.source),
      recorded.map((d) => d.occurrence.custodian ?? null),
      recorded.map((d) => d.occurrence.path ?? d.familyPath ?? d.filename),
      recorded.map((d) => d.parentDocumentUuid ?? null),
      recorded.map((d) => d.attachmentIndex ?? null),
      recorded.map((d) => d.occurrence.productionUuid ?? null),
    ],
  );
  return { inserted, duplicates };
}

async function findByHash(
  m: EntityManager,
  projectId: number,
  hashes: string[],
): Promise<Map<string, { documentUuid: string; status: DocumentStatus }>> {
  const rows: Array<{ document_uuid: string; sha256: string; status: DocumentStatus }> = await m.query(
    `SELECT document_uuid, sha256, status FROM source_documents
      WHERE project_fk_id = $1 AND sha256 = ANY($2::char(64)[])`,
    [projectId, hashes],
  );
  return new Map(rows.map((r) => [r.sha256, { documentUuid: r.document_uuid, status: r.status }]));
}

/** The project contexts of the documents just created, to cache after the commit (ProjectContextService.rememberMany). */
export function createdContexts(project: IntakeProject, docs: NewDocument[], inserted: Map<string, Date>): ProjectContext[] {
  return docs
    .filter((d) => inserted.has(d.documentUuid))
    .map((d) => ({
      documentUuid: d.documentUuid,
      projectUuid: project.projectUuid,
      projectId: project.id,
      documentMetadata: {
        filename: d.filename,
        s3Bucket: d.s3Bucket ?? undefined,
        s3Key: d.s3Key,
        uploadedAt: inserted.get(d.documentUuid)!.toISOString(),
      },
    }));
}
