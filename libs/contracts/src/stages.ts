/** Pipeline stages in order. Each has a status and timestamps on source_documents. */
export const STAGES = ['ocr', 'chunking', 'entities', 'resolution', 'relationships'] as const;
export type Stage = (typeof STAGES)[number];

/** Status of a document and of each of its stages. */
export const DOCUMENT_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export function isDocumentStatus(value: unknown): value is DocumentStatus {
  return typeof value === 'string' && (DOCUMENT_STATUSES as readonly string[]).includes(value);
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** Queue on which a stage runs. OCR runs on the ocr queue; every later stage on the graph queue. */
export function queueForStage(stage: Stage): 'ocr' | 'graph' {
  return stage === 'ocr' ? 'ocr' : 'graph';
}
