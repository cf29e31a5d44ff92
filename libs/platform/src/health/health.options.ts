import type { HealthIndicatorResult } from '@nestjs/terminus';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  redisUrl: string;
  /**
   * Whether an unreachable Redis makes the app not ready (default true). The API sets false:
   * it keeps accepting documents during a Redis outage (the reconciler enqueues them later),
   * so Redis is reported in the details (`required: false`) but never fails readiness.
   */
  redisRequired?: boolean;
  /** Extra readiness checks, e.g. a worker's queue connection. */
  extraChecks?: Array<() => Promise<HealthIndicatorResult>>;
}

/** Providers that contribute extra readiness checks register under this token. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
