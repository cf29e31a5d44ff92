import { INestApplicationContext } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JOBS } from '@casegraph/contracts';
import { OpsHttpServer } from '@casegraph/platform';
import { TestProject, cleanupProjects, createDocument, createProject, generatedPages, startGraphWorker } from '../testing/graph-test-kit';
import { StageError } from './errors';
import { GraphPipelineService } from './graph-pipeline.service';

jest.setTimeout(60_000);

/** The real GraphWorkerModule (Bull consumer, ops server) on a private Bull prefix. */
describe('GraphWorkerModule consuming the graph queue', () => {
  let app: INestApplicationContext;
  let queue: Queue;
  let db: DataSource;
  let project: TestProject;
  const prefix = `bull-test-graph-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ app, queue, db } = await startGraphWorker(prefix));
    project = await createProject(db, 'graph-processor');
  });

  afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await cleanupProjects(db, [project]);
    await app.close();
  });

  afterEach(() => jest.restoreAllMocks());

  const enqueue = (data: unknown, attempts = 3): Promise<Job> =>
    queue.add(JOBS.GRAPH_DOCUMENT, data, { jobId: randomUUID(), attempts, backoff: { type: 'fixed', delay: 50 }, removeOnFail: false });
  const settle = async (job: Job) => {
    await job.finished().catch(() => undefined);
    return (await queue.getJob(job.id))!;
  };
  const row = async (documentUuid: string) =>
    (
      await db.query(
        `SELECT status, failed_stage, error_message, relationships_status, processing_completed_at IS NOT NULL AS done
           FROM source_documents WHERE document_uuid = $1`,
        [documentUuid],
      )
    )[0];

  it('processes a document job to completion', async () => {
    const doc = await createDocument(db, project, generatedPages('motion.pdf'), 'motion.pdf');
    const job = await settle(await enqueue({ documentUuid: doc }));
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({ documentUuid: doc, projectUuid: project.projectUuid });
    expect(await row(doc)).toEqual({ status: 'completed', failed_stage: null, error_message: null, relationships_status: 'completed', done: true });
  });

  it('fails an unknown document at once, without retries', async () => {
    const job = await settle(await enqueue({ documentUuid: randomUUID() }));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/not found/);
  });

  it('fails a job without a valid documentUuid at once', async () => {
    const job = await settle(await enqueue({ documentUuid: 'not-a-uuid' }));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/no valid documentUuid/);
  });

  it('marks a document without extracted text failed at chunking with a readable reason, without retries', async () => {
    const doc = await createDocument(db, project, [], 'empty.pdf', { withPages: false, rawText: null });
    const job = await settle(await enqueue({ documentUuid: doc }));
    expect(job.attemptsMade).toBe(1);
    expect(await row(doc)).toMatchObject({
      status: 'failed',
      failed_stage: 'chunking',
      error_message: expect.stringContaining('no extracted text'),
    });
  });

  it('retries a transient failure and then completes', async () => {
    const doc = await createDocument(db, project, ['The Mozilla Foundation was founded on July 15, 2003.'], 'short.pdf');
    const pipeline = app.get(GraphPipelineService);
    const real = pipeline.process.bind(pipeline);
    jest
      .spyOn(pipeline, 'process')
      .mockImplementationOnce(async () => {
        throw new StageError('resolution', Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }));
      })
      .mockImplementation(real);
    const job = await settle(await enqueue({ documentUuid: doc }));
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(1);
    expect(await row(doc)).toMatchObject({ status: 'completed', done: true });
  });

  it('after the last attempt marks the stage failed with the cause', async () => {
    const doc = await createDocument(db, project, ['Short text.'], 'flaky.pdf');
    jest.spyOn(app.get(GraphPipelineService), 'process').mockImplementation(async () => {
      throw new StageError('resolution', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }));
    });
    const job = await settle(await enqueue({ documentUuid: doc }, 2));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    // The shared runner's reason, as for OCR: the cause and the attempt count.
    expect(await row(doc)).toMatchObject({
      status: 'failed',
      failed_stage: 'resolution',
      error_message: 'canceling statement due to statement timeout (failed after 2 attempts)',
    });
  });

  it('serves readiness (with the queue check) and the graph metrics on the ops port', async () => {
    const port = app.get(OpsHttpServer).boundPort;
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    // The shared queue check of QueueObservabilityModule (libs/pipeline) is named after the queue.
    expect(await ready.json()).toMatchObject({ info: { graphQueue: { status: 'up' } } });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('casegraph_graph_documents_total{outcome="completed"}');
    expect(metrics).toContain('casegraph_graph_stage_duration_seconds_bucket');
  });
});
