/**
 * Queue names, job names and job payloads shared by every service.
 * Jobs carry IDs, never document text: the database is the truth.
 */
export const QUEUES = {
  OCR: 'ocr',
  GRAPH: 'graph',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  /** Run OCR / text extraction for one document. */
  OCR_DOCUMENT: 'ocr-document',
  /** Poll an asynchronous Textract job (scheduled as a delayed job). */
  TEXTRACT_POLL: 'textract-poll',
  /** Chunk, extract, resolve and relate one document. */
  GRAPH_DOCUMENT: 'graph-document',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

export interface DocumentJobData {
  documentUuid: string;
  /**
   * DISPLAY ONLY (Bull Board shows job data; a UUID alone tells an operator nothing). Never read by a worker:
   * the document's row is the truth, and a job added without them (older jobs, the sweeper) works the same.
   */
  filename?: string;
  /** DISPLAY ONLY, like `filename`: workers resolve the project from the document, never from the job. */
  projectUuid?: string;
}

/** The display-only fields of a document job, omitted when unknown. */
export function jobDisplayFields(d: { filename?: string | null; projectUuid?: string | null }): Pick<DocumentJobData, 'filename' | 'projectUuid'> {
  return { ...(d.filename ? { filename: d.filename } : {}), ...(d.projectUuid ? { projectUuid: d.projectUuid } : {}) };
}

export interface TextractPollJobData {
  documentUuid: string;
  /** Textract's JobId returned by StartDocumentTextDetection. */
  textractJobId: string;
  /** 1-based poll number, used for the backoff and the deadline. */
  poll: number;
}

/**
 * Bull job id for a document's job on a queue. The id is the document UUID so
 * that a repeated enqueue of the same document is a no-op while the job exists.
 */
export function documentJobId(documentUuid: string): string {
  return documentUuid;
}

/** Default options for document jobs (attempts with exponential backoff; failures kept). */
export const DEFAULT_DOCUMENT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: 1000,
  removeOnFail: false,
} as const;
