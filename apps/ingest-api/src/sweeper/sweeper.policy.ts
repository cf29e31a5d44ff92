import { Stage } from '@casegraph/contracts';
import type { IngestApiConfig } from '../config';

/** Bull job states in which a document's job is still going to run (or running). */
export const LIVE_JOB_STATES = ['active', 'waiting', 'delayed', 'paused'] as const;

export type SweepDecision =
  /** A Bull job will still run (or runs) the stage: leave the document alone. */
  | { action: 'leave' }
  /** No live job and attempts left: (remove a finished job and) enqueue again. */
  | { action: 'requeue' }
  /** No live job and no attempts left: fail with a readable reason. */
  | { action: 'fail'; reason: string };

type OverrideKey =
  | 'stageTimeoutOcrSeconds'
  | 'stageTimeoutChunkingSeconds'
  | 'stageTimeoutEntitiesSeconds'
  | 'stageTimeoutResolutionSeconds'
  | 'stageTimeoutRelationshipsSeconds';

const OVERRIDES: Record<Stage, OverrideKey> = {
  ocr: 'stageTimeoutOcrSeconds',
  chunking: 'stageTimeoutChunkingSeconds',
  entities: 'stageTimeoutEntitiesSeconds',
  resolution: 'stageTimeoutResolutionSeconds',
  relationships: 'stageTimeoutRelationshipsSeconds',
};

type TimeoutConfig = Pick<IngestApiConfig, 'stageTimeoutSeconds'> & Partial<Pick<IngestApiConfig, OverrideKey>>;

/** Seconds a stage may stay `processing` (STAGE_TIMEOUT_<STAGE>_SECONDS, else STAGE_TIMEOUT_SECONDS). */
export function stageTimeoutSeconds(config: TimeoutConfig, stage: Stage): number {
  const override = config[OVERRIDES[stage]];
  return typeof override === 'number' && override > 0 ? override : config.stageTimeoutSeconds;
}

/**
 * What to do with a document whose stage has been `processing` past its timeout.
 * `jobState` is the Bull state of the job with jobId = documentUuid on the stage's
 * queue (null: no such job); `attempts` is source_documents.stage_attempts (starts of
 * the stage by a worker).
 */
export function decide(input: { stage: Stage; since: Date; attempts: number; jobState: string | null; maxAttempts: number }): SweepDecision {
  if (input.jobState && (LIVE_JOB_STATES as readonly string[]).includes(input.jobState)) return { action: 'leave' };
  if (input.attempts >= input.maxAttempts) {
    return {
      action: 'fail',
      reason: `stuck in ${input.stage} since ${input.since.toISOString()} (${input.attempts} attempt(s), no live job)`,
    };
  }
  return { action: 'requeue' };
}
