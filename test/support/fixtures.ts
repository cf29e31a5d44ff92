import { join, resolve } from 'node:path';

/** Root of the shared fixtures (../shared/fixtures beside the checkout), overridable by CASEGRAPH_FIXTURES. */
export const FIXTURES_DIR = process.env.CASEGRAPH_FIXTURES || resolve(__dirname, '../../../shared/fixtures');

export const fixtureDocument = (name: string) => join(FIXTURES_DIR, 'documents', name);
export const fixtureTextract = (name: string) => join(FIXTURES_DIR, 'textract', name);
