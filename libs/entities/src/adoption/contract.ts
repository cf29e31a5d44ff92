import { INDEXES, createIndexSql, duplicateRowsSql } from '../migrations/1764300000000-initial-schema';
import { SqlRunner, queryRows } from './sql';

/**
 * The contract phase of expand -> heal -> contract, as one declarative list: what the schema promises once the data
 * allows it. The initial migration leaves these out on an adopted database (NOT NULL dropped, unique indexes with old
 * duplicates skipped); `context backfill` heals the rows; `context enforce` applies each item whose blockers are gone
 * and names the rest; `--dry-run` plans list them with their counts.
 */
export type ContractItem =
  | { kind: 'not-null'; table: string; column: string; fixedBy: string }
  | { kind: 'unique'; name: string; table: string; columns: string[]; where?: string; fixedBy: string }
  | {
      kind: 'foreign-key';
      name: string;
      table: string;
      columns: string[];
      refTable: string;
      refColumns: string[];
      onDelete: 'RESTRICT' | 'CASCADE';
      fixedBy: string;
    };

export type ItemState = 'done' | 'possible' | 'blocked' | 'missing-column';

export const BACKFILL = 'npm run context -- backfill';
export const ORPHANS = 'npm run context -- orphans --assign <project> | --quarantine';

const notNull = (table: string, column: string, fixedBy = BACKFILL): ContractItem => ({ kind: 'not-null', table, column, fixedBy });

export const CONTRACT: ContractItem[] = [
  notNull('projects', 'project_uuid'),
  notNull('source_documents', 'project_uuid', `${BACKFILL}, then ${ORPHANS}`),
  notNull('source_documents', 'project_fk_id', `${BACKFILL}, then ${ORPHANS}`),
  notNull('document_chunks', 'document_uuid'),
  notNull('document_chunks', 'project_uuid'),
  notNull('entity_mentions', 'document_uuid'),
  notNull('entity_mentions', 'project_uuid'),
  notNull('entity_mentions', 'method'),
  notNull('canonical_entities', 'project_uuid', `${BACKFILL}, then ${ORPHANS}`),
  notNull('canonical_entities', 'normalized_key'),
  notNull('relationship_staging', 'project_uuid', `${BACKFILL}, then ${ORPHANS}`),
  // Every unique index of the initial migration (the ones it could not build on an adopted table wait here).
  ...INDEXES.filter((ix) => ix.unique).map((ix): ContractItem => ({
    kind: 'unique',
    name: ix.name,
    table: ix.table,
    columns: ix.columns,
    ...(ix.where ? { where: ix.where } : {}),
    fixedBy: BACKFILL,
  })),
  {
    kind: 'foreign-key',
    name: 'fk_source_documents_project_uuid',
    table: 'source_documents',
    columns: ['project_uuid'],
    refTable: 'projects',
    refColumns: ['project_uuid'],
    onDelete: 'RESTRICT',
    fixedBy: `${BACKFILL}, then ${ORPHANS}`,
  },
];

/** One line for a human: what the item promises. */
export function describeItem(item: ContractItem): string {
  switch (item.kind) {
    case 'not-null':
      return `NOT NULL ${item.table}.${item.column}`;
    case 'unique':
      return `UNIQUE ${item.name} ON ${item.table} (${item.columns.join(', ')})${item.where ? ` WHERE ${item.where}` : ''}`;
    case 'foreign-key':
      return (
        `FOREIGN KEY ${item.name} ${item.table} (${item.columns.join(', ')}) -> ` +
        `${item.refTable} (${item.refColumns.join(', ')}) ON DELETE ${item.onDelete}`
      );
  }
}

/** `SELECT … AS n`: how many rows prevent the item (NULLs; surplus duplicate rows; rows whose key has no referenced row). */
export function blockersSql(item: ContractItem): string {
  switch (item.kind) {
    case 'not-null':
      return `SELECT count(*)::int AS n FROM ${item.table} WHERE ${item.column} IS NULL`;
    case 'unique':
      return duplicateRowsSql(item);
    case 'foreign-key': {
      // MATCH SIMPLE: a row with any NULL key column is not checked.
      const set = item.columns.map((c) => `t.${c} IS NOT NULL`).join(' AND ');
      const join = item.columns.map((c, i) => `r.${item.refColumns[i]} = t.${c}`).join(' AND ');
      return `SELECT count(*)::int AS n FROM ${item.table} t WHERE ${set} AND NOT EXISTS (SELECT 1 FROM ${item.refTable} r WHERE ${join})`;
    }
  }
}

