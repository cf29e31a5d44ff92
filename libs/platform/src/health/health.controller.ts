import { Controller, Get } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service';

/** HTTP health routes for the API (workers serve the same through OpsHttpServer). */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  live() {
    return this.readiness.live();
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.readiness.ready();
  }
}
