/**
 * The API's document as the intake page reads it (GET /v1/projects/:p/documents), and the words the page shows
 * for it: stage names, progress, errors. Pure functions, unit-tested.
 */
import type { DocumentStatus, Stage } from '@casegraph/contracts';

export interface StageView {
  status: DocumentStatus;
  startedAt: string | null;
  finishedAt: string | null;
  pagesDone?: number;
  pageCount?: number;
}

export interface FamilyLink {
  documentUuid: string;
  filename: string | null;
  attachmentIndex: number | null;
  path: string | null;
  status?: DocumentStatus;
}

export interface Occurrence {
  source: string;
  custodian: string | null;
  path: string | null;
  parentDocumentUuid: string | null;
  attachmentIndex: number | null;
  createdAt: string;
}

export interface DocumentItem {
  documentUuid: string;
  filename: string;
  status: DocumentStatus;
  currentStage: Stage | null;
  failedStage: Stage | null;
  stages: Record<Stage, StageView>;
  error: string | null;
  fileSizeBytes: number | null;
  fileType: string | null;
  pageCount: number | null;
  createdAt: string;
  family: { parent: FamilyLink | null; children: FamilyLink[] };
  occurrences: Occurrence[];
  metadata: { format?: string } & Record<string, unknown>;
  bates: { first: string; last: string } | null;
}

export interface DocumentPage {
  items: DocumentItem[];
  page: number;
  pageSize: number;
  total: number;
}

export interface Counts {
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  total: number;
}

export const STATUSES: readonly DocumentStatus[] = ['pending', 'processing', 'completed', 'failed'];

/** What each stage does, in a paralegal's words (the order is the pipeline's). */
export const STAGE_LABELS: Record<Stage, string> = {
  ocr: 'Text',
  chunking: 'Passages',
  entities: 'Names',
  resolution: 'Matching',
  relationships: 'Links',
};

export const STAGE_HELP: Record<Stage, string> = {
  ocr: 'Reading the text (OCR for scans)',
  chunking: 'Splitting the text into passages',
  entities: 'Finding people, organisations, courts, citations and dates',
  resolution: 'Matching names to the entities already known',
  relationships: 'Linking the entities to each other',
};

export const STATUS_LABELS: Record<DocumentStatus, string> = {
  pending: 'Waiting',
  processing: 'Processing',
  completed: 'Done',
  failed: 'Failed',
};

export const isActive = (s: DocumentStatus): boolean => s === 'pending' || s === 'processing';

/** Page progress of the text stage while it runs ("3 of 10 pages"), else null. */
export function pageProgress(d: Pick<DocumentItem, 'stages'>): { done: number; count: number; text: string } | null {
  const ocr = d.stages.ocr;
  if (ocr.status !== 'processing' || ocr.pageCount === undefined || ocr.pageCount <= 0) return null;
  const done = Math.min(ocr.pagesDone ?? 0, ocr.pageCount);
  return { done, count: ocr.pageCount, text: `${done} of ${ocr.pageCount} page${ocr.pageCount === 1 ? '' : 's'}` };
}

/** One line on where a document is: "Waiting", "Names (3 of 5 stages)", "Done, 12 pages", "Failed at Text". */
export function statusLine(d: Pick<DocumentItem, 'status' | 'currentStage' | 'failedStage' | 'pageCount' | 'stages'>): string {
  const order = Object.keys(STAGE_LABELS) as Stage[];
  switch (d.status) {
    case 'completed':
      return d.pageCount ? `Done, ${d.pageCount} page${d.pageCount === 1 ? '' : 's'}` : 'Done';
    case 'failed':
      return d.failedStage ? `Failed at ${STAGE_LABELS[d.failedStage]}` : 'Failed';
    case 'processing': {
      // The stage running, else (between two stages, the next one queued) the first not done yet.
      const running = order.find((s) => d.stages[s]?.status === 'processing');
      const stage = running ?? order.find((s) => d.stages[s]?.status !== 'completed') ?? d.currentStage;
      if (!stage) return 'Processing';
      const step = `step ${order.indexOf(stage) + 1} of ${order.length}`;
      if (!running) return `Waiting for the next step: ${STAGE_HELP[stage].toLowerCase()} (${step})`;
      const progress = stage === 'ocr' ? pageProgress(d) : null;
      return `${STAGE_HELP[stage]} (${step})${progress ? `: ${progress.text}` : ''}`;
    }
    default:
      return 'Waiting to be processed';
  }
}

