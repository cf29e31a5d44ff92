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
/**
 * Written after every `<` of the page: ts_headline's parser takes `<...>` for an HTML tag and drops it, so a filing
 * quoting `<script>` or `<b>` would be misquoted; `<` followed by this character starts no tag, and it is removed after.
 */
const TAG_GUARD = '\uE004';
const HEADLINE_OPTIONS =
  `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=40, MinWords=18, ShortWord=2, MaxFragments=2, ` + `FragmentDelimiter=" … "`;
// The page as ts_headline reads it: the first 100,000 characters (what is indexed), private-use marks stripped, signs
// as words, every `<` guarded so no text is taken for a tag.
const HEADLINE_TEXT = `replace(replace(replace(translate(left(p.text, 100000), chr(57344) || chr(57345) || chr(57346) || chr(57347) || chr(57348), ''),
  '§', chr(57346) || 'section' || chr(57347)), '¶', chr(57346) || 'paragraph' || chr(57347)), '<', '<' || chr(57348))`;

const MIME_OF: Record<string, FormatId> = Object.fromEntries(SUPPORTED_FORMATS.map((f) => [f.mime, f.id]));

interface HitRow {
  /** Every page matching (a window count over the ranked matches). */
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
 * counted, the requested page of them read back with ts_headline (only those rows). SEARCH_COUNT_CAP bounds the
 * count only where it would cost a scan of its own (a page past the last match).
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
    const { rows, total, totalIsExact } = await this.run(projectId, q.q, filters, q.pageSize, (q.page - 1) * q.pageSize, false);
    return { total, totalIsExact, page: q.page, pageSize: q.pageSize, items: hits(rows) };
  }

  async batch(projectUuid: string, body: SearchBatchDto): Promise<{ items: SearchBatchItemDto[] }> {
    const projectId = await this.projectId(projectUuid);
    const filters = this.filters(body);
    const items: SearchBatchItemDto[] = new Array(body.terms.length);
    let next = 0;
    const worker = async () => {
      while (next < body.terms.length) {
        const i = next++;
        const { rows, total, totalIsExact } = await this.run(projectId, body.terms[i], filters, body.hitsPerTerm, 0, true);
        items[i] = { term: body.terms[i], total, totalIsExact, documents: Number(rows[0]?.documents ?? 0), hits: hits(rows) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, body.terms.length) }, worker));
    return { items };
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
   * One statement: `top`, the requested slice of the matching pages by rank, with the count of every match (and of
   * the distinct documents, for a batch) taken by window functions over the rows ranked anyway (every match must be
   * ranked to find the top ones: the count is thus free, and exact); ts_headline over the slice's pages only. A
   * slice past the last match has no row to carry the count: then a second statement counts, up to the cap + 1.
   */
  private async run(
    projectId: number,
    query: string,
    filters: Filters,
    limit: number,
    offset: number,
    documents: boolean,
  ): Promise<{ rows: HitRow[]; total: number; totalIsExact: boolean }> {
    const params: unknown[] = [projectId, limit, offset, ...filters.params];
    const parsed = parseSearchQuery(query);
    // Only exclusions (`-dicta`, `-a or -b`) match nearly every page and rank them all: say what to add instead.
    if (parsed.groups.length && !parsed.groups.some((g) => g.every((t) => !t.negated))) {
      throw fieldError('q', `${JSON.stringify(query.slice(0, 80))} only excludes words: add a word or "phrase" to look for`);
    }
    const sql = searchSql(parsed, (v) => {
      params.push(v);
      return `$${params.length}`;
    });
    const matching = `FROM document_pages p JOIN source_documents d ON d.document_uuid = p.document_uuid
          WHERE d.project_fk_id = $1 AND p.search_vector @@ ${sql.match}${filters.sql}`;
    // A batch's distinct documents: the first page of each document (in any order) counted over every match.
    const ranked = `SELECT p.id, p.document_uuid, p.page_number, ts_rank_cd('${RANK_WEIGHTS}', p.search_vector, ${sql.rank}) AS score
                           ${documents ? ', row_number() OVER (PARTITION BY p.document_uuid) = 1 AS first_of_document' : ''}
                      ${matching}`;
    const rows: HitRow[] = await this.db.query(
      `WITH top AS (
         SELECT m.id, m.document_uuid, m.page_number, m.score, count(*) OVER () AS total,
                ${documents ? 'count(*) FILTER (WHERE m.first_of_document) OVER ()' : 'NULL::bigint'} AS documents
           FROM (${ranked}) m
          ORDER BY m.score DESC, m.document_uuid, m.page_number LIMIT $2 OFFSET $3
       )
       SELECT t.total, t.documents, t.document_uuid, t.page_number, t.score, p.bates,
              COALESCE(d.original_file_name, d.file_name) AS filename, COALESCE(d.detected_file_type, d.file_type) AS mime,
              ts_headline('english'::regconfig, ${HEADLINE_TEXT}, ${sql.headline}, '${HEADLINE_OPTIONS}') AS headline
         FROM top t
         JOIN document_pages p ON p.id = t.id
         JOIN source_documents d ON d.document_uuid = t.document_uuid
        ORDER BY t.score DESC, t.document_uuid, t.page_number`,
      params,
    );
    if (rows.length || offset === 0) return { rows, total: Number(rows[0]?.total ?? 0), totalIsExact: true };
    // Past the last match: count without ranking, up to the cap + 1 (same placeholders: $2 the limit, $3 the offset).
    const cap = this.config.searchCountCap;
    const [count]: Array<{ total: string }> = await this.db.query(`SELECT count(*) AS total FROM (SELECT 1 ${matching} LIMIT $2 OFFSET $3) m`, [
      projectId,
      cap + 1,
      0,
      ...params.slice(3),
    ]);
    const counted = Number(count.total);
    return { rows: [], total: Math.min(counted, cap), totalIsExact: counted <= cap };
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
 * between sign marks becomes `§` / `¶` again (keeping its mark), the tag guards go. The page's own private-use characters were
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
    } else if (ch !== SIGN_START && ch !== SIGN_END && ch !== TAG_GUARD) text += ch;
  }
  return { text, highlights };
}
