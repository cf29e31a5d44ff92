import { CONTRACT, ContractItem, countBlockers, applyItem, itemState } from '@casegraph/entities';
import { sqlState } from '@casegraph/pipeline';
import { Catalogue, Counts, Db, Phase, PhaseContext, withPhaseLock } from './common';

const uniqueItems = () => CONTRACT.filter((i): i is Extract<ContractItem, { kind: 'unique' }> => i.kind === 'unique');

/**
 * Phase 8: the unique indexes the migration had to leave out (old duplicates) and that the data now allows,
 * built CONCURRENTLY (one connection outside a transaction). Still-blocked ones are counted (enforce names them).
 */
export const indexesPhase: Phase = {
  name: 'indexes',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    let possible = 0;
    let blocked = 0;
    for (const item of uniqueItems()) {
      if (!cat.has(item.table, ...item.columns)) continue;
      const state = await itemState(db, item);
      if (state === 'possible') possible++;
      else if (state === 'blocked') blocked++;
    }
    return { built: possible, blocked };
  },
  run: (ctx: PhaseContext) => withPhaseLock(ctx.db, 'indexes', () => buildIndexes(ctx)),
};

async function buildIndexes(ctx: PhaseContext): Promise<Counts> {
  {
    const qr = ctx.db.createQueryRunner();
    await qr.connect();
    let built = 0;
    let blocked = 0;
    let waiting = 0;
    try {
      for (const item of uniqueItems()) {
        const state = await itemState(qr, item);
        if (state === 'possible') {
          try {
            await applyItem(qr, item);
            built++;
          } catch (err) {
            // A duplicate written meanwhile (or the other backfill building it): enforce reports it.
            if ((await itemState(qr, item)) === 'done') continue;
            if ((await countBlockers(qr, item)) > 0) blocked++;
            // Long transactions (a worker, another backfill's batch) held the table past lock_timeout: the index is
            // left for a later backfill or enforce, which say so; the heal itself is done.
            else if (sqlState(err) === '55P03') waiting++;
            else throw err;
          }
        } else if (state === 'blocked') blocked++;
      }
    } finally {
      await qr.release();
    }
    return { built, blocked, ...(waiting ? { lockTimeout: waiting } : {}) };
  }
}
