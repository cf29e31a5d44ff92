import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import {
  DOCUMENT_SOURCE_RELATIONSHIPS,
  DOCUMENT_TARGET_RELATIONSHIPS,
  type EdgeEvidence,
  type EntityType,
  type MentionRole,
  type RelationshipType,
  PAGE_SEPARATOR,
  TYPED_RELATIONSHIP_TYPES,
  entitySearchKey,
  normalizeEntity,
} from '@casegraph/contracts';
import { caseCitationKey } from '@casegraph/legal';
import { apiError, notFound } from '../common/api-error';
import { EVIDENCE_COLUMNS, GROUPED_EDGES, type GroupedEdgeRow, TYPED_FIRST, captionCaseOf, readEdgesCte, toEdgeDto } from './graph-edges';
import { EXPORT_WRITERS, type ExportEdge } from './graph-export';
import {
  CitedByDto,
  CitesDto,
  DEFAULT_READ_RELATIONSHIPS,
  EntityDetailDto,
  EntityDto,
  EntityListQueryDto,
  EntityPageDto,
  EntityRolesDto,
  EntitySort,
  EmailDocumentRoleDto,
  ExportEvidence,
  ExportFormat,
  GraphDto,
  GraphQueryDto,
  MentionDto,
  NeighbourhoodDto,
  NeighbourhoodNodeDto,
  NeighbourhoodQueryDto,
  RelatedEntityDto,
} from './graph.dto';

interface EntityRow {
  canonical_entity_uuid: string;
  entity_type: EntityType;
  canonical_name: string;
  aliases: string[];
  mention_count: number;
  document_count: number;
  curated: Record<string, boolean> | null;
  first_seen_at: Date;
  last_seen_at: Date;
}

/** The columns of an EntityRow, from canonical_entities aliased `e` (documents: its MENTIONED_IN edges, one per document). */
const ENTITY_COLUMNS = `e.canonical_entity_uuid, e.entity_type, e.canonical_name, casegraph_aliases(e.aliases) AS aliases, e.mention_count,
       e.curated, e.first_seen_at, e.last_seen_at,
       (SELECT count(*)::int FROM relationship_staging r
         WHERE r.project_uuid = e.project_uuid AND r.source_entity_uuid = e.canonical_entity_uuid
           AND r.relationship_type = 'MENTIONED_IN') AS document_count`;

/** ORDER BY of the entity list per ?sort= (ties by name, then uuid, so pages never overlap); `dir` is ASC or DESC. */
const ENTITY_ORDER: Record<EntitySort, (dir: string) => string> = {
  mentions: (dir) => `e.mention_count ${dir}, e.canonical_name, e.canonical_entity_uuid`,
  documents: (dir) => `document_count ${dir}, e.canonical_name, e.canonical_entity_uuid`,
  name: (dir) => `lower(e.canonical_name) ${dir}, e.canonical_name ${dir}, e.canonical_entity_uuid`,
};

