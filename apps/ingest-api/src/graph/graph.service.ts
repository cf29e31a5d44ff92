import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { type EntityType, type MentionRole, entitySearchKey, normalizeEntity } from '@casegraph/contracts';
import { caseCitationKey } from '@casegraph/legal';
import { apiError, notFound } from '../common/api-error';
import { EXPORT_WRITERS } from './graph-export';
import { EntityDetailDto, EntityDto, EntityListQueryDto, EntityPageDto, ExportFormat, GraphDto, GraphQueryDto, MentionDto } from './graph.dto';

interface EntityRow {
  canonical_entity_uuid: string;
  entity_type: EntityType;
  canonical_name: string;
  aliases: string[];
  mention_count: number;
  first_seen_at: Date;
  last_seen_at: Date;
}

const toEntity = (r: EntityRow): EntityDto => ({
  uuid: r.canonical_entity_uuid,
  type: r.entity_type,
  name: r.canonical_name,
  aliases: r.aliases,
  mentionCount: r.mention_count,
  firstSeenAt: new Date(r.first_seen_at).toISOString(),
  lastSeenAt: new Date(r.last_seen_at).toISOString(),
});

/**
 * The search string as a stored key: the graph worker's own normaliser (@casegraph/contracts), so
 * `?q=Smith’s` looks for "smith" as the worker stored "Smith" (with ?type=, that type's rules too).
 */
