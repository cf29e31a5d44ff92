import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FormatId, SUPPORTED_FORMATS } from '@casegraph/contracts';
import { parseBatesRange } from '@casegraph/formats';
import { APP_CONFIG } from '@casegraph/platform';
import type { IngestApiConfig } from '../config';
import { fieldError, notFound } from '../common/api-error';
import { parseSearchQuery, searchSql } from './search-query';
import { SearchBatchDto, SearchBatchItemDto, SearchDocumentType, SearchFiltersDto, SearchHitDto, SearchPageDto, SearchQueryDto } from './search.dto';

/** Batch terms searched at once (each one statement on its own pooled connection). */
const BATCH_CONCURRENCY = 4;

/** ts_rank_cd weights {D, C, B, A}: a hit on the exact words (A) counts ten times a stemmed one (D). */
const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';

/** Hits are marked with private-use characters (stripped from the page first, so a page cannot forge a mark). */
const MARK_START = '\uE000';
const MARK_END = '\uE001';
/** Around the word a `§` / `¶` stood for, so the snippet shows the sign again (and the mark lands on it). */
const SIGN_START = '\uE002';
const SIGN_END = '\uE003';
const HEADLINE_OPTIONS =
  `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=40, MinWords=18, ShortWord=2, MaxFragments=2, ` + `FragmentDelimiter=" … "`;
// The page as ts_headline reads it: the first 100,000 characters (what is indexed), marks stripped, signs as words.
const HEADLINE_TEXT = `replace(replace(translate(left(p.text, 100000), chr(57344) || chr(57345) || chr(57346) || chr(57347), ''),
  '§', chr(57346) || 'section' || chr(57347)), '¶', chr(57346) || 'paragraph' || chr(57347))`;

const MIME_OF: Record<string, FormatId> = Object.fromEntries(SUPPORTED_FORMATS.map((f) => [f.mime, f.id]));

interface HitRow {
  /** Pages matching, counted up to the cap + 1 (more than the cap: not exact). */
  total: string;
  documents: string | null;
  document_uuid: string | null;
  page_number: number | null;
  score: number | null;
  bates: string | null;
  filename: string | null;
  mime: string | null;
  headline: string | null;
}

interface Filters {
  sql: string;
  params: unknown[];
}

/**
 * Full-text search over the pages of one project (document_pages.search_vector, kept by the database's trigger: see
 * migration 1765200000000 and docs/search.md). One statement per search: the matching pages ranked with ts_rank_cd,
 * counted up to SEARCH_COUNT_CAP, the requested page of them read back with ts_headline (only those rows).
 */
