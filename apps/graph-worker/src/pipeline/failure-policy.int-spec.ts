/**
 * The shared failure-policy cases (libs/testing/src/failure-policy.ts) against the real
 * GraphWorkerModule: real Bull queue on a private prefix, real PostgreSQL, faults injected into
 * GraphPipelineService.process. The same cases run against the OCR worker.
 */
import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '@casegraph/contracts';
import { DocumentStateService, StageError } from '@casegraph/pipeline';
import { loadConfig } from '@casegraph/platform';
import { failurePolicyCases } from '@casegraph/testing';
import { graphWorkerConfigSpec } from '../config';
import { TestProject, cleanupProjects, createDocument, createProject } from '../testing/graph-test-kit';
import { GraphWorkerModule } from '../worker.module';
import { GraphPipelineService } from './graph-pipeline.service';

jest.setTimeout(60_000);

describe('failure policy: graph worker (DocumentJobRunner on the real graph queue)', () => {
  let app: INestApplicationContext;
  let queue: Queue;
  let db: DataSource;
  let project: TestProject;
  const prefix = `bull-test-graph-policy-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const config = loadConfig(graphWorkerConfigSpec, {
      ...process.env,
      BULL_PREFIX: prefix,
      HEALTH_PORT: '0',
      GRAPH_CONCURRENCY: '2',
      SHUTDOWN_GRACE_MS: '2000',
    });
    const moduleRef = await Test.createTestingModule({ imports: [GraphWorkerModule.forRoot(config)] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await (app as unknown as { init(): Promise<unknown> }).init();
    queue = app.get<Queue>(getQueueToken(QUEUES.GRAPH));
    db = app.get(DataSource);
    project = await createProject(db, 'graph-failure-policy');
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    if (db && project) await cleanupProjects(db, [project]);
    await app?.close();
  });

  failurePolicyCases(() => ({
    name: 'graph-worker',
    queue,
    jobName: JOBS.GRAPH_DOCUMENT,
    db,
    state: app.get(DocumentStateService),
    doneStage: 'relationships',
    stallStage: 'entities',
    createDocument: () => createDocument(db, project, ['The Mozilla Foundation was founded on July 15, 2003.'], 'policy.pdf'),
    spyOnWork: () => jest.spyOn(app.get(GraphPipelineService), 'process'),
    permanentFault: () => ({
      // Data PostgreSQL rejects (class 22): the graph worker's own permanent case.
      error: new StageError('entities', Object.assign(new Error('invalid input syntax for type integer: "x"'), { code: '22P02' })),
      stage: 'entities',
      reason: 'invalid input syntax for type integer: "x"',
    }),
    transientFault: () => ({
      error: new StageError('resolution', Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' })),
      stage: 'resolution',
      reason: 'Connection terminated unexpectedly',
    }),
  }));
});
