/**
 * Scenario 6, legacy database: a private database seeded in the old system's shape (projects and
 * source_documents with NULL project_uuid, no Redis entries at all) with the files in storage. OCR jobs are
 * enqueued as the reconciler would; the pipeline runs, and every row is healed by the pipeline itself (corrupt.pdf too: its project is resolved before the file is read),
 * and then the context `enforce` command (NOT NULL + FK) succeeds. The graph equals a fresh ingest of the same files.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { StorageService } from '@casegraph/storage';
import { backfill, countSick } from '../../apps/cli/src/context/backfill';
import { enforce } from '../../apps/cli/src/context/enforce';
import { IngestedProject, PipelineStack, waitUntilDone } from '../support/pipeline-harness';
import { GeneratedDocumentName, generatedBytes } from '../../libs/testing/src/documents';
import { PrivateDatabase, createPrivateDatabase } from '@casegraph/testing';
import { DOCUMENTS, FAST_RECOVERY_ENV, PLAN, assertScenario, baseline } from './scenario';

jest.setTimeout(300_000);

describe('fault scenario: legacy database', () => {
  let db: PrivateDatabase;
  let stack: PipelineStack;

  beforeAll(async () => {
    db = await createPrivateDatabase('legacy');
    // Timers off: the test enqueues the legacy documents itself, as one reconciler tick.
    stack = await PipelineStack.start({
      databaseUrl: db.url,
      apiEnv: { ...FAST_RECOVERY_ENV, RECONCILE_INTERVAL_SECONDS: '0' },
    });
    await stack.startWorker('ocr');
    await stack.startWorker('graph');
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  /** The old system's rows: no project_uuid anywhere, files stored under its own keys, nothing in Redis. */
  async function seedLegacy(): Promise<IngestedProject[]> {
    const storage = stack.api.app.get(StorageService);
    const out: IngestedProject[] = [];
    for (const p of PLAN) {
      const name = `legacy ${p.label} ${randomUUID().slice(0, 8)}`;
      const [row] = await stack.db.query(`INSERT INTO projects (name) VALUES ($1) RETURNING id`, [name]);
      const documents = [];
      for (const file of p.files) {
        const documentUuid = randomUUID();
        const key = `legacy-uploads/${row.id}/${documentUuid}/${file}`;
        await storage.put(key, Readable.from([generatedBytes(file as GeneratedDocumentName)]));
        await stack.db.query(
          `INSERT INTO source_documents (document_uuid, project_fk_id, original_file_name, file_name, s3_bucket, s3_key, status)
           VALUES ($1, $2, $3, $3, $4, $5, 'pending')`,
          [documentUuid, row.id, file, storage.bucket, key],
        );
        stack.documentUuids.add(documentUuid);
        documents.push({ documentUuid, file, projectUuid: '' });
      }
      out.push({ id: row.id, projectUuid: '', name, label: p.label, documents });
    }
    return out;
  }

  it('runs on NULL project_uuid rows, heals them, and enforce succeeds afterwards', async () => {
    const base = await baseline(stack);
    const legacy = await seedLegacy();
    const refused = await enforce(stack.db);
    expect(refused.ok).toBe(false);

    const t0 = Date.now();
    const tick = await stack.api.reconciler.tick({ minAgeSeconds: 0 });
    expect(tick.enqueued).toBe(legacy.reduce((n, p) => n + p.documents.length, 0));
    await waitUntilDone(stack.db, legacy, 180_000);
    const recoverMs = Date.now() - t0;

    // Healed: every legacy project now has a UUID and every document carries it.
    for (const p of legacy) {
      const [r] = await stack.db.query(`SELECT project_uuid FROM projects WHERE id = $1`, [p.id]);
      expect(r.project_uuid).toMatch(/^[0-9a-f-]{36}$/);
      p.projectUuid = r.project_uuid;
    }
    // Every document carries its project's UUID, healed by the pipeline itself: the OCR worker resolves the
    // project before reading the file, so even corrupt.pdf (which then fails) is healed.
    const healed: Array<{ original_file_name: string; status: string; ok: boolean }> = await stack.db.query(
      `SELECT d.original_file_name, d.status, d.project_uuid IS NOT DISTINCT FROM p.project_uuid AS ok
         FROM source_documents d JOIN projects p ON p.id = d.project_fk_id WHERE d.project_fk_id = ANY($1::int[])`,
      [legacy.map((p) => p.id)],
    );
    expect(healed.filter((d) => d.status === 'completed')).toHaveLength(DOCUMENTS - 1); // all but corrupt.pdf
    expect(healed.filter((d) => !d.ok).map((d) => d.original_file_name)).toEqual([]);
    expect(await countSick(stack.db)).toEqual({ projects: 0, documents: 0 });
    // backfill has nothing left to do.
    expect(await backfill(stack.db)).toMatchObject({ remaining: { projects: 0, documents: 0 } });
    console.info(`[faults] legacy-database: rows healed by the pipeline=${healed.length}, left for backfill=0`);
    const figures = await assertScenario('legacy-database', stack.db, legacy, base, recoverMs);
    expect(figures.duplicates).toBe(0);

    const enforced = await enforce(stack.db);
    expect(enforced).toMatchObject({ ok: true });
    const [nullable] = await stack.db.query(
      `SELECT count(*)::int AS n FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'project_uuid' AND table_name IN ('projects', 'source_documents')
          AND is_nullable = 'YES'`,
    );
    expect(nullable.n).toBe(0);
  });
});
