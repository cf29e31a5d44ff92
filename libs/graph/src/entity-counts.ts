import type { EntityManager } from 'typeorm';
import { lockEntityRows } from './transactions';

/**
 * Sets mention_count of the given canonical entities to the number of mentions
 * linked to them (recomputed, never incremented). The rows are locked first, in a
 * fixed order (type, key), by a separate statement: the count statement then runs
 * with a snapshot taken after any concurrent writer of the same entity committed,
 * so the last writer always counts everybody's mentions.
 */
export async function recountMentions(manager: EntityManager, canonicalUuids: string[], lockFirst = true): Promise<void> {
  const ids = [...new Set(canonicalUuids)];
  if (!ids.length) return;
  if (lockFirst) await lockEntityRows(manager, ids);
  await manager.query(
    `UPDATE canonical_entities c
        SET mention_count = (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid),
            updated_at = now()
      WHERE c.canonical_entity_uuid = ANY($1::uuid[])`,
    [ids],
  );
}
