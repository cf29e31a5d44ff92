import { SetMetadata } from '@nestjs/common';

export const ANY_PROJECT_KEY = 'casegraph:any-project';

/**
 * Marks a /v1 route that names no project (e.g. GET /v1/projects) as usable by a
 * project-bound key: the handler itself scopes what it returns to req.auth.projectUuid.
 * Without it, a bound key is refused on any route whose project the guard cannot tell.
 */
export const AnyProject = () => SetMetadata(ANY_PROJECT_KEY, true);
