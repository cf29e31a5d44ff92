/**
 * Proof that adoption loses no old row and no old value. fingerprintLegacy(q, schema) records, for every table of
 * the schema, every row keyed by its key (`id`; schema_version: `version`) with the values of the schema's columns
 * only (the "old columns"), as text (to_jsonb of the row, each value's text; NULL stays null). After adoption,
 * compareAfterAdoption(before, after, q) reads casegraph_adoption_log and casegraph_adoption_archive (DESIGN.md) and
 * lists the violations:
 * - a row missing after that is not archived (table_name, row_id) with identical old columns;
 * - an old column whose non-NULL value changed (or disappeared) without a log row (table, row, column) carrying
 *   that old value. NULL -> value is allowed; new rows are allowed.
 * compareFingerprints() is the pure part (unit-tested with hand-made fingerprints).
 */
import type { LegacySchema } from './legacy-schema';
import { legacyKeyColumn } from './legacy-schema';
import { type Queryable, ident, rowsOf } from './queryable';

/** Old column values of one row, as text. */
export type FingerprintRow = Record<string, string | null>;
/** table -> row key (text) -> old columns. */
export type Fingerprint = Record<string, Record<string, FingerprintRow>>;

export interface AdoptionLogRow {
  table_name: string;
  row_id: string;
  column_name: string;
  /** old_value as text (old_value #>> '{}'), null for a JSON/SQL null. */
  old_value: string | null;
}
export interface AdoptionArchiveRow {
  table_name: string;
  row_id: string;
  row_data: Record<string, unknown>;
}

export interface FingerprintViolation {
  table: string;
  rowId: string;
  kind: 'row-lost' | 'archived-row-differs' | 'value-overwritten';
  column?: string;
  before?: string | null;
  after?: string | null;
  detail: string;
}

/** Fingerprint of every table of the schema present in q's database (a table of the schema that is missing: {}). */
export async function fingerprintLegacy(q: Queryable, schema: LegacySchema): Promise<Fingerprint> {
  const fp: Fingerprint = {};
  for (const [name, t] of Object.entries(schema.tables)) {
    const key = legacyKeyColumn(t);
    const exists = rowsOf<{ ok: boolean }>(await q.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public.${ident(name)}`]))[0].ok;
    fp[name] = {};
    if (!exists) continue;
    const rows = rowsOf<{ k: string; v: FingerprintRow | null }>(
      await q.query(
        `SELECT x.${ident(key)}::text AS k,
                (SELECT jsonb_object_agg(e.key, e.value #>> '{}') FROM jsonb_each(to_jsonb(x)) e WHERE e.key = ANY($1::text[])) AS v
           FROM ${ident(name)} x`,
        [t.columns.map((c) => c.name)],
      ),
    );
    for (const r of rows) fp[name][r.k] = r.v ?? {};
  }
  return fp;
}

/** Text of a JSON value the way fingerprintLegacy writes it (jsonb `#>> '{}'`). */
function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Two values' texts are the same value: equal text, same instant, or the same JSON. */
export function sameValue(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  const ts = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
  if (ts.test(a) && ts.test(b)) return Date.parse(a.replace(' ', 'T')) === Date.parse(b.replace(' ', 'T'));
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
  } catch {
    return false;
  }
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** The violations of `after` against `before`, given the adoption's log and archive. */
export function compareFingerprints(
  before: Fingerprint,
  after: Fingerprint,
  log: AdoptionLogRow[],
  archive: AdoptionArchiveRow[],
): FingerprintViolation[] {
  const out: FingerprintViolation[] = [];
  const logged = new Map<string, (string | null)[]>();
  for (const l of log) {
    const k = `${l.table_name}\u0000${l.row_id}\u0000${l.column_name}`;
    logged.set(k, [...(logged.get(k) ?? []), l.old_value]);
  }
  const archived = new Map<string, Record<string, unknown>[]>();
  for (const a of archive) {
    const k = `${a.table_name}\u0000${a.row_id}`;
    archived.set(k, [...(archived.get(k) ?? []), a.row_data]);
  }
  for (const [table, rows] of Object.entries(before)) {
    const afterRows = after[table] ?? {};
    for (const [rowId, old] of Object.entries(rows)) {
      const now = afterRows[rowId];
      if (!now) {
        const copies = archived.get(`${table}\u0000${rowId}`) ?? [];
        if (!copies.length) {
          out.push({ table, rowId, kind: 'row-lost', detail: `${table} row ${rowId} is gone and was not archived` });
          continue;
        }
        const differs = (data: Record<string, unknown>) => Object.entries(old).filter(([c, v]) => !sameValue(v, jsonText(data[c])));
        const best = copies.map(differs).sort((a, b) => a.length - b.length)[0];
        if (best.length) {
          out.push({
            table,
            rowId,
            kind: 'archived-row-differs',
            column: best[0][0],
            before: best[0][1],
            detail: `${table} row ${rowId} was archived without its old value of ${best.map(([c]) => c).join(', ')}`,
          });
        }
        continue;
      }
      for (const [column, was] of Object.entries(old)) {
        if (was == null) continue; // NULL -> value: healing
        const is = column in now ? now[column] : null;
        if (sameValue(was, is)) continue;
        const olds = logged.get(`${table}\u0000${rowId}\u0000${column}`) ?? [];
        if (olds.some((o) => sameValue(was, o))) continue;
        out.push({
          table,
          rowId,
          kind: 'value-overwritten',
          column,
          before: was,
          after: is,
          detail: `${table}.${column} of row ${rowId} changed from ${JSON.stringify(was)} to ${JSON.stringify(is)} with no adoption log row keeping the old value`,
        });
      }
    }
  }
  return out;
}

/** Reads the adoption log and archive of q's database and compares (violations; [] = nothing lost). */
export async function compareAfterAdoption(before: Fingerprint, afterFp: Fingerprint, q: Queryable): Promise<FingerprintViolation[]> {
  const has = async (t: string) => rowsOf<{ ok: boolean }>(await q.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [t]))[0].ok;
  const log = (await has('public.casegraph_adoption_log'))
    ? rowsOf<AdoptionLogRow>(await q.query(`SELECT table_name, row_id, column_name, old_value #>> '{}' AS old_value FROM casegraph_adoption_log`))
    : [];
  const archive = (await has('public.casegraph_adoption_archive'))
    ? rowsOf<AdoptionArchiveRow>(await q.query(`SELECT table_name, row_id, row_data FROM casegraph_adoption_archive`))
    : [];
  return compareFingerprints(before, afterFp, log, archive);
}
