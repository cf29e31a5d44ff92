import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ProductionMetadata } from '@casegraph/contracts';
import { BatesNumber, batesKey, parseBates, parseBatesRange } from '@casegraph/formats';
import { apiError, fieldError, notFound } from '../common/api-error';

export interface BatesHit {
  bates: string;
  documentUuid: string;
  filename: string;
  /** 1-based page of the document; null when the number falls in the document's range but its page is unknown. */
  page: number | null;
  /** The page's Bates number as stored (printed or from the load file), when known. */
  pageBates: string | null;
  begBates: string | null;
  endBates: string | null;
  custodian: string | null;
  /** How it was found: a stored page's Bates number, or the document's production range. */
  matchedBy: 'page' | 'production';
}

interface PageRow {
  document_uuid: string;
  file_name: string;
  page_number: number;
  bates: string;
  bates_seq: string;
  production: ProductionMetadata | null;
}

interface ProductionRow {
  document_uuid: string;
  file_name: string;
  production: ProductionMetadata;
}

/** Most hits a range lookup lists. */
export const MAX_RANGE_HITS = 1000;

/**
 * Bates lookups within one project: a page's own number (document_pages.bates_prefix / bates_seq, as the OCR worker
 * stored them from the load file or the printed stamp), else a document whose production range (begBates…endBates
 * in document_metadata.production) holds the number.
 */
@Injectable()
export class BatesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(projectUuid: string, raw: string): Promise<BatesHit> {
    const b = parseBates(raw);
    if (!b)
      throw fieldError('bates', `${JSON.stringify(raw.slice(0, 80))} is not a Bates number (a prefix of letters and 4–12 digits, e.g. ABC000123)`);
    const project = await this.projectId(projectUuid);
    const hits = await this.lookup(project, b, b);
    if (!hits.length) throw notFoundBates(b.bates);
    return hits[0];
  }

  async range(projectUuid: string, raw: string): Promise<{ from: string; to: string; hits: BatesHit[]; truncated: boolean }> {
    const r = parseBatesRange(raw);
    if (!r) throw fieldError('bates', `${JSON.stringify(raw.slice(0, 80))} is not a Bates number or range (ABC000120-ABC000130)`);
    const project = await this.projectId(projectUuid);
    const hits = await this.lookup(project, r.from, r.to);
    return { from: r.from.bates, to: r.to.bates, hits: hits.slice(0, MAX_RANGE_HITS), truncated: hits.length > MAX_RANGE_HITS };
  }

  private async projectId(projectUuid: string): Promise<number> {
    const rows: Array<{ id: number }> = await this.db.query(`SELECT id FROM projects WHERE project_uuid = $1`, [projectUuid]);
    if (!rows.length) throw notFound('Project', projectUuid);
    return Number(rows[0].id);
  }

  /** Every page and production document between `from` and `to` (same prefix), pages first, in Bates order. */
  private async lookup(projectId: number, from: BatesNumber, to: BatesNumber): Promise<BatesHit[]> {
    const pages: PageRow[] = await this.db.query(
      `SELECT p.document_uuid, d.file_name, p.page_number, p.bates, p.bates_seq, d.document_metadata -> 'production' AS production
         FROM document_pages p JOIN source_documents d ON d.document_uuid = p.document_uuid
        WHERE d.project_fk_id = $1 AND p.bates IS NOT NULL AND p.bates_prefix = $2 AND p.bates_seq BETWEEN $3 AND $4
        ORDER BY p.bates_seq, d.created_at, p.page_number
        LIMIT ${MAX_RANGE_HITS + 1}`,
      [projectId, from.prefix, from.seq, to.seq],
    );
    const hits: BatesHit[] = pages.map((p) => ({
      bates: p.bates,
      documentUuid: p.document_uuid,
      filename: p.file_name,
      page: Number(p.page_number),
      pageBates: p.bates,
      begBates: p.production?.begBates ?? null,
      endBates: p.production?.endBates ?? null,
      custodian: p.production?.custodian ?? null,
      matchedBy: 'page' as const,
    }));
    const seen = new Set(hits.map((h) => `${h.documentUuid}#${h.page}`));

    // Production documents whose range holds a number of [from, to] (the pages may not be OCR'd yet).
    const docs: ProductionRow[] = await this.db.query(
      `SELECT d.document_uuid, d.file_name, d.document_metadata -> 'production' AS production
         FROM source_documents d
        WHERE d.project_fk_id = $1 AND d.document_metadata ? 'production'
          AND upper(regexp_replace(d.document_metadata #>> '{production,begBates}', '[-_. ]', '', 'g')) LIKE $2
        ORDER BY d.created_at
        LIMIT 10000`,
      [projectId, `${from.prefix}%`],
    );
    for (const d of docs) {
      const beg = d.production.begBates ? parseBates(d.production.begBates) : null;
      const end = d.production.endBates ? parseBates(d.production.endBates) : beg;
      if (!beg || !end || beg.prefix !== from.prefix || end.prefix !== from.prefix) continue;
      const lo = Math.max(beg.seq, from.seq);
      const hi = Math.min(end.seq, to.seq);
      for (let seq = lo; seq <= hi && hits.length <= MAX_RANGE_HITS; seq++) {
        const key = `${from.prefix}#${seq}`;
        const idx = (d.production.pageBates ?? []).findIndex((pb) => batesKey(pb) === key);
        const page = idx >= 0 ? idx + 1 : d.production.pageBates?.length ? null : seq - beg.seq + 1;
        if (page !== null && seen.has(`${d.document_uuid}#${page}`)) continue;
        seen.add(`${d.document_uuid}#${page}`);
        const printed =
          idx >= 0 ? d.production.pageBates[idx] : `${beg.bates.slice(0, beg.bates.length - beg.digits)}${String(seq).padStart(beg.digits, '0')}`;
        hits.push({
          bates: printed,
          documentUuid: d.document_uuid,
          filename: d.file_name,
          page,
          pageBates: idx >= 0 ? printed : null,
          begBates: d.production.begBates,
          endBates: d.production.endBates,
          custodian: d.production.custodian ?? null,
          matchedBy: 'production',
        });
      }
    }
    return hits;
  }
}

function notFoundBates(bates: string) {
  return apiError(HttpStatus.NOT_FOUND, `No page or document with Bates number ${bates} in this project`);
}
