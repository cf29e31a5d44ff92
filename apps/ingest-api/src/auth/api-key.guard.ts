import { CanActivate, ExecutionContext, HttpStatus, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { isUuid } from '@casegraph/contracts';
import { apiError, fieldError } from '../common/api-error';
import { ANY_PROJECT_KEY } from './any-project.decorator';
import { ApiKeyRing, AuthenticatedRequest, OPEN_KEY_NAME, RequestAuth, presentedKey } from './api-keys';
import { ProjectScopeService } from './project-scope.service';
import { PUBLIC_ROUTE_KEY } from './public-route.decorator';
import { CSRF_HEADER, csrfTokenMatches } from './session-cookie';
import { CROSS_ORIGIN_MESSAGE, CSRF_MESSAGE, SessionService, originMatchesHost } from './session.service';

const OPEN: RequestAuth = Object.freeze({ mode: 'open', keyId: null, projectUuid: null, keyName: OPEN_KEY_NAME });

export const FORBIDDEN_MESSAGE = 'This API key may not access this resource';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for the versioned API (/v1/...); health, metrics and docs are public. */
export function isApiPath(url: string): boolean {
  // Case-insensitive like Express's routing: /V1/projects reaches the /v1 handlers, so it is the API too.
  return /^\/v\d+(\/|$)/i.test(url.split('?')[0]);
}

/**
 * The one global auth guard. When CASEGRAPH_API_KEYS is set, every /v1 route needs
 * a key, in a header or as a browser session (the casegraph_session cookie of POST /v1/session, which
 * authenticates as its key; a header key wins over it). A cookie is sent by the browser on its own, so a
 * request it authenticates must also prove it comes from our page: unsafe methods need the session's
 * X-CSRF-Token, and an Origin header, when present, must be this host. A key bound to a project may only touch that project: the guard finds the
 * project of a request from route params (:projectUuid, :documentUuid, :batchId)
 * and from body/query `projectUuid`, so every module's routes are covered without
 * their own checks. Another project is refused with the same 403 whether it exists
 * or not (a bound key never learns about other projects).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit {
  private readonly logger = new Logger('Auth');
  readonly ring: ApiKeyRing;

  constructor(
    private readonly scope: ProjectScopeService,
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {
    this.ring = sessions.ring;
  }

  onModuleInit(): void {
    if (!this.ring.enabled) {
      this.logger.warn(
        '!!! CASEGRAPH_API_KEYS is not set: the ingest API is OPEN to anyone who can reach it. ' +
          'Set CASEGRAPH_API_KEYS="key" or "name=key:projectUuid" (comma-separated) before exposing it. !!!',
      );
    } else {
      this.logger.log(`API keys required on /v1 (${this.ring.size} key(s) configured)`);
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (!isApiPath(req.originalUrl ?? req.url)) return true;
    if (!this.ring.enabled) {
      req.auth = OPEN;
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE_KEY, [context.getHandler(), context.getClass()])) return true;
    const auth = this.authenticate(req);
    req.auth = auth;
    if (!auth.projectUuid) return true;

    const targets = await this.projectsOf(req);
    if (targets.length === 0) {
      const anyProject = this.reflector.getAllAndOverride<boolean>(ANY_PROJECT_KEY, [context.getHandler(), context.getClass()]);
      if (anyProject) return true;
      throw apiError(HttpStatus.FORBIDDEN, FORBIDDEN_MESSAGE);
    }
    if (targets.some((p) => p?.toLowerCase() !== auth.projectUuid)) throw apiError(HttpStatus.FORBIDDEN, FORBIDDEN_MESSAGE);
    return true;
  }

  private authenticate(req: Request): RequestAuth {
    const key = presentedKey(req.headers);
    if (key) {
      // Not under the login's per-address limit: scripts and the CLI send the header on every request (a wrong key
      // is a 401, uncounted); keys are long random strings, and an ingress rate limit belongs in front (docs/security.md).
      const auth = this.ring.match(key);
      if (!auth) throw apiError(HttpStatus.UNAUTHORIZED, 'Invalid API key');
      return auth;
    }
    const cookie = this.sessions.fromRequest(req);
    if (cookie.state === 'none') {
      throw apiError(HttpStatus.UNAUTHORIZED, 'Missing API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
    }
    if (cookie.state === 'invalid') throw apiError(HttpStatus.UNAUTHORIZED, 'Session expired or invalid: log in again');
    if (!originMatchesHost(req)) throw apiError(HttpStatus.FORBIDDEN, CROSS_ORIGIN_MESSAGE);
    if (!SAFE_METHODS.has(req.method) && !csrfTokenMatches(cookie.session, req.headers[CSRF_HEADER])) {
      throw apiError(HttpStatus.FORBIDDEN, CSRF_MESSAGE);
    }
    return cookie.session.auth;
  }

  /** Every project the request names; null entries are unknown documents/batches (refused for bound keys). */
  private async projectsOf(req: Request): Promise<Array<string | null>> {
    const out: Array<string | null> = [];
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const uuidOf = (field: string, value: unknown): string => {
      if (!isUuid(value)) throw fieldError(field, `${field} must be a UUID`);
      return value.toLowerCase();
    };
    if (params.projectUuid !== undefined) out.push(uuidOf('projectUuid', params.projectUuid));
    if (params.documentUuid !== undefined) {
      out.push(await this.scope.projectOfDocument(uuidOf('documentUuid', params.documentUuid)));
    }
    if (params.batchId !== undefined) out.push(await this.scope.projectOfBatch(uuidOf('batchId', params.batchId)));
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && !Array.isArray(body) && body.projectUuid !== undefined) {
      out.push(uuidOf('projectUuid', body.projectUuid));
    }
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (query.projectUuid !== undefined) out.push(uuidOf('projectUuid', query.projectUuid));
    return out;
  }
}
