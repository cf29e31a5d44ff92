import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { rowsOf, sqlState } from '@casegraph/pipeline';

/**
 * Advisory-lock namespaces (first key of the two-key form) of the graph: every one is listed here, so that two
 * never collide.
 */
export const LOCK_NAMESPACE = {
  /** One document's graph write phase. */
  DOCUMENT: 0x47524101,
  /** Creation of new canonical entities of one (project, type). */
  ENTITY_TYPE: 0x47524102,
  /**
   * One project's curation writes (the API), taken first so two curation actions of a project never
   * interleave. The graph worker never takes it: it adds no edge to the lock order document → entity type →
   * entity rows.
   */
  CURATION: 0x47524143,
  /**
   * One e-mail's IN_REPLY_TO contribution (keyed by the reply document): whoever writes it (the reply's own
   * relationships stage, the stage or deletion of the message it answers) holds this lock, taken after the
   * document, entity-type and entity-row locks and before any edge row (lockThreads: sorted, all at once).
   */
  THREAD: 0x47524104,
} as const;

/** SQLSTATEs after which the whole transaction can simply be run again (deadlock, serialization failure). */
const RETRYABLE = new Set(['40P01', '40001']);

/** Whether PostgreSQL rolled the transaction back for a reason that running it again may clear (40P01, 40001). */
export const isRetryableTransactionError = (err: unknown): boolean => RETRYABLE.has(sqlState(err) ?? '');

export interface RetryOptions {
  /** Runs `fn` at most this many times (default 5). */
  attempts?: number;
  /** Which errors mean "run it again" (default isRetryableTransactionError); any other is thrown at once. */
  retryable?: (err: unknown) => boolean;
}

/**
 * Runs `fn` (a whole transaction) again after a retryable error, with exponential backoff and jitter
 * (20, 40, 80 … ms), up to `attempts` times; the last error is thrown. `fn` gets the attempt number (1-based)
 * and the error that ended the previous attempt (undefined the first time).
 */
export async function retryTransaction<T>(fn: (attempt: number, previous: unknown) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const { attempts = 5, retryable = isRetryableTransactionError } = opts;
  let previous: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt, previous);
    } catch (err) {
      if (attempt >= attempts || !retryable(err)) throw err;
      previous = err;
      await sleep(10 * 2 ** attempt + Math.floor(Math.random() * 20));
    }
  }
}

/**
 * Locks canonical entity rows FOR UPDATE in resolution's order (project, type, key), the one order every
 * writer of entity rows uses (resolution, curation, deletion, recountMentions), so that two of them never
 * deadlock on the rows. With `projectUuid`, rows of other projects are left alone. Returns the uuids of the rows
 * locked (those that exist).
 */
export async function lockEntityRows(manager: EntityManager, uuids: string[], projectUuid?: string): Promise<string[]> {
  const ids = [...new Set(uuids)];
  if (!ids.length) return [];
  const rows = await manager.query(
    `SELECT canonical_entity_uuid AS u FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])${projectUuid === undefined ? '' : ' AND project_uuid = $2'}
      ORDER BY project_uuid, entity_type, normalized_key FOR UPDATE`,
    projectUuid === undefined ? [ids] : [ids, projectUuid],
  );
  return rowsOf<{ u: string }>(rows).map((r) => r.u);
}

/**
 * Runs `fn` in a transaction that first takes the document's transaction-level
 * advisory lock: two runs of the same document (a retry racing a stalled job, two
 * workers) write one after the other, never interleaved. A deadlock or
 * serialization failure re-runs the transaction (up to `attempts` times).
 */
export async function inDocumentTransaction<T>(
  db: DataSource,
  documentUuid: string,
  fn: (manager: EntityManager) => Promise<T>,
  attempts = 5,
): Promise<T> {
  return retryTransaction(
    () =>
      db.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.DOCUMENT, documentUuid]);
        return fn(manager);
      }),
    { attempts },
  );
}
