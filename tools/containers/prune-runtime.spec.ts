/**
 * prune-runtime.js on a node_modules tree made here: what it keeps (the closure of what the bundle names, the
 * way Node resolves it), what it deletes, what it trims, and when it refuses.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS tool of the repo, run by the image build as is
const tool = require('./prune-runtime.js') as {
  bundleRequires: (source: string) => string[];
  prune: (app: string, root: string) => { direct: string[]; kept: string[] };
};

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'prune-runtime-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, content = '') => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
};
const pkg = (dir: string, json: Record<string, unknown>) => write(`${dir}/package.json`, JSON.stringify(json));
const bundle = (app: string, requires: string[]) =>
  write(`dist/apps/${app}/main.js`, requires.map((r) => `module.exports = require("${r}");`).join('\n'));
const exists = (path: string) => existsSync(join(root, path));

describe('bundleRequires', () => {
  it('names the packages a bundle requires, once each, and no builtins or relative files', () => {
    const source = 'require("@nestjs/core");require("pg");require("pg/lib/x");require("node:fs");require("fs");require("./a");';
    expect(tool.bundleRequires(source)).toEqual(['@nestjs/core', 'pg']);
  });
});

describe('prune', () => {
  beforeEach(() => {
    pkg('node_modules/a', { name: 'a', dependencies: { b: '1', g: '2' } });
    pkg('node_modules/b', {
      name: 'b',
      optionalDependencies: { c: '1', absent: '1' },
      peerDependencies: { d: '1', e: '1' },
      peerDependenciesMeta: { d: { optional: true } },
    });
    pkg('node_modules/c', { name: 'c' });
    pkg('node_modules/d', { name: 'd' }); // an optional peer: the app would have to name it
    pkg('node_modules/e', { name: 'e' });
    pkg('node_modules/unused', { name: 'unused' });
    pkg('node_modules/@scope/unused', { name: '@scope/unused' });
    pkg('node_modules/g', { name: 'g', version: '1.0.0' }); // the top-level g is not the one a resolves
    pkg('node_modules/a/node_modules/g', { name: 'g', version: '2.0.0' });
    write('node_modules/.bin/a');
    write('node_modules/a/index.js', 'module.exports = 1;');
    write('node_modules/a/index.js.map');
    write('node_modules/a/index.d.ts');
    write('node_modules/a/src/index.ts');
    write('node_modules/a/README.md');
    write('node_modules/a/LICENSE.md');
    pkg('node_modules/pdf-lib', { name: 'pdf-lib', main: 'cjs/index.js' });
    write('node_modules/pdf-lib/cjs/index.js');
    write('node_modules/pdf-lib/es/index.js');
  });

  it('keeps the closure of what the bundle names, resolved like Node, and deletes every other package', () => {
    bundle('graph-worker', ['a', 'pdf-lib', 'node:path']);
    const { direct, kept } = tool.prune('graph-worker', root);
    expect(direct).toEqual(['a', 'pdf-lib']);
    expect(kept.sort()).toEqual(['a', 'a/node_modules/g', 'b', 'c', 'e', 'pdf-lib']);
    expect(readdirSync(join(root, 'node_modules')).sort()).toEqual(['a', 'b', 'c', 'e', 'pdf-lib']);
    expect(exists('node_modules/a/node_modules/g/package.json')).toBe(true);
  });

  it('trims maps, declarations, TypeScript sources and docs, keeps licences, and cuts builds for other targets', () => {
    bundle('graph-worker', ['a', 'pdf-lib']);
    tool.prune('graph-worker', root);
    expect(exists('node_modules/a/index.js')).toBe(true);
    expect(exists('node_modules/a/LICENSE.md')).toBe(true);
    for (const gone of ['index.js.map', 'index.d.ts', 'src/index.ts', 'README.md'])
      expect([gone, exists(`node_modules/a/${gone}`)]).toEqual([gone, false]);
    expect(exists('node_modules/pdf-lib/cjs/index.js')).toBe(true);
    expect(exists('node_modules/pdf-lib/es')).toBe(false);
  });

  it('refuses when a required dependency or a lazily loaded package is not installed', () => {
    rmSync(join(root, 'node_modules/e'), { recursive: true });
    bundle('graph-worker', ['a']);
    expect(() => tool.prune('graph-worker', root)).toThrow('not installed: e (needed by b)');
    pkg('node_modules/e', { name: 'e' });
    // The OCR worker loads tesseract.js lazily: it must be there even though its bundle does not name it.
    bundle('ocr-worker', ['a']);
    expect(() => tool.prune('ocr-worker', root)).toThrow(/not installed: .*tesseract\.js \(needed by the app\)/);
  });

  it('passes over a package the bundle only loads when present (pino-pretty in development), and no other', () => {
    bundle('graph-worker', ['a', 'pino-pretty']);
    expect(tool.prune('graph-worker', root).kept).not.toContain('pino-pretty');
    bundle('graph-worker', ['a', 'left-out']);
    expect(() => tool.prune('graph-worker', root)).toThrow('not installed: left-out (needed by the app)');
  });

  it('refuses an unknown app', () => {
    expect(() => tool.prune('web', root)).toThrow('unknown app web');
  });
});
