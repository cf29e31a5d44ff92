import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildOutputs, buildStatus } from './build-check';

/** A miniature workspace shaped like ours: nest-cli.json, two apps, one lib. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'casegraph-build-check-'));
  const put = (path: string, body = '') => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  };
  put(
    'nest-cli.json',
    JSON.stringify({
      projects: {
        api: { type: 'application', root: 'apps/api', entryFile: 'main', compilerOptions: { tsConfigPath: 'apps/api/tsconfig.app.json' } },
        cli: { type: 'application', root: 'apps/cli', entryFile: 'main', compilerOptions: { tsConfigPath: 'apps/cli/tsconfig.app.json' } },
        lib: { type: 'library', root: 'libs/lib', entryFile: 'index' },
      },
    }),
  );
  put('apps/api/tsconfig.app.json', JSON.stringify({ compilerOptions: { outDir: '../../dist/apps/api' } }));
  put('apps/cli/tsconfig.app.json', JSON.stringify({ compilerOptions: { outDir: '../../dist/apps/cli' } }));
  put('apps/api/src/main.ts', 'x');
  put('apps/cli/src/main.ts', 'x');
  put('libs/lib/src/index.ts', 'x');
  put('libs/lib/src/index.spec.ts', 'x');
  put('libs/lib/src/testing/helper.ts', 'x');
  return root;
}

const setTime = (root: string, path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);

describe('buildStatus', () => {
  let root: string;
  beforeEach(() => {
    root = workspace();
    for (const f of [
      'apps/api/src/main.ts',
      'apps/cli/src/main.ts',
      'libs/lib/src/index.ts',
      'nest-cli.json',
      'apps/api/tsconfig.app.json',
      'apps/cli/tsconfig.app.json',
    ]) {
      setTime(root, f, 1_000_000);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const buildAll = (seconds: number) => {
    for (const app of ['api', 'cli']) {
      mkdirSync(join(root, 'dist/apps', app), { recursive: true });
      writeFileSync(join(root, 'dist/apps', app, 'main.js'), '');
      setTime(root, `dist/apps/${app}/main.js`, seconds);
    }
  };

  it('reads the bundles from nest-cli.json and each app tsconfig outDir', () => {
    expect(buildOutputs(root)).toEqual([
      { app: 'api', output: 'dist/apps/api/main.js' },
      { app: 'cli', output: 'dist/apps/cli/main.js' },
    ]);
  });

  it('builds when dist/ is missing, naming what is missing', () => {
    const s = buildStatus(root);
    expect(s.needed).toBe(true);
    expect(s.reason).toContain('dist/apps/api/main.js');
  });

  it('builds when one bundle is missing', () => {
    buildAll(2_000_000);
    rmSync(join(root, 'dist/apps/cli/main.js'));
    expect(buildStatus(root)).toMatchObject({ needed: true, reason: 'missing dist/apps/cli/main.js' });
  });

  it('does not build when every bundle is newer than every source', () => {
    buildAll(2_000_000);
    expect(buildStatus(root).needed).toBe(false);
  });

  it('builds when a lib source is newer than the oldest bundle', () => {
    buildAll(2_000_000);
    setTime(root, 'dist/apps/cli/main.js', 1_500_000);
    setTime(root, 'libs/lib/src/index.ts', 1_800_000);
    const s = buildStatus(root);
    expect(s.needed).toBe(true);
    expect(s.reason).toBe('libs/lib/src/index.ts is newer than dist/apps/cli/main.js');
  });

  it('builds when build configuration changed', () => {
    buildAll(2_000_000);
    setTime(root, 'nest-cli.json', 3_000_000);
    expect(buildStatus(root).reason).toContain('nest-cli.json');
  });

  it('ignores tests and test helpers', () => {
    buildAll(2_000_000);
    setTime(root, 'libs/lib/src/index.spec.ts', 3_000_000);
    setTime(root, 'libs/lib/src/testing/helper.ts', 3_000_000);
    expect(buildStatus(root).needed).toBe(false);
  });
});
