/**
 * Document formats, families, occurrences and format metadata: the contract between the API (upload, productions,
 * the document routes), the OCR worker (extraction, child documents) and the graph worker (e-mail entities and edges).
 */

/** Every format the pipeline reads, detected from the bytes (never from the name). */
export const SUPPORTED_FORMATS = [
  { id: 'pdf', mime: 'application/pdf', label: 'PDF (text layer, or OCR for scanned pages)', extensions: ['.pdf'] },
  { id: 'png', mime: 'image/png', label: 'PNG image (OCR)', extensions: ['.png'] },
  { id: 'jpeg', mime: 'image/jpeg', label: 'JPEG image (OCR)', extensions: ['.jpg', '.jpeg'] },
  { id: 'tiff', mime: 'image/tiff', label: 'TIFF image, every page (OCR)', extensions: ['.tif', '.tiff'] },
  {
    id: 'docx',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    label: 'Word document (.docx), with headers, footers, footnotes and comments',
    extensions: ['.docx', '.docm'],
  },
  { id: 'eml', mime: 'message/rfc822', label: 'E-mail (.eml), attachments as child documents', extensions: ['.eml'] },
  { id: 'msg', mime: 'application/vnd.ms-outlook', label: 'Outlook message (.msg), attachments as child documents', extensions: ['.msg'] },
  { id: 'html', mime: 'text/html', label: 'HTML page', extensions: ['.html', '.htm', '.xhtml'] },
  {
    id: 'text',
    mime: 'text/plain',
    label: 'Plain text (UTF-8, UTF-16 or Windows-1252, detected)',
    extensions: ['.txt', '.text', '.md', '.csv', '.log'],
  },
  { id: 'zip', mime: 'application/zip', label: 'ZIP archive, every entry as a child document', extensions: ['.zip'] },
] as const;

export type FormatId = (typeof SUPPORTED_FORMATS)[number]['id'];
export const FORMAT_IDS: readonly FormatId[] = SUPPORTED_FORMATS.map((f) => f.id);

/** Formats recognised from their bytes but not read: refused (upload) or failed (a child) with this advice. */
export const UNSUPPORTED_FORMATS = [
  { id: 'doc', label: 'Word 97-2003 document (.doc)', advice: 'convert it to DOCX or PDF' },
  { id: 'rtf', label: 'Rich Text Format document (.rtf)', advice: 'convert it to DOCX or PDF' },
  { id: 'xls', label: 'Excel 97-2003 workbook (.xls)', advice: 'convert it to PDF' },
  { id: 'ppt', label: 'PowerPoint 97-2003 presentation (.ppt)', advice: 'convert it to PDF' },
  { id: 'xlsx', label: 'Excel workbook (.xlsx)', advice: 'convert it to PDF' },
  { id: 'pptx', label: 'PowerPoint presentation (.pptx)', advice: 'convert it to PDF' },
  { id: 'odf', label: 'OpenDocument file (.odt, .ods, .odp)', advice: 'convert it to DOCX or PDF' },
  { id: 'rar', label: 'RAR archive', advice: 'repack it as ZIP' },
  { id: '7z', label: '7-Zip archive', advice: 'repack it as ZIP' },
  { id: 'gzip', label: 'gzip or tar archive', advice: 'repack it as ZIP' },
  { id: 'mbox', label: 'mbox mailbox', advice: 'export the messages as .eml files' },
  { id: 'pst', label: 'Outlook data file (.pst)', advice: 'export the messages as .msg or .eml files' },
  { id: 'encrypted-zip', label: 'password-protected ZIP archive', advice: 'unpack it and upload the files' },
  {
    id: 'encrypted-office',
    label: 'password-protected Office document',
    advice: 'remove its password in Office (or save it as PDF) and upload it again',
  },
  { id: 'binary', label: 'file of an unknown binary type', advice: 'upload it as PDF' },
] as const;
export type UnsupportedFormatId = (typeof UNSUPPORTED_FORMATS)[number]['id'];