export function searchKey(q: string, type?: EntityType): string {
  return entitySearchKey(q, type);
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The section of a statute citation that names no code ("§ 1983", "section 240.10b-5"), or null. */
function bareSection(q: string): string | null {
  const key = normalizeEntity('STATUTE', q);
  return key.startsWith('section ') ? key.slice('section '.length) : null;
}

/** Text around a mention, from its chunk (offsets are code points); '' when the chunk or an offset is unknown. */
export function snippet(chunkText: string | null, chunkStart: number | null, start: number | null, end: number | null, radius = 100): string {
  if (chunkText === null || chunkStart === null || start === null || end === null) return '';
  const chars = Array.from(chunkText);
  const a = Math.max(0, start - chunkStart - radius);
  const b = Math.min(chars.length, end - chunkStart + radius);
  const text = chars.slice(a, b).join('').replace(/\s+/g, ' ').trim();
  return `${a > 0 ? '…' : ''}${text}${b < chars.length ? '…' : ''}`;
}

const EXPORT_BATCH = 1000;

/**
 * Read side of the project graph: canonical entities, their mentions and
 * neighbours, the graph for a viewer, and streamed exports. Every query is scoped
 * to the project; an entity of another project is "not found".
 */
@Injectable()
export class GraphService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The project's numeric id, or 404. */
  async requireProject(projectUuid: string): Promise<{ id: number; projectUuid: string }> {
    const rows: Array<{ id: number }> = await this.db.query('SELECT id FROM projects WHERE project_uuid = $1', [projectUuid]);
    if (!rows.length) throw notFound('Project', projectUuid);
    return { id: Number(rows[0].id), projectUuid };
  }

  async listEntities(projectUuid: string, q: EntityListQueryDto): Promise<EntityPageDto> {
    await this.requireProject(projectUuid);
    const key = q.q ? searchKey(q.q, q.type) : '';
    if (q.q !== undefined && !key) throw apiError(HttpStatus.BAD_REQUEST, 'q must contain a letter or a digit');
    // A citation is looked up exactly, never as a substring ("550 U.S. 54" is not "550 U.S. 544"): by the case's key
    // (its group's highest-ranked citation) or by the citation a mention was written with (attributes.citationKey),
    // so a parallel citation finds its case. A bare section ("§ 1983") matches that section, as a whole, in every code.
    const citation = q.q && (q.type === undefined || q.type === 'CASE') ? (caseCitationKey(q.q) ?? null) : null;
    const section = q.q && q.type === 'STATUTE' && !citation ? bareSection(q.q) : null;
    const text = q.q && !citation && !section;
    const where = `project_uuid = $1 AND mention_count > 0 AND ($2::text IS NULL OR entity_type = $2)
       AND (($3::text IS NULL AND $6::text IS NULL AND $7::text IS NULL)
            OR normalized_key LIKE $3 OR EXISTS (SELECT 1 FROM unnest(casegraph_aliases(aliases)) a WHERE a ILIKE $4)
            OR normalized_key = $6
            OR ($6::text IS NOT NULL AND canonical_entity_uuid IN (
                  SELECT m.canonical_entity_uuid FROM entity_mentions m
                   WHERE m.project_uuid = $1 AND m.entity_type = 'CASE' AND m.attributes->>'citationKey' = $6))
            OR normalized_key ~ $7)
       AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM entity_mentions m
                                         WHERE m.canonical_entity_uuid = canonical_entities.canonical_entity_uuid AND m.role = $5))`;
    const params = [
      projectUuid,
      q.type ?? null,
      text && key ? `%${likeEscape(key)}%` : null,
      text ? `%${likeEscape(q.q!.trim())}%` : null,
      q.role ?? null,
      citation,
      section ? `(^| )${section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[ (])` : null,
    ];
    const [rows, total] = await Promise.all([
      this.db.query<EntityRow[]>(
        `SELECT canonical_entity_uuid, entity_type, canonical_name, casegraph_aliases(aliases) AS aliases, mention_count, first_seen_at, last_seen_at
           FROM canonical_entities WHERE ${where}
          ORDER BY mention_count DESC, canonical_name, canonical_entity_uuid
          LIMIT $8 OFFSET $9`,
        [...params, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM canonical_entities WHERE ${where}`, params),
    ]);
    return { items: rows.map(toEntity), page: q.page, pageSize: q.pageSize, total: total[0].n };
  }

  async getEntity(projectUuid: string, entityUuid: string): Promise<EntityDetailDto> {
    await this.requireProject(projectUuid);
    const rows: EntityRow[] = await this.db.query(
      `SELECT canonical_entity_uuid, entity_type, canonical_name, casegraph_aliases(aliases) AS aliases, mention_count, first_seen_at, last_seen_at
         FROM canonical_entities WHERE project_uuid = $1 AND canonical_entity_uuid = $2`,
      [projectUuid, entityUuid],
    );
    if (!rows.length) throw apiError(HttpStatus.NOT_FOUND, `Entity ${entityUuid} not found in project ${projectUuid}`);

    const [mentions, documents, neighbours] = await Promise.all([
      this.db.query<
        Array<{
          mention_uuid: string;
          document_uuid: string;
          original_file_name: string;
          entity_text: string;
          start_char: number | null;
          end_char: number | null;
          confidence_score: number;
          method: string;
          role: MentionRole | null;
          display_name: string | null;
          attributes: Record<string, unknown> | null;
          chunk_text: string | null;
          char_start_index: number | null;
          page_numbers: number[] | null;
        }>
      >(
        // Offsets are document-absolute only with offset_basis 'document': an old row not healed yet (NULL)
        // or one whose offsets are unknown ('unknown', NULL offsets) reads as null offsets and no snippet.
        `SELECT m.mention_uuid, m.document_uuid, d.original_file_name, m.entity_text,
                CASE WHEN m.offset_basis = 'document' THEN m.start_char END AS start_char,
                CASE WHEN m.offset_basis = 'document' THEN m.end_char END AS end_char,
                m.confidence_score, m.method, m.role, m.display_name, m.attributes,
                c.text AS chunk_text, c.char_start_index, c.page_numbers
           FROM entity_mentions m
           JOIN source_documents d ON d.document_uuid = m.document_uuid
           LEFT JOIN document_chunks c ON c.chunk_uuid = m.chunk_uuid
          WHERE m.canonical_entity_uuid = $1 AND m.project_uuid = $2
          ORDER BY d.original_file_name, m.document_uuid, start_char NULLS LAST, m.mention_uuid
          LIMIT 50`,
        [entityUuid, projectUuid],
      ),
      this.db.query<Array<{ document_uuid: string; original_file_name: string; weight: number }>>(
        `SELECT r.target_entity_uuid AS document_uuid, d.original_file_name, r.weight
           FROM relationship_staging r JOIN source_documents d ON d.document_uuid = r.target_entity_uuid
          WHERE r.project_uuid = $1 AND r.source_entity_uuid = $2 AND r.relationship_type = 'MENTIONED_IN'
          ORDER BY r.weight DESC, d.original_file_name LIMIT 100`,
        [projectUuid, entityUuid],
      ),
      this.db.query<Array<{ canonical_entity_uuid: string; entity_type: EntityType; canonical_name: string; weight: number; documents: number }>>(
        `SELECT e.canonical_entity_uuid, e.entity_type, e.canonical_name, n.weight, n.documents
           FROM (SELECT CASE WHEN r.source_entity_uuid = $2 THEN r.target_entity_uuid ELSE r.source_entity_uuid END AS other,
                        r.weight, coalesce((r.properties->>'documentCount')::int, 0) AS documents
                   FROM relationship_staging r
                  WHERE r.project_uuid = $1 AND r.relationship_type = 'CO_OCCURS'
                    AND (r.source_entity_uuid = $2 OR r.target_entity_uuid = $2)
                  ORDER BY r.weight DESC LIMIT 50) n
           JOIN canonical_entities e ON e.canonical_entity_uuid = n.other AND e.project_uuid = $1
          ORDER BY n.weight DESC, e.canonical_name`,
        [projectUuid, entityUuid],
      ),
    ]);

    return {
      ...toEntity(rows[0]),
      mentionsTotal: rows[0].mention_count,
      mentions: mentions.map((m): MentionDto => ({
        mentionUuid: m.mention_uuid,
        documentUuid: m.document_uuid,
        documentName: m.original_file_name,
        text: m.entity_text,
        start: m.start_char,
        end: m.end_char,
        pages: m.page_numbers ?? [],
        snippet: snippet(m.chunk_text, m.char_start_index, m.start_char, m.end_char),
        confidence: m.confidence_score,
        method: m.method,
        role: m.role,
        displayName: m.display_name,
        attributes: m.attributes,
      })),
      documents: documents.map((d) => ({ documentUuid: d.document_uuid, documentName: d.original_file_name, mentions: d.weight })),
      neighbours: neighbours.map((n) => ({
        uuid: n.canonical_entity_uuid,
        type: n.entity_type,
        name: n.canonical_name,
        weight: n.weight,
        documentCount: n.documents,
      })),
    };
  }

  async graph(projectUuid: string, q: GraphQueryDto): Promise<GraphDto> {
    await this.requireProject(projectUuid);
    const types = q.types?.length ? q.types : null;
    const nodes: Array<{ canonical_entity_uuid: string; entity_type: EntityType; canonical_name: string; mention_count: number }> =
      await this.db.query(
        `SELECT canonical_entity_uuid, entity_type, canonical_name, mention_count FROM canonical_entities
          WHERE project_uuid = $1 AND mention_count > 0 AND ($2::text[] IS NULL OR entity_type = ANY($2::text[]))
          ORDER BY mention_count DESC, canonical_entity_uuid LIMIT $3`,
        [projectUuid, types, q.limit + 1],
      );
    const truncatedNodes = nodes.length > q.limit;
    const kept = nodes.slice(0, q.limit);
    const ids = kept.map((n) => n.canonical_entity_uuid);
    const edgeLimit = Math.min(q.limit * 10, 20_000);
    const edges: Array<{ relationship_uuid: string; source_entity_uuid: string; target_entity_uuid: string; weight: number; documents: number }> =
      ids.length
        ? await this.db.query(
            `SELECT relationship_uuid, source_entity_uuid, target_entity_uuid, weight,
                    coalesce((properties->>'documentCount')::int, 0) AS documents
               FROM relationship_staging
              WHERE project_uuid = $1 AND relationship_type = 'CO_OCCURS' AND weight >= $2
                AND source_entity_uuid = ANY($3::uuid[]) AND target_entity_uuid = ANY($3::uuid[])
              ORDER BY weight DESC, relationship_uuid LIMIT $4`,
            [projectUuid, q.minWeight, ids, edgeLimit + 1],
          )
        : [];
    return {
      nodes: kept.map((n) => ({ id: n.canonical_entity_uuid, label: n.canonical_name, type: n.entity_type, mentionCount: n.mention_count })),
      edges: edges.slice(0, edgeLimit).map((e) => ({
        id: e.relationship_uuid,
        source: e.source_entity_uuid,
        target: e.target_entity_uuid,
        type: 'CO_OCCURS',
        weight: e.weight,
        documentCount: e.documents,
      })),
      truncated: truncatedNodes || edges.length > edgeLimit,
    };
  }

  /**
   * The whole project graph in `format`, as text pieces of about EXPORT_BATCH rows:
   * entity nodes, document nodes, then every edge. Rows are read by keyset batches
   * inside one REPEATABLE READ READ ONLY transaction, so the file is a consistent
   * snapshot and memory stays flat whatever the graph size. The caller pipes this
   * into the response (backpressure; a client that goes away stops the reading).
   */
  async *export(project: { id: number; projectUuid: string }, format: ExportFormat): AsyncGenerator<string> {
    const w = EXPORT_WRITERS[format];
    const runner: QueryRunner = this.db.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      yield w.header(project.projectUuid);
      for await (const batch of this.batches<{ uuid: string; name: string; type: string; mention_count: number }>(
        runner,
        `SELECT id, canonical_entity_uuid AS uuid, canonical_name AS name, entity_type AS type, mention_count
           FROM canonical_entities WHERE project_uuid = $1 AND mention_count > 0 AND id > $2 ORDER BY id LIMIT $3`,
        [project.projectUuid],
      )) {
        yield batch
          .map((r) => w.node({ kind: 'entity', id: r.uuid, name: r.name, type: r.type, mentionCount: r.mention_count }, project.projectUuid))
          .join('');
      }
      for await (const batch of this.batches<{ uuid: string; name: string }>(
        runner,
        `SELECT id, document_uuid AS uuid, original_file_name AS name FROM source_documents d
          WHERE project_fk_id = $1 AND id > $2
            AND EXISTS (SELECT 1 FROM relationship_staging r WHERE r.project_uuid = $4 AND r.target_entity_uuid = d.document_uuid
                          AND r.relationship_type = 'MENTIONED_IN')
          ORDER BY id LIMIT $3`,
        [project.id, project.projectUuid],
      )) {
        yield batch
          .map((r) => w.node({ kind: 'document', id: r.uuid, name: r.name, type: 'DOCUMENT', mentionCount: null }, project.projectUuid))
          .join('');
      }
      yield w.between();
      for await (const batch of this.batches<{ uuid: string; source: string; target: string; type: string; weight: number; documents: number }>(
        runner,
        `SELECT id, relationship_uuid AS uuid, source_entity_uuid AS source, target_entity_uuid AS target,
                relationship_type AS type, weight, coalesce((properties->>'documentCount')::int, 0) AS documents
           FROM relationship_staging WHERE project_uuid = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [project.projectUuid],
      )) {
        yield batch
          .map((r) => w.edge({ id: r.uuid, source: r.source, target: r.target, type: r.type, weight: r.weight, documentCount: r.documents }))
          .join('');
      }
      yield w.footer();
      await runner.query('COMMIT');
      open = false;
    } finally {
      // Also reached when the client goes away mid-stream (the generator is closed).
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }

  /** Keyset batches: `sql` takes ($1 = first param, $2 = last id, $3 = limit, $4… = the other params) and selects `id`. */
  private async *batches<R>(runner: QueryRunner, sql: string, params: unknown[]): AsyncGenerator<Array<R & { id: string | number }>> {
    let last = 0;
    for (;;) {
      const rows: Array<R & { id: string | number }> = await runner.query(sql, [params[0], last, EXPORT_BATCH, ...params.slice(1)]);
      if (!rows.length) return;
      yield rows;
      last = Number(rows[rows.length - 1].id);
      if (rows.length < EXPORT_BATCH) return;
    }
  }
}
