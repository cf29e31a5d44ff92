import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProjectContextService } from '@casegraph/project-context';
import { apiError, notFound } from '../common/api-error';
import { addCount, emptyCounts } from '../common/counts';
import { FORBIDDEN_MESSAGE } from '../auth/api-key.guard';
import type { RequestAuth } from '../auth/api-keys';
import { CreateProjectDto, ProjectDetailDto, ProjectDto, ProjectPageDto } from './project.dto';

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
    const rows: ProjectRow[] = await this.db.query(`SELECT id, project_uuid, name, created_at FROM projects WHERE project_uuid = $1`, [projectUuid]);
    if (!rows.length) throw notFound('Project', projectUuid);
    const counts: Array<{ status: string; n: number }> = await this.db.query(
      `SELECT status, count(*)::int AS n FROM source_documents WHERE project_fk_id = $1 GROUP BY status`,
      [rows[0].id],
    );
    const documents = emptyCounts();
    for (const c of counts) addCount(documents, c.status, c.n);
    return { ...toDto(rows[0]), documents };
  }

  /** Projects by id; a project-bound key sees only its own project. */
  async list(page: number, pageSize: number, auth: RequestAuth | undefined): Promise<ProjectPageDto> {
    const only = auth?.projectUuid ?? null;
    const [rows, total] = await Promise.all([
      this.db.query<Array<ProjectRow & { document_count: number }>>(
        `SELECT p.id, p.project_uuid, p.name, p.created_at,
                (SELECT count(*)::int FROM source_documents d WHERE d.project_fk_id = p.id) AS document_count
           FROM projects p
          WHERE ($1::uuid IS NULL OR p.project_uuid = $1)
          ORDER BY p.id
          LIMIT $2 OFFSET $3`,
        [only, pageSize, (page - 1) * pageSize],
      ),
      this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM projects WHERE ($1::uuid IS NULL OR project_uuid = $1)`, [only]),
    ]);
    return {
      items: rows.map((r) => ({ ...toDto(r), documentCount: r.document_count })),
      page,
      pageSize,
      total: total[0].n,
    };
  }
}
