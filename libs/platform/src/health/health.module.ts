import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, HealthOptions } from './health.options';
import { ReadinessService } from './readiness.service';
import { RedisHealthIndicator } from './redis-health.indicator';
import { ShutdownState } from './shutdown-state';

/**
 * Liveness/readiness (database + Redis + extra checks). `http: true` mounts
 * /health/live and /health/ready as controllers (the API); workers leave it off
 * and serve the same service through OpsHttpServer.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions & { http?: boolean }): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false, gracefulShutdownTimeoutMs: 0 })],
      controllers: options.http ? [HealthController] : [],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }, RedisHealthIndicator, ReadinessService, ShutdownState],
      exports: [ReadinessService, ShutdownState],
    };
  }
}
