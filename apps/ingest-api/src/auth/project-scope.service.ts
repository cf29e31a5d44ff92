import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Finds which project a document or a batch belongs to (for the auth guard). */
@Injectable()
export class ProjectScopeService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Project UUID of a document (healed legacy rows fall back to the project's own UUID); null when unknown. */
  async projectOfDocument(documentUuid: string): Promise<string | null> {
    const rows: Array<{ project_uuid: string | null }> = await this.db.query(
      `SELECT COALESCE(d.project_uuid, p.project_uuid) AS project_uuid
         FROM source_documents d JOIN projects p ON p.id = d.project_fk_id
        WHERE d.document_uuid = $1`,
      [documentUuid],
    );
    return rows[0]?.project_uuid ?? null;
  }

  /** Project UUID of a batch; null when no document carries that batch id. */
  async projectOfBatch(batchId: string): Promise<string | null> {
    const rows: Array<{ project_uuid: string | null }> = await this.db.query(
      `SELECT project_uuid FROM source_documents WHERE batch_id = $1 LIMIT 1`,
      [batchId],
    );
    return rows[0]?.project_uuid ?? null;
  }
}
