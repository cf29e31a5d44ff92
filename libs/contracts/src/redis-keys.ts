/**
 * Every Redis key the system reads or writes is built here, and only here.
 * `doc:metadata:{uuid}` keeps the old system's name and JSON shape so that its
 * tools still read it.
 */
export const redisKeys = {
  /** Cached project context of a document (JSON, TTL with jitter). */
  docMetadata: (documentUuid: string) => `doc:metadata:${documentUuid}`,
  /** Short-lived negative-cache marker for an unknown document. */
  docMetadataMissing: (documentUuid: string) => `doc:metadata-missing:${documentUuid}`,
  /** Invalidation generation counter of a document (guards in-flight loads). */
  docMetadataVersion: (documentUuid: string) => `doc:metadata-version:${documentUuid}`,
  /** Per-stage processing state of a document (hash). */
  docState: (documentUuid: string) => `doc:state:${documentUuid}`,
  /**
   * Page progress of a document's running OCR stage (hash: pagesDone, pageCount, updatedAt; TTL DOC_PROGRESS_TTL_S).
   * Best effort, written by the OCR worker at most once a second; the API shows it as stages.ocr.pagesDone/pageCount
   * while the stage runs (page_count in PostgreSQL is the truth once it completed).
   */
  docProgress: (documentUuid: string) => `doc:progress:${documentUuid}`,
  /** Pub/sub channel on which context invalidations are broadcast. */
  contextInvalidationChannel: () => 'casegraph:context:invalidate',
  /** Lock held by one ingest-api replica while it reconciles pending documents (per Bull prefix). */
  ingestReconcilerLock: (bullPrefix: string) => `casegraph:ingest:reconciler-lock:${bullPrefix}`,
  /** Lock held by one ingest-api replica while it sweeps stuck `processing` documents (per Bull prefix). */
  ingestSweeperLock: (bullPrefix: string) => `casegraph:ingest:sweeper-lock:${bullPrefix}`,
  /**
   * The graph worker's model-backed extractor: validated mentions of one chunk (JSON, TTL), by the chunk text's
   * SHA-256, the prompt version and the model, so a changed prompt or model asks again.
   */
  llmExtraction: (model: string, promptVersion: string, chunkSha256: string) => `casegraph:llm:extraction:${promptVersion}:${model}:${chunkSha256}`,
} as const;

/** Lifetime of a doc:progress hash: a worker that died mid-document leaves none behind for long. */
export const DOC_PROGRESS_TTL_S = 3600;

/** Glob pattern matching every cached document context (for audit scans). */
export const DOC_METADATA_PATTERN = 'doc:metadata:*';
