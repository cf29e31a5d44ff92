import { randomUUID } from 'node:crypto';
import { JOBS, redisKeys } from '@casegraph/contracts';
import { PrivateDatabase, createPrivateDatabase } from '@casegraph/testing';
import { finishJob } from '../testing/helpers';
import { TestApp, createTestApp, deleteBullPrefix } from '../testing/test-app';
import { SweeperService } from './sweeper.service';
import Redis from 'ioredis';

/**
 * The sweeper scans every `processing` row, so this file runs on a private database: it can never
 * touch another test's documents. Documents are created directly in SQL in the shape a dead worker leaves.
 */
describe('SweeperService (real PostgreSQL + Redis)', () => {
  let db: PrivateDatabase;
  let t: TestApp;
  let sweeper: SweeperService;
  let projectId: number;
  let projectUuid: string;
  const created: string[] = [];

  beforeAll(async () => {
    db = await createPrivateDatabase('sweeper');
    t = await createTestApp({
      DATABASE_URL: db.url,
      SWEEP_INTERVAL_SECONDS: '0',
      STAGE_TIMEOUT_SECONDS: '600',
      STAGE_TIMEOUT_OCR_SECONDS: '60',
      MAX_STAGE_ATTEMPTS: '3',
    });
    sweeper = t.app.get(SweeperService);
    const rows = await t.db.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid`, [
      `sweeper-${randomUUID()}`,
    ]);
    projectId = rows[0].id;
    projectUuid = rows[0].project_uuid;
  }, 60_000);

  afterAll(async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    await deleteBullPrefix(redis, t.config.bullPrefix);
    if (created.length) await redis.del(...created.map((u) => redisKeys.docState(u)));
    redis.disconnect();
    await t?.close();
    await db?.drop();
  });

  /** A document a worker started `ageSeconds` ago at `stage` and then vanished. */
  async function stuckDocument(stage: 'ocr' | 'entities', ageSeconds: number, attempts: number): Promise<string> {
    const uuid = randomUUID();
    created.push(uuid);
    const done = stage === 'entities' ? `ocr_status = 'completed', chunking_status = 'completed',` : '';
    await t.db.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, file_name, status)
       VALUES ($1, $2, $3, 'a.pdf', 'a.pdf', 'processing')`,
      [uuid, projectId, projectUuid],
    );
    await t.db.query(
      `UPDATE source_documents SET ${done} current_stage = $2, ${stage}_status = 'processing',
              ${stage}_started_at = now() - make_interval(secs => $3), stage_attempts = $4,
              updated_at = now() - make_interval(secs => $3)
        WHERE document_uuid = $1`,
      [uuid, stage, ageSeconds, attempts],
    );
    return uuid;
  }

  const row = async (uuid: string) =>
    (
      await t.db.query(`SELECT status, error_message, failed_stage, ocr_status, entities_status FROM source_documents WHERE document_uuid = $1`, [
        uuid,
      ])
    )[0];

  it('re-enqueues a stuck document on its stage queue, leaves it while the job waits, then fails it after MAX_STAGE_ATTEMPTS', async () => {
    const uuid = await stuckDocument('ocr', 120, 1);
    const fresh = await stuckDocument('ocr', 5, 1); // younger than STAGE_TIMEOUT_OCR_SECONDS: not stuck yet

    const first = await sweeper.tick();
    expect(first).toMatchObject({ scanned: 1, requeued: 1, failed: 0 });
    expect(await (await t.ocrQueue.getJob(uuid))!.getState()).toBe('waiting');
    expect(await t.ocrQueue.getJob(fresh)).toBeNull();

    // The job is waiting: a second pass leaves the document alone (no duplicate job).
    expect(await sweeper.tick()).toMatchObject({ scanned: 1, alive: 1, requeued: 0 });
    expect((await t.ocrQueue.getJobCounts()).waiting).toBe(1);

    // A worker took it twice more (stage_attempts 3) and its last attempt ended up in the failed set.
    await (await t.ocrQueue.getJob(uuid))!.remove();
    await finishJob(t, t.ocrQueue, JOBS.OCR_DOCUMENT, uuid, 'failed');
    await t.db.query(`UPDATE source_documents SET stage_attempts = 3 WHERE document_uuid = $1`, [uuid]);
    const last = await sweeper.tick();
    expect(last).toMatchObject({ failed: 1, requeued: 0 });
    const r = await row(uuid);
    expect(r).toMatchObject({ status: 'failed', failed_stage: 'ocr', ocr_status: 'failed' });
    expect(r.error_message).toMatch(/^stuck in ocr since \d{4}-\d\d-\d\dT/);
    expect(await row(fresh)).toMatchObject({ status: 'processing' });
  });

  it('replaces a finished job of a later stage on the graph queue (per-stage timeout: 600 s default)', async () => {
    const young = await stuckDocument('entities', 120, 1); // 120 s < 600 s: not stuck
    const old = await stuckDocument('entities', 900, 2);
    await finishJob(t, t.graphQueue, JOBS.GRAPH_DOCUMENT, old, 'completed');
    const rep = await sweeper.tick();
    expect(rep).toMatchObject({ requeued: 1 });
    expect(await (await t.graphQueue.getJob(old))!.getState()).toBe('waiting');
    expect(await t.graphQueue.getJob(young)).toBeNull();
    expect(await row(old)).toMatchObject({ status: 'processing', entities_status: 'processing' });
  });

  it('runs in one replica at a time (Redis lock), and does nothing while Redis holds it', async () => {
    const uuid = await stuckDocument('ocr', 300, 1);
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const lock = redisKeys.ingestSweeperLock(t.config.bullPrefix);
      await redis.set(lock, 'other-replica', 'PX', 10_000);
      expect(await sweeper.tick()).toMatchObject({ skipped: 'locked', requeued: 0 });
      expect(await t.ocrQueue.getJob(uuid)).toBeNull();
      await redis.del(lock);
      const second = await createTestApp({
        DATABASE_URL: db.url,
        SWEEP_INTERVAL_SECONDS: '0',
        STAGE_TIMEOUT_OCR_SECONDS: '60',
        BULL_PREFIX: t.config.bullPrefix,
      });
      try {
        const reports = await Promise.all([sweeper.tick(), second.app.get(SweeperService).tick()]);
        expect(reports.map((x) => x.requeued).reduce((a, b) => a + b, 0)).toBe(1);
        expect((await t.ocrQueue.getJobCounts()).waiting).toBeGreaterThanOrEqual(1);
      } finally {
        await second.close();
      }
    } finally {
      redis.disconnect();
    }
  });
});
