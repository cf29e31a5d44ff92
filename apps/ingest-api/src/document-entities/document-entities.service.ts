import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PAGE_SEPARATOR } from '@casegraph/contracts';
import { apiError, notFound } from '../common/api-error';
import { DocumentEntitiesDto, DocumentMentionDto } from './document-entities.dto';
import { PageSpan, pageAt, pageSpans, placeMention } from './page-offsets';
import { SummaryContribution, SummaryMention, documentSummary } from './summary';

/**
 * A mention's document-absolute code-point offsets, whatever its row's basis: 'document' as stored; an old row not
 * healed yet (offset_basis NULL, written by the old code: no method, or backfill's 'legacy') relative to its chunk,
 * made absolute by the chunk's start when known (a 0..0 span is unknown, as the backfill reads it); a NULL-basis row
 * CaseGraph wrote (any other method) as stored; 'unknown': none.
 */
const ABSOLUTE = (col: 'start_char' | 'end_char') => `CASE
    WHEN m.offset_basis = 'document' THEN m.${col}
    WHEN m.offset_basis IS NULL AND (m.method IS NULL OR m.method = 'legacy')
      THEN CASE WHEN NOT (m.start_char = 0 AND m.end_char = 0) THEN c.char_start_index + m.${col} END
    WHEN m.offset_basis IS NULL THEN m.${col} END`;
/** True for the rows whose offsets were made absolute from a chunk (checked against the page text before use). */
const FROM_CHUNK = `(m.offset_basis IS NULL AND (m.method IS NULL OR m.method = 'legacy'))`;
const MENTION_FROM = `entity_mentions m LEFT JOIN document_chunks c ON c.chunk_uuid = m.chunk_uuid AND ${FROM_CHUNK}`;

/** The mention types and roles the summary reads (the rest, dates, places, amounts…, are only highlighted). */
const SUMMARY_FILTER = `m.canonical_entity_uuid IS NOT NULL
  AND (m.role IN ('party', 'judge') OR m.entity_type IN ('COURT', 'CASE', 'STATUTE', 'CITATION'))`;
const SUMMARY_EDGES = `'{PARTY_TO,JUDGE_OF,DECIDED_BY,CITES}'::text[]`;

interface MentionRow {
  mention_uuid: string;
  canonical_entity_uuid: string | null;
  entity_type: string;
  entity_text: string;
  role: string | null;
  start: number | null;
  end: number | null;
  from_chunk: boolean;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** GET /v1/documents/:documentUuid/entities: the mentions by page and the parties, judges, courts and citations. */
@Injectable()
export class DocumentEntitiesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forDocument(documentUuid: string, page?: number): Promise<DocumentEntitiesDto> {
    // One snapshot: a document re-processed meanwhile is read either before or after, never half of each.
    return this.db.transaction('REPEATABLE READ', (m) => this.read(m, documentUuid, page));
  }

