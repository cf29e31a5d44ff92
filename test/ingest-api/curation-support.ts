import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DOCUMENT_SOURCE_RELATIONSHIPS, DOCUMENT_TARGET_RELATIONSHIPS } from '@casegraph/contracts';
import { TestProject, cleanupProjects } from '../../apps/graph-worker/src/testing/graph-test-kit';

/**
 * Short filings written for the curation suites (never text of the shared fixtures). What the graph pipeline
 * finds in them (checked by the suites): ORG "Benton Harlow Freight, Inc." and its trade name "Harlow Freight
 * Lines LLC" (two entities a person merges), PERSON "Daniel Pell" (a witness in one order, the court clerk in
 * the other: a person splits them) and "Pell", ORG "Granite Ledge Supply LLC", LOCATION "Windham County" and
 * "Hartwell Township".
 */
export const ORDER_ON_DISMISSAL = `SUPERIOR COURT OF NEW HAMPSHIRE

ODESSA MARCHETTI, Plaintiff,
v.
BENTON HARLOW FREIGHT, INC., Defendant.

ORDER ON MOTION TO DISMISS

Plaintiff Odessa Marchetti sued Benton Harlow Freight, Inc. for breach of a hauling contract signed on May 14, 2022.
The contract names Benton Harlow Freight, Inc. as carrier and Granite Ledge Supply LLC as consignee.
The loads were to leave a yard in Windham County and reach a mill in Hartwell Township.
Marchetti paid $12,750 to Benton Harlow Freight, Inc. before the first load left Windham County.
A witness, Daniel Pell, testified that the trailer was never loaded. Mr. Pell works for Granite Ledge Supply LLC.
Invoices were issued by Harlow Freight Lines LLC, a trade name of the defendant.
The motion of Benton Harlow Freight, Inc. is DENIED.`;

export const ORDER_ON_SUMMARY_JUDGMENT = `SUPERIOR COURT OF NEW HAMPSHIRE

ODESSA MARCHETTI, Plaintiff,
v.
BENTON HARLOW FREIGHT, INC., Defendant.

ORDER ON SUMMARY JUDGMENT

Harlow Freight Lines LLC paid the driver late, and Harlow Freight Lines LLC kept the logs in Hartwell Township.
The court clerk, Daniel Pell, docketed the affidavit of Granite Ledge Supply LLC on June 2, 2023.
Odessa Marchetti relies on that affidavit. Daniel Pell certified the record.
Summary judgment for Benton Harlow Freight, Inc. is DENIED.`;

/** A later filing naming the same people and places (a new document after the decisions). */
export const NOTICE_OF_APPEAL = `SUPERIOR COURT OF NEW HAMPSHIRE

NOTICE OF APPEAL

Odessa Marchetti appeals the judgment entered for Benton Harlow Freight, Inc.
The invoices of Harlow Freight Lines LLC are part of the record.
The record was certified by Daniel Pell. Mr. Pell mailed it from Hartwell Township.
The trailer yard in Windham County is described in the affidavit of Granite Ledge Supply LLC.
Dated July 9, 2024.`;

/** A project row of the graph kit's shape with a uuid chosen here (a bound API key must name it before the app boots). */
export async function createProjectWithUuid(db: DataSource, label: string, projectUuid = randomUUID()): Promise<TestProject> {
  const name = `${label}-${randomUUID()}`;
  const rows: Array<{ id: number }> = await db.query('INSERT INTO projects (name, project_uuid) VALUES ($1, $2) RETURNING id', [name, projectUuid]);
  return { id: rows[0].id, projectUuid, name };
}

/** The graph kit's cleanup plus the curation rows of the projects. */
export async function cleanupCuration(db: DataSource, projects: TestProject[]): Promise<void> {
  const uuids = projects.map((p) => p.projectUuid);
  await db.query('DELETE FROM curation_rules WHERE project_uuid = ANY($1::uuid[])', [uuids]);
  await db.query('DELETE FROM curation_actions WHERE project_uuid = ANY($1::uuid[])', [uuids]);
  await cleanupProjects(db, projects);
}

export interface EntityRow {
  uuid: string;
  type: string;
  name: string;
  key: string;
  aliases: string[];
  mentionCount: number;
  curated: Record<string, boolean> | null;
}

export async function entities(db: DataSource, projectUuid: string): Promise<EntityRow[]> {
  return db.query(
    `SELECT canonical_entity_uuid AS uuid, entity_type AS type, canonical_name AS name, normalized_key AS key,
            casegraph_aliases(aliases) AS aliases, mention_count AS "mentionCount", curated
       FROM canonical_entities WHERE project_uuid = $1 ORDER BY entity_type, normalized_key`,
    [projectUuid],
  );
}

/** The one entity of the project with this type and name (throws when there is none or several). */
export async function entityNamed(db: DataSource, projectUuid: string, type: string, name: string): Promise<EntityRow> {
  const all = (await entities(db, projectUuid)).filter((e) => e.type === type && e.name === name);
  if (all.length !== 1) {
    const names = (await entities(db, projectUuid)).map((e) => `${e.type} ${e.name}`).join('; ');
    throw new Error(`expected one ${type} "${name}", found ${all.length} among: ${names}`);
  }
  return all[0];
}

