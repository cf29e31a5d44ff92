import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import { isUuid, redisKeys } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import {
  DocumentNotFoundError,
  PROJECT_CONTEXT_OPTIONS,
  ProjectContext,
  ProjectContextModuleOptions,
} from './project-context.types';

/** PRELIMINARY implementation (foundation); hardened by the project-context work. */
@Injectable()
export class ProjectContextService implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly ttl: number;

  constructor(
    @Inject(PROJECT_CONTEXT_OPTIONS) options: ProjectContextModuleOptions,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.ttl = options.ttlSeconds ?? 86400;
    this.redis = new Redis({
      ...redisOptionsFromUrl(options.redisUrl),
      enableOfflineQueue: false,
      commandTimeout: 100,
      maxRetriesPerRequest: 0,
    });
    this.redis.on('error', () => undefined);
  }

  async resolve(documentUuid: string): Promise<ProjectContext> {
    const map = await this.resolveMany([documentUuid]);
    return map.get(documentUuid)!;
  }

  async resolveMany(documentUuids: string[]): Promise<Map<string, ProjectContext>> {
    const out = new Map<string, ProjectContext>();
    for (const uuid of documentUuids) {
      if (!isUuid(uuid)) throw new DocumentNotFoundError(uuid);
      let cached: ProjectContext | undefined;
      try {
        const raw = await this.redis.get(redisKeys.docMetadata(uuid));
        if (raw) {
          const v = JSON.parse(raw);
          if (isUuid(v.project_uuid)) {
            cached = {
              documentUuid: uuid,
              projectUuid: v.project_uuid,
              projectId: v.project_id,
              documentMetadata: {
                filename: v.document_metadata?.filename,
                s3Bucket: v.document_metadata?.s3_bucket ?? undefined,
                s3Key: v.document_metadata?.s3_key ?? undefined,
                uploadedAt: v.document_metadata?.uploaded_at,
              },
            };
          }
        }
      } catch {
        cached = undefined;
      }
      if (cached) {
        out.set(uuid, cached);
        continue;
      }
      const ctx = await this.load(uuid);
      await this.remember(ctx).catch(() => undefined);
      out.set(uuid, ctx);
    }
    return out;
  }

  private async load(documentUuid: string): Promise<ProjectContext> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `WITH p AS (
         UPDATE projects SET project_uuid = COALESCE(project_uuid, gen_random_uuid())
          WHERE id = (SELECT project_fk_id FROM source_documents WHERE document_uuid = $1)
         RETURNING id, project_uuid
       ), d AS (
         UPDATE source_documents sd SET project_uuid = p.project_uuid
           FROM p WHERE sd.document_uuid = $1
         RETURNING sd.document_uuid, sd.original_file_name, sd.s3_bucket, sd.s3_key, sd.created_at, p.id AS project_id, p.project_uuid
       ) SELECT * FROM d`,
      [documentUuid],
    );
    if (!rows.length) throw new DocumentNotFoundError(documentUuid);
    const r = rows[0];
    return {
      documentUuid,
      projectUuid: r.project_uuid as string,
      projectId: Number(r.project_id),
      documentMetadata: {
        filename: r.original_file_name as string,
        s3Bucket: (r.s3_bucket as string) ?? undefined,
        s3Key: (r.s3_key as string) ?? undefined,
        uploadedAt: new Date(r.created_at as string).toISOString(),
      },
    };
  }

  /** `manager` lets a caller run it inside its own transaction. */
  async ensureProject(
    input: { id?: number; name: string },
    manager?: EntityManager,
  ): Promise<{ id: number; projectUuid: string; name: string }> {
    const db = manager ?? this.db.manager;
    const rows: Array<{ id: number; project_uuid: string; name: string }> =
      input.id !== undefined
        ? await db.query(
            `INSERT INTO projects (id, name, project_uuid) VALUES ($1, $2, gen_random_uuid())
             ON CONFLICT (id) DO UPDATE SET project_uuid = COALESCE(projects.project_uuid, EXCLUDED.project_uuid)
             RETURNING id, project_uuid, name`,
            [input.id, input.name],
          )
        : await db.query(
            `INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid, name`,
            [input.name],
          );
    return { id: rows[0].id, projectUuid: rows[0].project_uuid, name: rows[0].name };
  }

  async remember(context: ProjectContext): Promise<void> {
    const value = JSON.stringify({
      project_uuid: context.projectUuid,
      project_id: context.projectId,
      document_metadata: {
        filename: context.documentMetadata.filename,
        s3_bucket: context.documentMetadata.s3Bucket ?? null,
        s3_key: context.documentMetadata.s3Key ?? null,
        uploaded_at: context.documentMetadata.uploadedAt,
      },
    });
    await this.redis.set(redisKeys.docMetadata(context.documentUuid), value, 'EX', this.ttl);
  }

  /** Writes many contexts in one Redis pipeline (used after a batch of documents is committed). */
  async rememberMany(contexts: ProjectContext[]): Promise<void> {
    for (const c of contexts) await this.remember(c);
  }

  async invalidate(documentUuid: string): Promise<void> {
    await this.redis.del(redisKeys.docMetadata(documentUuid));
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
