import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { sqlState } from '@casegraph/pipeline';

/** Advisory-lock namespaces (first key of the two-key form) of the graph worker. */
export const LOCK_NAMESPACE = {
  /** One document's graph write phase. */
  DOCUMENT: 0x47524101,
  /** Creation of new canonical entities of one (project, type). */
  ENTITY_TYPE: 0x47524102,
} as const;

/** SQLSTATEs after which the whole transaction can simply be run again. */
const RETRYABLE = new Set(['40P01', '40001']);

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
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.DOCUMENT, documentUuid]);
        return fn(manager);
      });
    } catch (err) {
      if (attempt >= attempts || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
      await sleep(10 * 2 ** attempt + Math.floor(Math.random() * 20));
    }
  }
}
