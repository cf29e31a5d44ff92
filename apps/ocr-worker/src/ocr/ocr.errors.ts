/**
 * The OCR worker's error taxonomy.
 *
 * - PermanentError: the document itself cannot be processed (empty, corrupt,
 *   encrypted, unsupported type, over a limit, rejected by Textract). Retrying
 *   cannot help: the document is marked failed with `message` as its
 *   human-readable error_message, and the Bull job is discarded.
 * - Everything else is transient (storage or network hiccup, Redis, database,
 *   throttling, 5xx): the job is rethrown so Bull retries it with backoff, and
 *   the document is marked failed with the cause only after the last attempt.
 */
export class PermanentError extends Error {
  constructor(
    message: string,
    /** Short machine-readable reason, e.g. `corrupt`, `encrypted`, `too-many-pages`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export function isPermanent(err: unknown): err is PermanentError {
  return err instanceof PermanentError;
}

/** A one-line readable description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const name = err.name && err.name !== 'Error' && !err.message.startsWith(err.name) ? `${err.name}: ` : '';
    return `${name}${err.message}`.replace(/\s+/g, ' ').trim().slice(0, 2000) || err.name;
  }
  return String(err).slice(0, 2000);
}
