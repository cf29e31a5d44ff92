/**
 * The failure policy of DocumentJobRunner (libs/pipeline) as one set of cases, run against every document worker on its real
 * Bull queue and real PostgreSQL (apps/ocr-worker/src/ocr/failure-policy.int-spec.ts,
 * apps/graph-worker/src/pipeline/failure-policy.int-spec.ts). Faults are injected into the worker's real service
 * with jest.spyOn; SQL and Redis are never mocked. A worker's spec boots the app (private Bull prefix), supplies a
 * FailurePolicySubject and calls failurePolicyCases() inside its describe block.
 */
import type { Job, JobOptions, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Stage, redisKeys } from '@casegraph/contracts';
import { DocumentStateService, STALLED_OUT_MESSAGE } from '@casegraph/pipeline';

export interface InjectedFault {
  error: Error;
  /** Stage the document must be failed at. */
  stage: Stage;
  /** The readable reason the error must leave in error_message. */
  reason: string;
}

export interface FailurePolicySubject {
  /** Worker under test (for messages). */
  name: string;
  /** The queue the running worker consumes. */
  queue: Queue;
  /** The job name its documents are processed with. */
  jobName: string;
  db: DataSource;
  /** The app's DocumentStateService (the runner's). */
  state: DocumentStateService;
  /** The worker's last stage: `completed` once its job succeeds. */
  doneStage: Stage;
  /** The stage a stalled job is in when its worker dies. */
  stallStage: Stage;
  /** A new document (own rows) that the real handler completes. */
  createDocument(): Promise<string>;
  /** jest.spyOn on the real service method the handler calls, so that faults can be injected. */
  spyOnWork(): jest.SpyInstance;
  /** An error the worker must treat as permanent. */
  permanentFault(): InjectedFault;
  /** An error the worker must retry. */
  transientFault(): InjectedFault;
}

interface Row {
  status: string;
  failed_stage: string | null;
  error_message: string | null;
  stage_status: string;
}

