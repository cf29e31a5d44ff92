import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE_KEY = 'casegraph:public-route';

/**
 * Marks a /v1 route that authenticates by itself (the session routes: logging in is how a browser gets its
 * credential), so ApiKeyGuard lets it through without a key or a session. Nothing else may use it.
 */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE_KEY, true);