export async function countBlockers(q: SqlRunner, item: ContractItem): Promise<number> {
  const [r] = await queryRows<{ n: number }>(q, blockersSql(item));
  return Number(r?.n ?? 0);
}

/** The name of the CHECK … NOT VALID that carries a NOT NULL through validation (<= 63 bytes). */
export function notNullCheckName(table: string, column: string): string {
  return `${table}_${column}_not_null`.slice(0, 63);
}

async function columnsPresent(q: SqlRunner, table: string, columns: string[]): Promise<boolean> {
  const rows = await queryRows<{ column_name: string }>(
    q,
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = ANY($2)`,
    [table, columns],
  );
  return rows.length === new Set(columns).size;
}

async function indexState(q: SqlRunner, name: string): Promise<'valid' | 'invalid' | 'absent'> {
  const [r] = await queryRows<{ valid: boolean }>(
    q,
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    [name],
  );
  return r ? (r.valid ? 'valid' : 'invalid') : 'absent';
}

async function constraintState(q: SqlRunner, name: string, table: string): Promise<'valid' | 'not-valid' | 'absent'> {
  const [r] = await queryRows<{ validated: boolean }>(
    q,
    `SELECT convalidated AS validated FROM pg_constraint WHERE conname = $1 AND conrelid = to_regclass(quote_ident(current_schema()) || '.' || $2)`,
    [name, table],
  );
  return r ? (r.validated ? 'valid' : 'not-valid') : 'absent';
}

/** A valid unique index (or unique/primary constraint) on exactly these columns: a foreign key needs one. */
async function hasUniqueKey(q: SqlRunner, table: string, columns: string[]): Promise<boolean> {
  const rows = await queryRows<{ ok: boolean }>(
    q,
    `SELECT 1 AS ok FROM pg_index i
      WHERE i.indrelid = to_regclass(quote_ident(current_schema()) || '.' || $1) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
        AND i.indexprs IS NULL
        AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
              WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = (SELECT array_agg(x ORDER BY x) FROM unnest($2::text[]) x)
        AND i.indnkeyatts = cardinality($2::text[])`,
    [table, columns],
  );
  return rows.length > 0;
}

/**
 * done: in force. missing-column: the table or a column is absent (migrate first). blocked: rows prevent it (see
 * countBlockers), or a foreign key's referenced unique key is not there yet. possible: applyItem would succeed now.
 */
export async function itemState(q: SqlRunner, item: ContractItem): Promise<ItemState> {
  const columns = item.kind === 'not-null' ? [item.column] : item.columns;
  if (!(await columnsPresent(q, item.table, columns))) return 'missing-column';
  if (item.kind === 'foreign-key' && !(await columnsPresent(q, item.refTable, item.refColumns))) return 'missing-column';
  switch (item.kind) {
    case 'not-null': {
      const [r] = await queryRows<{ is_nullable: string }>(
        q,
        `SELECT is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
        [item.table, item.column],
      );
      if (r.is_nullable === 'NO') return 'done';
      break;
    }
    case 'unique':
      if ((await indexState(q, item.name)) === 'valid') return 'done';
      break;
    case 'foreign-key':
      if ((await constraintState(q, item.name, item.table)) === 'valid') return 'done';
      if (!(await hasUniqueKey(q, item.refTable, item.refColumns))) return 'blocked';
      break;
  }
  return (await countBlockers(q, item)) > 0 ? 'blocked' : 'possible';
}

export class ContractItemBlockedError extends Error {
  constructor(
    readonly item: ContractItem,
    readonly state: ItemState,
    readonly blockers: number,
  ) {
    super(
      state === 'missing-column'
        ? `${describeItem(item)}: the table or column is missing; run \`npm run db:migrate\` first`
        : `${describeItem(item)}: blocked by ${blockers} row(s); fixed by \`${item.fixedBy}\``,
    );
    this.name = 'ContractItemBlockedError';
  }
}

