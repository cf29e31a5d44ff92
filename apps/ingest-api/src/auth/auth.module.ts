import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiKeyGuard } from './api-key.guard';
import { KeyThrottlerGuard } from './key-throttler.guard';
import { ProjectScopeService } from './project-scope.service';

/**
 * Global guards, in this order: API key (401/403), then the per-key rate limit (429).
 * RATE_LIMIT_PER_MINUTE=0 turns the limit off.
 */
@Module({})
export class AuthModule {
  static forRoot(opts: { rateLimitPerMinute: number }): DynamicModule {
    const limited = opts.rateLimitPerMinute > 0;
    return {
      module: AuthModule,
      imports: limited ? [ThrottlerModule.forRoot([{ name: 'api', ttl: 60_000, limit: opts.rateLimitPerMinute }])] : [],
      providers: [
        ProjectScopeService,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        ...(limited ? [{ provide: APP_GUARD, useClass: KeyThrottlerGuard }] : []),
      ],
      exports: [ProjectScopeService],
    };
  }
}