  private async read(m: EntityManager, documentUuid: string, page: number | undefined): Promise<DocumentEntitiesDto> {
    const docs: Array<{ project_uuid: string; page_count: number | null }> = await m.query(
      `SELECT COALESCE(d.project_uuid, p.project_uuid) AS project_uuid, d.page_count
         FROM source_documents d JOIN projects p ON p.id = d.project_fk_id WHERE d.document_uuid = $1`,
      [documentUuid],
    );
    if (!docs.length) throw notFound('Document', documentUuid);
    const projectUuid = docs[0].project_uuid;
    // Lengths only (code points, as PostgreSQL counts them and the mentions' offsets do), never the texts of 300 pages.
    const layout: Array<{ page_number: number; len: number; astral: boolean }> = await m.query(
      `SELECT page_number, char_length(text) AS len, text ~ '[\\U00010000-\\U0010FFFF]' AS astral
         FROM document_pages WHERE document_uuid = $1 ORDER BY page_number, id`,
      [documentUuid],
    );
    const spans = pageSpans(
      layout.map((r) => ({ page: Number(r.page_number), length: Number(r.len) })),
      PAGE_SEPARATOR.length,
    );
    const top = spans.length ? spans[spans.length - 1].page : 0;
    const pageCount = docs[0].page_count !== null ? Math.max(Number(docs[0].page_count), top) : top;
    if (page !== undefined && page > pageCount) {
      throw apiError(HttpStatus.NOT_FOUND, `Document ${documentUuid} has ${pageCount} page${pageCount === 1 ? '' : 's'}; there is no page ${page}`);
    }
    const range = page === undefined ? null : spans.find((s) => s.page === page);

    // One after the other: a transaction is one connection.
    const mentionRows: MentionRow[] =
      page !== undefined && !range
        ? []
        : await m.query<MentionRow[]>(
            `SELECT * FROM (
               SELECT m.mention_uuid, m.canonical_entity_uuid, m.entity_type, m.entity_text, m.role,
                      ${ABSOLUTE('start_char')} AS start, ${ABSOLUTE('end_char')} AS "end", ${FROM_CHUNK} AS from_chunk
                 FROM ${MENTION_FROM}
                WHERE m.document_uuid = $1 AND m.project_uuid = $2) x
              WHERE x.start IS NOT NULL AND x."end" > x.start AND ($3::int IS NULL OR (x.start >= $3 AND x.start < $4))
              ORDER BY x.start, x."end" DESC, x.mention_uuid`,
            [documentUuid, projectUuid, range?.start ?? null, range?.end ?? null],
          );
    const summaryRows = await m.query<
      Array<{ entity_uuid: string; type: string; role: string | null; attributes: Record<string, unknown> | null; start: number | null }>
    >(
      `SELECT m.canonical_entity_uuid AS entity_uuid, m.entity_type AS type, m.role, m.attributes, ${ABSOLUTE('start_char')} AS start
           FROM ${MENTION_FROM}
          WHERE m.document_uuid = $1 AND m.project_uuid = $2 AND ${SUMMARY_FILTER}`,
      [documentUuid, projectUuid],
    );
    const contributions = await m.query<Array<{ type: string; source: string; target: string; properties: Record<string, unknown> | null }>>(
      `SELECT relationship_type AS type, source_entity_uuid AS source, target_entity_uuid AS target, properties
           FROM relationship_contributions
          WHERE document_uuid = $1 AND project_uuid = $2 AND relationship_type = ANY(${SUMMARY_EDGES})`,
      [documentUuid, projectUuid],
    );

    const pageText = await this.pageTexts(m, documentUuid, spans, layout, mentionRows);
    const mentions: DocumentMentionDto[] = [];
    for (const r of mentionRows) {
      const placed = placeMention(spans, Number(r.start), Number(r.end), (p) => pageText.get(p));
      if (!placed) continue;
      // An old row's chunk-relative offsets are shown only where the page really has its words there.
      if (r.from_chunk) {
        const text = pageText.get(placed.page);
        if (text === undefined || collapse(text.slice(placed.start, placed.end)) !== collapse(r.entity_text)) continue;
      }
      mentions.push({
        mentionUuid: r.mention_uuid,
        entityUuid: r.canonical_entity_uuid,
        type: r.entity_type,
        text: r.entity_text,
        role: r.role,
        ...placed,
      });
    }

    const summaryMentions: SummaryMention[] = summaryRows.map((r) => {
      const start = r.start === null ? null : Number(r.start);
      return {
        entityUuid: r.entity_uuid,
        type: r.type,
        role: r.role,
        attributes: r.attributes,
        start,
        page: start === null ? null : (pageAt(spans, start)?.page ?? null),
      };
    });
    const edges: SummaryContribution[] = contributions;
    const uuids = [...new Set([...summaryMentions.map((x) => x.entityUuid), ...edges.flatMap((e) => [e.source, e.target])])];
    const names: Array<{ uuid: string; name: string; type: string }> = uuids.length
      ? await m.query(
          `SELECT canonical_entity_uuid AS uuid, canonical_name AS name, entity_type AS type
             FROM canonical_entities WHERE project_uuid = $1 AND canonical_entity_uuid = ANY($2::uuid[])`,
          [projectUuid, uuids],
        )
      : [];
    const summary = documentSummary(summaryMentions, edges, new Map(names.map((n) => [n.uuid, { name: n.name, type: n.type }])));
    return { documentUuid, pageCount, mentions, summary };
  }

  /**
   * The texts of the pages that need them: those with characters beyond the BMP (code points to UTF-16 indexes)
   * and those holding an old row's chunk-relative mention (checked against the words). Usually none.
   */
  private async pageTexts(
    m: EntityManager,
    documentUuid: string,
    spans: PageSpan[],
    layout: Array<{ page_number: number; astral: boolean }>,
    rows: MentionRow[],
  ): Promise<Map<number, string>> {
    const astral = new Set(layout.filter((l) => l.astral).map((l) => Number(l.page_number)));
    const wanted = new Set<number>();
    for (const r of rows) {
      const p = r.start === null ? undefined : pageAt(spans, Number(r.start));
      if (p && (astral.has(p.page) || r.from_chunk)) wanted.add(p.page);
    }
    if (!wanted.size) return new Map();
    const texts: Array<{ page_number: number; text: string }> = await m.query(
      `SELECT page_number, text FROM document_pages WHERE document_uuid = $1 AND page_number = ANY($2::int[]) ORDER BY page_number, id`,
      [documentUuid, [...wanted]],
    );
    return new Map(texts.map((t) => [Number(t.page_number), t.text]));
  }
}
