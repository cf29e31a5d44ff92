#!/usr/bin/env node
/**
 * Builds the web app (apps/web) into dist/apps/web with esbuild: one ES-module bundle and one stylesheet, both
 * content-hashed (served as immutable), PDF.js's worker beside them, and index.html naming the hashed files. No
 * inline script or style anywhere, so the API can serve it under a strict Content-Security-Policy.
 *
 *   node tools/build-web.js [--out <dir>] [--dev]     (npm run build runs it through Nx: `nx run web:build`)
 *
 * The browser tests call buildWeb({ outDir }) to build into a folder of their own.
 */
const { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { basename, join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'apps', 'web', 'src');
const DEFAULT_OUT = join(ROOT, 'dist', 'apps', 'web');

/** The PDF.js worker the viewer loads (same version as the bundled library). */
function pdfWorkerPath() {
  return require.resolve('pdfjs-dist/build/pdf.worker.min.mjs', { paths: [ROOT] });
}

/**
 * @param {{ outDir?: string, minify?: boolean }} [opts]
 * @returns {Promise<{ outDir: string, files: string[] }>}
 */
async function buildWeb(opts = {}) {
  const esbuild = require('esbuild');
  const outDir = resolve(opts.outDir ?? DEFAULT_OUT);
  const minify = opts.minify ?? true;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { app: join(SRC, 'main.tsx') },
    bundle: true,
    format: 'esm',
    // PDF.js (~420 KB) is imported on demand by the document view: its own chunk, loaded only there.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.woff2': 'file', '.svg': 'file' },
    jsx: 'automatic',
    minify,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': JSON.stringify(minify ? 'production' : 'development') },
    logLevel: 'warning',
    tsconfig: join(ROOT, 'apps', 'web', 'tsconfig.json'),
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => resolve(ROOT, f));
  const js = outputs.find((f) => /app-[^/]+\.js$/.test(f));
  const css = outputs.find((f) => /app-[^/]+\.css$/.test(f));
  if (!js || !css) throw new Error(`web build: expected app-*.js and app-*.css, got ${outputs.map((f) => basename(f)).join(', ')}`);
  cpSync(pdfWorkerPath(), join(outDir, 'assets', 'pdf.worker.min.mjs'));
  const html = readFileSync(join(SRC, 'index.html'), 'utf8')
    .replace('%APP_JS%', `/assets/${basename(js)}`)
    .replace('%APP_CSS%', `/assets/${basename(css)}`);
  writeFileSync(join(outDir, 'index.html'), html);
  const files = [join(outDir, 'index.html'), ...outputs, join(outDir, 'assets', 'pdf.worker.min.mjs')].map((f) => relative(outDir, f));
  return { outDir, files };
}

module.exports = { buildWeb, DEFAULT_OUT };

if (require.main === module) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  buildWeb({ outDir: outAt >= 0 ? args[outAt + 1] : undefined, minify: !args.includes('--dev') }).then(
    ({ outDir, files }) => console.log(`web app built in ${relative(process.cwd(), outDir) || '.'}: ${files.length} files`),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
