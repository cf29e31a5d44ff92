/**
 * The set-up of the acceptance tests on real court opinions: the ingest API, an ocr-worker and a graph-worker
 * on one Bull prefix, a project, the opinions rendered as text-layer PDFs (read from the shared fixtures at run
 * time) uploaded in one request, and a wait until every document is completed or failed. close() removes what
 * start() made, also after a start() that failed half-way.
 */
import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { startGraphWorker } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';
import { WorkerHandle, startWorker } from '../../apps/ocr-worker/src/testing/ocr-test-kit';
import { opinionPdf, readOpinion } from '../../libs/testing/src/legal-fixtures';
import { waitFor } from '../../libs/testing/src/wait';

export interface OpinionPipelineOptions {
  /** The API key (CASEGRAPH_API_KEYS) the test sends. */
  key: string;
  /** Prefix of the project's name (made unique). */
  projectName: string;
  /** Shared-fixture opinion ids, uploaded as `<id>.pdf`. */
  opinions: readonly string[];
  /** How long OCR and graph may take for all of them. */
  settleMs: number;
}

export class OpinionPipeline {
  api!: TestApp;
  project!: { id: number; projectUuid: string };
  /** opinion id -> documentUuid */
  readonly docs = new Map<string, string>();
  private ocr?: WorkerHandle;
  private graph?: INestApplicationContext;

  async start(o: OpinionPipelineOptions): Promise<void> {
    const auth = { Authorization: `Bearer ${o.key}` };
    this.api = await createTestApp({ CASEGRAPH_API_KEYS: o.key, SWEEP_INTERVAL_SECONDS: '0' });
    this.ocr = await startWorker({ BULL_PREFIX: this.api.config.bullPrefix, STORAGE_DIR: this.api.storageDir, OCR_CONCURRENCY: '2' });
    this.graph = (await startGraphWorker(this.api.config.bullPrefix)).app;
    this.project = (
      await request(this.api.http)
        .post('/v1/projects')
        .set(auth)
        .send({ name: uniqueName(o.projectName) })
        .expect(201)
    ).body;
    let req = request(this.api.http).post(`/v1/projects/${this.project.projectUuid}/documents`).set(auth);
    for (const id of o.opinions) req = req.attach('files', opinionPdf(readOpinion(id)), `${id}.pdf`);
    const res = await req.expect(202);
    for (const d of res.body.documents as Array<{ filename: string; documentUuid: string }>)
      this.docs.set(d.filename.replace(/\.pdf$/, ''), d.documentUuid);
    let rows: Array<{ status: string }> = [];
    await waitFor(
      async () => {
        rows = await this.api.db.query(`SELECT status FROM source_documents WHERE document_uuid = ANY($1::uuid[])`, [[...this.docs.values()]]);
        return rows.length === this.docs.size && rows.every((r) => r.status === 'completed' || r.status === 'failed');
      },
      {
        timeoutMs: o.settleMs,
        intervalMs: 200,
        what: 'the opinions to be processed',
        detail: () => `documents not settled: ${JSON.stringify(rows)}`,
      },
    );
  }

  async close(): Promise<void> {
    await this.graph?.close().catch(() => undefined);
    if (this.api && this.project) {
      for (const table of ['relationship_staging', 'relationship_contributions', 'entity_mentions', 'canonical_entities', 'document_chunks']) {
        await this.api.db.query(`DELETE FROM ${table} WHERE project_uuid = $1`, [this.project.projectUuid]);
      }
      await this.api.db.query(`DELETE FROM document_pages WHERE document_uuid = ANY($1::uuid[])`, [[...this.docs.values()]]);
      await cleanupTestData(this.api, [this.project.id]);
    }
    await this.ocr?.close();
    await this.api?.close();
  }
}
