import { DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { ensureDefaultMetrics } from './metrics';

/** Prometheus metrics from prom-client's default registry; `http: true` mounts GET /metrics. */
@Module({})
export class MetricsModule {
  static forRoot(options: { http?: boolean } = {}): DynamicModule {
    ensureDefaultMetrics();
    return { module: MetricsModule, global: true, controllers: options.http ? [MetricsController] : [] };
  }
}
