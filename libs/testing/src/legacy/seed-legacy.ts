/**
 * Rows of the old system, written the way each of its code paths wrote them, into a database built by
 * buildLegacyDatabase (only into the columns the given schema has). All content is invented (legal-looking matters,
 * parties, courts) and deterministic for a given `salt` (random by default, so Redis keys never collide).
 *
 * seedLegacyRows(q, schema, { scale }) writes, per copy (scale copies, default 1), the production row counts of
 * the real schema: 16 projects, 12 documents, 24 chunks, 98 mentions, 66 canonical entities, 330 relationships,
 * 6 textract jobs, 5 processing tasks (2 schema_version rows once), nothing in the tables that were empty. Cases
 * (each recorded in the returned LegacySeed):
 * - documents: intake path (project_fk_id, project_uuid NULL), CLI import (project_uuid, project_fk_id NULL), good
 *   (both, consistent), mismatched (project_uuid = another project's), dangling-fk (missing project id, valid
 *   project_uuid), orphan (missing project id, project_uuid NULL); file names: original, NULL original_file_name
 *   with file_name, everything NULL but s3_key; page counts in textract_page_count, in textract_jobs.page_count
 *   (max of a retried job), both, none; ocr_confidence_score numeric (0.9312).
 * - chunks: document_uuid + document_fk_id, only document_fk_id, only document_uuid; offsets in
 *   char_start_index/char_end_index, in start_char_index/end_char_index, unknown; retries' duplicates (same
 *   document_uuid + chunk_index + text, new chunk_uuid), mentions and edges pointing at both copies.
 * - mentions: chunk-relative start_char/end_char, some 0/0 (unknown), repeated identical spans (with and without
 *   canonical_entity_uuid), some with only chunk_fk_id, some without document_uuid (the chunk's has none either).
 * - canonical entities (global): mentioned from one project, from two, from three; two whose names normalise to
 *   one key in one project ("Acme Corp." / "ACME CORP"); one mentioned by nobody; aliases as arrays of strings, one
 *   '{}' and one NULL.
 * - relationship_staging: edges between entities (FKs hold), with and without source_chunk_uuid.
 * - every updated_at is a fixed past timestamp (2025-06-01) set on INSERT, before LegacySeed.oldUpdatedAtBefore.
 * Dangling rows are written with `SET LOCAL session_replication_role = replica` inside the seed's one transaction.
 *
 * seedLegacyCache(redis, seed) writes doc:metadata:{uuid} in the old shapes A (intake, no TTL) and B (pipeline,
 * TTL 86400). generateLegacyDatabase(q, schema, { documents }) bulk-generates a large old database with the same
 * mix of cases (generate_series; 1,000,000 documents in well under two minutes).
 */
