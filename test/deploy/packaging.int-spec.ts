/**
 * What the runtime images depend on: the Dockerfile installs production dependencies
 * only (npm ci --omit=dev) beside the webpack bundles, which keep every package
 * external. So every package an app reaches from its main.ts must be a production
 * dependency, or the container dies at start with "Cannot find module".
 * Also: docker/healthcheck.js, the images' HEALTHCHECK, against a real HTTP server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { builtinModules } from 'node:module';
import { AddressInfo } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { ROOT, packageJson } from './deploy-files';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS tool of the repo, run by the image build as is
const { LAZY } = require('../../tools/containers/prune-runtime.js') as { LAZY: Record<string, string[]> };

const ALIASES: Record<string, string> = Object.fromEntries(
  Object.entries(
    (JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions
      .paths,
  ).map(([alias, [target]]) => [alias, join(ROOT, target)]),
);

/**
 * Packages that may be missing at run time because the code loads them lazily and
 * works without them. Each entry says where and how.
 */
const OPTIONAL_AT_RUNTIME: Record<string, string> = {
  'cli-progress': 'apps/cli/src/ingest/progress.ts: BarsView.tryCreate falls back to plain lines',
};

// import x from 'a' | import 'a' | export { x } from 'a' | import('a') | require('a'); not `import type`.
const SPECIFIERS =
  /(?:^|[\s;])(?:import|export)\s+(?!type\s)(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveLocal(from: string, spec: string): string | undefined {
  const base = spec.startsWith('.') ? join(dirname(from), spec) : ALIASES[spec];
  if (!base) return undefined;
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return undefined;
}

// The packages loaded through a createRequire()d function (named `req` in this repo), which webpack cannot see.
const CREATE_REQUIRED = /\breq(?:\.resolve)?\(\s*['"]([^'"./][^'"]*)['"]/g;

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Every bare package reachable from an entry file, with the first file that imports it. */
function reachablePackages(entry: string, lazy?: Map<string, string>, sources?: Map<string, string>): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    sources?.set(file, source);
    for (const m of source.matchAll(SPECIFIERS)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec.startsWith('.') || ALIASES[spec]) {
        const local = resolveLocal(file, spec);
        if (local) queue.push(local);
        else if (!spec.endsWith('.json')) throw new Error(`${relative(ROOT, file)}: cannot resolve ${spec}`);
        continue;
      }
      const pkg = packageOf(spec);
      if (!packages.has(pkg)) packages.set(pkg, relative(ROOT, file));
    }
    for (const m of source.matchAll(CREATE_REQUIRED)) {
      const pkg = packageOf(m[1]);
      if (!builtins.has(pkg) && !lazy?.has(pkg)) lazy?.set(pkg, relative(ROOT, file));
    }
  }
  return packages;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const ENTRIES = ['ingest-api', 'ocr-worker', 'graph-worker', 'cli'];

describe('runtime dependencies of the images', () => {
  it('the import scanner sees packages, follows aliases and relative files, and skips type-only imports', () => {
    const found = reachablePackages(join(ROOT, 'apps/cli/src/main.ts'));
    expect(found.get('@nestjs/common')).toBeDefined(); // through @casegraph/platform
    expect(found.get('cli-progress')).toBe('apps/cli/src/ingest/progress.ts'); // require() in a lazily imported file
    expect(found.has('typeorm')).toBe(true);
  });

  it.each(ENTRIES)('%s reaches only production dependencies (npm ci --omit=dev)', (app) => {
    const { dependencies } = packageJson();
    const missing = [...reachablePackages(join(ROOT, 'apps', app, 'src', 'main.ts'))]
      .filter(([pkg]) => !builtins.has(pkg) && !dependencies[pkg] && !OPTIONAL_AT_RUNTIME[pkg])
      .map(([pkg, file]) => `${pkg} (imported by ${file}) is not in package.json "dependencies"`);
    expect(missing).toEqual([]);
  });

  it.each(ENTRIES)('%s: every package it loads through createRequire is kept in its image by prune-runtime.js', (app) => {
    const lazy = new Map<string, string>();
    reachablePackages(join(ROOT, 'apps', app, 'src', 'main.ts'), lazy);
    // The tesseract runner falls back to this package's model only when the packaged tessdata is missing,
    // which the image build rules out (it checks the shipped model's hash): the image carries the model once.
    lazy.delete('@tesseract.js-data/eng');
    expect([...lazy].filter(([pkg]) => !LAZY[app].includes(pkg)).map(([pkg, file]) => `${pkg} (loaded by ${file})`)).toEqual([]);
    if (app === 'ocr-worker') expect([...lazy.keys()].sort()).toEqual(['@napi-rs/canvas', 'pdfjs-dist', 'tesseract.js']);
  });

  it.each(ENTRIES)('%s: if it starts an HTTP app (NestFactory.create), its image keeps the driver Nest loads itself', (app) => {
    const sources = new Map<string, string>();
    reachablePackages(join(ROOT, 'apps', app, 'src', 'main.ts'), undefined, sources);
    const http = [...sources].some(([, text]) => /\bNestFactory\.create\s*[<(]/.test(text));
    expect([app, LAZY[app].includes('@nestjs/platform-express')]).toEqual([app, http]);
    if (app === 'ingest-api') expect(http).toBe(true);
  });

  it('the optional packages are really optional: loaded inside a try with a fallback', () => {
    const progress = readFileSync(join(ROOT, 'apps/cli/src/ingest/progress.ts'), 'utf8');
    expect(progress).toMatch(/try \{\s*\/\/[^\n]*\n\s*const lib = require\('cli-progress'\)/);
    expect(progress).toMatch(/catch \{\s*return undefined;/);
  });
});

describe('docker/healthcheck.js', () => {
  let server: Server;
  let port: number;
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/health/ready' ? status : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: status === 200 ? 'ok' : 'error' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // Run asynchronously: the server answering lives in this process.
  const check = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'docker/healthcheck.js'), ...args], { env: { PATH: process.env.PATH, ...env } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });

  it('exits 0 when /health/ready answers 200, on the port from the named variable', async () => {
    status = 200;
    expect((await check(['HEALTH_PORT', '1'], { HEALTH_PORT: String(port) })).code).toBe(0);
  });

  it('falls back to the default port when the variable is unset', async () => {
    status = 200;
    expect((await check(['PORT', String(port)])).code).toBe(0);
  });

  it('exits 1 and says why when not ready (503) or nothing listens', async () => {
    status = 503;
    const notReady = await check(['PORT', String(port)]);
    expect(notReady.code).toBe(1);
    expect(notReady.stderr).toContain('answered 503');
    const closed = spawnSync(process.execPath, [join(ROOT, 'docker/healthcheck.js'), 'PORT', '1'], { encoding: 'utf8' });
    expect(closed.status).toBe(1);
    expect(closed.stderr).toMatch(/ECONNREFUSED|bad port/);
  });
});
