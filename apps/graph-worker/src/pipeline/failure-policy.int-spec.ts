/**
 * The shared failure-policy cases (libs/testing/src/failure-policy.ts) against the real
 * GraphWorkerModule: real Bull queue on a private prefix, real PostgreSQL, faults injected into
 * GraphPipelineService.process. The same cases run against the OCR worker.
 */
import { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JOBS } from '@casegraph/contracts';
import { DocumentStateService, StageError } from '@casegraph/pipeline';
import { failurePolicyCases } from '@casegraph/testing';
import { TestProject, cleanupProjects, createDocument, createProject, startGraphWorker } from '../testing/graph-test-kit';
import { GraphPipelineService } from './graph-pipeline.service';

jest.setTimeout(60_000);

describe('failure policy: graph worker (DocumentJobRunner on the real graph queue)', () => {
  let app: INestApplicationContext;
  let queue: Queue;
  let db: DataSource;
  let project: TestProject;
  const prefix = `bull-test-graph-policy-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ app, queue, db } = await startGraphWorker(prefix));
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