import { createHash, randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { type EntityType, normalizeEntity, redisKeys } from '@casegraph/contracts';
import type { LegacySchema } from './legacy-schema';
import { hasColumn, legacyKeyColumn } from './legacy-schema';
import { sequenceOfDefault } from './build-legacy-database';
import { type Queryable, ident, inTransaction, rowsOf } from './queryable';

export type DocumentCase = 'intake' | 'cli-import' | 'good' | 'mismatched' | 'dangling-fk' | 'orphan';
export const DOCUMENT_CASES: DocumentCase[] = ['intake', 'cli-import', 'good', 'mismatched', 'dangling-fk', 'orphan'];
export type FileNameCase = 'original' | 'file-name-only' | 's3-key-only';
export type PageSource = 'textract_page_count' | 'textract_jobs' | 'both' | 'none';
export type ChunkOffsets = 'char_start_index' | 'start_char_index' | 'unknown';
export type EntityCase = 'one-project' | 'two-projects' | 'three-projects' | 'same-key' | 'unmentioned';

export interface LegacySeedProject {
  id: number;
  /** projects.project_id: the project's UUID. */
  projectId: string;
  name: string;
}

export interface LegacySeedDocument {
  id: number;
  documentUuid: string;
  case: DocumentCase;
  /** The project_id the document belongs to: project_fk_id when it resolves, else project_uuid; null for an orphan. */
  originalProjectUuid: string | null;
  /** projects.id of that project (null for an orphan). */
  originalProjectId: number | null;
  /** project_fk_id as written (may be dangling). */
  projectFkId: number | null;
  /** project_uuid as written. */
  projectUuid: string | null;
  fileName: FileNameCase;
  originalFileName: string | null;
  /** COALESCE(original_file_name, file_name, basename(s3_key), ''). */
  displayName: string;
  s3Key: string;
  pageSource: PageSource;
  /** COALESCE(textract_page_count, max(textract_jobs.page_count)). */
  expectedPageCount: number | null;
  /** As stored (numeric), text; null when not written. */
  ocrConfidenceScore: string | null;
  /** status as written (null for the s3-key-only row). */
  status: string | null;
  /** created_at as written (ISO). */
  createdAt: string;
}

export interface LegacySeedChunk {
  id: number;
  chunkUuid: string;
  documentId: number;
  documentUuid: string;
  /** Which document columns the row has: both, only document_fk_id ('fk'), only document_uuid ('uuid'). */
  documentRef: 'both' | 'fk' | 'uuid';
  chunkIndex: number;
  offsets: ChunkOffsets;
  /** Start/end of the chunk in the document text (known even when the row does not say it). */
  start: number;
  end: number;
  /** id of the first copy when this row is a retry's re-insert (same document_uuid, chunk_index, text). */
  retryOf: number | null;
}

export interface LegacySeedMention {
  id: number;
  mentionUuid: string;
  chunkId: number;
  documentId: number;
  entityUuid: string | null;
  entityText: string;
  entityType: string;
  /** start_char/end_char as written (chunk-relative; 0/0 = unknown). */
  startChar: number;
  endChar: number;
  /** The absolute offset the text really has in the document (whether or not the rows can tell). */
  trueStart: number;
  offsets: 'relative' | 'zero' | 'chunk-start-unknown';
  /** id of the first mention with the same chunk and span (a repeated identical span), else null. */
  repeatOf: number | null;
  onRetryCopy: boolean;
  /** Which chunk columns the row has. */
  chunkRef: 'uuid' | 'both' | 'fk';
}

export interface LegacySeedEntity {
  id: number;
  uuid: string;
  name: string;
  type: string;
  key: string;
  /** Special case, or null for an ordinary entity. */
  case: EntityCase | null;
  /** Distinct original project UUIDs of the documents of the mentions linked to it. */
  projectUuids: string[];
  linkedMentions: number;
  aliases: unknown;
}

export interface LegacySeedEdge {
  id: number;
  source: string;
  target: string;
  type: string;
  chunkUuid: string | null;
  /** Project UUIDs the edge can belong to: the chunk's document's, else those both endpoints share. */
  projectUuids: string[];
}

export interface LegacySeed {
  salt: string;
  projects: LegacySeedProject[];
  documents: LegacySeedDocument[];
  byCase: Record<DocumentCase, LegacySeedDocument[]>;
  chunks: LegacySeedChunk[];
  mentions: LegacySeedMention[];
  entities: LegacySeedEntity[];
  entitiesByCase: Record<EntityCase, LegacySeedEntity[]>;
  edges: LegacySeedEdge[];
  /** Rows written per table (every table of the schema). */
  counts: Record<string, number>;
  orphans: { documents: LegacySeedDocument[]; entities: LegacySeedEntity[]; edges: LegacySeedEdge[] };
  /** Every updated_at written is before this instant. */
  oldUpdatedAtBefore: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic content

/** A UUID (v4 layout) derived from a label. */
export function seedUuid(salt: string, label: string): string {
  const h = createHash('sha1').update(`casegraph-legacy-seed/${salt}/${label}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const MATTERS: { name: string; client: string; type: string }[] = [
  { name: 'Hartwell v. Northgate Logistics', client: 'Dana Hartwell', type: 'commercial litigation' },
  { name: 'In re Estate of Margaret Calloway', client: 'Calloway Family', type: 'probate' },
  { name: 'Pemberton Holdings v. Ridgeview Insurance', client: 'Pemberton Holdings', type: 'insurance coverage' },
  { name: 'State v. Delacroix', client: 'Marcel Delacroix', type: 'criminal defense' },
  { name: 'Okafor v. Brightwater Municipal Utility', client: 'Chidi Okafor', type: 'personal injury' },
  { name: 'Linwood Tenants Association v. Castlegate Properties', client: 'Linwood Tenants Association', type: 'housing' },
  { name: 'Vance Industrial Supply v. Merrow Fabrication', client: 'Vance Industrial Supply', type: 'contract' },
  { name: 'In re Sutherland Marine Salvage', client: 'Sutherland Marine Salvage', type: 'bankruptcy' },
  { name: 'Abernathy v. Coastal Regional Medical Center', client: 'Ruth Abernathy', type: 'medical malpractice' },
  { name: 'Kessler Family Trust v. Harlow', client: 'Kessler Family Trust', type: 'trusts' },
  { name: 'Greyfield Township v. Orrin Quarry Co.', client: 'Greyfield Township', type: 'environmental' },
  { name: 'Matter of Thistlewood Adoption', client: 'Thistlewood Family', type: 'family' },
  { name: 'Ramsay v. Ironbridge Staffing', client: 'Colin Ramsay', type: 'employment' },
  { name: 'Carrow Dental Group v. Mendez', client: 'Carrow Dental Group', type: 'commercial litigation' },
  { name: 'Whitford Capital v. Lanham', client: 'Whitford Capital', type: 'securities' },
  { name: 'United Freight Workers Local 88 v. Baymont Carriers', client: 'United Freight Workers Local 88', type: 'labor' },
];

const FIRST = ['Adrian', 'Beatrice', 'Cormac', 'Delphine', 'Emeka', 'Fiona', 'Gideon', 'Harriet', 'Ignatius', 'Juniper', 'Kwame', 'Lucinda'];
const LAST = ['Ashdown', 'Barrow', 'Cheswick', 'Dunmore', 'Everly', 'Fairbanks', 'Gallagher', 'Holloway', 'Ingram', 'Jessup', 'Kilbride'];
const ORG_A = ['Bramble', 'Cobalt', 'Larkspur', 'Meridian', 'Oakhurst', 'Quarry Hill', 'Redfern', 'Silverline', 'Tamarack', 'Wexford'];
const ORG_B = ['Shipping Co.', 'Holdings LLC', 'Mutual Insurance', 'Engineering Ltd.', 'Freight Inc.', 'Partners LLP', 'Bank N.A.'];
const PLACES = ['Port Elsby', 'Marrow Creek', 'North Tilden', 'Cassel Heights', 'Lower Fenwick', 'Ardent Bay', 'Stoneleigh'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface EntityDef {
  label: string;
  name: string;
  type: EntityType;
  aliases: unknown;
  case: EntityCase | null;
}

/** The i-th ordinary (filler) entity of a copy: names unique within the copy, types in rotation. */
function fillerEntity(i: number, copy: number): EntityDef {
  const t = (['PERSON', 'ORG', 'DATE', 'CASE_NUMBER', 'MONEY', 'LOCATION', 'PERSON', 'ORG'] as EntityType[])[i % 8];
  const suffix = copy > 0 ? ` ${['II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX'][(copy - 1) % 8]}${copy > 8 ? copy : ''}` : '';
  let name: string;
  switch (t) {
    case 'PERSON':
      name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7 + 3) % LAST.length]}-${LAST[(i * 5 + 1) % LAST.length]}${suffix}`;
      break;
    case 'ORG':
      name = `${ORG_A[i % ORG_A.length]} ${LAST[(i * 3) % LAST.length]} ${ORG_B[i % ORG_B.length]}${suffix}`;
      break;
    case 'DATE':
      name = `${MONTHS[i % 12]} ${(i % 27) + 1}, ${2019 + ((i + copy) % 6) + (copy > 5 ? copy * 10 : 0)}`;
      break;
    case 'CASE_NUMBER':
      name = `${20 + (i % 5)}-cv-${String(1000 + i * 37 + copy * 991).padStart(5, '0')}`;
      break;
    case 'MONEY':
      name = `$${(12500 + i * 1375 + copy * 17).toLocaleString('en-US')}.00`;
      break;
    default:
      name = `${PLACES[i % PLACES.length]} ${['County', 'Township', 'Harbor', 'District'][i % 4]}${suffix}`;
  }
  return { label: `filler-${i}`, name, type: t, aliases: i % 3 === 0 ? [] : [name.toUpperCase()], case: null };
}

const SENTENCES: Record<string, (n: string) => string> = {
  PERSON: (n) => `The declaration of ${n} was received without objection.`,
  ORG: (n) => `Counsel for ${n} filed an opposition to the motion.`,
  COURT: (n) => `The matter remains pending before the ${n}.`,
  DATE: (n) => `The hearing was continued to ${n} at the request of both parties.`,
  CASE_NUMBER: (n) => `See the docket in Case No. ${n} for the related stipulation.`,
  MONEY: (n) => `Plaintiff seeks compensatory damages of ${n} plus costs.`,
  LOCATION: (n) => `The events described occurred near ${n}.`,
};

interface DocSpec {
  case: DocumentCase;
  /** Project index (0..15) the truth points at; for 'mismatched' also `other`. */
  project: number | null;
  other?: number;
  file: FileNameCase;
  status: string;
  textractPageCount: number | null;
  /** page_count of each textract job of the document (null = job without a count). */
  jobs: (number | null)[];
  chunks: number;
  documentRef: 'both' | 'fk' | 'uuid';
  offsets: ChunkOffsets;
  /** chunk indexes re-inserted by a retry. */
  retries: number[];
  /** chunk index whose offsets are unknown although the document's others are known. */
  unknownChunk?: number;
}

// 12 documents of a copy. Chunk counts: 4+3+3+5+3+2+2+2 = 24 rows (21 first copies + 3 retries).
const DOCS: DocSpec[] = [
  {
    case: 'intake',
    project: 0,
    file: 'original',
    status: 'completed',
    textractPageCount: 4,
    jobs: [4],
    chunks: 3,
    documentRef: 'both',
    offsets: 'char_start_index',
    retries: [1],
  },
  {
    case: 'intake',
    project: 1,
    file: 'original',
    status: 'completed',
    textractPageCount: null,
    jobs: [null, 7],
    chunks: 3,
    documentRef: 'fk',
    offsets: 'start_char_index',
    retries: [],
  },
  {
    case: 'intake',
    project: 0,
    file: 'file-name-only',
    status: 'ocr_failed',
    textractPageCount: null,
    jobs: [],
    chunks: 0,
    documentRef: 'both',
    offsets: 'unknown',
    retries: [],
  },
  {
    case: 'cli-import',
    project: 2,
    file: 'original',
    status: 'completed',
    textractPageCount: null,
    jobs: [3],
    chunks: 3,
    documentRef: 'uuid',
    offsets: 'char_start_index',
    retries: [],
  },
  {
    case: 'cli-import',
    project: 1,
    file: 'original',
    status: 'pending',
    textractPageCount: null,
    jobs: [],
    chunks: 0,
    documentRef: 'uuid',
    offsets: 'unknown',
    retries: [],
  },
  {
    case: 'good',
    project: 2,
    file: 'original',
    status: 'completed',
    textractPageCount: 5,
    jobs: [],
    chunks: 3,
    documentRef: 'both',
    offsets: 'start_char_index',
    retries: [0, 2],
  },
  {
    case: 'good',
    project: 3,
    file: 'original',
    status: 'completed',
    textractPageCount: 2,
    jobs: [],
    chunks: 3,
    documentRef: 'fk',
    offsets: 'char_start_index',
    retries: [],
  },
  {
    case: 'mismatched',
    project: 3,
    other: 4,
    file: 'original',
    status: 'completed',
    textractPageCount: null,
    jobs: [2],
    chunks: 2,
    documentRef: 'both',
    offsets: 'char_start_index',
    retries: [],
    unknownChunk: 1,
  },
  {
    case: 'dangling-fk',
    project: 4,
    file: 'original',
    status: 'completed',
    textractPageCount: null,
    jobs: [1],
    chunks: 2,
    documentRef: 'both',
    offsets: 'start_char_index',
    retries: [],
  },
  {
    case: 'orphan',
    project: null,
    file: 'original',
    status: 'pending',
    textractPageCount: null,
    jobs: [],
    chunks: 0,
    documentRef: 'both',
    offsets: 'unknown',
    retries: [],
  },
  {
    case: 'intake',
    project: 4,
    file: 's3-key-only',
    status: 'pending',
    textractPageCount: null,
    jobs: [],
    chunks: 0,
    documentRef: 'both',
    offsets: 'unknown',
    retries: [],
  },
  {
    case: 'good',
    project: 0,
    file: 'original',
    status: 'completed',
    textractPageCount: 3,
    jobs: [],
    chunks: 2,
    documentRef: 'both',
    offsets: 'char_start_index',
    retries: [],
  },
];

/** Special entities: label -> [document index, chunk index][] where they are mentioned. */
const SPECIAL: { def: Omit<EntityDef, 'label'> & { label: string }; at: [number, number][] }[] = [
  {
    def: {
      label: 'judge',
      name: 'Hon. Eleanor M. Whitcombe',
      type: 'PERSON',
      aliases: ['Judge Whitcombe', 'E. M. Whitcombe'],
      case: 'three-projects',
    },
    at: [
      [0, 0],
      [1, 1],
      [3, 0],
    ],
  },
  {
    def: { label: 'northgate', name: 'Northgate Logistics LLC', type: 'ORG', aliases: ['Northgate', 'Northgate Logistics'], case: 'two-projects' },
    at: [
      [0, 1],
      [6, 0],
      [11, 1],
    ],
  },
  {
    def: { label: 'court', name: 'Superior Court of Alameda County', type: 'COURT', aliases: ['Alameda Superior Court'], case: 'two-projects' },
    at: [
      [1, 0],
      [8, 0],
    ],
  },
  { def: { label: 'acme-1', name: 'Acme Corp.', type: 'ORG', aliases: {}, case: 'same-key' }, at: [[0, 2]] },
  { def: { label: 'acme-2', name: 'ACME CORP', type: 'ORG', aliases: null, case: 'same-key' }, at: [[11, 0]] },
  {
    def: { label: 'hartwell-freight', name: 'Hartwell Freight Co.', type: 'ORG', aliases: ['Hartwell Freight'], case: 'one-project' },
    at: [
      [3, 1],
      [5, 2],
    ],
  },
  { def: { label: 'unmentioned', name: 'Brennan & Sloane LLP', type: 'ORG', aliases: ['Brennan Sloane'], case: 'unmentioned' }, at: [] },
];

/** Production row counts of one copy. */
export const LEGACY_PRODUCTION_COUNTS = {
  projects: 16,
  source_documents: 12,
  document_chunks: 24,
  entity_mentions: 98,
  canonical_entities: 66,
  relationship_staging: 330,
  textract_jobs: 6,
  processing_tasks: 5,
  schema_version: 2,
} as const;

const REL_TYPES = ['RELATED_TO', 'REPRESENTED_BY', 'PARTY_TO', 'APPEARED_BEFORE', 'FILED_IN', 'REFERENCES'];

const at = (base: string, minutes: number) => new Date(Date.parse(base) + minutes * 60_000).toISOString();
const OLD_UPDATED_AT = '2025-06-01T08:00:00.000Z';
const OLD_UPDATED_AT_BEFORE = '2025-06-02T00:00:00.000Z';

// ---------------------------------------------------------------------------------------------------------------
// Writing rows

type Row = Record<string, unknown>;

/** INSERT of rows (objects) into a table, restricted to the schema's columns (jsonb_populate_recordset: one round trip). */
async function insertRows(c: Queryable, schema: LegacySchema, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const have = new Set(schema.tables[table].columns.map((x) => x.name));
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => have.has(k));
  const list = cols.map(ident).join(', ');
  const data = rows.map((r) => Object.fromEntries(cols.map((k) => [k, r[k] === undefined ? null : r[k]])));
  await c.query(`INSERT INTO ${ident(table)} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::${ident(table)}, $1::jsonb)`, [
    JSON.stringify(data),
  ]);
}

/** Current max(id) of each serial table (0 when empty). */
async function idBases(c: Queryable, schema: LegacySchema): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, t] of Object.entries(schema.tables)) {
    const key = t.columns.find((x) => x.name === legacyKeyColumn(t));
    if (key?.type !== 'INTEGER') continue;
    out[name] = Number(rowsOf<{ m: number }>(await c.query(`SELECT coalesce(max(${ident(key.name)}), 0)::int AS m FROM ${ident(name)}`))[0].m);
  }
  return out;
}

