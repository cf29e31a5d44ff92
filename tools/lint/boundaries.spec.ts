// The module boundaries of issue 10, proved against the real eslint.config.mjs and the
// real Nx project graph: an app never imports another app, a lib never imports an app,
// entities know no cache, and production code never imports the test helpers.
import { execFileSync } from 'child_process';
import { join } from 'path';

type Message = { ruleId: string | null; message: string; line: number };
type Case = { filePath: string; code: string };

const ROOT = join(__dirname, '..', '..');
const RULES = ['@nx/enforce-module-boundaries', 'no-restricted-imports'];

function lint(cases: Case[]): Message[][] {
  const out = execFileSync(process.execPath, [join(__dirname, 'lint-text.mjs'), ...RULES], {
    cwd: ROOT,
    input: JSON.stringify(cases),
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  return JSON.parse(out) as Message[][];
}

const cases = {
  appToApp: {
    filePath: 'apps/ocr-worker/src/x.ts',
    code: `import { AppModule } from '../../ingest-api/src/app.module';\nexport const x = AppModule;\n`,
  },
  libToApp: {
    filePath: 'libs/pipeline/src/x.ts',
    code: `import { AppModule } from '../../../apps/graph-worker/src/app.module';\nexport const x = AppModule;\n`,
  },
  entitiesToRedis: { filePath: 'libs/entities/src/x.ts', code: `import Redis from 'ioredis';\nexport const x = Redis;\n` },
  entitiesToBull: { filePath: 'libs/entities/src/x.ts', code: `import { InjectQueue } from '@nestjs/bull';\nexport const x = InjectQueue;\n` },
  entitiesToPipeline: { filePath: 'libs/entities/src/x.ts', code: `import * as pipeline from '@casegraph/pipeline';\nexport const x = pipeline;\n` },
  productionToTesting: { filePath: 'apps/cli/src/x.ts', code: `import * as testing from '@casegraph/testing';\nexport const x = testing;\n` },
  specToTesting: { filePath: 'apps/cli/src/x.int-spec.ts', code: `import * as testing from '@casegraph/testing';\nexport const x = testing;\n` },
  appToLibs: {
    filePath: 'apps/ocr-worker/src/x.ts',
    code: `import * as contracts from '@casegraph/contracts';\nimport * as pipeline from '@casegraph/pipeline';\nexport const x = [contracts, pipeline];\n`,
  },
  entitiesToContracts: {
    filePath: 'libs/entities/src/x.ts',
    code: `import * as contracts from '@casegraph/contracts';\nexport const x = contracts;\n`,
  },
} satisfies Record<string, Case>;

describe('module boundaries (eslint.config.mjs + Nx project graph)', () => {
  let results: Record<keyof typeof cases, Message[]>;

  beforeAll(() => {
    const names = Object.keys(cases) as (keyof typeof cases)[];
    const out = lint(names.map((name) => cases[name]));
    results = Object.fromEntries(names.map((name, i) => [name, out[i]])) as typeof results;
  }, 60_000);

  const boundary = (messages: Message[]) => messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);

  it('fails an app that imports another app', () => {
    expect(boundary(results.appToApp)).toEqual([expect.stringContaining('Projects cannot be imported by a relative or absolute path')]);
  });

  it('fails a lib that imports an app', () => {
    expect(boundary(results.libToApp)).toEqual([expect.stringContaining('Projects cannot be imported by a relative or absolute path')]);
  });

  it('fails entities importing a cache client, directly or through pipeline', () => {
    expect(boundary(results.entitiesToRedis)).toEqual(['A project tagged with "scope:entities" is not allowed to import "ioredis"']);
    expect(boundary(results.entitiesToBull)).toEqual(['A project tagged with "scope:entities" is not allowed to import "@nestjs/bull"']);
    expect(boundary(results.entitiesToPipeline)).toEqual([
      expect.stringContaining('A project tagged with "scope:entities" can not depend on libs tagged with'),
    ]);
  });

  it('keeps @casegraph/testing out of production files but not out of tests', () => {
    expect(results.productionToTesting.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
    expect(results.specToTesting).toEqual([]);
  });

  it('passes the imports the architecture allows', () => {
    expect(results.appToLibs).toEqual([]);
    expect(results.entitiesToContracts).toEqual([]);
  });
});