@Injectable()
export class SearchService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: Pick<IngestApiConfig, 'searchCountCap'>,
  ) {}

  async search(projectUuid: string, q: SearchQueryDto): Promise<SearchPageDto> {
    const projectId = await this.projectId(projectUuid);
    const filters = this.filters(q);
    const rows = await this.run(projectId, q.q, filters, q.pageSize, (q.page - 1) * q.pageSize, false);
    return { ...this.total(rows), page: q.page, pageSize: q.pageSize, items: hits(rows) };
  }

  async batch(projectUuid: string, body: SearchBatchDto): Promise<{ items: SearchBatchItemDto[] }> {
    const projectId = await this.projectId(projectUuid);
    const filters = this.filters(body);
    const items: SearchBatchItemDto[] = new Array(body.terms.length);
    let next = 0;
    const worker = async () => {
      while (next < body.terms.length) {
        const i = next++;
        const rows = await this.run(projectId, body.terms[i], filters, body.hitsPerTerm, 0, true);
        items[i] = { term: body.terms[i], ...this.total(rows), documents: Number(rows[0]?.documents ?? 0), hits: hits(rows) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, body.terms.length) }, worker));
    return { items };
  }

  /** The count read up to the cap + 1: the exact count, or the cap and not exact. */
  private total(rows: HitRow[]): { total: number; totalIsExact: boolean } {
    const counted = Number(rows[0]?.total ?? 0);
    const cap = this.config.searchCountCap;
    return counted > cap ? { total: cap, totalIsExact: false } : { total: counted, totalIsExact: true };
  }

  private async projectId(projectUuid: string): Promise<number> {
    const rows: Array<{ id: number }> = await this.db.query('SELECT id FROM projects WHERE project_uuid = $1', [projectUuid]);
    if (!rows.length) throw notFound('Project', projectUuid);
    return Number(rows[0].id);
  }

  /** The filters as SQL on `d` (the document) and `p` (the page); placeholders from $4 on (after project, limit, offset). */
  private filters(f: SearchFiltersDto): Filters {
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length + 3}`;
    };
    const where: string[] = [];
    if (f.types?.length) {
      where.push(
        `EXISTS (SELECT 1 FROM entity_mentions m WHERE m.document_uuid = d.document_uuid AND m.entity_type = ANY(${bind(f.types)}::text[]))`,
      );
    }
    if (f.entity) {
      where.push(
        `EXISTS (SELECT 1 FROM entity_mentions m WHERE m.document_uuid = d.document_uuid AND m.canonical_entity_uuid = ${bind(f.entity)}::uuid)`,
      );
    }
    if (f.from || f.to) {
      if (f.from && f.to && f.from > f.to) throw fieldError('from', 'from must not be after to');
      // ISO days compare as text; a DATE mention's normalized key is its ISO day, an e-mail's date is ISO 8601.
      const lo = bind(f.from ?? '0000-01-01');
      const hi = bind(f.to ?? '9999-12-31');
      where.push(`(EXISTS (SELECT 1 FROM entity_mentions m WHERE m.document_uuid = d.document_uuid AND m.entity_type = 'DATE'
                           AND m.normalized_key ~ '^\\d{4}-\\d{2}-\\d{2}$' AND m.normalized_key BETWEEN ${lo} AND ${hi})
                   OR left(d.document_metadata #>> '{email,date}', 10) BETWEEN ${lo} AND ${hi})`);
    }
    if (f.documentType?.length) where.push(`COALESCE(d.detected_file_type, d.file_type) = ANY(${bind(mimesOf(f.documentType))}::text[])`);
    if (f.bates !== undefined) {
      const r = parseBatesRange(f.bates);
      if (!r) throw fieldError('bates', `${JSON.stringify(f.bates.slice(0, 80))} is not a Bates number or range (ABC000120-ABC000130)`);
      where.push(`p.bates IS NOT NULL AND p.bates_prefix = ${bind(r.from.prefix)} AND p.bates_seq BETWEEN ${bind(r.from.seq)} AND ${bind(r.to.seq)}`);
    }
    return { sql: where.map((w) => ` AND ${w}`).join(''), params };
  }

  /**
   * One statement: `top`, the requested slice of the matching pages by rank (every match is ranked: a top-N
   * heapsort); `counted`, the matches counted without ranking and only up to the cap + 1 (and the distinct documents
   * among them for a batch); ts_headline over the slice's pages only. Always one row: a search with no hit answers
   * total 0 and null hit columns.
   */
  private async run(projectId: number, query: string, filters: Filters, limit: number, offset: number, documents: boolean): Promise<HitRow[]> {
    const params: unknown[] = [projectId, limit, offset, ...filters.params];
    const sql = searchSql(parseSearchQuery(query), (v) => {
      params.push(v);
      return `$${params.length}`;
    });
    params.push(this.config.searchCountCap + 1);
    const countLimit = `$${params.length}`;
    const matching = `FROM document_pages p JOIN source_documents d ON d.document_uuid = p.document_uuid
          WHERE d.project_fk_id = $1 AND p.search_vector @@ ${sql.match}${filters.sql}`;
    const rows: HitRow[] = await this.db.query(
      `WITH top AS (
         SELECT p.id, p.document_uuid, p.page_number, ts_rank_cd('${RANK_WEIGHTS}', p.search_vector, ${sql.rank}) AS score
           ${matching}
          ORDER BY score DESC, p.document_uuid, p.page_number LIMIT $2 OFFSET $3
       ),
       counted AS (
         SELECT count(*) AS total, ${documents ? 'count(DISTINCT m.document_uuid)' : 'NULL::bigint'} AS documents
           FROM (SELECT p.document_uuid ${matching} LIMIT ${countLimit}) m
       )
       SELECT c.total, c.documents, t.document_uuid, t.page_number, t.score, p.bates,
              COALESCE(d.original_file_name, d.file_name) AS filename, COALESCE(d.detected_file_type, d.file_type) AS mime,
              ts_headline('english'::regconfig, ${HEADLINE_TEXT}, ${sql.headline}, '${HEADLINE_OPTIONS}') AS headline
         FROM counted c
         LEFT JOIN top t ON true
         LEFT JOIN document_pages p ON p.id = t.id
         LEFT JOIN source_documents d ON d.document_uuid = t.document_uuid
        ORDER BY t.score DESC, t.document_uuid, t.page_number`,
      params,
    );
    return rows;
  }
}

function mimesOf(types: SearchDocumentType[]): string[] {
  const ids = new Set<string>(types.flatMap((t) => (t === 'image' ? ['png', 'jpeg', 'tiff'] : [t])));
  return SUPPORTED_FORMATS.filter((f) => ids.has(f.id)).map((f) => f.mime);
}

function hits(rows: HitRow[]): SearchHitDto[] {
  return rows
    .filter((r) => r.document_uuid !== null)
    .map((r) => {
      const { text, highlights } = readHeadline(r.headline ?? '');
      return {
        documentUuid: r.document_uuid!,
        filename: r.filename ?? '',
        page: Number(r.page_number),
        snippet: text,
        highlights,
        score: Number(r.score),
        bates: r.bates,
        documentType: r.mime ? (MIME_OF[r.mime] ?? null) : null,
      };
    });
}

/**
 * ts_headline's output as plain text and [start, end) offsets: the marks are dropped, a `section` / `paragraph`
 * between sign marks becomes `§` / `¶` again (keeping its mark). The page's own private-use characters were
 * stripped before ts_headline ran, so every mark here is one ts_headline wrote.
 */
export function readHeadline(headline: string): { text: string; highlights: Array<[number, number]> } {
  const signed = headline.replace(/\uE002([^\uE002\uE003]*)\uE003/g, (_, inner: string) =>
    inner.replace(/[^\uE000\uE001]+/g, (word) => (word.startsWith('p') ? '¶' : '§')),
  );
  const trimmed = signed.trim();
  let text = '';
  const highlights: Array<[number, number]> = [];
  let start = -1;
  for (const ch of trimmed) {
    if (ch === MARK_START) start = text.length;
    else if (ch === MARK_END) {
      if (start >= 0 && text.length > start) highlights.push([start, text.length]);
      start = -1;
    } else if (ch !== SIGN_START && ch !== SIGN_END) text += ch;
  }
  return { text, highlights };
}
