#!/usr/bin/env node
/**
 * Cuts the production node_modules down to what one app loads at run time (docker/Dockerfile runs it once per
 * app image, after `npm ci --omit=dev`):
 *
 *   node tools/containers/prune-runtime.js <app> <root>     # <root> holds node_modules/ and dist/apps/<app>/
 *
 * 1. The packages the app needs: every `require("…")` the webpack bundle keeps external (Nest's config leaves
 *    node_modules out of the bundle), plus the few it loads lazily through createRequire or import() from
 *    files webpack cannot see into (LAZY below, checked against the sources by test/deploy/packaging.int-spec.ts).
 * 2. Their closure: dependencies, optional dependencies that are installed, non-optional peer dependencies,
 *    resolved the way Node resolves them (nested node_modules first). Every other package is deleted.
 * 3. Files no running process reads: source maps, TypeScript sources and declarations, and per-package builds
 *    for other targets (TRIMS: each says why it is safe).
 * 4. A check: each direct package and each kept package's dependencies still resolve.
 * It prints the size before and after. Pure Node, no dependencies: it runs in the image's build stage.
 */
'use strict';
const { existsSync, lstatSync, readFileSync, readdirSync, rmSync, statSync } = require('node:fs');
const { dirname, join, relative, sep } = require('node:path');

/** Packages an app loads lazily (createRequire / import() at run time), which its bundle does not name. */
const LAZY = {
  // NestFactory.create() loads the HTTP driver itself (@nestjs/core's loadPackage): the compose test found an
  // image without it answering nothing ("No driver (HTTP) has been selected").
  'ingest-api': ['@nestjs/platform-express'],
  // tesseract-runner.ts: tesseract.js; pdf-thread.ts: pdfjs-dist and @napi-rs/canvas, in a worker thread.
  // Not @tesseract.js-data/eng: the image has the model once, in dist/apps/ocr-worker/tessdata.
  'ocr-worker': ['tesseract.js', 'pdfjs-dist', '@napi-rs/canvas'],
  'graph-worker': [],
  cli: [],
};

/**
 * Packages a bundle names but loads only when they are installed (inside a try), so they may be missing from
 * production dependencies: pino-pretty (pretty logs in development), cli-progress (the CLI's bars fall back to
 * lines). Any other named package that is not installed fails the build.
 */
const OPTIONAL = ['pino-pretty', 'cli-progress'];

/**
 * Files deleted inside kept packages, as [package, relative paths or a file test, why it is safe].
 * A path that does not exist is skipped (a newer version may have moved it): the check in step 4 and the
 * container test (a real OCR of a scan, a real PDF text layer) are what prove the image still works.
 */
const TRIMS = [
  [
    'tesseract.js-core',
    (f) => /\.wasm\.js$/.test(f),
    // tesseract.js 7's Node getCore is handed `lstmOnly` where it compares an OEM, so it loads the full builds
    // even for LSTM_ONLY: both kinds stay (the image build's offline check caught the first, lstm-only, cut).
    'in Node getCore loads tesseract-core[-simd|-relaxedsimd][-lstm].js, which reads the .wasm beside it; the .wasm.js copies (base64) are for browsers',
  ],
  [
    'pdfjs-dist',
    ['build', 'web', 'types', 'image_decoders', 'legacy/web', 'legacy/image_decoders', 'webpack.mjs'],
    'Node loads legacy/build/pdf.mjs and pdf.worker.mjs (pdf-thread.ts) with cmaps, standard_fonts, iccs and wasm',
  ],
  [
    'pdfjs-dist',
    (f) => /\.min\.mjs$|^legacy\/build\/pdf\.sandbox/.test(f),
    'the unminified legacy build is the one loaded; the sandbox runs scripts in a browser only',
  ],
  ['pdf-lib', ['es', 'dist', 'src', 'ts3.4'], 'its main is cjs/index.js'],
  ['typeorm', ['browser'], 'the browser build; Node uses main (./index.js)'],
];