/** True when a failure is an encrypted PDF's: its retry needs (another) password. */
export function needsPassword(d: Pick<DocumentItem, 'status' | 'error'>): boolean {
  return d.status === 'failed' && !!d.error && /password/i.test(d.error);
}

/** Why a document failed, in words a user can act on (the server's text when there is nothing better). */
export function errorInWords(d: Pick<DocumentItem, 'status' | 'error' | 'failedStage'>): string | null {
  if (d.status !== 'failed') return null;
  const e = (d.error ?? '').trim();
  if (/password given .*wrong|wrong password/i.test(e)) return 'The password given for this PDF is wrong. Retry with the right password.';
  if (/password-protected|password protected|needs? a password|encrypted/i.test(e) && /pdf/i.test(e)) {
    return 'This PDF is protected by a password. Retry it and type its password.';
  }
  if (!e)
    return d.failedStage
      ? `Processing stopped at the ${STAGE_LABELS[d.failedStage].toLowerCase()} step, without a reason given.`
      : 'Failed, without a reason given.';
  return e;
}

/** The parent of an attachment, in words: "Attachment 2 of offer.eml" / "In archive.zip: folder/a.pdf". */
export function parentLabel(parent: FamilyLink): string {
  const name = parent.filename ?? 'a deleted document';
  if (parent.path && parent.path.includes('/')) return `In ${name}: ${parent.path}`;
  return parent.attachmentIndex !== null ? `Attachment ${parent.attachmentIndex + 1} of ${name}` : `From ${name}`;
}

/** Where the other copies of a document came from (its occurrences beyond the first), or [] when it has none. */
export function duplicateOrigins(d: Pick<DocumentItem, 'occurrences'>): string[] {
  if (d.occurrences.length <= 1) return [];
  return d.occurrences.map((o) => {
    const where = o.path ?? '(no name)';
    const how = o.source === 'upload' ? 'uploaded as' : o.source === 'attachment' ? 'attached as' : `${o.source}:`;
    return `${how} ${where}${o.custodian ? ` (custodian ${o.custodian})` : ''}`;
  });
}

export function batesRange(d: Pick<DocumentItem, 'bates'>): string | null {
  if (!d.bates) return null;
  return d.bates.first === d.bates.last ? d.bates.first : `${d.bates.first} – ${d.bates.last}`;
}

/** "12 documents: 9 done, 2 processing, 1 failed" */
export function countsLine(c: Counts): string {
  if (!c.total) return 'No documents yet';
  const parts = [
    c.completed ? `${c.completed} done` : '',
    c.processing ? `${c.processing} processing` : '',
    c.pending ? `${c.pending} waiting` : '',
    c.failed ? `${c.failed} failed` : '',
  ].filter(Boolean);
  return `${c.total} document${c.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/**
 * An upload's error in words: the API's message without its field prefix ("files[0]: "), framed by what the status
 * means (the 415 message already carries the advice: "convert it to DOCX or PDF").
 */
export function uploadErrorWords(status: number, message: string): string {
  const m = message
    .replace(/^files\[\d+\]:\s*/, '')
    .replace(/MAX_FILE_MB \((.+?)\)/, 'the limit of $1')
    .trim();
  switch (status) {
    case 0:
      return m || 'The upload was interrupted (network error). Try again.';
    case 401:
      return 'Your session has ended: log in again, then add the file again.';
    case 403:
      return 'This key may not add documents to this project.';
    case 404:
      return 'This project no longer exists.';
    case 413:
      return `Too large: ${m}. Split it, or ask your administrator to raise the limit.`;
    case 415:
      return `Not a format CaseGraph reads: ${m}`;
    case 429:
      return 'Too many uploads at once: wait a moment, then try again.';
    default:
      return status >= 500 ? `The server could not store it (${status}): ${m}` : m;
  }
}
