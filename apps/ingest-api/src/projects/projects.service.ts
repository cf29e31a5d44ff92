import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProjectContextService } from '@casegraph/project-context';
import { apiError, notFound } from '../common/api-error';
import { addCount, emptyCounts } from '../common/counts';
import { FORBIDDEN_MESSAGE } from '../auth/api-key.guard';
import type { RequestAuth } from '../auth/api-keys';
import { CreateProjectDto, ProjectDetailDto, ProjectDto, ProjectOrder, ProjectPageDto } from './project.dto';

type ProjectRow = { id: number; project_uuid: string | null; name: string; created_at: Date | string };

const toDto = (r: ProjectRow): ProjectDto => ({
  id: Number(r.id),
  projectUuid: r.project_uuid,
  name: r.name,
  createdAt: new Date(r.created_at).toISOString(),
});

@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contexts: ProjectContextService,
  ) {}

  /**
   * ensureProject: idempotent by id (and, per ProjectContextService, by name when no
   * id is given). `created` tells 201 from 200: the row was inserted by this very
   * transaction when its created_at equals the transaction's now().
   * A project-bound key may only "ensure" its own, existing project.
   */
  async ensure(dto: CreateProjectDto, auth: RequestAuth | undefined): Promise<{ project: ProjectDto; created: boolean }> {
    if (auth?.projectUuid) {
      const rows: ProjectRow[] =
        dto.id !== undefined
          ? await this.db.query(`SELECT id, project_uuid, name, created_at FROM projects WHERE id = $1`, [dto.id])
          : await this.db.query(`SELECT id, project_uuid, name, created_at FROM projects WHERE name = $1 AND project_uuid = $2 LIMIT 1`, [
              dto.name,
              auth.projectUuid,
            ]);
      if (!rows.length || rows[0].project_uuid !== auth.projectUuid) throw apiError(HttpStatus.FORBIDDEN, FORBIDDEN_MESSAGE);
      return { project: toDto(rows[0]), created: false };
    }
    return this.db.transaction(async (m) => {
      const p = await this.contexts.ensureProject({ id: dto.id, name: dto.name }, m);
      const rows: Array<{ created: boolean; created_at: Date }> = await m.query(
        `SELECT created_at = now() AS created, created_at FROM projects WHERE id = $1`,
        [p.id],
      );
      return {
        project: { id: Number(p.id), projectUuid: p.projectUuid, name: p.name, createdAt: new Date(rows[0].created_at).toISOString() },
        created: rows[0]?.created === true,
      };
    });
  }

  async get(projectUuid: string): Promise<ProjectDetailDto> {
    const rows = await this.withCounts(`WHERE project_uuid = $1`, [projectUuid]);
    if (!rows.length) throw notFound('Project', projectUuid);
    return toCountsDto(rows[0]);
  }

  /**
   * Projects by id (oldest or newest first), each with its counts, optionally those whose name contains `name`
   * (case-insensitive, the text taken literally); a project-bound key sees only its own project.
   */
  async list(
    page: number,
    pageSize: number,
    auth: RequestAuth | undefined,
    opts: { order?: ProjectOrder; name?: string } = {},
  ): Promise<ProjectPageDto> {
    const only = auth?.projectUuid ?? null;
    const name = opts.name?.trim() ? `%${opts.name.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const where = `WHERE ($1::uuid IS NULL OR project_uuid = $1) AND ($2::text IS NULL OR name ILIKE $2)`;
    const dir = opts.order === 'newest' ? 'DESC' : 'ASC';
    const [rows, total] = await Promise.all([
      this.withCounts(`${where} ORDER BY id ${dir} LIMIT $3 OFFSET $4`, [only, name, pageSize, (page - 1) * pageSize], dir),
      this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM projects ${where}`, [only, name]),
    ]);
    return {
      items: rows.map((r) => {
        const dto = toCountsDto(r);
        return { ...dto, documentCount: dto.documents.total };
      }),
      page,
      pageSize,
      total: total[0].n,
    };
  }

  /**
   * The projects `tail` selects (a WHERE, ORDER and LIMIT on projects) with their documents by status, pages and
   * entities: one statement whose aggregates are grouped over the selected projects only (no query per project).
   */
  private withCounts(tail: string, params: unknown[], dir: 'ASC' | 'DESC' = 'ASC'): Promise<CountsRow[]> {
    return this.db.query<CountsRow[]>(
      `WITH sel AS (SELECT id, project_uuid, name, created_at FROM projects ${tail}),
            by_status AS (
              SELECT d.project_fk_id AS id, d.status, count(*)::int AS n, COALESCE(sum(d.page_count), 0)::bigint AS pages
                FROM source_documents d WHERE d.project_fk_id IN (SELECT id FROM sel)
               GROUP BY d.project_fk_id, d.status),
            docs AS (
              SELECT id, json_agg(json_build_object('status', status, 'n', n)) AS statuses, sum(pages)::bigint AS pages
                FROM by_status GROUP BY id),
            ents AS (
              SELECT e.project_uuid, count(*)::int AS n FROM canonical_entities e
               WHERE e.project_uuid IN (SELECT project_uuid FROM sel WHERE project_uuid IS NOT NULL)
               GROUP BY e.project_uuid)
       SELECT sel.id, sel.project_uuid, sel.name, sel.created_at, docs.statuses, COALESCE(docs.pages, 0) AS pages,
              COALESCE(ents.n, 0) AS entities
         FROM sel LEFT JOIN docs ON docs.id = sel.id LEFT JOIN ents ON ents.project_uuid = sel.project_uuid
        ORDER BY sel.id ${dir}`,
      params,
    );
  }
}

type CountsRow = ProjectRow & { statuses: Array<{ status: string; n: number }> | null; pages: string | number; entities: number };

function toCountsDto(r: CountsRow): ProjectDetailDto {
  const documents = emptyCounts();
  for (const c of r.statuses ?? []) addCount(documents, c.status, c.n);
  return { ...toDto(r), documents, pageCount: Number(r.pages), entityCount: Number(r.entities) };
}
