/**
 * A document's password is never logged. The real ingest API runs as a child process from its main.ts (pino JSON,
 * LOG_LEVEL=trace: every line that exists is written, the request log included); passwords are sent at upload,
 * refused (too long, twice), and on retry; then every byte the process wrote is searched for them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { buildEncryptedPdf } from '@casegraph/formats/testing';
import { SpawnedApp, freePort, spawnApp } from '@casegraph/testing';
import { deleteBullPrefix } from '../../apps/ingest-api/src/testing/test-app';

jest.setTimeout(180_000);

const PASSWORD = `PWMARKER${randomUUID().replace(/-/g, '')}`;
const RETRY_PASSWORD = `PWRETRY${randomUUID().replace(/-/g, '')}`;
const LONG_PASSWORD = `PWLONG${'x'.repeat(1100)}`;

describe('passwords never reach the logs', () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-pw-logs-'));
  const prefix = `bull-test-pwlogs-${randomUUID().slice(0, 8)}`;
  let app: SpawnedApp | undefined;
  let api: string;
  let db: DataSource;
  let projectId: number | undefined;
  let projectUuid: string;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(process.env.DATABASE_URL!, ENTITIES, MIGRATIONS, { poolSize: 2 }));
    await db.initialize();
    const [row] = await db.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid`, [
      `test-ingest pw-logs ${randomUUID()}`,
    ]);
    projectId = row.id;
    projectUuid = row.project_uuid;
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    app = await spawnApp({
      app: 'ingest-api',
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'trace',
        PORT: String(port),
        BULL_PREFIX: prefix,
        STORAGE_DIR: storageDir,
        STORAGE_DRIVER: 'local',
        HEALTH_PORT: '0',
        SHUTDOWN_GRACE_MS: '3000',
        RECONCILE_INTERVAL_SECONDS: '0',
        SWEEP_INTERVAL_SECONDS: '0',
        CASEGRAPH_API_KEYS: '',
        DOCUMENT_PASSWORD_KEY: randomBytes(32).toString('base64'),
      },
      readyPort: port,
    });
  });

  afterAll(async () => {
    await app?.stop();
    if (projectId !== undefined) {
      await db.query(`DELETE FROM source_documents WHERE project_fk_id = $1`, [projectId]);
      await db.query(`DELETE FROM projects WHERE id = $1`, [projectId]);
    }
    await db?.destroy();
    const redis = new Redis(process.env.REDIS_URL!);
    await deleteBullPrefix(redis, prefix).finally(() => redis.disconnect());
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('logs the requests but not the password of an upload, of a refused upload or of a retry', async () => {
    const pdf = buildEncryptedPdf({ password: PASSWORD, pages: [`locked ${randomUUID()}`] });
    const up = await request(api)
      .post(`/v1/projects/${projectUuid}/documents`)
      .field('password', PASSWORD)
      .attach('files', pdf, 'locked.pdf')
      .expect(202);
    const uuid = up.body.documents[0].documentUuid;
    expect((await db.query(`SELECT count(*)::int AS n FROM document_secrets WHERE document_uuid = $1`, [uuid]))[0].n).toBe(1);

    const long = await request(api)
      .post(`/v1/projects/${projectUuid}/documents`)
      .field('password', LONG_PASSWORD)
      .attach('files', pdf, 'again.pdf')
      .expect(400);
    expect(JSON.stringify(long.body)).not.toContain('PWLONG');
    await request(api)
      .post(`/v1/projects/${projectUuid}/documents`)
      .field('password', PASSWORD)
      .field('password', PASSWORD)
      .attach('files', pdf, 'x.pdf')
      .expect(400);

    await db.query(`UPDATE source_documents SET status = 'failed', ocr_status = 'failed', failed_stage = 'ocr' WHERE document_uuid = $1`, [uuid]);
    await request(api).post(`/v1/documents/${uuid}/retry`).send({ password: RETRY_PASSWORD }).expect(202);
    await request(api).post(`/v1/documents/${uuid}/retry`).send({ password: RETRY_PASSWORD }).expect(409);
    await request(api).post(`/v1/documents/${uuid}/retry`).send({ password: 12 }).expect(400);

    // The request log is there (so the search below means something), the passwords are not.
    await app!.waitForOutput(`/v1/documents/${uuid}/retry`, 30_000);
    const out = app!.output();
    expect(out).toContain(`/v1/projects/${projectUuid}/documents`);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(RETRY_PASSWORD);
    expect(out).not.toContain('PWLONG');
  });
});
