import { Stage, isStage } from '@casegraph/contracts';

/**
 * The workers' error taxonomy (see DocumentJobRunner).
 *
 * - PermanentError: the document itself cannot be processed (empty, corrupt, no text, rejected data…).
 *   Retrying cannot help: the document is marked failed with `message` as its readable error_message and
 *   the Bull job is discarded.
 * - DocumentMissingError: the job's document row does not exist; the job is dropped, nothing is written.
 * - Everything else is transient (storage, network, Redis, PostgreSQL, throttling, 5xx): rethrown so Bull
 *   retries it with backoff; the document is failed with the cause only after the last attempt.
 */
export class PermanentError extends Error {
  constructor(
    message: string,
    /** Short machine-readable reason, e.g. `corrupt`, `encrypted`, `too-many-pages`, `no-text`. */
    readonly reason = 'permanent',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** The job's document does not exist: nothing can be marked, the job is dropped without retry. */
export class DocumentMissingError extends Error {
  constructor(readonly documentUuid: string) {
    super(`Document ${documentUuid} does not exist`);
    this.name = 'DocumentMissingError';
  }
}

/** An error raised while a stage ran: carries the stage the document is failed at. */
export class StageError extends Error {
  constructor(
    readonly stage: Stage,
    cause: unknown,
  ) {
    super(`${stage}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StageError';
  }
}

/** The error a StageError wraps, else the error itself. */
export function causeOf(err: unknown): unknown {
  return err instanceof StageError ? err.cause : err;
}

/** The stage an error was raised in, when it says so. */
export function stageOfError(err: unknown): Stage | undefined {
  return err instanceof StageError && isStage(err.stage) ? err.stage : undefined;
}

/** True for a PermanentError, bare or wrapped in a StageError. */
export function isPermanent(err: unknown): err is PermanentError | StageError {
  return causeOf(err) instanceof PermanentError;
}

/** Longest reason kept from an error (source_documents.error_message). */
export const MAX_REASON_LENGTH = 2000;

/**
 * A one-line readable description of any thrown value, for logs and error_message: the wrapped cause of a
 * StageError (the stage is recorded on its own), prefixed with the error's name when it adds something
 * (`TimeoutError: …`, not `Error: …`), whitespace collapsed, cut at `max` characters.
 */
export function describeError(err: unknown, max = MAX_REASON_LENGTH): string {
  const e = causeOf(err);
  let text: string;
  if (e instanceof Error) {
    const name = e.name && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ` : '';
    text = `${name}${e.message}`.replace(/\s+/g, ' ').trim() || e.name;
  } else {
    text = String(e).replace(/\s+/g, ' ').trim();
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The readable reason of a permanent failure: its own message, which is written for people. */
export function permanentReason(err: unknown, max = MAX_REASON_LENGTH): string {
  const e = causeOf(err);
  if (!(e instanceof Error)) return describeError(e, max);
  const text = e.message.replace(/\s+/g, ' ').trim() || e.name;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const SQLSTATE = /^(?:[0-9][0-9A-Z]|P0|XX|HV|F0)[0-9A-Z]{3}$/;

function codesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 3) return [];
  const e = err as { code?: unknown; driverError?: unknown; errors?: unknown; cause?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])].flatMap((x) => codesOf(x, depth + 1));
  return [...own, ...nested];
}

/**
 * The PostgreSQL SQLSTATE of a failed query, if any: the pg error's own `code`, a TypeORM QueryFailedError's
 * `driverError.code`, or that of a wrapped `cause` (StageError) or of an AggregateError's `errors`. Node's
 * error codes (`ECONNRESET`…) are not SQLSTATEs and give undefined.
 */
export function sqlState(err: unknown): string | undefined {
  return codesOf(err).find((c) => SQLSTATE.test(c));
}

/** Every error code on an error and its wrapped causes (pg SQLSTATEs and Node codes such as ECONNREFUSED). */
export function errorCodes(err: unknown): string[] {
  return codesOf(err);
}

/**
 * Rows of a query result: TypeORM's postgres driver returns `[rows, rowCount]` for UPDATE/DELETE … RETURNING,
 * and the rows otherwise.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return Array.isArray(result) ? (result as T[]) : [];
}