const toEntity = (r: EntityRow): EntityDto => ({
  uuid: r.canonical_entity_uuid,
  type: r.entity_type,
  name: r.canonical_name,
  aliases: r.aliases,
  mentionCount: r.mention_count,
  documentCount: Number(r.document_count ?? 0),
  curated: r.curated && typeof r.curated === 'object' && !Array.isArray(r.curated) ? r.curated : {},
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
  return snippetWithHighlight(chunkText, chunkStart, start, end, radius).text;
}

/**
 * snippet() and where the mention lies in it: [start, end) as UTF-16 indexes into the snippet (what a browser
 * slices with), after the whitespace is collapsed; highlight null when there is no snippet.
 */
export function snippetWithHighlight(
  chunkText: string | null,
  chunkStart: number | null,
  start: number | null,
  end: number | null,
  radius = 100,
): { text: string; highlight: [number, number] | null } {
  if (chunkText === null || chunkStart === null || start === null || end === null) return { text: '', highlight: null };
  const chars = Array.from(chunkText);
  const s = Math.max(0, Math.min(chars.length, start - chunkStart));
  const e = Math.max(s, Math.min(chars.length, end - chunkStart));
  const a = Math.max(0, s - radius);
  const b = Math.min(chars.length, e + radius);
  const ws = (t: string) => t.replace(/\s+/g, ' ');
  let before = ws(chars.slice(a, s).join('')).replace(/^ /, '');
  let mention = ws(chars.slice(s, e).join(''));
  let after = ws(chars.slice(e, b).join('')).replace(/ $/, '');
  // One whitespace run cut by a boundary is one space, as in the collapsed whole.
  if (before.endsWith(' ') && mention.startsWith(' ')) mention = mention.slice(1);
  if ((mention || before).endsWith(' ') && after.startsWith(' ')) after = after.slice(1);
  if (!before) mention = mention.replace(/^ /, '');
  if (!after) mention = mention.replace(/ $/, '');
  if (!after && !mention) before = before.replace(/ $/, '');
  const prefix = a > 0 ? '…' : '';
  const from = prefix.length + before.length;
  return { text: `${prefix}${before}${mention}${after}${b < chars.length ? '…' : ''}`, highlight: [from, from + mention.length] };
}

const EXPORT_BATCH = 1000;

/**
 * The export's test that an edge end `col` is a written node: an entity of the project with a mention, or, when
 * `documentEnd` (an SQL condition on the edge type) holds, a document of the project ($4 = the project's id).
 */
const EXPORTED_END = (col: string, documentEnd: string) =>
  `(CASE WHEN ${documentEnd}
     THEN EXISTS (SELECT 1 FROM source_documents d WHERE d.document_uuid = ${col} AND d.project_fk_id = $4)
     ELSE EXISTS (SELECT 1 FROM canonical_entities e WHERE e.canonical_entity_uuid = ${col} AND e.project_uuid = $1 AND e.mention_count > 0) END)`;

/** `r.relationship_type` is one of `types` (the contracts' constant lists: plain upper-case names, no quoting needed). */
const typeIn = (types: readonly string[]) => `r.relationship_type = ANY('{${types.join(',')}}'::text[])`;
/** The edge's source / target is a document (CITES, RECEIVED, IN_REPLY_TO / MENTIONED_IN, SENT, IN_REPLY_TO). */
const SOURCE_IS_DOCUMENT = typeIn(DOCUMENT_SOURCE_RELATIONSHIPS);
const TARGET_IS_DOCUMENT = typeIn(DOCUMENT_TARGET_RELATIONSHIPS);

/** The e-mail edge types with a document end (SENT, RECEIVED, IN_REPLY_TO): not CITES, not MENTIONED_IN. */
const EMAIL_DOCUMENT_RELATIONSHIPS: readonly RelationshipType[] = [...DOCUMENT_SOURCE_RELATIONSHIPS, ...DOCUMENT_TARGET_RELATIONSHIPS].filter(
  (t) => t !== 'CITES' && t !== 'MENTIONED_IN',
);

interface NodeRow {
  canonical_entity_uuid: string;
  entity_type: EntityType;
  canonical_name: string;
  mention_count: number;
}

/** Most typed edges of one kind and direction in an entity's detail. */
const ROLE_LIMIT = 100;
/** Most e-mails sent (and received) listed in an entity's detail; sentTotal / receivedTotal count them all. */
const EMAIL_ROLE_LIMIT = 50;

/** The buckets of EntityRolesDto that list related entities. */
type RelatedBucket = Exclude<keyof EntityRolesDto, 'sent' | 'sentTotal' | 'received' | 'receivedTotal'>;

interface CitationRow {
  relationship_uuid: string;
  document_uuid: string;
  original_file_name: string;
  weight: number;
  properties: Record<string, unknown>;
  evidence_count: number;
  first_evidence: EdgeEvidence | null;
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const citation = (r: CitationRow) => ({
  relationshipUuid: r.relationship_uuid,
  documentUuid: r.document_uuid,
  documentName: r.original_file_name,
  count: typeof r.properties?.count === 'number' ? r.properties.count : Number(r.weight),
  pins: stringList(r.properties?.pins),
  signals: stringList(r.properties?.signals),
  evidenceCount: Number(r.evidence_count),
  evidence: r.first_evidence ?? null,
});

/** The relationship types asked for (distinct), or every one but MENTIONED_IN. */
const relationshipTypesOf = (asked: RelationshipType[] | undefined): RelationshipType[] =>
  asked?.length ? [...new Set(asked)] : [...DEFAULT_READ_RELATIONSHIPS];

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
    const sort = q.sort ?? 'mentions';
    const order = q.order ?? (sort === 'name' ? 'asc' : 'desc');
    const where = `e.project_uuid = $1 AND e.mention_count > 0 AND ($2::text IS NULL OR entity_type = $2)
       AND (($3::text IS NULL AND $6::text IS NULL AND $7::text IS NULL)
            OR normalized_key LIKE $3 OR EXISTS (SELECT 1 FROM unnest(casegraph_aliases(aliases)) a WHERE a ILIKE $4)
            OR normalized_key = $6
            OR ($6::text IS NOT NULL AND canonical_entity_uuid IN (
                  SELECT m.canonical_entity_uuid FROM entity_mentions m
                   WHERE m.project_uuid = $1 AND m.entity_type = 'CASE' AND m.attributes->>'citationKey' = $6))
            OR normalized_key ~ $7)
       AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM entity_mentions m
                                         WHERE m.canonical_entity_uuid = e.canonical_entity_uuid AND m.role = $5))`;
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
        `SELECT ${ENTITY_COLUMNS} FROM canonical_entities e WHERE ${where}
          ORDER BY ${ENTITY_ORDER[sort](order === 'asc' ? 'ASC' : 'DESC')}
          LIMIT $8 OFFSET $9`,
        [...params, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM canonical_entities e WHERE ${where}`, params),
    ]);
    return { items: rows.map(toEntity), page: q.page, pageSize: q.pageSize, total: total[0].n };
  }

  async getEntity(projectUuid: string, entityUuid: string): Promise<EntityDetailDto> {
    await this.requireProject(projectUuid);
    const rows: EntityRow[] = await this.db.query(
      `SELECT ${ENTITY_COLUMNS} FROM canonical_entities e WHERE e.project_uuid = $1 AND e.canonical_entity_uuid = $2`,
      [projectUuid, entityUuid],
    );
    if (!rows.length) throw apiError(HttpStatus.NOT_FOUND, `Entity ${entityUuid} not found in project ${projectUuid}`);

    const [mentions, documents, neighbours, roles, citedBy, cites] = await Promise.all([
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
      this.roles(projectUuid, entityUuid),
      this.citedBy(projectUuid, entityUuid),
      this.cites(projectUuid, entityUuid),
    ]);

    const pageOf = await this.mentionPages(mentions);
    return {
      ...toEntity(rows[0]),
      mentionsTotal: rows[0].mention_count,
      mentions: mentions.map((m): MentionDto => {
        const shown = snippetWithHighlight(m.chunk_text, m.char_start_index, m.start_char, m.end_char);
        return {
          mentionUuid: m.mention_uuid,
          documentUuid: m.document_uuid,
          documentName: m.original_file_name,
          text: m.entity_text,
          start: m.start_char,
          end: m.end_char,
          pages: m.page_numbers ?? [],
          page: pageOf(m),
          snippet: shown.text,
          highlight: shown.highlight,
          confidence: m.confidence_score,
          method: m.method,
          role: m.role,
          displayName: m.display_name,
          attributes: m.attributes,
        };
      }),
      documents: documents.map((d) => ({ documentUuid: d.document_uuid, documentName: d.original_file_name, mentions: d.weight })),
      neighbours: neighbours.map((n) => ({
        uuid: n.canonical_entity_uuid,
        type: n.entity_type,
        name: n.canonical_name,
        weight: n.weight,
        documentCount: n.documents,
      })),
      roles,
      citedBy,
      cites,
    };
  }

  /**
   * The page each mention starts on. A mention in a one-page chunk is on that page; for one in a chunk spanning
   * pages, the pages' offsets in the document text (joined as the OCR worker joins them, PAGE_SEPARATOR between)
   * are read for those documents only. null when the offsets are unknown and the chunk does not say.
   */
  private async mentionPages(
    mentions: Array<{ document_uuid: string; start_char: number | null; page_numbers: number[] | null }>,
  ): Promise<(m: { document_uuid: string; start_char: number | null; page_numbers: number[] | null }) => number | null> {
    const spanning = [...new Set(mentions.filter((m) => m.start_char !== null && (m.page_numbers?.length ?? 0) > 1).map((m) => m.document_uuid))];
    const starts = new Map<string, Array<{ page: number; at: number }>>();
    if (spanning.length) {
      const rows: Array<{ document_uuid: string; page_number: number; start_at: number }> = await this.db.query(
        `SELECT document_uuid, page_number,
                (sum(char_length(text) + $2) OVER (PARTITION BY document_uuid ORDER BY page_number) - char_length(text) - $2)::int AS start_at
           FROM document_pages WHERE document_uuid = ANY($1::uuid[]) ORDER BY document_uuid, page_number`,
        [spanning, PAGE_SEPARATOR.length],
      );
      for (const r of rows) {
        const list = starts.get(r.document_uuid) ?? [];
        list.push({ page: Number(r.page_number), at: Number(r.start_at) });
        starts.set(r.document_uuid, list);
      }
    }
    return (m) => {
      const pages = m.page_numbers ?? [];
      const list = m.start_char === null ? undefined : starts.get(m.document_uuid);
      if (list) {
        let page: number | null = null;
        for (const p of list) if (p.at <= m.start_char!) page = p.page;
        if (page !== null) return page;
      }
      return pages.length ? Math.min(...pages) : null;
    };
  }

  /** The entity's typed edges other than CITES, by kind and direction, at most ROLE_LIMIT of each, heaviest first. */
  private async roles(projectUuid: string, entityUuid: string): Promise<EntityRolesDto> {
    const rows: Array<{
      relationship_uuid: string;
      relationship_type: RelationshipType;
      outgoing: boolean;
      canonical_entity_uuid: string;
      entity_type: EntityType;
      canonical_name: string;
      weight: number;
      properties: Record<string, unknown>;
      evidence_count: number;
      first_evidence: EdgeEvidence | null;
    }> = await this.db.query(
      `SELECT * FROM (
         SELECT r.relationship_uuid, r.relationship_type, r.source_entity_uuid = $2 AS outgoing,
                e.canonical_entity_uuid, e.entity_type, e.canonical_name, r.weight, r.properties,
                ${EVIDENCE_COLUMNS},
                row_number() OVER (PARTITION BY r.relationship_type, r.source_entity_uuid = $2
                                   ORDER BY r.weight DESC, e.canonical_name, e.canonical_entity_uuid) AS n
           FROM relationship_staging r
           JOIN canonical_entities e ON e.project_uuid = $1
                AND e.canonical_entity_uuid = CASE WHEN r.source_entity_uuid = $2 THEN r.target_entity_uuid ELSE r.source_entity_uuid END
          WHERE r.project_uuid = $1 AND r.relationship_type IN ('PARTY_TO', 'ADVERSE_TO', 'REPRESENTS', 'JUDGE_OF', 'DECIDED_BY', 'HAS_ADDRESS')
            AND (r.source_entity_uuid = $2 OR r.target_entity_uuid = $2) AND r.source_entity_uuid <> r.target_entity_uuid) x
        WHERE n <= $3 ORDER BY n`,
      [projectUuid, entityUuid, ROLE_LIMIT],
    );
    const out: EntityRolesDto = {
      partyTo: [],
      parties: [],
      adverseTo: [],
      represents: [],
      representedBy: [],
      judgeOf: [],
      judges: [],
      decidedBy: [],
      decides: [],
      addresses: [],
      addressOf: [],
      ...(await this.emailRoles(projectUuid, entityUuid)),
    };
    const bucket: Record<string, [RelatedBucket, RelatedBucket]> = {
      PARTY_TO: ['partyTo', 'parties'],
      ADVERSE_TO: ['adverseTo', 'adverseTo'],
      REPRESENTS: ['represents', 'representedBy'],
      JUDGE_OF: ['judgeOf', 'judges'],
      DECIDED_BY: ['decidedBy', 'decides'],
      HAS_ADDRESS: ['addresses', 'addressOf'],
    };
    for (const r of rows) {
      const item: RelatedEntityDto = {
        relationshipUuid: r.relationship_uuid,
        entity: { uuid: r.canonical_entity_uuid, type: r.entity_type, name: r.canonical_name },
        roles: stringList(r.properties?.roles),
        weight: Number(r.weight),
        documentCount: Number(r.properties?.documentCount ?? 0),
        evidenceCount: Number(r.evidence_count),
        evidence: r.first_evidence ?? null,
      };
      out[bucket[r.relationship_type][r.outgoing ? 0 : 1]].push(item);
    }
    return out;
  }

  /**
   * The e-mails the entity (a PERSON or EMAIL) sent (SENT, entity -> document) and received (RECEIVED, document ->
   * entity, with its to/cc/bcc roles): newest first (the e-mail's Date; undated last), at most EMAIL_ROLE_LIMIT of
   * each, and how many there are in all.
   */
  private async emailRoles(
    projectUuid: string,
    entityUuid: string,
  ): Promise<Pick<EntityRolesDto, 'sent' | 'sentTotal' | 'received' | 'receivedTotal'>> {
    const rows: Array<{
      relationship_uuid: string;
      relationship_type: 'SENT' | 'RECEIVED';
      document_uuid: string;
      original_file_name: string;
      subject: string | null;
      date: string | null;
      properties: Record<string, unknown>;
      evidence_count: number;
      first_evidence: EdgeEvidence | null;
      total: number;
    }> = await this.db.query(
      `SELECT * FROM (
         SELECT r.relationship_uuid, r.relationship_type, d.document_uuid, d.original_file_name,
                -- metadata written by the OCR stage: only a JSON string is shown (anything else: null)
                CASE WHEN jsonb_typeof(d.document_metadata #> '{email,subject}') = 'string' THEN d.document_metadata #>> '{email,subject}' END AS subject,
                CASE WHEN jsonb_typeof(d.document_metadata #> '{email,date}') = 'string' THEN d.document_metadata #>> '{email,date}' END AS date,
                r.properties, ${EVIDENCE_COLUMNS},
                count(*) OVER (PARTITION BY r.relationship_type)::int AS total,
                row_number() OVER (PARTITION BY r.relationship_type
                                   ORDER BY CASE WHEN jsonb_typeof(d.document_metadata #> '{email,date}') = 'string'
                                                 THEN d.document_metadata #>> '{email,date}' END DESC NULLS LAST,
                                            d.original_file_name, d.document_uuid) AS n
           FROM relationship_staging r
           JOIN source_documents d ON d.project_fk_id = (SELECT p.id FROM projects p WHERE p.project_uuid = $1)
                AND d.document_uuid = CASE WHEN r.relationship_type = 'SENT' THEN r.target_entity_uuid ELSE r.source_entity_uuid END
          WHERE r.project_uuid = $1
            AND ((r.relationship_type = 'SENT' AND r.source_entity_uuid = $2) OR (r.relationship_type = 'RECEIVED' AND r.target_entity_uuid = $2))) x
        WHERE n <= $3 ORDER BY relationship_type, n`,
      [projectUuid, entityUuid, EMAIL_ROLE_LIMIT],
    );
    const item = (r: (typeof rows)[number]): EmailDocumentRoleDto => ({
      relationshipUuid: r.relationship_uuid,
      documentUuid: r.document_uuid,
      documentName: r.original_file_name,
      subject: r.subject,
      date: r.date,
      roles: stringList(r.properties?.roles),
      evidenceCount: Number(r.evidence_count),
      evidence: r.first_evidence ?? null,
    });
    const sent = rows.filter((r) => r.relationship_type === 'SENT');
    const received = rows.filter((r) => r.relationship_type === 'RECEIVED');
    return {
      sent: sent.map(item),
      sentTotal: sent[0]?.total ?? 0,
      received: received.map(item),
      receivedTotal: received[0]?.total ?? 0,
    };
  }

  /** CITES edges to the entity: the citing documents, their own cases, most citations first. */
  private async citedBy(projectUuid: string, entityUuid: string): Promise<CitedByDto[]> {
    const rows: Array<CitationRow & { case_uuid: string | null; case_type: EntityType | null; case_name: string | null }> = await this.db.query(
      `SELECT r.relationship_uuid, r.source_entity_uuid AS document_uuid, d.original_file_name, r.weight, r.properties,
              ${EVIDENCE_COLUMNS}, ce.canonical_entity_uuid AS case_uuid, ce.entity_type AS case_type, ce.canonical_name AS case_name
         FROM relationship_staging r
         JOIN source_documents d ON d.document_uuid = r.source_entity_uuid
         LEFT JOIN LATERAL (${captionCaseOf('r.source_entity_uuid')}) cap ON true
         LEFT JOIN canonical_entities ce ON ce.canonical_entity_uuid = cap.canonical_entity_uuid AND ce.project_uuid = $1
        WHERE r.project_uuid = $1 AND r.relationship_type = 'CITES' AND r.target_entity_uuid = $2
        ORDER BY coalesce((r.properties->>'count')::float8, r.weight) DESC, d.original_file_name, r.relationship_uuid
        LIMIT 100`,
      [projectUuid, entityUuid],
    );
    return rows.map((r) => ({
      ...citation(r),
      citingCase: r.case_uuid ? { uuid: r.case_uuid, type: r.case_type!, name: r.case_name! } : null,
    }));
  }

  /** For a caption CASE: the CITES edges of the documents it is the caption of. */
  private async cites(projectUuid: string, entityUuid: string): Promise<CitesDto[]> {
    const rows: Array<CitationRow & { cited_uuid: string; cited_type: EntityType; cited_name: string }> = await this.db.query(
      `SELECT r.relationship_uuid, r.source_entity_uuid AS document_uuid, d.original_file_name, r.weight, r.properties,
              ${EVIDENCE_COLUMNS}, e.canonical_entity_uuid AS cited_uuid, e.entity_type AS cited_type, e.canonical_name AS cited_name
         FROM (SELECT DISTINCT m.document_uuid FROM entity_mentions m
                WHERE m.canonical_entity_uuid = $2 AND m.project_uuid = $1 AND m.entity_type = 'CASE' AND m.attributes->>'kind' = 'caption') own
         JOIN LATERAL (${captionCaseOf('own.document_uuid')}) cap ON cap.canonical_entity_uuid = $2
         JOIN relationship_staging r ON r.project_uuid = $1 AND r.source_entity_uuid = own.document_uuid AND r.relationship_type = 'CITES'
         JOIN source_documents d ON d.document_uuid = own.document_uuid
         JOIN canonical_entities e ON e.canonical_entity_uuid = r.target_entity_uuid AND e.project_uuid = $1
        WHERE r.target_entity_uuid <> $2
        ORDER BY coalesce((r.properties->>'count')::float8, r.weight) DESC, e.canonical_name, r.relationship_uuid
        LIMIT 200`,
      [projectUuid, entityUuid],
    );
    return rows.map((r) => ({ ...citation(r), cited: { uuid: r.cited_uuid, type: r.cited_type, name: r.cited_name } }));
  }

  async graph(projectUuid: string, q: GraphQueryDto): Promise<GraphDto> {
    const project = await this.requireProject(projectUuid);
    return this.snapshot((m) => this.graphIn(m, project, q));
  }

  private async graphIn(m: EntityManager, project: { id: number; projectUuid: string }, q: GraphQueryDto): Promise<GraphDto> {
    const projectUuid = project.projectUuid;
    const types = q.types?.length ? q.types : null;
    const relTypes = relationshipTypesOf(q.relationshipTypes);
    // Half the nodes at most: the ends of the typed edges, taken in turn from each type (its heaviest first), so that
    // the caption cases, their parties, judges and courts and the cases they cite are there although each is
    // mentioned less often than the dates and places of the documents; then the most mentioned entities.
    const typedAsked = relTypes.filter((t) => (TYPED_RELATIONSHIP_TYPES as readonly string[]).includes(t));
    const anchors: NodeRow[] = typedAsked.length
      ? await m.query(
          `WITH typed AS (
             SELECT CASE WHEN r.relationship_type = 'CITES' THEN (${captionCaseOf('r.source_entity_uuid')}) ELSE r.source_entity_uuid END AS s,
                    r.target_entity_uuid AS t, r.id,
                    row_number() OVER (PARTITION BY r.relationship_type ORDER BY r.weight DESC, r.id) AS turn
               FROM relationship_staging r WHERE r.project_uuid = $1 AND r.relationship_type = ANY($2::text[])),
           firsts AS (SELECT * FROM typed ORDER BY turn, id LIMIT $4 * 4),
           ends AS (SELECT s AS u, turn, id FROM firsts WHERE s IS NOT NULL UNION ALL SELECT t, turn, id FROM firsts)
           SELECT e.canonical_entity_uuid, e.entity_type, e.canonical_name, e.mention_count
             FROM (SELECT u, min(turn) AS turn, min(id) AS id FROM ends GROUP BY u) x
             JOIN canonical_entities e ON e.canonical_entity_uuid = x.u AND e.project_uuid = $1 AND e.mention_count > 0
                  AND ($3::text[] IS NULL OR e.entity_type = ANY($3::text[]))
            ORDER BY x.turn, x.id, e.canonical_entity_uuid LIMIT $4`,
          [projectUuid, typedAsked, types, Math.ceil(q.limit / 2)],
        )
      : [];
    const room = q.limit - anchors.length;
    const nodes: NodeRow[] = await m.query(
      `SELECT canonical_entity_uuid, entity_type, canonical_name, mention_count FROM canonical_entities
          WHERE project_uuid = $1 AND mention_count > 0 AND ($2::text[] IS NULL OR entity_type = ANY($2::text[]))
            AND NOT (canonical_entity_uuid = ANY($4::uuid[]))
          ORDER BY mention_count DESC, canonical_entity_uuid LIMIT $3`,
      [projectUuid, types, room + 1, anchors.map((a) => a.canonical_entity_uuid)],
    );
    const truncatedNodes = nodes.length > room;
    const kept = [...anchors, ...nodes.slice(0, room)].sort(
      (a, b) => b.mention_count - a.mention_count || (a.canonical_entity_uuid < b.canonical_entity_uuid ? -1 : 1),
    );
    const ids = kept.map((n) => n.canonical_entity_uuid);
    const edgeLimit = Math.min(q.limit * 10, 20_000);
    // minWeight is a CO_OCCURS threshold: a typed edge is a statement of the text, whatever its weight. The nodes are
    // entities; documents come in with MENTIONED_IN (then also as the source of CITES from a document without a
    // caption case; without MENTIONED_IN, CITES shows case cites case only) and with the e-mail edges (SENT,
    // RECEIVED, IN_REPLY_TO: an e-mail is their end by nature).
    const mentions = relTypes.includes('MENTIONED_IN');
    const withDocuments = mentions || relTypes.some((t) => EMAIL_DOCUMENT_RELATIONSHIPS.includes(t));
    const edges: GroupedEdgeRow[] = ids.length
      ? await m.query(
          `WITH ${readEdgesCte({ project: '$1', set: '$2', types: '$3' }, withDocuments ? 'within-or-document' : 'within', { citingDocuments: mentions })}, ${GROUPED_EDGES}
           SELECT * FROM grouped_edges WHERE type <> 'CO_OCCURS' OR weight >= $4
            ORDER BY ${TYPED_FIRST} LIMIT $5`,
          [projectUuid, ids, relTypes, q.minWeight, edgeLimit + 1],
        )
      : [];
    const shown = edges.slice(0, edgeLimit);
    const documents = await this.documentNodes(
      m,
      project.id,
      shown.flatMap((e) => [e.source, e.target]),
      new Set(ids),
    );
    const present = new Set([...ids, ...documents.map((d) => d.id)]);
    return {
      nodes: [
        ...kept.map((n) => ({
          id: n.canonical_entity_uuid,
          label: n.canonical_name,
          kind: 'entity' as const,
          type: n.entity_type,
          mentionCount: n.mention_count,
        })),
        ...documents.map((d) => ({ id: d.id, label: d.name, kind: 'document' as const, type: 'DOCUMENT' as const, mentionCount: null })),
      ],
      // An edge whose document end is not a document of the project (gone meanwhile) would point at no node.
      edges: shown.filter((e) => present.has(e.source) && present.has(e.target)).map(toEdgeDto),
      truncated: truncatedNodes || edges.length > edgeLimit,
    };
  }

  /** The documents of the project among `uuids` (not in `entities`), by file name. */
  private async documentNodes(
    m: EntityManager,
    projectId: number,
    uuids: string[],
    entities: Set<string>,
  ): Promise<Array<{ id: string; name: string }>> {
    const wanted = [...new Set(uuids.filter((u) => !entities.has(u)))];
    if (!wanted.length) return [];
    const rows: Array<{ document_uuid: string; original_file_name: string }> = await m.query(
      `SELECT document_uuid, original_file_name FROM source_documents
        WHERE project_fk_id = $1 AND document_uuid = ANY($2::uuid[]) ORDER BY original_file_name, document_uuid`,
      [projectId, wanted],
    );
    return rows.map((r) => ({ id: r.document_uuid, name: r.original_file_name }));
  }

  /**
   * The entity and what is around it, bounded in SQL at every step: ring 1 = the nodes one read edge away
   * (typed edges first, then heaviest), at most `limit - 1`; ring 2 (depth 2) = the nodes one edge from ring 1,
   * up to `limit` in all; then the edges among the returned nodes, typed first (at most 10 per node, 5,000).
   * `types` filters the entity nodes (paths do not run through filtered-out nodes); documents come in through
   * MENTIONED_IN and through CITES from a document without a caption CASE.
   */
  async neighbourhood(projectUuid: string, entityUuid: string, q: NeighbourhoodQueryDto): Promise<NeighbourhoodDto> {
    const project = await this.requireProject(projectUuid);
    return this.snapshot((m) => this.neighbourhoodIn(m, project, entityUuid, q));
  }

  private async neighbourhoodIn(
    m: EntityManager,
    project: { id: number; projectUuid: string },
    entityUuid: string,
    q: NeighbourhoodQueryDto,
  ): Promise<NeighbourhoodDto> {
    const projectUuid = project.projectUuid;
    const root: Array<{ entity_type: EntityType; canonical_name: string; mention_count: number }> = await m.query(
      'SELECT entity_type, canonical_name, mention_count FROM canonical_entities WHERE project_uuid = $1 AND canonical_entity_uuid = $2',
      [projectUuid, entityUuid],
    );
    if (!root.length) throw apiError(HttpStatus.NOT_FOUND, `Entity ${entityUuid} not found in project ${projectUuid}`);
    const relTypes = relationshipTypesOf(q.relationshipTypes);
    const types = q.types?.length ? [...new Set(q.types)] : null;
    const nodes: NeighbourhoodNodeDto[] = [
      { id: entityUuid, kind: 'entity', type: root[0].entity_type, name: root[0].canonical_name, mentionCount: root[0].mention_count, depth: 0 },
    ];
    let truncated = false;
    let frontier = [entityUuid];
    for (let depth = 1; depth <= q.depth && frontier.length && !truncated; depth++) {
      // One more than there is room for: a full ring says whether the limit cut it (room 0: is there anything at all).
      const room = q.limit - nodes.length;
      const ring = await this.ring(
        m,
        project.id,
        projectUuid,
        frontier,
        nodes.map((n) => n.id),
        relTypes,
        types,
        room + 1,
      );
      if (ring.length > room) truncated = true;
      const added = ring.slice(0, room).map((r): NeighbourhoodNodeDto => ({ ...r, depth }));
      nodes.push(...added);
      frontier = added.map((n) => n.id);
    }
    const ids = nodes.map((n) => n.id);
    const edgeLimit = Math.min(q.limit * 10, 5000);
    const edges: GroupedEdgeRow[] = await m.query(
      `WITH ${readEdgesCte({ project: '$1', set: '$2', types: '$3' }, 'within')}, ${GROUPED_EDGES}
       SELECT * FROM grouped_edges ORDER BY ${TYPED_FIRST} LIMIT $4`,
      [projectUuid, ids, relTypes, edgeLimit + 1],
    );
    return { nodes, edges: edges.slice(0, edgeLimit).map(toEdgeDto), truncated: truncated || edges.length > edgeLimit };
  }

  /**
   * The nodes one read edge from `frontier`, not in `exclude`, at most `limit`: those with a typed edge first
   * (by their heaviest typed edge, then their heaviest edge), then the others by their heaviest edge.
   */
  private async ring(
    m: EntityManager,
    projectId: number,
    projectUuid: string,
    frontier: string[],
    exclude: string[],
    relTypes: RelationshipType[],
    types: EntityType[] | null,
    limit: number,
  ): Promise<Array<Omit<NeighbourhoodNodeDto, 'depth'>>> {
    const rows: Array<{
      other: string;
      entity_type: EntityType | null;
      canonical_name: string | null;
      mention_count: number | null;
      original_file_name: string | null;
    }> = await m.query(
      `WITH ${readEdgesCte({ project: '$1', set: '$2', types: '$3' }, 'touching')},
       candidates AS (
         SELECT CASE WHEN source = ANY($2::uuid[]) THEN target ELSE source END AS other,
                bool_or(type = ANY($4::text[])) AS typed, max(weight) FILTER (WHERE type = ANY($4::text[])) AS typed_weight,
                max(weight) AS weight
           FROM read_edges GROUP BY 1)
       SELECT c.other, e.entity_type, e.canonical_name, e.mention_count, d.original_file_name
         FROM candidates c
         LEFT JOIN canonical_entities e ON e.canonical_entity_uuid = c.other AND e.project_uuid = $1 AND e.mention_count > 0
         -- Per candidate and only when it is no entity (a one-time filter), never a scan of the project's documents.
         LEFT JOIN LATERAL (SELECT d.id, d.original_file_name FROM source_documents d
                             WHERE e.id IS NULL AND d.document_uuid = c.other AND d.project_fk_id = $7) d ON true
        WHERE NOT (c.other = ANY($5::uuid[]))
          AND ((e.id IS NOT NULL AND ($6::text[] IS NULL OR e.entity_type = ANY($6::text[]))) OR d.id IS NOT NULL)
        ORDER BY c.typed DESC, c.typed_weight DESC NULLS LAST, c.weight DESC, c.other LIMIT $8`,
      [projectUuid, frontier, relTypes, TYPED_RELATIONSHIP_TYPES, exclude, types, projectId, limit],
    );
    return rows.map((r) =>
      r.entity_type !== null
        ? { id: r.other, kind: 'entity', type: r.entity_type, name: r.canonical_name!, mentionCount: r.mention_count }
        : { id: r.other, kind: 'document', type: 'DOCUMENT', name: r.original_file_name!, mentionCount: null },
    );
  }

  /**
   * `fn` in one REPEATABLE READ transaction (every step of a neighbourhood sees one snapshot) with JIT off: these
   * are bounded index-range queries whose cost estimates (a per-row caption lookup) pass jit_above_cost, and JIT
   * compilation then takes longer than the query (measured: 165 of 215 ms on a 5,000-edge entity).
   */
  private snapshot<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      await m.query('SET LOCAL jit = off');
      return fn(m);
    });
  }

  /**
   * The whole project graph in `format`, as text pieces of about EXPORT_BATCH rows:
   * entity nodes, document nodes, then every edge. Rows are read by keyset batches
   * inside one REPEATABLE READ READ ONLY transaction, so the file is a consistent
   * snapshot and memory stays flat whatever the graph size. The caller pipes this
   * into the response (backpressure; a client that goes away stops the reading).
   */
  async *export(project: { id: number; projectUuid: string }, format: ExportFormat, evidence: ExportEvidence = 'all'): AsyncGenerator<string> {
    const w = EXPORT_WRITERS[format];
    const runner: QueryRunner = this.db.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      await runner.query('START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      yield w.header(project.projectUuid);
      if (w.only !== 'edges') {
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
        // The documents that are an end of an edge: the target of MENTIONED_IN, SENT, IN_REPLY_TO; the source of
        // CITES, RECEIVED, IN_REPLY_TO (DOCUMENT_TARGET_RELATIONSHIPS / DOCUMENT_SOURCE_RELATIONSHIPS).
        for await (const batch of this.batches<{ uuid: string; name: string }>(
          runner,
          `SELECT id, document_uuid AS uuid, original_file_name AS name FROM source_documents d
            WHERE project_fk_id = $1 AND id > $2
              AND (EXISTS (SELECT 1 FROM relationship_staging r WHERE r.project_uuid = $4 AND r.target_entity_uuid = d.document_uuid
                             AND ${TARGET_IS_DOCUMENT})
                   OR EXISTS (SELECT 1 FROM relationship_staging r WHERE r.project_uuid = $4 AND r.source_entity_uuid = d.document_uuid
                                AND ${SOURCE_IS_DOCUMENT}))
            ORDER BY id LIMIT $3`,
          [project.id, project.projectUuid],
        )) {
          yield batch
            .map((r) => w.node({ kind: 'document', id: r.uuid, name: r.name, type: 'DOCUMENT', mentionCount: null }, project.projectUuid))
            .join('');
        }
      }
      yield w.between();
      if (w.only !== 'nodes') {
        // Only edges whose two ends are written as nodes (an edge left pointing at an entity with no mention
        // any more, or at a document of another project, would break an importer): same rules as the nodes above.
        for await (const batch of this.batches<{
          uuid: string;
          source: string;
          target: string;
          type: string;
          weight: number;
          properties: Record<string, unknown>;
          evidence: ExportEdge['evidence'];
          evidence_count: number;
        }>(
          runner,
          `SELECT id, relationship_uuid AS uuid, source_entity_uuid AS source, target_entity_uuid AS target,
                  relationship_type AS type, weight, properties - 'evidenceChunkUuids' AS properties,
                  CASE WHEN jsonb_typeof(evidence) <> 'array' OR $5 = 'none' THEN NULL
                       WHEN $5 = 'first' THEN jsonb_path_query_array(evidence, '$[0]') ELSE evidence END AS evidence,
                  CASE WHEN jsonb_typeof(evidence) = 'array' THEN jsonb_array_length(evidence) ELSE 0 END AS evidence_count
             FROM relationship_staging r WHERE project_uuid = $1 AND id > $2
              AND ${EXPORTED_END('r.source_entity_uuid', SOURCE_IS_DOCUMENT)}
              AND ${EXPORTED_END('r.target_entity_uuid', TARGET_IS_DOCUMENT)}
            ORDER BY id LIMIT $3`,
          [project.projectUuid, project.id, evidence],
        )) {
          yield batch
            .map((r) =>
              w.edge({
                id: r.uuid,
                source: r.source,
                target: r.target,
                type: r.type,
                weight: r.weight,
                documentCount: Number(r.properties?.documentCount ?? 0),
                properties: r.properties ?? {},
                evidence: r.evidence,
                evidenceCount: r.evidence_count,
              }),
            )
            .join('');
        }
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