/** Moves every serial sequence past the ids written explicitly. */
async function syncSequences(c: Queryable, schema: LegacySchema): Promise<void> {
  for (const [name, t] of Object.entries(schema.tables)) {
    for (const col of t.columns) {
      const seq = sequenceOfDefault(col.default);
      if (!seq) continue;
      await c.query(`SELECT setval($1::regclass, greatest((SELECT coalesce(max(${ident(col.name)}), 0) FROM ${ident(name)}), 1))`, [seq]);
    }
  }
}

/** Counts rows per table. */
export async function countLegacyRows(q: Queryable, schema: LegacySchema): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(schema.tables)) {
    out[name] = Number(rowsOf<{ n: number }>(await q.query(`SELECT count(*)::int AS n FROM ${ident(name)}`))[0].n);
  }
  return out;
}

/**
 * Writes the old system's rows (see the file comment) in one transaction and returns what was written.
 * `scale` (integer >= 1, default 1) writes that many copies of the production-sized set; `salt` fixes the UUIDs.
 */
export async function seedLegacyRows(q: Queryable, schema: LegacySchema, opts: { scale?: number; salt?: string } = {}): Promise<LegacySeed> {
  const scale = Math.max(1, Math.floor(opts.scale ?? 1));
  const salt = opts.salt ?? randomUUID();
  for (const t of ['projects', 'source_documents', 'document_chunks', 'entity_mentions', 'canonical_entities', 'relationship_staging']) {
    if (!schema.tables[t]) throw new Error(`seedLegacyRows: the schema has no ${t} table`);
  }
  return inTransaction(q, async (c) => {
    const base = await idBases(c, schema);
    const seed: LegacySeed = {
      salt,
      projects: [],
      documents: [],
      byCase: Object.fromEntries(DOCUMENT_CASES.map((k) => [k, []])) as unknown as LegacySeed['byCase'],
      chunks: [],
      mentions: [],
      entities: [],
      entitiesByCase: { 'one-project': [], 'two-projects': [], 'three-projects': [], 'same-key': [], unmentioned: [] },
      edges: [],
      counts: {},
      orphans: { documents: [], entities: [], edges: [] },
      oldUpdatedAtBefore: OLD_UPDATED_AT_BEFORE,
    };
    const rows: Record<string, Row[]> = {};
    const push = (t: string, r: Row) => (rows[t] ??= []).push(r);
    const dangling: Row[] = [];
    const next = { ...base };
    const nextId = (t: string) => (next[t] = (next[t] ?? 0) + 1);
    // Missing project ids for the dangling documents: past every project this seed writes.
    let missingProjectId = (base.projects ?? 0) + 16 * scale + 1000;

    for (let copy = 0; copy < scale; copy++) {
      const u = (label: string) => seedUuid(salt, `${copy}/${label}`);
      const minute = copy * 1000;
      // Projects.
      const projects = MATTERS.map((m, i) => {
        const p: LegacySeedProject = { id: nextId('projects'), projectId: u(`project-${i}`), name: copy ? `${m.name} (${copy + 1})` : m.name };
        push('projects', {
          id: p.id,
          project_id: p.projectId,
          supabase_project_id: i % 4 === 0 ? u(`supabase-${i}`) : null,
          name: p.name,
          client_name: m.client,
          matter_type: m.type,
          data_layer: i % 5 === 0 ? { provider: 'supabase', synced: true } : null,
          airtable_id: i % 3 === 0 ? `rec${createHash('md5').update(p.projectId).digest('hex').slice(0, 14)}` : null,
          metadata: i % 2 === 0 ? { source: 'airtable', tags: [m.type] } : null,
          active: i !== 15,
          script_run_count: i % 4,
          processed_by_scripts: i % 4 !== 0,
          last_synced_at: i % 3 === 0 ? at('2025-05-20T06:00:00Z', i + minute) : null,
          created_at: at('2025-03-03T09:00:00Z', i * 1440 + minute),
          updated_at: at(OLD_UPDATED_AT, i + minute),
          description: `${m.type} matter for ${m.client}`,
          status: i === 15 ? 'archived' : 'active',
          matter_number: `M-${2025}-${String(101 + i + copy * 16).padStart(4, '0')}`,
        });
        return p;
      });
      seed.projects.push(...projects);

      // Entities: specials first, fillers until 66 per copy.
      const defs: EntityDef[] = SPECIAL.map((s) => ({ ...s.def }));
      const refs = new Map<string, string[]>(); // `${doc}/${chunk}` -> entity labels
      const addRef = (d: number, ch: number, label: string) => refs.set(`${d}/${ch}`, [...(refs.get(`${d}/${ch}`) ?? []), label]);
      for (const s of SPECIAL) for (const [d, ch] of s.at) addRef(d, ch, s.def.label);
      const firstChunks = DOCS.flatMap((d, di) => Array.from({ length: d.chunks }, (_, ch) => [di, ch] as [number, number]));
      for (let i = 0; defs.length < LEGACY_PRODUCTION_COUNTS.canonical_entities; i++) {
        const f = fillerEntity(i, copy);
        defs.push(f);
        const [d, ch] = firstChunks[i % firstChunks.length];
        addRef(d, ch, f.label);
      }
      const entityByLabel = new Map<string, { def: EntityDef; id: number; uuid: string }>();
      for (const def of defs) entityByLabel.set(def.label, { def, id: nextId('canonical_entities'), uuid: u(`entity-${def.label}`) });

      // Documents, their chunks, mentions, jobs.
      const copyDocs: LegacySeedDocument[] = [];
      const copyChunks: (LegacySeedChunk & { text: string; labels: string[] })[] = [];
      const copyMentions: (LegacySeedMention & { chunkUuidWritten: string | null })[] = [];
      DOCS.forEach((spec, di) => {
        const documentUuid = u(`document-${di}`);
        const id = nextId('source_documents');
        const truth = spec.project == null ? null : projects[spec.project];
        let projectFkId: number | null = null;
        let projectUuid: string | null = null;
        if (spec.case === 'intake') projectFkId = truth!.id;
        else if (spec.case === 'cli-import') projectUuid = truth!.projectId;
        else if (spec.case === 'good') [projectFkId, projectUuid] = [truth!.id, truth!.projectId];
        else if (spec.case === 'mismatched') [projectFkId, projectUuid] = [truth!.id, projects[spec.other!].projectId];
        else if (spec.case === 'dangling-fk') [projectFkId, projectUuid] = [missingProjectId++, truth!.projectId];
        else [projectFkId, projectUuid] = [missingProjectId++, null];
        const baseName = `${MATTERS[spec.project ?? 9].name.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '')}_${['Complaint', 'Motion_to_Dismiss', 'Deposition_Transcript', 'Exhibit_A', 'Settlement_Agreement', 'Order'][di % 6]}_${di + 1}`;
        const s3Key = `uploads/${truth?.projectId ?? 'unassigned'}/${documentUuid}/${baseName}.pdf`;
        const originalFileName = spec.file === 'original' ? `${baseName}.pdf` : null;
        const fileName = spec.file === 'file-name-only' ? `${documentUuid}.pdf` : spec.file === 'original' ? `${documentUuid}.pdf` : null;
        const displayName = originalFileName ?? fileName ?? s3Key.split('/').pop() ?? '';
        // Text of the document: a heading, then one paragraph per chunk.
        const heading = `${MATTERS[spec.project ?? 9].name}\nCase Document ${di + 1}\n\n`;
        const paragraphs = Array.from({ length: spec.chunks }, (_, ch) =>
          (refs.get(`${di}/${ch}`) ?? []).map((l) => SENTENCES[entityByLabel.get(l)!.def.type](entityByLabel.get(l)!.def.name)).join(' '),
        );
        let cursor = heading.length;
        const starts = paragraphs.map((p) => {
          const s = cursor;
          cursor += p.length + 2;
          return s;
        });
        const text = spec.chunks ? heading + paragraphs.join('\n\n') : null;
        const ocrDone = spec.status === 'completed';
        const pageSource: PageSource =
          spec.textractPageCount != null && spec.jobs.some((j) => j != null)
            ? 'both'
            : spec.textractPageCount != null
              ? 'textract_page_count'
              : spec.jobs.some((j) => j != null)
                ? 'textract_jobs'
                : 'none';
        const jobPages = spec.jobs.filter((j): j is number => j != null);
        const doc: LegacySeedDocument = {
          id,
          documentUuid,
          case: spec.case,
          originalProjectUuid: truth?.projectId ?? null,
          originalProjectId: truth?.id ?? null,
          projectFkId,
          projectUuid,
          fileName: spec.file,
          originalFileName,
          displayName,
          s3Key,
          pageSource,
          expectedPageCount: spec.textractPageCount ?? (jobPages.length ? Math.max(...jobPages) : null),
          ocrConfidenceScore:
            ocrDone && hasColumn(schema, 'source_documents', 'ocr_confidence_score') ? ['0.9312', '0.8875', '0.97', '0.9043'][di % 4] : null,
          status: spec.file === 's3-key-only' ? null : spec.status,
          createdAt: at('2025-05-10T14:00:00Z', di * 61 + minute),
        };
        copyDocs.push(doc);
        const fromCli = spec.case === 'cli-import';
        const row: Row = {
          id,
          document_uuid: documentUuid,
          project_uuid: projectUuid,
          project_fk_id: projectFkId,
          import_session_id: fromCli ? u(`import-session-${di}`) : null,
          file_name: fileName,
          original_file_name: originalFileName,
          original_file_path: fromCli ? `/mnt/intake/${baseName}.pdf` : null,
          file_path: spec.file === 's3-key-only' ? null : fromCli ? `/mnt/intake/${baseName}.pdf` : `s3://legal-docs-intake/${s3Key}`,
          file_type: spec.file === 's3-key-only' ? null : 'pdf',
          detected_file_type: spec.file === 's3-key-only' ? null : 'application/pdf',
          file_size_bytes: spec.file === 's3-key-only' ? null : 48_213 + di * 7_919,
          s3_key: s3Key,
          s3_bucket: spec.file === 's3-key-only' ? null : 'legal-docs-intake',
          s3_region: spec.file === 's3-key-only' ? null : 'us-east-2',
          s3_key_public: null,
          s3_bucket_public: null,
          status: doc.status,
          initial_processing_status: spec.file === 's3-key-only' ? null : 'uploaded',
          celery_status: ocrDone ? 'SUCCESS' : spec.status === 'ocr_failed' ? 'FAILURE' : null,
          celery_task_id: ocrDone || spec.status === 'ocr_failed' ? u(`celery-${di}`) : null,
          raw_extracted_text: text,
          markdown_text: text ? `# ${heading.trim().split('\n')[0]}\n\n${paragraphs.join('\n\n')}` : null,
          cleaned_text: text ? text.replace(/\s+/g, ' ') : null,
          ocr_metadata_json: ocrDone ? { engine: 'textract', blocks: 40 + di, warnings: [] } : null,
          ocr_provider: ocrDone ? 'textract' : null,
          ocr_completed_at: ocrDone ? at('2025-05-12T10:00:00Z', di * 17 + minute) : null,
          ocr_processing_seconds: ocrDone ? `${(11.5 + di * 1.25).toFixed(2)}` : null,
          ocr_confidence_score: doc.ocrConfidenceScore,
          textract_job_id: spec.jobs.length ? u(`textract-job-${di}-${spec.jobs.length - 1}`) : null,
          textract_job_status: spec.jobs.length ? 'SUCCEEDED' : spec.status === 'ocr_failed' ? 'FAILED' : null,
          textract_start_time: spec.jobs.length ? at('2025-05-12T09:58:00Z', di * 17 + minute) : null,
          textract_end_time: spec.jobs.length ? at('2025-05-12T09:59:30Z', di * 17 + minute) : null,
          textract_page_count: spec.textractPageCount,
          textract_error_message: spec.status === 'ocr_failed' ? 'UnsupportedDocumentException: the document is password protected' : null,
          transcription_metadata_json: null,
          created_at: doc.createdAt,
          updated_at: at(OLD_UPDATED_AT, 60 + di + minute),
          processing_completed_at: ocrDone ? at('2025-05-12T10:05:00Z', di * 17 + minute) : null,
          error_message: spec.status === 'ocr_failed' ? 'OCR failed after 3 attempts' : null,
          retry_count: spec.status === 'ocr_failed' ? 3 : 0,
          last_retry_at: spec.status === 'ocr_failed' ? at('2025-05-11T08:00:00Z', minute) : null,
        };
        (spec.case === 'dangling-fk' || spec.case === 'orphan' ? dangling : (rows.source_documents ??= [])).push(row);

        spec.jobs.forEach((pages, j) => {
          push('textract_jobs', {
            id: nextId('textract_jobs'),
            job_id: u(`textract-job-${di}-${j}`),
            document_uuid: documentUuid,
            job_type: 'DetectDocumentText',
            status: pages == null ? 'FAILED' : 'SUCCEEDED',
            created_at: at('2025-05-12T09:58:00Z', di * 17 + j * 5 + minute),
            started_at: at('2025-05-12T09:58:05Z', di * 17 + j * 5 + minute),
            completed_at: at('2025-05-12T09:59:30Z', di * 17 + j * 5 + minute),
            page_count: pages,
            result_s3_key: pages == null ? null : `textract-output/${documentUuid}/${j}.json`,
            error_message: pages == null ? 'ProvisionedThroughputExceededException' : null,
            metadata: { attempt: j + 1 },
          });
        });

        // Chunks (first copies, then the retries' re-inserts, later).
        const writeChunk = (ch: number, retryOf: (typeof copyChunks)[number] | null) => {
          const cid = nextId('document_chunks');
          const chunkUuid = u(`chunk-${di}-${ch}-${retryOf ? 'retry' : 'first'}`);
          const offsets: ChunkOffsets = spec.unknownChunk === ch ? 'unknown' : spec.offsets;
          const start = starts[ch];
          const end = start + paragraphs[ch].length;
          const chunk = {
            id: cid,
            chunkUuid,
            documentId: id,
            documentUuid,
            documentRef: spec.documentRef,
            chunkIndex: ch,
            offsets,
            start,
            end,
            retryOf: retryOf?.id ?? null,
            text: paragraphs[ch],
            labels: refs.get(`${di}/${ch}`) ?? [],
          };
          copyChunks.push(chunk);
          push('document_chunks', {
            id: cid,
            chunk_uuid: chunkUuid,
            document_uuid: spec.documentRef === 'fk' ? null : documentUuid,
            document_fk_id: spec.documentRef === 'uuid' ? null : id,
            chunk_index: ch,
            chunk_number: ch + 1,
            text: paragraphs[ch],
            cleaned_text: paragraphs[ch],
            char_start_index: offsets === 'char_start_index' ? start : null,
            char_end_index: offsets === 'char_start_index' ? end : null,
            start_page: ch + 1,
            end_page: ch + 1,
            metadata_json: { strategy: 'paragraph', retry: !!retryOf },
            chunk_type: 'text',
            embedding_vector: ch === 0 && !retryOf && di === 0 ? [0.0125, -0.5, 0.75, 1] : null,
            embedding_model: ch === 0 && !retryOf && di === 0 ? 'text-embedding-3-small' : null,
            created_at: at('2025-05-12T10:06:00Z', di * 17 + ch + (retryOf ? 30 : 0) + minute),
            updated_at: at(OLD_UPDATED_AT, 120 + di * 5 + ch + (retryOf ? 1 : 0) + minute),
            start_char_index: offsets === 'start_char_index' ? start : null,
            end_char_index: offsets === 'start_char_index' ? end : null,
            metadata: {},
          });
          return chunk;
        };
        const firsts = Array.from({ length: spec.chunks }, (_, ch) => writeChunk(ch, null));
        for (const ch of spec.retries) writeChunk(ch, firsts[ch]);
      });

      // Mentions: one per entity occurrence on every first copy, and on the retries' copies.
      const entityOf = (label: string) => entityByLabel.get(label)!;
      let mentionNo = 0;
      const writeMention = (ch: (typeof copyChunks)[number], label: string, extra: Partial<LegacySeedMention> = {}) => {
        const e = entityOf(label);
        const rel = ch.text.indexOf(e.def.name);
        if (rel < 0) throw new Error(`seed: ${e.def.name} not in chunk ${ch.chunkIndex}`);
        const n = mentionNo++;
        const chunkRef: LegacySeedMention['chunkRef'] =
          ch.documentRef !== 'uuid' && n % 13 === 5 ? 'fk' : ch.documentRef !== 'uuid' && n % 2 === 0 ? 'both' : 'uuid';
        const m: LegacySeedMention & { chunkUuidWritten: string | null } = {
          id: nextId('entity_mentions'),
          mentionUuid: u(`mention-${n}`),
          chunkId: ch.id,
          documentId: ch.documentId,
          entityUuid: e.uuid,
          entityText: e.def.name,
          entityType: e.def.type,
          startChar: rel,
          endChar: rel + e.def.name.length,
          trueStart: ch.start + rel,
          offsets: ch.offsets === 'unknown' ? 'chunk-start-unknown' : 'relative',
          repeatOf: null,
          onRetryCopy: ch.retryOf != null,
          chunkRef,
          chunkUuidWritten: chunkRef === 'fk' ? null : ch.chunkUuid,
          ...extra,
        };
        copyMentions.push(m);
        return m;
      };
      for (const ch of copyChunks) for (const l of ch.labels) writeMention(ch, l);
      // Unknown offsets written as 0/0 by one extractor: every 9th first-copy mention on a chunk of known start.
      copyMentions.forEach((m, i) => {
        if (i % 9 === 4 && m.offsets === 'relative' && !m.onRetryCopy) Object.assign(m, { startChar: 0, endChar: 0, offsets: 'zero' });
      });
      // Repeated identical spans (an extraction retried on the same chunk) up to the production count; every
      // other repeat without canonical_entity_uuid.
      const originals = copyMentions.filter((m) => !m.onRetryCopy && m.offsets === 'relative');
      for (let i = 0; copyMentions.length < LEGACY_PRODUCTION_COUNTS.entity_mentions; i++) {
        const o = originals[(i * 5) % originals.length];
        const ch = copyChunks.find((x) => x.id === o.chunkId)!;
        const label = [...entityByLabel.values()].find((x) => x.uuid === o.entityUuid)!.def.label;
        writeMention(ch, label, { repeatOf: o.id, entityUuid: i % 2 === 0 ? o.entityUuid : null });
      }
      if (copyMentions.length !== LEGACY_PRODUCTION_COUNTS.entity_mentions) throw new Error(`seed: ${copyMentions.length} mentions per copy`);
      const chunkById = new Map(copyChunks.map((x) => [x.id, x]));
      const docById = new Map(copyDocs.map((d) => [d.id, d]));
      copyMentions.forEach((m, i) => {
        const ch = chunkById.get(m.chunkId)!;
        push('entity_mentions', {
          id: m.id,
          mention_uuid: m.mentionUuid,
          document_uuid: ch.documentRef === 'fk' ? null : ch.documentUuid,
          chunk_uuid: m.chunkUuidWritten,
          chunk_fk_id: m.chunkRef === 'uuid' ? null : ch.id,
          entity_text: m.entityText,
          entity_type: m.entityType,
          entity_subtype: m.entityType === 'PERSON' ? 'individual' : null,
          start_char: m.startChar,
          end_char: m.endChar,
          confidence_score: 0.75 + (i % 20) / 100,
          extraction_method: i % 7 === 3 ? null : i % 3 === 0 ? 'spacy_ner' : 'openai_gpt4',
          processing_metadata: { chunk_index: ch.chunkIndex },
          canonical_entity_uuid: m.entityUuid,
          created_at: at('2025-05-12T10:10:00Z', i + minute),
          chunk_id: i % 4 === 0 ? ch.chunkUuid : null,
        });
        const { chunkUuidWritten: _w, ...pub } = m;
        seed.mentions.push(pub);
      });

      // Canonical entities, with the projects their linked mentions' documents belong to.
      for (const { def, id, uuid } of entityByLabel.values()) {
        const linked = copyMentions.filter((m) => m.entityUuid === uuid);
        const projectUuids = [...new Set(linked.map((m) => docById.get(m.documentId)!.originalProjectUuid).filter((p): p is string => !!p))].sort();
        const e: LegacySeedEntity = {
          id,
          uuid,
          name: def.name,
          type: def.type,
          key: normalizeEntity(def.type, def.name),
          case: def.case,
          projectUuids,
          linkedMentions: linked.length,
          aliases: def.aliases,
        };
        seed.entities.push(e);
        if (def.case) seed.entitiesByCase[def.case].push(e);
        if (!linked.length) seed.orphans.entities.push(e);
        push('canonical_entities', {
          id,
          canonical_entity_uuid: uuid,
          entity_type: def.type,
          canonical_name: def.name,
          mention_count: linked.length || 1,
          confidence_score: 0.9,
          resolution_method: def.case === 'same-key' ? 'exact_match' : 'llm',
          aliases: def.aliases,
          properties: {},
          metadata: def.case === 'unmentioned' ? { note: 'created by a manual merge' } : {},
          created_at: at('2025-05-12T10:12:00Z', (id % 60) + minute),
          updated_at: at(OLD_UPDATED_AT, 240 + (id % 60) + minute),
        });
      }

      // Relationships: co-occurrence within a chunk (both directions; with source_chunk_uuid, a retry's copy for
      // some), then edges without a chunk between entity pairs, until the production count.
      const edgeKeys = new Set<string>();
      const entityProjects = new Map(seed.entities.slice(-entityByLabel.size).map((e) => [e.uuid, e.projectUuids]));
      const addEdge = (s: string, t: string, type: string, chunk: (typeof copyChunks)[number] | null, evidence: string | null) => {
        const k = `${s}/${t}/${type}`;
        if (s === t || edgeKeys.has(k)) return false;
        edgeKeys.add(k);
        const id = nextId('relationship_staging');
        const shared = (entityProjects.get(s) ?? []).filter((p) => (entityProjects.get(t) ?? []).includes(p));
        const chunkProject = chunk ? docById.get(chunk.documentId)!.originalProjectUuid : null;
        const edge: LegacySeedEdge = {
          id,
          source: s,
          target: t,
          type,
          chunkUuid: chunk?.chunkUuid ?? null,
          projectUuids: chunkProject ? [chunkProject] : shared,
        };
        seed.edges.push(edge);
        if (!edge.projectUuids.length) seed.orphans.edges.push(edge);
        push('relationship_staging', {
          id,
          source_entity_uuid: s,
          target_entity_uuid: t,
          relationship_type: type,
          confidence_score: 0.6 + (id % 4) / 10,
          source_chunk_uuid: chunk?.chunkUuid ?? null,
          evidence_text: evidence,
          properties: chunk ? { method: 'co_occurrence' } : {},
          metadata: {},
          created_at: at('2025-05-12T10:15:00Z', (id % 300) + minute),
        });
        return true;
      };
      let typeNo = 0;
      for (const ch of copyChunks.filter((x) => x.retryOf == null)) {
        const ents = [...new Set(ch.labels.map((l) => entityOf(l).uuid))];
        const retry = copyChunks.find((x) => x.retryOf === ch.id);
        for (let i = 0; i < ents.length; i++)
          for (let j = 0; j < ents.length; j++) {
            if (i === j) continue;
            addEdge(ents[i], ents[j], REL_TYPES[typeNo++ % REL_TYPES.length], retry && (i + j) % 2 ? retry : ch, ch.text.slice(0, 120));
          }
      }
      const all = [...entityByLabel.values()].map((e) => e.uuid);
      const perCopyEdges = () => seed.edges.length - copy * LEGACY_PRODUCTION_COUNTS.relationship_staging;
      // Edges without a chunk join entities of one project (the old code related what it saw together), but for a
      // few whose endpoints share no project (orphan edges, one of them from the entity nobody mentions).
      let orphanEdges = 3;
      const share = (a: string, b: string) => (entityProjects.get(a) ?? []).some((p) => (entityProjects.get(b) ?? []).includes(p));
      const unmentioned = entityByLabel.get('unmentioned')!.uuid;
      addEdge(unmentioned, entityByLabel.get('judge')!.uuid, 'RELATED_TO', null, null);
      outer: for (let round = 0; round < REL_TYPES.length; round++)
        for (let step = 1; step < all.length; step++)
          for (let i = 0; i < all.length; i++) {
            if (perCopyEdges() >= LEGACY_PRODUCTION_COUNTS.relationship_staging) break outer;
            const [a, b] = [all[i], all[(i + step) % all.length]];
            if (a === unmentioned || b === unmentioned) continue;
            if (!share(a, b)) {
              if (orphanEdges <= 0) continue;
              orphanEdges--;
            }
            addEdge(a, b, REL_TYPES[(i + step + round) % REL_TYPES.length], null, null);
          }
      if (perCopyEdges() !== LEGACY_PRODUCTION_COUNTS.relationship_staging) throw new Error(`seed: ${perCopyEdges()} edges per copy`);

      // Processing tasks (celery bookkeeping) of a copy.
      const task = (di: number, type: string, status: string, n: number) =>
        push('processing_tasks', {
          id: u(`task-${di}-${type}`),
          document_id: copyDocs[di].documentUuid,
          task_type: type,
          status,
          celery_task_id: status === 'pending' ? null : u(`celery-task-${di}-${type}`),
          error_message: status === 'failed' ? 'Textract job failed' : null,
          retry_count: status === 'failed' ? 3 : 0,
          started_at: status === 'pending' ? null : at('2025-05-12T09:57:00Z', n + minute),
          completed_at: status === 'completed' ? at('2025-05-12T10:20:00Z', n + minute) : null,
          created_at: at('2025-05-12T09:56:00Z', n + minute),
          updated_at: at(OLD_UPDATED_AT, 400 + n + minute),
        });
      task(0, 'ocr', 'completed', 0);
      task(0, 'entity_extraction', 'completed', 1);
      task(1, 'ocr', 'completed', 2);
      task(2, 'ocr', 'failed', 3);
      task(4, 'ocr', 'pending', 4);

      seed.documents.push(...copyDocs);
      seed.chunks.push(...copyChunks.map(({ text: _t, labels: _l, ...pub }) => pub));
    }
    if (schema.tables.schema_version && !rowsOf(await c.query('SELECT 1 FROM schema_version LIMIT 1')).length) {
      push('schema_version', { version: 1, applied_at: '2025-02-14T12:00:00Z', description: 'initial schema' });
      push('schema_version', { version: 2, applied_at: '2025-04-02T12:00:00Z', description: 'integer foreign keys beside the uuid ones' });
    }

    const order = [
      'projects',
      'source_documents',
      'textract_jobs',
      'processing_tasks',
      'schema_version',
      'document_chunks',
      'canonical_entities',
      'entity_mentions',
      'relationship_staging',
    ];
    const writeTable = async (t: string, r: Row[]) => {
      if (!schema.tables[t]) return;
      await insertRows(c, schema, t, r);
      seed.counts[t] = (seed.counts[t] ?? 0) + r.length;
    };
    for (const t of order.slice(0, 2)) await writeTable(t, rows[t] ?? []);
    // Rows that point at missing projects: the old FKs are bypassed for them only.
    await c.query('SET LOCAL session_replication_role = replica');
    await writeTable('source_documents', dangling);
    await c.query('SET LOCAL session_replication_role = origin');
    for (const t of order.slice(2)) await writeTable(t, rows[t] ?? []);
    for (const t of Object.keys(schema.tables)) seed.counts[t] ??= 0;
    await syncSequences(c, schema);

    for (const d of seed.documents) seed.byCase[d.case].push(d);
    seed.orphans.documents = seed.byCase.orphan;
    return seed;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Old cache entries

export type LegacyCacheShape = 'intake' | 'pipeline';
export interface LegacyCacheEntry {
  key: string;
  documentUuid: string;
  shape: LegacyCacheShape;
  /** complete: matches the database; null-filename: shape A of the NULL-original_file_name document; stale-project: names the wrong project. */
  variant: 'complete' | 'null-filename' | 'stale-project';
  /** TTL written (seconds), null for none. */
  ttl: number | null;
  value: Record<string, unknown>;
}

/** The Redis client surface used (ioredis). */
export type LegacyRedis = Pick<Redis, 'set'>;

/**
 * Writes doc:metadata:{uuid} in the old shapes: A (intake, no TTL) for intake-path and good documents, B (pipeline,
 * TTL 86400) for CLI-import, good and dangling ones, one shape-A entry with filename null for the document whose
 * original_file_name is NULL, and one stale shape-A entry naming the wrong project (the mismatched document's
 * project_uuid). Orphans and the s3-key-only document get none. Returns which key got which shape.
 */
export async function seedLegacyCache(redis: LegacyRedis, seed: LegacySeed): Promise<LegacyCacheEntry[]> {
  const out: LegacyCacheEntry[] = [];
  const projectById = new Map(seed.projects.map((p) => [p.id, p]));
  const projectByUuid = new Map(seed.projects.map((p) => [p.projectId, p]));
  const shapeA = (d: LegacySeedDocument, project: LegacySeedProject, filename: string | null) => ({
    document_uuid: d.documentUuid,
    project_id: project.id,
    project_uuid: project.projectId,
    filename,
    s3_bucket: 'legal-docs-intake',
    s3_key: d.s3Key,
    created_at: d.createdAt,
    status: d.status,
  });
  const shapeB = (d: LegacySeedDocument, project: LegacySeedProject) => ({
    project_uuid: project.projectId,
    document_metadata: { documentId: d.documentUuid, name: d.displayName, file_type: 'pdf', project_uuid: project.projectId },
    file_path: `s3://legal-docs-intake/${d.s3Key}`,
    pipeline_started: true,
  });
  let goodNo = 0;
  for (const d of seed.documents) {
    const key = redisKeys.docMetadata(d.documentUuid);
    const truth = d.originalProjectId != null ? projectById.get(d.originalProjectId)! : null;
    let e: LegacyCacheEntry | null = null;
    if (d.case === 'intake' && d.fileName === 'original')
      e = { key, documentUuid: d.documentUuid, shape: 'intake', variant: 'complete', ttl: null, value: shapeA(d, truth!, d.displayName) };
    else if (d.case === 'intake' && d.fileName === 'file-name-only')
      e = { key, documentUuid: d.documentUuid, shape: 'intake', variant: 'null-filename', ttl: null, value: shapeA(d, truth!, null) };
    else if (d.case === 'mismatched') {
      const wrong = projectByUuid.get(d.projectUuid!)!;
      e = { key, documentUuid: d.documentUuid, shape: 'intake', variant: 'stale-project', ttl: null, value: shapeA(d, wrong, d.displayName) };
    } else if (d.case === 'good' && goodNo++ % 2 === 0)
      e = { key, documentUuid: d.documentUuid, shape: 'intake', variant: 'complete', ttl: null, value: shapeA(d, truth!, d.displayName) };
    else if (d.case === 'good' || d.case === 'cli-import' || d.case === 'dangling-fk')
      e = { key, documentUuid: d.documentUuid, shape: 'pipeline', variant: 'complete', ttl: 86400, value: shapeB(d, truth!) };
    if (!e) continue;
    if (e.ttl) await redis.set(key, JSON.stringify(e.value), 'EX', e.ttl);
    else await redis.set(key, JSON.stringify(e.value));
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk generator

export interface GeneratedLegacyCounts {
  projects: number;
  source_documents: number;
  document_chunks: number;
  entity_mentions: number;
  canonical_entities: number;
  relationship_staging: number;
  textract_jobs: number;
  /** Documents per case. */
  byCase: Record<DocumentCase, number>;
}

/**
 * The case of generated document i (1-based): 80% intake path (project_uuid NULL), 10% CLI import, 7% good,
 * 1% each mismatched, dangling-fk, orphan, by g % 100 (the generator's SQL spells the same ranges).
 */
function generatedCase(g: number): DocumentCase {
  const r = g % 100;
  return r < 80 ? 'intake' : r < 90 ? 'cli-import' : r < 97 ? 'good' : r === 97 ? 'mismatched' : r === 98 ? 'dangling-fk' : 'orphan';
}

/**
 * SQL: the document_uuid of generated document `g`. Its first 12 hex digits are g, so the rows arrive in index
 * order (a million random UUIDs into the unique index is what made the load slow); the rest is an md5 of g.
 */
export function generatedDocumentUuid(g: string): string {
  return `(lpad(to_hex(${g}), 12, '0') || '4' || substr(md5('d' || ${g}), 1, 3) || '8' || substr(md5('d' || ${g}), 4, 15))::uuid`;
}

/** The expected row counts of generateLegacyDatabase (computed independently of the SQL). */
export function generatedLegacyCounts(documents: number, projects = Math.max(2, Math.ceil(documents / 500))): GeneratedLegacyCounts {
  const byCase = Object.fromEntries(DOCUMENT_CASES.map((k) => [k, 0])) as Record<DocumentCase, number>;
  for (let g = 1; g <= documents; g++) byCase[generatedCase(g)]++;
  const chunked = Math.floor(documents / 50); // documents 50, 100, ... have text and 2 chunks
  const retried = Math.floor(documents / 500); // documents 500, 1000, ... have chunk 0 re-inserted
  const chunks = chunked * 2 + retried;
  return {
    projects,
    source_documents: documents,
    document_chunks: chunks,
    entity_mentions: chunks * 2,
    canonical_entities: Math.max(20, Math.ceil(documents / 200)),
    relationship_staging: chunked,
    textract_jobs: chunked,
    byCase,
  };
}

/**
 * Bulk-generates an old database (INSERT ... SELECT generate_series, on one connection with the old FKs and
 * triggers bypassed through session_replication_role = replica; the rows are consistent by construction except the
 * intended dangling/orphan/mismatched ones; the plain indexes are dropped during the load and re-created). `projects`
 * defaults to documents/500 (2,000 for 1,000,000). Mix: generatedCase (80% intake path); every 37th document has no
 * original_file_name; every 50th has text, an OCR score and 2 chunks (offsets in char_start_index or
 * start_char_index, alternately, or unknown; every 150th chunk pair only with document_fk_id); page counts in
 * textract_page_count or textract_jobs.page_count; every 500th a retry's duplicate of chunk 0; 2 chunk-relative
 * mentions per chunk (every 10th 0/0); global canonical entities (documents/200, mentioned across projects); one edge
 * per chunked document (half with source_chunk_uuid). Writes into an empty database of the schema, using only columns
 * OWN_LEGACY_SCHEMA also has. Returns the expected counts. Measured: 1,000,000 documents in 41 s (own schema) and
 * 64 s (real schema) on 2 busy cores (load average 11).
 */
export async function generateLegacyDatabase(
  q: Queryable,
  schema: LegacySchema,
  opts: { documents: number; projects?: number; batch?: number },
): Promise<GeneratedLegacyCounts> {
  const counts = generatedLegacyCounts(opts.documents, opts.projects);
  const P = counts.projects;
  const N = opts.documents;
  const E = counts.canonical_entities;
  const batch = opts.batch ?? 250_000;
  const col = (t: string, name: string, expr: string) => (hasColumn(schema, t, name) ? [[name, expr] as const] : []);
  const insert = (t: string, cols: (readonly [string, string])[], from: string) =>
    `INSERT INTO ${ident(t)} (${cols.map(([n]) => ident(n)).join(', ')}) SELECT ${cols.map(([, e]) => e).join(', ')} FROM ${from}`;
  await inTransaction(q, async (c) => {
    await c.query('SET LOCAL session_replication_role = replica');
    // The plain indexes (not those of a constraint) are dropped during the load and re-created as they were.
    const plain = rowsOf<{ name: string; def: string }>(
      await c.query(
        `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = 'public' AND t.relname = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)`,
        [['source_documents', 'document_chunks', 'entity_mentions', 'relationship_staging', 'textract_jobs', 'projects', 'canonical_entities']],
      ),
    );
    for (const i of plain) await c.query(`DROP INDEX ${ident(i.name)}`);
    // Deterministic UUIDs from md5: projects 'p'||i, chunks 'c'||g||'-'||k, entities 'e'||i; documents generatedDocumentUuid(g).
    await c.query(
      insert(
        'projects',
        [
          ['id', 'i'],
          ['project_id', `md5('p' || i)::uuid`],
          ['name', `'Generated Matter ' || i || ' v. Respondent ' || (i * 7 % 997)`],
          ...col('projects', 'client_name', `'Client ' || i`),
          ...col('projects', 'matter_type', `(ARRAY['contract','probate','employment','personal injury'])[1 + i % 4]`),
          ...col('projects', 'created_at', `timestamptz '2024-01-01' + i * interval '1 hour'`),
          ...col('projects', 'updated_at', `timestamptz '${OLD_UPDATED_AT}' + i * interval '1 second'`),
        ],
        `generate_series(1, ${P}) i`,
      ),
    );
    // Document g's true project: 1 + g % P. Mismatched: project_uuid of the next project. Dangling: fk past P.
    const projectOf = `(1 + g % ${P})`;
    for (let from = 1; from <= N; from += batch) {
      const to = Math.min(N, from + batch - 1);
      await c.query(
        insert(
          'source_documents',
          [
            ['id', 'g'],
            ['document_uuid', `(lpad(to_hex(g), 12, '0') || '4' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid`],
            ['project_fk_id', `CASE WHEN r < 80 OR r BETWEEN 90 AND 97 THEN ${projectOf} WHEN r >= 98 THEN ${P} + 1000 + g ELSE NULL END`],
            [
              'project_uuid',
              `CASE WHEN r BETWEEN 80 AND 96 OR r = 98 THEN md5('p' || ${projectOf})::uuid WHEN r = 97 THEN md5('p' || (1 + (g + 1) % ${P}))::uuid ELSE NULL END`,
            ],
            ...col('source_documents', 'original_file_name', `CASE WHEN g % 37 = 0 THEN NULL ELSE 'Exhibit_' || g || '.pdf' END`),
            ...col('source_documents', 'file_name', `'scan_' || g || '.pdf'`),
            ...col('source_documents', 's3_key', `'uploads/' || g || '/Exhibit_' || g || '.pdf'`),
            ...col('source_documents', 's3_bucket', `'legal-docs-intake'`),
            ...col('source_documents', 'status', `CASE WHEN g % 50 = 0 THEN 'completed' ELSE 'pending' END`),
            ...col(
              'source_documents',
              'raw_extracted_text',
              `CASE WHEN g % 50 = 0 THEN 'Generated Matter text of document ' || g || '. Filed in Department ' || (g % 40) || '.' END`,
            ),
            ...col('source_documents', 'ocr_confidence_score', `CASE WHEN g % 50 = 0 THEN round((0.8 + (g % 19) / 100.0)::numeric, 4) END`),
            ...col('source_documents', 'textract_page_count', `CASE WHEN g % 100 = 0 THEN 1 + g % 9 END`),
            ...col('source_documents', 'created_at', `timestamptz '2025-01-01' + g * interval '10 seconds'`),
            ...col('source_documents', 'updated_at', `timestamptz '${OLD_UPDATED_AT}' + (g % 86400) * interval '1 second'`),
          ],
          // r = g % 100 picks the case (generatedCase); h = md5 of the document. OFFSET 0: computed once per row.
          `(SELECT g, g % 100 AS r, md5('d' || g) AS h FROM generate_series(${from}, ${to}) g OFFSET 0) s`,
        ),
      );
    }
    const chunkedDocs = `(SELECT g * 50 AS g FROM generate_series(1, ${Math.floor(N / 50)}) g) d`;
    await c.query(
      insert(
        'textract_jobs',
        [
          ['id', 'd.g / 50'],
          ['job_id', `'job-' || d.g`],
          ['document_uuid', generatedDocumentUuid('d.g')],
          ...col('textract_jobs', 'status', `'SUCCEEDED'`),
          ...col('textract_jobs', 'page_count', `CASE WHEN d.g % 100 = 0 THEN NULL ELSE 2 END`),
        ],
        chunkedDocs,
      ),
    );
    // Chunks: k = 0, 1 for every chunked document; k = 2 is the retry's copy of chunk 0 (every 500th document).
    const chunkText = `'Chunk ' || CASE WHEN k = 1 THEN 1 ELSE 0 END || ' of document ' || d.g || ': Entity ' || (d.g % ${E}) || ' and Entity ' || ((d.g + 1) % ${E}) || ' appeared.'`;
    await c.query(
      insert(
        'document_chunks',
        [
          ['id', `row_number() OVER (ORDER BY d.g, k)`],
          ['chunk_uuid', `md5('c' || d.g || '-' || k)::uuid`],
          ['document_uuid', `CASE WHEN d.g % 150 = 0 THEN NULL ELSE ${generatedDocumentUuid('d.g')} END`],
          ['document_fk_id', 'd.g'],
          ['chunk_index', 'CASE WHEN k = 1 THEN 1 ELSE 0 END'],
          ['text', chunkText],
          // Offsets: in char_start_index (g % 100 = 0), in start_char_index (g % 100 = 50), unknown (g % 700 = 0).
          ['char_start_index', `CASE WHEN d.g % 100 = 0 AND d.g % 700 <> 0 THEN (CASE WHEN k = 1 THEN 60 ELSE 0 END) END`],
          ['char_end_index', `CASE WHEN d.g % 100 = 0 AND d.g % 700 <> 0 THEN (CASE WHEN k = 1 THEN 120 ELSE 59 END) END`],
          ['start_char_index', `CASE WHEN d.g % 100 = 50 THEN (CASE WHEN k = 1 THEN 60 ELSE 0 END) END`],
          ['end_char_index', `CASE WHEN d.g % 100 = 50 THEN (CASE WHEN k = 1 THEN 120 ELSE 59 END) END`],
          ...col('document_chunks', 'created_at', `timestamptz '2025-02-01' + d.g * interval '1 second' + k * interval '1 minute'`),
          ...col('document_chunks', 'updated_at', `timestamptz '${OLD_UPDATED_AT}'`),
        ],
        `${chunkedDocs} CROSS JOIN LATERAL (SELECT k FROM generate_series(0, 2) k WHERE k < 2 OR d.g % 500 = 0) kk`,
      ),
    );
    await c.query(
      insert(
        'canonical_entities',
        [
          ['id', '1 + i'],
          ['canonical_entity_uuid', `md5('e' || i)::uuid`],
          ['entity_type', `(ARRAY['PERSON','ORG','COURT','DATE'])[1 + i % 4]`],
          ['canonical_name', `'Entity ' || i`],
          ...col('canonical_entities', 'aliases', `CASE WHEN i % 10 = 0 THEN NULL ELSE jsonb_build_array('ENTITY ' || i) END`),
          ...col('canonical_entities', 'updated_at', `timestamptz '${OLD_UPDATED_AT}'`),
        ],
        `generate_series(0, ${E - 1}) i`,
      ),
    );
    // Two mentions per chunk (entities g % E and (g + 1) % E), chunk-relative offsets; every 10th 0/0.
    await c.query(
      insert(
        'entity_mentions',
        [
          ['id', `row_number() OVER (ORDER BY ch.id, m)`],
          ['mention_uuid', `md5('m' || ch.id || '-' || m)::uuid`],
          ['document_uuid', 'ch.document_uuid'],
          ['chunk_uuid', 'ch.chunk_uuid'],
          ['chunk_fk_id', 'ch.id'],
          ['entity_text', `'Entity ' || ((ch.document_fk_id + m) % ${E})`],
          ['entity_type', `(ARRAY['PERSON','ORG','COURT','DATE'])[1 + ((ch.document_fk_id + m) % ${E}) % 4]`],
          ['start_char', `CASE WHEN (ch.id + m) % 10 = 0 THEN 0 ELSE strpos(ch.text, 'Entity ' || ((ch.document_fk_id + m) % ${E})) - 1 END`],
          [
            'end_char',
            `CASE WHEN (ch.id + m) % 10 = 0 THEN 0 ELSE strpos(ch.text, 'Entity ' || ((ch.document_fk_id + m) % ${E})) - 1 + length('Entity ' || ((ch.document_fk_id + m) % ${E})) END`,
          ],
          ...col('entity_mentions', 'extraction_method', `CASE WHEN m = 0 THEN 'openai_gpt4' END`),
          ['canonical_entity_uuid', `md5('e' || ((ch.document_fk_id + m) % ${E}))::uuid`],
        ],
        `document_chunks ch CROSS JOIN generate_series(0, 1) m`,
      ),
    );
    await c.query(
      insert(
        'relationship_staging',
        [
          ['id', 'd.g / 50'],
          ['source_entity_uuid', `md5('e' || (d.g % ${E}))::uuid`],
          ['target_entity_uuid', `md5('e' || ((d.g + 1) % ${E}))::uuid`],
          ['relationship_type', `'RELATED_TO_' || (d.g / 50)`],
          ['source_chunk_uuid', `CASE WHEN d.g % 100 = 0 THEN md5('c' || d.g || '-0')::uuid END`],
        ],
        chunkedDocs,
      ),
    );
    for (const i of plain) await c.query(i.def);
    await c.query('SET LOCAL session_replication_role = origin');
    await syncSequences(c, schema);
  });
  return counts;
}
