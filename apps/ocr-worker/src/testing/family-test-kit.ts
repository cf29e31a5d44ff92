/** Helpers of the OCR worker's format tests: a document's children, occurrences, pages with parts and stored copies. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStorageDriver } from '@casegraph/storage';
import { WorkerHandle } from './ocr-test-kit';

export interface ChildRow {
  document_uuid: string;
  original_file_name: string;
  attachment_index: number;
  family_path: string | null;
  status: string;
  ocr_status: string;
  detected_file_type: string | null;
  document_metadata: { familyDepth?: number } | null;
  error_message: string | null;
  s3_key: string;
}

/** The children of a document, by attachment index. */
export async function childrenOf(w: WorkerHandle, parentUuid: string): Promise<ChildRow[]> {
  return w.db.query(
    `SELECT document_uuid, original_file_name, attachment_index, family_path, status, ocr_status, detected_file_type,
            document_metadata, error_message, s3_key
       FROM source_documents WHERE parent_document_uuid = $1 ORDER BY attachment_index`,
    [parentUuid],
  );
}

export interface OccurrenceRow {
  source: string;
  custodian: string | null;
  path: string | null;
  parent_document_uuid: string | null;
  attachment_index: number | null;
}

export async function occurrencesOf(w: WorkerHandle, documentUuid: string): Promise<OccurrenceRow[]> {
  return w.db.query(
    `SELECT source, custodian, path, parent_document_uuid, attachment_index FROM document_occurrences
      WHERE document_uuid = $1 ORDER BY id`,
    [documentUuid],
  );
}

export interface PagePartRow {
  page_number: number;
  text: string;
  engine: string;
  confidence: number | null;
  part: string | null;
  bates: string | null;
  bates_prefix: string | null;
  bates_seq: string | null;
}

export async function pagesWithParts(w: WorkerHandle, documentUuid: string): Promise<PagePartRow[]> {
  return w.db.query(
    `SELECT page_number, text, engine, confidence, part, bates, bates_prefix, bates_seq FROM document_pages
      WHERE document_uuid = $1 ORDER BY page_number`,
    [documentUuid],
  );
}

/** Document folders stored for a project on the local driver (`documents/{projectUuid}/{documentUuid}`). */
export function storedDocumentFolders(w: WorkerHandle, projectUuid: string): string[] {
  const dir = (w.storage.driver as LocalStorageDriver).pathOf(join('documents', projectUuid));
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
