/**
 * The OCR worker's error taxonomy is the pipeline's (libs/pipeline/src/errors.ts, applied by DocumentJobRunner):
 *
 * - PermanentError: the document itself cannot be processed (empty, corrupt, encrypted, unsupported type,
 *   over a limit, rejected by Textract). Retrying cannot help: the document is marked failed with `message` as
 *   its human-readable error_message, and the Bull job is discarded.
 * - Everything else is transient (storage or network hiccup, Redis, database, throttling, 5xx): the job is
 *   rethrown so Bull retries it with backoff, and the document is marked failed with the cause only after the
 *   last attempt.
 *
 * Re-exported here so the engines keep importing their taxonomy from the OCR feature.
 */
export { PermanentError, describeError, isPermanent } from '@casegraph/pipeline';
