import type { EntityManager } from 'typeorm';
import { rowsOf } from '@casegraph/pipeline';
import { DocumentText, documentText } from './document-text';

/**
 * A document's text as the graph stages see it: its pages (document_pages, joined as the OCR worker joins
 * them), else raw_extracted_text as one page, else null (no text yet).
 */
export async function loadDocumentText(manager: EntityManager, documentUuid: string): Promise<DocumentText | null> {
  const pages = rowsOf<{ page_number: number; text: string; part: string | null }>(
    await manager.query('SELECT page_number, text, part FROM document_pages WHERE document_uuid = $1 ORDER BY page_number', [documentUuid]),
  );
  if (pages.length) return documentText(pages.map((p) => ({ pageNumber: p.page_number, text: p.text, part: p.part })));
  const raw = rowsOf<{ raw_extracted_text: string | null }>(
    await manager.query('SELECT raw_extracted_text FROM source_documents WHERE document_uuid = $1', [documentUuid]),
  );
  const text = raw[0]?.raw_extracted_text;
  return text === null || text === undefined ? null : documentText([{ pageNumber: 1, text }]);
}
