import type { Stage } from '@casegraph/contracts';
import { DocumentNotFoundError } from '@casegraph/project-context';

/** A failure that another attempt cannot fix (the job fails at once, without retries). */
export class PermanentGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentGraphError';
  }
}

/** An error raised while a stage ran; carries the stage for failStage. */
export class StageError extends Error {
  constructor(
    readonly stage: Stage,
    cause: unknown,
  ) {
    super(`${stage}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StageError';
  }
}

/** SQLSTATE classes that mean "this data can never be written" (bad values, constraint violations). */
const PERMANENT_SQL = /^(22|23)/;

/**
 * Permanent: the document does not exist, it has no text, or the database rejects
 * the data itself. Everything else (connection loss, timeouts, deadlocks, Redis
 * hiccups) is transient and retried with Bull's backoff.
 */
export function isPermanent(err: unknown): boolean {
  const e = err instanceof StageError ? err.cause : err;
  if (e instanceof DocumentNotFoundError || e instanceof PermanentGraphError) return true;
  const code = (e as { code?: unknown; driverError?: { code?: unknown } })?.code ?? (e as { driverError?: { code?: unknown } })?.driverError?.code;
  // 23505 (unique violation) can be a race that a retry resolves; the rest of class 23 cannot.
  return typeof code === 'string' && PERMANENT_SQL.test(code) && code !== '23505';
}

/** A readable reason for source_documents.error_message. */
export function reasonOf(err: unknown): string {
  const e = err instanceof StageError ? err.cause : err;
  const msg = (e as Error)?.message ?? String(e);
  return msg.length > 1000 ? `${msg.slice(0, 1000)}…` : msg;
}