/** Defines the failure-policy cases; `subject()` is read when the cases run (after the spec's beforeAll). */
export function failurePolicyCases(subject: () => FailurePolicySubject): void {
  const backoff = { type: 'fixed', delay: 50 } as const;

  afterEach(() => jest.restoreAllMocks());

  const enqueue = (documentUuid: string, opts: JobOptions = {}): Promise<Job> =>
    subject().queue.add(subject().jobName, { documentUuid }, { jobId: randomUUID(), attempts: 3, backoff, removeOnFail: false, ...opts });

  /** Polls Redis until the job is completed or failed, then re-reads it (attempt counts of a live Job are stale). */
  const settle = async (job: Job, timeoutMs = 30_000): Promise<Job> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const j = await subject().queue.getJob(job.id);
      if (j && ((await j.isCompleted()) || (await j.isFailed()))) return (await subject().queue.getJob(job.id))!;
      if (Date.now() > deadline) throw new Error(`${subject().name}: job ${job.id} not finished after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const row = async (documentUuid: string, stage: Stage): Promise<Row | undefined> =>
    (
      await subject().db.query(
        `SELECT status, failed_stage, error_message, ${stage}_status AS stage_status FROM source_documents WHERE document_uuid = $1`,
        [documentUuid],
      )
    )[0];

  const waitForRow = async (documentUuid: string, stage: Stage, done: (r: Row) => boolean, timeoutMs = 30_000): Promise<Row> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await row(documentUuid, stage);
      if (r && done(r)) return r;
      if (Date.now() > deadline) throw new Error(`${subject().name}: ${documentUuid} is ${JSON.stringify(r)} after ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 25));
    }
  };

  it('permanent error → the document failed at its stage with the readable reason; one attempt, no retry', async () => {
    const s = subject();
    const doc = await s.createDocument();
    const fault = s.permanentFault();
    const work = s.spyOnWork().mockImplementation(async () => {
      throw fault.error;
    });
    const job = await settle(await enqueue(doc));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(work).toHaveBeenCalledTimes(1);
    expect(await row(doc, fault.stage)).toEqual({ status: 'failed', failed_stage: fault.stage, error_message: fault.reason, stage_status: 'failed' });
  });

  it('permanent error that cannot be recorded (database away) → the job stays retryable and the next attempt records it', async () => {
    const s = subject();
    const doc = await s.createDocument();
    const fault = s.permanentFault();
    s.spyOnWork().mockImplementation(async () => {
      throw fault.error;
    });
    const failStage = jest.spyOn(s.state, 'failStage').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    const job = await settle(await enqueue(doc));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(failStage).toHaveBeenCalledTimes(2);
    expect(await row(doc, fault.stage)).toMatchObject({ status: 'failed', failed_stage: fault.stage, error_message: fault.reason });
  });

  it('missing document → dropped without retry, nothing written, and the worker goes on', async () => {
    const s = subject();
    const ghost = randomUUID();
    const job = await settle(await enqueue(ghost));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(await row(ghost, s.doneStage)).toBeUndefined();
    expect(await s.queue.client.exists(redisKeys.docState(ghost))).toBe(0);
  });

  it('transient error, then success → completed after one retry', async () => {
    const s = subject();
    const doc = await s.createDocument();
    const fault = s.transientFault();
    const work = s.spyOnWork().mockImplementationOnce(async () => {
      throw fault.error;
    });
    const job = await settle(await enqueue(doc));
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(1);
    expect(work).toHaveBeenCalledTimes(2);
    expect(await row(doc, s.doneStage)).toMatchObject({ failed_stage: null, error_message: null, stage_status: 'completed' });
    expect((await row(doc, s.doneStage))!.status).not.toBe('failed');
  });

  it('transient error until out of attempts → failed with the last reason and the attempt count', async () => {
    const s = subject();
    const doc = await s.createDocument();
    const fault = s.transientFault();
    const work = s.spyOnWork().mockImplementation(async () => {
      throw fault.error;
    });
    const job = await settle(await enqueue(doc, { attempts: 2 }));
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(work).toHaveBeenCalledTimes(2);
    expect(await row(doc, fault.stage)).toEqual({
      status: 'failed',
      failed_stage: fault.stage,
      error_message: `${fault.reason} (failed after 2 attempts)`,
      stage_status: 'failed',
    });
  });

  it('a job that stalled out (its worker died mid-stage too often) → failed by the `failed` listener', async () => {
    const s = subject();
    const doc = await s.createDocument();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    // The worker gets as far as starting a stage, then never comes back (as if its process hung or died).
    s.spyOnWork().mockImplementationOnce(async () => {
      await s.state.startStage(doc, s.stallStage);
      started();
      await held;
      // Ends (without a lock: Bull refuses to finish it) as a transient error before its last attempt: writes nothing.
      throw new Error('the held attempt ends after its job stalled out');
    });
    const job = await enqueue(doc);
    await running;
    try {
      // What Bull sees of a dead worker: no lock on an active job, found stalled maxStalledCount times already.
      // The stalled check itself is Bull's own (moveUnlockedJobsToWait), run now instead of after 15 s.
      const q = s.queue;
      const id = String(job.id);
      const jobKey = q.toKey(id);
      await q.client.del(`${jobKey}:lock`);
      await q.client.hset(jobKey, 'stalledCounter', String((q as unknown as { settings: { maxStalledCount: number } }).settings.maxStalledCount));
      await q.client.sadd(q.toKey('stalled'), id);
      await q.client.del(q.toKey('stalled-check'));
      await (q as unknown as { moveUnlockedJobsToWait(): Promise<void> }).moveUnlockedJobsToWait();

      const failed = await settle(job);
      expect(await failed.getState()).toBe('failed');
      expect(failed.failedReason).toBe(STALLED_OUT_MESSAGE);
      const r = await waitForRow(doc, s.stallStage, (x) => x.status === 'failed');
      expect(r).toEqual({
        status: 'failed',
        failed_stage: s.stallStage,
        error_message: expect.stringContaining(STALLED_OUT_MESSAGE),
        stage_status: 'failed',
      });
    } finally {
      release();
      // Let the held attempt end now, so that nothing outlives the case.
      await new Promise((r) => setTimeout(r, 200));
    }
  });
}
