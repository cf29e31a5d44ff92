import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_CONFIG } from '@casegraph/platform';
import type { IngestApiConfig } from '../config';
import { webAppMiddleware } from './web-app';

/**
 * Serves the web app (dist/apps/web, built by tools/build-web.js) at / under a strict CSP. Plain middleware,
 * not routes: the API's guard, versioning and JSON 404 stay exactly as they are for every path it passes on.
 */
@Module({})
export class WebModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: IngestApiConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(webAppMiddleware(this.config.webDistDir)).forRoutes('{*path}');
  }
}