/** File names no running process reads, in any package. Licence files are always kept. */
const NEVER_LOADED = /(\.map|\.d\.[cm]?ts|\.tsbuildinfo|(?<!\.d)\.[cm]?ts|\.md|\.markdown)$/i;
const LICENCE = /^(licen[cs]e|copying|notice|authors)/i;

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The package name of a require specifier: `@a/b/c` → `@a/b`, `a/b` → `a`; undefined for builtins and paths. */
function packageName(spec) {
  if (spec.startsWith('node:') || spec.startsWith('.') || spec.startsWith('/')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages a webpack bundle leaves external: its literal `require("…")` calls. */
function bundleRequires(bundleSource) {
  const names = new Set();
  for (const m of bundleSource.matchAll(/\brequire\("([^"]+)"\)/g)) {
    const name = packageName(m[1]);
    if (name && !require('node:module').builtinModules.includes(name)) names.add(name);
  }
  return [...names].sort();
}

/** Node's resolution of a package directory from a directory: nearest node_modules/<name> up the tree. */
function resolvePackageDir(fromDir, name, root) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** Directories of every kept package: the closure of `direct`, resolved from `root`. */
function closure(root, direct) {
  const kept = new Set();
  const missing = [];
  const queue = direct.map((name) => ({ from: root, name, by: 'the app' }));
  while (queue.length) {
    const { from, name, by } = queue.shift();
    const dir = resolvePackageDir(from, name, root);
    if (!dir) {
      missing.push({ name, by });
      continue;
    }
    if (kept.has(dir)) continue;
    kept.add(dir);
    const pkg = readJson(join(dir, 'package.json'));
    const optionalPeers = pkg.peerDependenciesMeta ?? {};
    const deps = [
      ...Object.keys(pkg.dependencies ?? {}).map((n) => [n, true]),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((n) => [n, false]),
      // An optional peer is the app's to install (typeorm's ts-node, for its CLI): not followed.
      ...Object.keys(pkg.peerDependencies ?? {})
        .filter((n) => !optionalPeers[n]?.optional)
        .map((n) => [n, true]),
    ];
    for (const [dep, required] of deps) {
      const depDir = resolvePackageDir(dir, dep, root);
      if (depDir) queue.push({ from: dir, name: dep, by: pkg.name });
      else if (required) missing.push({ name: dep, by: pkg.name });
    }
  }
  return { kept, missing };
}

/** Every package directory under a node_modules folder, nested ones included. */
function packageDirs(nodeModules) {
  const out = [];
  if (!existsSync(nodeModules)) return out;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const full = join(nodeModules, entry);
    if (entry.startsWith('@')) {
      for (const scoped of readdirSync(full)) out.push(...withNested(join(full, scoped)));
    } else out.push(...withNested(full));
  }
  return out;
}
const withNested = (dir) => [dir, ...packageDirs(join(dir, 'node_modules'))];

function sizeOf(path) {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, e) => sum + sizeOf(join(path, e)), 0);
}

/** Files under a package (not its nested node_modules), relative to it with `/` separators. */
function filesOf(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (entry === 'node_modules' && dir === base) continue;
    const st = lstatSync(full);
    if (st.isDirectory()) out.push(...filesOf(full, base));
    else out.push(relative(base, full).split(sep).join('/'));
  }
  return out;
}

function trimPackage(dir, name) {
  for (const file of filesOf(dir)) {
    const baseName = file.split('/').pop();
    if (NEVER_LOADED.test(baseName) && !LICENCE.test(baseName)) rmSync(join(dir, file), { force: true });
  }
  for (const [pkg, what] of TRIMS) {
    if (pkg !== name) continue;
    if (Array.isArray(what)) for (const p of what) rmSync(join(dir, p), { recursive: true, force: true });
    else for (const file of filesOf(dir)) if (what(file)) rmSync(join(dir, file), { force: true });
  }
}

function prune(app, root) {
  if (!(app in LAZY)) throw new Error(`unknown app ${app}: one of ${Object.keys(LAZY).join(', ')}`);
  const nodeModules = join(root, 'node_modules');
  const bundle = join(root, 'dist', 'apps', app, 'main.js');
  const direct = [...new Set([...bundleRequires(readFileSync(bundle, 'utf8')), ...LAZY[app]])].sort();
  const before = sizeOf(nodeModules);
  const { kept, missing } = closure(root, direct);
  const lost = missing.filter((m) => m.by !== 'the app' || !OPTIONAL.includes(m.name));
  if (lost.length) throw new Error(`not installed: ${lost.map((m) => `${m.name} (needed by ${m.by})`).join(', ')}`);
  for (const dir of packageDirs(nodeModules).sort((a, b) => b.length - a.length)) {
    if (!kept.has(dir) && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
  for (const entry of readdirSync(nodeModules)) {
    const full = join(nodeModules, entry);
    if (entry.startsWith('.'))
      rmSync(full, { recursive: true, force: true }); // .bin, .package-lock.json
    else if (entry.startsWith('@') && statSync(full).isDirectory() && readdirSync(full).length === 0) rmSync(full, { recursive: true });
  }
  for (const dir of kept) trimPackage(dir, readJson(join(dir, 'package.json')).name);
  // The check: what the app names still resolves, and so does what each kept package needs.
  const after = closure(root, direct);
  const broken = after.missing.filter((m) => m.by !== 'the app' || !OPTIONAL.includes(m.name));
  if (broken.length) throw new Error(`pruning broke: ${broken.map((m) => `${m.name} (needed by ${m.by})`).join(', ')}`);
  const mb = (n) => (n / 1e6).toFixed(1);
  console.log(`${app}: ${direct.length} packages named, ${kept.size} kept; node_modules ${mb(before)} MB -> ${mb(sizeOf(nodeModules))} MB`);
  return { direct, kept: [...kept].map((d) => relative(nodeModules, d)) };
}

module.exports = { LAZY, OPTIONAL, TRIMS, bundleRequires, closure, packageName, prune };

if (require.main === module) {
  const [app, root] = process.argv.slice(2);
  if (!app || !root) {
    console.error('usage: prune-runtime.js <app> <root with node_modules and dist>');
    process.exit(2);
  }
  try {
    prune(app, root);
  } catch (err) {
    console.error(`prune-runtime: ${err.message}`);
    process.exit(1);
  }
}
