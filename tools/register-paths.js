// Preload for ts-node scripts: registers the @casegraph/* path aliases of tsconfig.base.json.
// Use it instead of `-r tsconfig-paths/register`, which parses the program's own argv and
// takes a `--project <x>` flag as the location of tsconfig.json: `npm run ingest -- …
// --project "Smith v. Jones"` would die with ENOENT before our code runs.
const { join } = require('node:path');
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');

register({ baseUrl: join(__dirname, '..'), paths: compilerOptions.paths });