/** The one readable sentence listing what is read, for refusals and help texts. */
export const SUPPORTED_FORMATS_SENTENCE = 'PDF, PNG, JPEG, TIFF, Word (.docx), e-mail (.eml, .msg), HTML, plain text and ZIP archives';

/** What a stored page is when it is not a printed page (document_pages.part); null/absent for a page. */
export const DOCUMENT_PARTS = ['body', 'headers', 'footers', 'footnotes', 'endnotes', 'comments', 'email-headers', 'email-body'] as const;
export type DocumentPart = (typeof DOCUMENT_PARTS)[number];

/** Where a document's bytes came from (document_occurrences.source). */
export const OCCURRENCE_SOURCES = ['upload', 'batch', 'attachment', 'archive', 'production'] as const;
export type OccurrenceSource = (typeof OCCURRENCE_SOURCES)[number];

/** One address of an e-mail header. */
export interface EmailAddress {
  /** Display name (`Jane Doe`), null when the header gives only the address. */
  name: string | null;
  /** Lower-cased address (`jane@example.com`), null for a group or an unparseable entry. */
  address: string | null;
}

/** The headers of an e-mail, as the OCR stage read them (document_metadata.email). */
export interface EmailMetadata {
  from: EmailAddress[];
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo?: EmailAddress[];
  subject: string | null;
  /** ISO 8601, null when absent or unparseable. */
  date: string | null;
  /** Without angle brackets; null when absent. */
  messageId: string | null;
  inReplyTo: string | null;
  /** References header, oldest first, without angle brackets. */
  references: string[];
  /** Number of attachments found (each a child document). */
  attachmentCount: number;
}

/** A production record's load-file fields (document_metadata.production). */
export interface ProductionMetadata {
  productionUuid: string;
  /** The load file's field names → values, as read (þ quotes removed). */
  fields: Record<string, string>;
  begBates: string | null;
  endBates: string | null;
  /** Bates number of each page, in page order (from the OPT). */
  pageBates: string[];
  custodian: string | null;
}

/** One document a production import created (or found: duplicateOf), as POST /v1/projects/:p/productions answers. */
export interface ProductionImportedDocument {
  documentUuid: string;
  begBates: string;
  endBates: string;
  pages: number;
  custodian: string | null;
  duplicateOf?: string;
}

/** A load-file record, OPT line or page image the import could not read. */
export interface ProductionUnreadableRecord {
  /** 1-based line of the load file named by source (0: not tied to a line). */
  line: number;
  source: 'dat' | 'opt' | 'image';
  reason: string;
}

/** What the format says about a document (source_documents.document_metadata). Every key is optional. */
export interface DocumentMetadata {
  /** The format read (FormatId). */
  format?: FormatId;
  email?: EmailMetadata;
  production?: ProductionMetadata;
  /** A Word file's core properties (title, author, created, modified). */
  office?: Record<string, string>;
  /** Text encoding detected for plain text / HTML. */
  encoding?: string;
  /** Nesting depth: 0 for a submitted document, parent + 1 for a child (attachments of attachments, archives in archives). */
  familyDepth?: number;
  /** The submitted document a child's family started from (its own UUID's family has no root key): caps a family's size. */
  familyRoot?: string;
}

/** Family link shown by the API: a child's parent and position; a parent's children. */
export interface FamilyLink {
  parentDocumentUuid: string;
  attachmentIndex: number;
  path: string | null;
}

/** Who is in a document (GET /v1/documents/:id/entities `summary`): shared by the API and the web app. */
export interface SummaryEntity {
  entityUuid: string;
  name: string;
  type: string;
  /** Party roles (plaintiff, appellee…), judge roles (author, panel, dissent…), citation signals (see, cf.…). */
  roles: string[];
  /** The document's mentions of it. */
  mentions: number;
  /** The first page it is mentioned on (null: only mentions with unknown offsets, or only an edge). */
  firstPage: number | null;
}

export interface DocumentSummary {
  parties: SummaryEntity[];
  judges: SummaryEntity[];
  courts: SummaryEntity[];
  citations: SummaryEntity[];
  cases: SummaryEntity[];
}
