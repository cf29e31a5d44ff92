import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { HEALTH_OPTIONS, HealthOptions } from './health.options';
import { RedisHealthIndicator } from './redis-health.indicator';
import { ShutdownState } from './shutdown-state';

type Check = () => Promise<HealthIndicatorResult>;

/** Liveness and readiness, shared by the API's controller and the workers' ops server. */
@Injectable()
export class ReadinessService {
  private readonly extra: Check[] = [];

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownState,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Redis, as a hard dependency (workers) or reported only (the API: redisRequired false). */
  private async redisCheck(): Promise<HealthIndicatorResult> {
    const result = await this.redis.isHealthy('redis');
    if (this.options.redisRequired !== false) return result;
    const { status, ...details } = result.redis;
    return { redis: { ...details, status: 'up', reachable: status === 'up', required: false } };
  }

  /** Adds a readiness check (e.g. the worker's Bull queue connection). */
  addCheck(check: Check): void {
    this.extra.push(check);
  }

  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Resolves with the terminus result; throws ServiceUnavailableException (503) when not ready. */
  async ready(): Promise<HealthCheckResult> {
    const checks: Array<[string, Check]> = [
      [
        'process',
        async () => ({
          process: this.shutdown.isShuttingDown ? { status: 'down', message: 'shutting down' } : { status: 'up' },
        }),
      ],
      ['database', () => this.db.pingCheck('database', { timeout: 1500 })],
      ['redis', () => this.redisCheck()],
      ...this.extra.map((c, i): [string, Check] => [`check${i}`, c]),
    ];
    return this.health.check(
      checks.map(([key, check]) => async () => {
        try {
          return await check();
        } catch (err) {
          if (err instanceof ServiceUnavailableException) throw err;
          // A plain error from a check means "down", with its message, never a 500.
          return { [key]: { status: 'down', message: (err as Error).message } };
        }
      }),
    );
  }
}