/**
 * Puts one item in force, with short locks only, and returns what it did (one line). Idempotent: an item in force
 * returns '… (already in force)'. Throws ContractItemBlockedError when rows (or a missing column) prevent it.
 *
 * `q` must be ONE connection outside a transaction (a QueryRunner that is not in a transaction, or a pg Client):
 * lock_timeout is a session setting and CREATE INDEX CONCURRENTLY refuses to run in a transaction.
 * - NOT NULL: CHECK (col IS NOT NULL) NOT VALID (instant), VALIDATE (scans without blocking writes), SET NOT NULL
 *   (skips its scan thanks to the validated CHECK), DROP the CHECK.
 * - unique: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS; an INVALID leftover of an interrupted build is dropped
 *   first, and a build that fails (a duplicate written meanwhile) drops its own leftover before rethrowing.
 * - foreign key: ADD … NOT VALID (instant), then VALIDATE.
 * Concurrent calls for the same item are serialised by a session advisory lock (the later one returns '(already…)').
 */
export async function applyItem(q: SqlRunner, item: ContractItem, opts: { lockTimeout?: string } = {}): Promise<string> {
  // One applier per item at a time (two enforces, or backfill's index phase beside enforce): the second waits here,
  // not on the table lock (where lock_timeout would fail it), and then finds the item in force. It polls with
  // pg_try_advisory_lock instead of blocking in pg_advisory_lock: a blocked statement holds a snapshot, which a
  // CREATE INDEX CONCURRENTLY of the holder would wait for (a deadlock).
  const key = `casegraph contract: ${describeItem(item)}`;
  for (;;) {
    const [r] = await queryRows<{ ok: boolean }>(q, 'SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
    if (r?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await applyLocked(q, item, opts);
  } finally {
    await q.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
  }
}

async function applyLocked(q: SqlRunner, item: ContractItem, opts: { lockTimeout?: string }): Promise<string> {
  const what = describeItem(item);
  const state = await itemState(q, item);
  if (state === 'done') return `${what} (already in force)`;
  if (state !== 'possible') {
    throw new ContractItemBlockedError(item, state, state === 'blocked' ? await countBlockers(q, item) : 0);
  }
  await q.query(`SET lock_timeout = '${(opts.lockTimeout ?? '10s').replace(/'/g, '')}'`);
  try {
    switch (item.kind) {
      case 'not-null': {
        const check = notNullCheckName(item.table, item.column);
        if ((await constraintState(q, check, item.table)) === 'absent') {
          await q.query(`ALTER TABLE ${item.table} ADD CONSTRAINT ${check} CHECK (${item.column} IS NOT NULL) NOT VALID`);
        }
        await q.query(`ALTER TABLE ${item.table} VALIDATE CONSTRAINT ${check}`);
        await q.query(`ALTER TABLE ${item.table} ALTER COLUMN ${item.column} SET NOT NULL`);
        await q.query(`ALTER TABLE ${item.table} DROP CONSTRAINT ${check}`);
        return `${what}: set`;
      }
      case 'unique': {
        if ((await indexState(q, item.name)) === 'invalid') await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${item.name}`);
        try {
          await q.query(createIndexSql({ ...item, unique: true }, { concurrently: true }));
        } catch (e) {
          if ((await indexState(q, item.name)) === 'invalid') await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${item.name}`);
          throw e;
        }
        return `${what}: built`;
      }
      case 'foreign-key': {
        if ((await constraintState(q, item.name, item.table)) === 'absent') {
          await q.query(
            `ALTER TABLE ${item.table} ADD CONSTRAINT ${item.name} FOREIGN KEY (${item.columns.join(', ')}) ` +
              `REFERENCES ${item.refTable} (${item.refColumns.join(', ')}) ON DELETE ${item.onDelete} NOT VALID`,
          );
        }
        await q.query(`ALTER TABLE ${item.table} VALIDATE CONSTRAINT ${item.name}`);
        return `${what}: added and validated`;
      }
    }
  } finally {
    await q.query('RESET lock_timeout');
  }
}
