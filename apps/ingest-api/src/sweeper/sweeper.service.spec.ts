import { loadConfig } from '@casegraph/platform';
import { ingestApiConfigSpec } from '../config';
import { decide, stageTimeoutSeconds } from './sweeper.policy';

const since = new Date('2026-01-02T03:04:05.000Z');

describe('sweeper policy', () => {
  it('leaves a document whose job will still run', () => {
    for (const jobState of ['active', 'waiting', 'delayed', 'paused']) {
      expect(decide({ stage: 'ocr', since, attempts: 99, jobState, maxAttempts: 3 })).toEqual({ action: 'leave' });
    }
  });

  it('re-enqueues a document with no job, or a finished one, while attempts are left', () => {
    for (const jobState of [null, 'completed', 'failed']) {
      expect(decide({ stage: 'entities', since, attempts: 2, jobState, maxAttempts: 3 })).toEqual({ action: 'requeue' });
    }
    expect(decide({ stage: 'ocr', since, attempts: 0, jobState: null, maxAttempts: 1 })).toEqual({ action: 'requeue' });
  });

  it('fails it with "stuck in <stage> since <iso>" once the stage was started MAX_STAGE_ATTEMPTS times', () => {
    const d = decide({ stage: 'resolution', since, attempts: 3, jobState: 'failed', maxAttempts: 3 });
    expect(d.action).toBe('fail');
    expect(d.action === 'fail' && d.reason).toMatch(/^stuck in resolution since 2026-01-02T03:04:05\.000Z/);
  });
});

describe('sweeper config', () => {
  it('defaults: every 60 s, 600 s per stage, 3 attempts', () => {
    const c = loadConfig(ingestApiConfigSpec, { DATABASE_URL: 'postgres://x@localhost/db' });
    expect(c.sweepIntervalSeconds).toBe(60);
    expect(c.maxStageAttempts).toBe(3);
    expect(stageTimeoutSeconds(c, 'ocr')).toBe(600);
    expect(stageTimeoutSeconds(c, 'relationships')).toBe(600);
  });

  it('per-stage overrides win over STAGE_TIMEOUT_SECONDS; bad values are refused', () => {
    const c = loadConfig(ingestApiConfigSpec, {
      DATABASE_URL: 'postgres://x@localhost/db',
      STAGE_TIMEOUT_SECONDS: '120',
      STAGE_TIMEOUT_OCR_SECONDS: '3600',
      SWEEP_INTERVAL_SECONDS: '0',
    });
    expect(stageTimeoutSeconds(c, 'ocr')).toBe(3600);
    expect(stageTimeoutSeconds(c, 'chunking')).toBe(120);
    expect(c.sweepIntervalSeconds).toBe(0);
    expect(() => loadConfig(ingestApiConfigSpec, { DATABASE_URL: 'postgres://x@localhost/db', STAGE_TIMEOUT_OCR_SECONDS: 'soon' })).toThrow(
      /STAGE_TIMEOUT_OCR_SECONDS/,
    );
    expect(() => loadConfig(ingestApiConfigSpec, { DATABASE_URL: 'postgres://x@localhost/db', MAX_STAGE_ATTEMPTS: '0' })).toThrow(
      /MAX_STAGE_ATTEMPTS/,
    );
  });
});
