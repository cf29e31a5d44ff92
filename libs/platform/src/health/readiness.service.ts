import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
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
  ) {}

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
        async () =>
          ({
            process: this.shutdown.isShuttingDown ? { status: 'down', message: 'shutting down' } : { status: 'up' },
          }) as HealthIndicatorResult,
      ],
      ['database', () => this.db.pingCheck('database', { timeout: 1500 })],
      ['redis', () => this.redis.isHealthy('redis')],
      ...this.extra.map((c, i): [string, Check] => [`check${i}`, c]),
    ];
    return this.health.check(
      checks.map(([key, check]) => async () => {
        try {
          return await check();
        } catch (err) {
          if (err instanceof ServiceUnavailableException) throw err;
          // A plain error from a check means "down", with its message, never a 500.
          return { [key]: { status: 'down', message: (err as Error).message } } as HealthIndicatorResult;
        }
      }),
    );
  }
}
