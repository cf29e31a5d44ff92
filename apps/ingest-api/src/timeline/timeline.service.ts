import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PAGE_SEPARATOR } from '@casegraph/contracts';
import { apiError, notFound } from '../common/api-error';
import { SENTENCE_RADIUS, pageOfOffset, sentenceAround } from './timeline-sentence';
import { TimelineDto, TimelineItemDto, TimelineQueryDto } from './timeline.dto';

/** How near (code points, either side) a mention of `?entity=` must be to a date for the date to be kept. */
export const ENTITY_NEAR = SENTENCE_RADIUS;

interface Row {
  date: string;
  text: string;
  entity_uuid: string;
  mention_uuid: string;
  document_uuid: string;
  filename: string;
  start_char: number;
  end_char: number;
  window_start: number;
  window: string | null;
}

/**
 * The project's dated events: its DATE mentions whose canonical entity's key is a day (YYYY-MM-DD). Keys of a
 * year or a month only ("2019", "2019-05": "in 2019", "May 2019") are left out: they name no day to put on a
 * timeline, and sorting them among days would place them at an invented first of the month.
 */
@Injectable()
export class TimelineService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async timeline(projectUuid: string, q: TimelineQueryDto): Promise<TimelineDto> {
    const project: Array<{ id: number }> = await this.db.query('SELECT id FROM projects WHERE project_uuid = $1', [projectUuid]);
    if (!project.length) throw notFound('Project', projectUuid);
    if (q.from && q.to && q.from > q.to) throw apiError(HttpStatus.BAD_REQUEST, 'from must not be after to');
    const entity = q.entity?.toLowerCase() ?? null;
    if (entity) {
      const found: unknown[] = await this.db.query('SELECT 1 FROM canonical_entities WHERE project_uuid = $1 AND canonical_entity_uuid = $2', [
        projectUuid,
        entity,
      ]);
      if (!found.length) throw apiError(HttpStatus.NOT_FOUND, `Entity ${entity} not found in project ${projectUuid}`);
    }
    // Offsets are document-absolute only with offset_basis 'document' (see the graph read API).
    const where = `m.project_uuid = $1 AND m.entity_type = 'DATE' AND m.offset_basis = 'document'
        AND e.entity_type = 'DATE' AND e.mention_count > 0 AND e.normalized_key ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
        AND ($3::text IS NULL OR e.normalized_key >= $3) AND ($4::text IS NULL OR e.normalized_key <= $4)
        AND ($5::uuid IS NULL OR EXISTS (
              SELECT 1 FROM entity_mentions o
               WHERE o.canonical_entity_uuid = $5 AND o.document_uuid = m.document_uuid AND o.offset_basis = 'document'
                 AND o.start_char < m.end_char + $6 AND o.end_char > m.start_char - $6))`;
    const from = `FROM entity_mentions m
        JOIN canonical_entities e ON e.canonical_entity_uuid = m.canonical_entity_uuid AND e.project_uuid = $1
        JOIN source_documents d ON d.document_uuid = m.document_uuid AND d.project_fk_id = $2`;
    const params = [projectUuid, Number(project[0].id), q.from ?? null, q.to ?? null, entity, ENTITY_NEAR];
    const radius = SENTENCE_RADIUS + 2;
    const [rows, total] = await Promise.all([
      this.db.query<Row[]>(
        // Only a window of the text leaves the database: the sentence is found in it.
        `SELECT e.normalized_key AS date, m.entity_text AS text, e.canonical_entity_uuid AS entity_uuid, m.mention_uuid,
                m.document_uuid, d.original_file_name AS filename, m.start_char, m.end_char,
                greatest(0, m.start_char - $7) AS window_start,
                substr(d.raw_extracted_text, greatest(0, m.start_char - $7) + 1, m.end_char - greatest(0, m.start_char - $7) + $7) AS window
           ${from} WHERE ${where}
          ORDER BY e.normalized_key, d.original_file_name, m.document_uuid, m.start_char, m.mention_uuid
          LIMIT $8 OFFSET $9`,
        [...params, radius, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n ${from} WHERE ${where}`, params),
    ]);
    const pages = await this.pageLengths([...new Set(rows.map((r) => r.document_uuid))]);
    const items = rows.map((r): TimelineItemDto => {
      const s =
        r.window === null
          ? { text: '', highlight: [0, 0] as [number, number] }
          : sentenceAround(r.window, r.start_char - r.window_start, r.end_char - r.window_start);
      return {
        date: r.date,
        text: r.text,
        entityUuid: r.entity_uuid,
        mentionUuid: r.mention_uuid,
        documentUuid: r.document_uuid,
        filename: r.filename,
        page: pageOfOffset(pages.get(r.document_uuid) ?? [], r.start_char, PAGE_SEPARATOR.length),
        sentence: s.text,
        highlight: s.highlight,
      };
    });
    return { total: total[0].n, page: q.page, pageSize: q.pageSize, items };
  }

  /** Each document's pages (number, length in code points) in page order, as they were joined into its text. */
  private async pageLengths(documents: string[]): Promise<Map<string, Array<{ pageNumber: number; length: number }>>> {
    if (!documents.length) return new Map();
    const rows: Array<{ document_uuid: string; numbers: number[]; lengths: number[] }> = await this.db.query(
      `SELECT document_uuid, array_agg(page_number ORDER BY page_number) AS numbers, array_agg(char_length(text) ORDER BY page_number) AS lengths
         FROM document_pages WHERE document_uuid = ANY($1::uuid[]) GROUP BY document_uuid`,
      [documents],
    );
    return new Map(rows.map((r) => [r.document_uuid, r.numbers.map((pageNumber, i) => ({ pageNumber, length: Number(r.lengths[i]) }))]));
  }
}
