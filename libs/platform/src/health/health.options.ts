import type { HealthIndicatorResult } from '@nestjs/terminus';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  redisUrl: string;
  /** Extra readiness checks, e.g. a worker's queue connection. */
  extraChecks?: Array<() => Promise<HealthIndicatorResult>>;
}

/** Providers that contribute extra readiness checks register under this token. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
