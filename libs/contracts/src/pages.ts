/**
 * How a document's pages are joined into its full text. The OCR worker writes
 * `source_documents.raw_extracted_text = joinPages(pages)`; the graph worker's
 * chunk and mention offsets are offsets into that same joined text, so page
 * numbers follow from the join.
 */
export const PAGE_SEPARATOR = '\n\n';

/** The full text of a document from its pages in page order (page 1 first). */
export function joinPages(pages: string[]): string {
  return pages.join(PAGE_SEPARATOR);
}