export async function entityByUuid(db: DataSource, uuid: string): Promise<EntityRow | undefined> {
  const rows: EntityRow[] = await db.query(
    `SELECT canonical_entity_uuid AS uuid, entity_type AS type, canonical_name AS name, normalized_key AS key,
            casegraph_aliases(aliases) AS aliases, mention_count AS "mentionCount", curated
       FROM canonical_entities WHERE canonical_entity_uuid = $1`,
    [uuid],
  );
  return rows[0];
}

export interface MentionRow {
  mentionUuid: string;
  documentUuid: string;
  type: string;
  text: string;
  key: string;
  start: number;
  entityUuid: string | null;
}

export async function mentions(db: DataSource, projectUuid: string, where: { documentUuid?: string; entityUuid?: string; key?: string } = {}) {
  const rows: MentionRow[] = await db.query(
    `SELECT mention_uuid AS "mentionUuid", document_uuid AS "documentUuid", entity_type AS type, entity_text AS text,
            normalized_key AS key, start_char AS start, canonical_entity_uuid AS "entityUuid"
       FROM entity_mentions
      WHERE project_uuid = $1 AND ($2::uuid IS NULL OR document_uuid = $2) AND ($3::uuid IS NULL OR canonical_entity_uuid = $3)
        AND ($4::text IS NULL OR normalized_key = $4)
      ORDER BY document_uuid, start_char, mention_uuid`,
    [projectUuid, where.documentUuid ?? null, where.entityUuid ?? null, where.key ?? null],
  );
  return rows;
}

/** Aggregate edges touching an entity, as "TYPE other-end" strings (the other end: an entity uuid or a document uuid). */
export async function edgesOf(
  db: DataSource,
  projectUuid: string,
  entityUuid: string,
): Promise<Array<{ type: string; source: string; target: string; weight: number }>> {
  return db.query(
    `SELECT relationship_type AS type, source_entity_uuid AS source, target_entity_uuid AS target, weight
       FROM relationship_staging WHERE project_uuid = $1 AND (source_entity_uuid = $2 OR target_entity_uuid = $2)
      ORDER BY relationship_type, source_entity_uuid, target_entity_uuid`,
    [projectUuid, entityUuid],
  );
}

/**
 * What must hold in a project whatever curation and the pipeline did, in any interleaving: every mention's entity
 * exists in the project; every edge end is an existing entity (or the document, where the type says so); every
 * contribution likewise; every mention_count is the number of linked mentions. Returns the violations.
 */
export async function graphViolations(db: DataSource, projectUuid: string): Promise<string[]> {
  const out: string[] = [];
  const strayMentions: Array<{ mention_uuid: string; canonical_entity_uuid: string }> = await db.query(
    `SELECT m.mention_uuid, m.canonical_entity_uuid FROM entity_mentions m
      WHERE m.project_uuid = $1 AND m.canonical_entity_uuid IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM canonical_entities e WHERE e.canonical_entity_uuid = m.canonical_entity_uuid AND e.project_uuid = $1)`,
    [projectUuid],
  );
  for (const m of strayMentions) out.push(`mention ${m.mention_uuid} -> missing entity ${m.canonical_entity_uuid}`);
  for (const table of ['relationship_staging', 'relationship_contributions']) {
    const rows: Array<{ type: string; source: string; target: string }> = await db.query(
      `SELECT relationship_type AS type, source_entity_uuid AS source, target_entity_uuid AS target FROM ${table} WHERE project_uuid = $1`,
      [projectUuid],
    );
    const ids = new Set(
      (await db.query(`SELECT canonical_entity_uuid AS u FROM canonical_entities WHERE project_uuid = $1`, [projectUuid])).map(
        (r: { u: string }) => r.u,
      ),
    );
    const docs = new Set(
      (await db.query(`SELECT document_uuid AS u FROM source_documents WHERE project_uuid = $1`, [projectUuid])).map((r: { u: string }) => r.u),
    );
    const sourceIsDoc = new Set<string>(DOCUMENT_SOURCE_RELATIONSHIPS);
    const targetIsDoc = new Set<string>(DOCUMENT_TARGET_RELATIONSHIPS);
    for (const r of rows) {
      if (!(sourceIsDoc.has(r.type) ? docs : ids).has(r.source)) out.push(`${table} ${r.type} source ${r.source} is missing`);
      if (!(targetIsDoc.has(r.type) ? docs : ids).has(r.target)) out.push(`${table} ${r.type} target ${r.target} is missing`);
    }
  }
  const miscounted: Array<{ u: string; n: number; c: number }> = await db.query(
    `SELECT e.canonical_entity_uuid AS u, e.mention_count AS n,
            (SELECT count(*)::int FROM entity_mentions m WHERE m.canonical_entity_uuid = e.canonical_entity_uuid) AS c
       FROM canonical_entities e WHERE e.project_uuid = $1`,
    [projectUuid],
  );
  for (const r of miscounted) if (Number(r.n) !== Number(r.c)) out.push(`entity ${r.u} counts ${r.n} mentions, has ${r.c}`);
  return out;
}
