import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG } from '@casegraph/platform';
import type { IngestApiConfig } from '../config';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRing } from './api-keys';
import { KeyThrottlerGuard } from './key-throttler.guard';
import { ProjectScopeService } from './project-scope.service';
import { SessionController } from './session.controller';
import { SessionService } from './session.service';

/**
 * Global guards, in this order: API key or browser session (401/403), then the per-key rate limit (429).
 * RATE_LIMIT_PER_MINUTE=0 turns the limit off. The session routes (/v1/session) live here too.
 */
@Module({})
export class AuthModule {
  static forRoot(opts: { rateLimitPerMinute: number }): DynamicModule {
    const limited = opts.rateLimitPerMinute > 0;
    return {
      module: AuthModule,
      imports: limited ? [ThrottlerModule.forRoot([{ name: 'api', ttl: 60_000, limit: opts.rateLimitPerMinute }])] : [],
      controllers: [SessionController],
      providers: [
        ProjectScopeService,
        // The configured keys, once: the guard and the session routes share them (digests and session secrets only).
        { provide: ApiKeyRing, useFactory: (config: IngestApiConfig) => new ApiKeyRing(config.apiKeys), inject: [APP_CONFIG] },
        SessionService,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        ...(limited ? [{ provide: APP_GUARD, useClass: KeyThrottlerGuard }] : []),
      ],
      exports: [ProjectScopeService, SessionService],
    };
  }
}
