import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { AuthenticatedRequest } from './api-keys';
import { isApiPath } from './api-key.guard';

/**
 * Rate limit of the /v1 API, per API key (the key's digest id, never the key),
 * or per client IP when the API is open. Runs after ApiKeyGuard, so req.auth is set.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    return !isApiPath(req.originalUrl ?? req.url);
  }

  // ThrottlerGuard hands over the HTTP request (shouldSkip lets nothing else through).
  protected override async getTracker(req: Request & AuthenticatedRequest): Promise<string> {
    const auth = req.auth;
    if (auth?.keyId) return `key:${auth.keyId}`;
    return `ip:${req.ip ?? 'unknown'}`;
  }
}
