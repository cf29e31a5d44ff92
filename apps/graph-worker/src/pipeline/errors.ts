import { PermanentError, StageError, causeOf, isPermanent as isPermanentError, sqlState } from '@casegraph/pipeline';
import { DocumentNotFoundError } from '@casegraph/project-context';

/**
 * The graph worker's error taxonomy. PermanentError, StageError and the policy applied to them are the
 * pipeline's (libs/pipeline, DocumentJobRunner); what is graph-specific is which database errors are permanent.
 */
export { PermanentError, StageError };

/** SQLSTATE classes that mean "this data can never be written" (bad values, constraint violations). */
const PERMANENT_SQL = /^(22|23)/;

/** The database rejects the data itself: SQLSTATE class 22 or 23, except 23505 (a unique race that a retry resolves). */
export function isRejectedData(err: unknown): boolean {
  const code = sqlState(causeOf(err));
  return code !== undefined && PERMANENT_SQL.test(code) && code !== '23505';
}

/** The document of the job does not exist (project-context cannot resolve it). */
export function isDocumentNotFound(err: unknown): boolean {
  return causeOf(err) instanceof DocumentNotFoundError;
}

/**
 * Not worth another attempt: the document does not exist, it has no text (a PermanentError), or the database
 * rejects the data itself. Everything else (connection loss, timeouts, deadlocks, Redis hiccups) is transient
 * and retried with Bull's backoff.
 */
export function isPermanent(err: unknown): boolean {
  return isDocumentNotFound(err) || isPermanentError(err) || isRejectedData(err);
}
