import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: documents of every format. Expand-only, safe on a live database (every column is nullable with no
 * default, so ADD COLUMN is catalogue-only; the new indexes are on new, empty columns or new tables):
 *  - source_documents.parent_document_uuid / attachment_index / family_path: the family link of a child document
 *    (an e-mail's attachment, an archive's entry) to the document it came out of; document_metadata: what the
 *    format says about the document (e-mail headers, load-file fields, archive path, Word properties).
 *  - document_occurrences: every place a document's bytes came from (upload, batch, attachment, archive entry,
 *    production record), with custodian and path. Exact duplicates keep one document and one row here per source.
 *  - document_pages.bates / bates_prefix / bates_seq: the page's Bates number, as printed or from the load file;
 *    document_pages.part: what a page is when it is not a printed page (a Word file's headers, footnotes, comments).
 *  - document_secrets: an encrypted PDF's password, encrypted at rest (AES-256-GCM), deleted once it was used.
 * A re-run is a no-op (IF NOT EXISTS everywhere).
 */
export class DocumentFormats1765100000000 implements MigrationInterface {
  name = 'DocumentFormats1765100000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '10s'`);
    await q.query(`ALTER TABLE source_documents
      ADD COLUMN IF NOT EXISTS parent_document_uuid uuid,
      ADD COLUMN IF NOT EXISTS attachment_index int,
      ADD COLUMN IF NOT EXISTS family_path text,
      ADD COLUMN IF NOT EXISTS document_metadata jsonb`);
    await q.query(`CREATE INDEX IF NOT EXISTS idx_source_documents_parent ON source_documents (parent_document_uuid, attachment_index)
                    WHERE parent_document_uuid IS NOT NULL`);
    // E-mail threads: a reply finds the message it answers by Message-ID.
    await q.query(`CREATE INDEX IF NOT EXISTS idx_source_documents_message_id ON source_documents (project_fk_id, ((document_metadata #>> '{email,messageId}')))
                    WHERE document_metadata #>> '{email,messageId}' IS NOT NULL`);
    // And the replies to a message: by In-Reply-To, or by any id of References (libs/graph email-threads).
    await q.query(`CREATE INDEX IF NOT EXISTS idx_source_documents_in_reply_to ON source_documents (project_fk_id, ((document_metadata #>> '{email,inReplyTo}')))
                    WHERE document_metadata #>> '{email,inReplyTo}' IS NOT NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS idx_source_documents_references ON source_documents USING gin ((document_metadata #> '{email,references}'))
                    WHERE document_metadata #> '{email,references}' IS NOT NULL`);
    // A family's size (FORMAT_MAX_FAMILY_DOCUMENTS): the documents that came out of one submitted document.
    await q.query(`CREATE INDEX IF NOT EXISTS idx_source_documents_family_root ON source_documents (((document_metadata ->> 'familyRoot')))
                    WHERE document_metadata ->> 'familyRoot' IS NOT NULL`);

    await q.query(`CREATE TABLE IF NOT EXISTS document_occurrences (
      id bigserial PRIMARY KEY,
      document_uuid uuid NOT NULL CONSTRAINT fk_document_occurrences_document REFERENCES source_documents (document_uuid) ON DELETE CASCADE,
      project_fk_id int NOT NULL,
      source varchar(20) NOT NULL,
      custodian text,
      path text,
      parent_document_uuid uuid,
      attachment_index int,
      production_uuid uuid,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // One row per distinct origin: a re-run of the same intake (a retried parent re-expanding its archive) adds nothing.
    await q.query(`CREATE UNIQUE INDEX IF NOT EXISTS uq_document_occurrences_origin ON document_occurrences (
      document_uuid, source, COALESCE(parent_document_uuid, '00000000-0000-0000-0000-000000000000'::uuid),
      COALESCE(attachment_index, -1), COALESCE(custodian, ''), COALESCE(path, ''))`);
    await q.query(`CREATE INDEX IF NOT EXISTS idx_document_occurrences_parent ON document_occurrences (parent_document_uuid)
                    WHERE parent_document_uuid IS NOT NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS idx_document_occurrences_project_custodian ON document_occurrences (project_fk_id, custodian)
                    WHERE custodian IS NOT NULL`);

    await q.query(`ALTER TABLE document_pages
      ADD COLUMN IF NOT EXISTS bates varchar(64),
      ADD COLUMN IF NOT EXISTS bates_prefix varchar(48),
      ADD COLUMN IF NOT EXISTS bates_seq bigint,
      ADD COLUMN IF NOT EXISTS part varchar(32)`);
    await q.query(`CREATE INDEX IF NOT EXISTS idx_document_pages_bates ON document_pages (bates_prefix, bates_seq) WHERE bates IS NOT NULL`);

    await q.query(`CREATE TABLE IF NOT EXISTS document_secrets (
      document_uuid uuid PRIMARY KEY CONSTRAINT fk_document_secrets_document REFERENCES source_documents (document_uuid) ON DELETE CASCADE,
      ciphertext bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS document_secrets`);
    await q.query(`DROP INDEX IF EXISTS idx_document_pages_bates`);
    await q.query(
      `ALTER TABLE document_pages DROP COLUMN IF EXISTS bates, DROP COLUMN IF EXISTS bates_prefix, DROP COLUMN IF EXISTS bates_seq, DROP COLUMN IF EXISTS part`,
    );
    await q.query(`DROP TABLE IF EXISTS document_occurrences`);
    await q.query(`DROP INDEX IF EXISTS idx_source_documents_family_root`);
    await q.query(`DROP INDEX IF EXISTS idx_source_documents_references`);
    await q.query(`DROP INDEX IF EXISTS idx_source_documents_in_reply_to`);
    await q.query(`DROP INDEX IF EXISTS idx_source_documents_message_id`);
    await q.query(`DROP INDEX IF EXISTS idx_source_documents_parent`);
    await q.query(`ALTER TABLE source_documents DROP COLUMN IF EXISTS parent_document_uuid, DROP COLUMN IF EXISTS attachment_index,
                     DROP COLUMN IF EXISTS family_path, DROP COLUMN IF EXISTS document_metadata`);
  }
}
