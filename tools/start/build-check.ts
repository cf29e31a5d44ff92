/**
 * Decides whether `npm start` must run `npm run build` first: when an app's
 * bundle (dist/apps/<app>/main.js) is missing, or older than any source or
 * build-configuration file it is built from. Tests and test helpers do not count.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface BuildStatus {
  needed: boolean;
  /** Why a build is (not) needed, for the console. */
  reason: string;
  /** The bundles the build produces, relative to the root. */
  outputs: string[];
}

const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;
/** What the builds read: the apps' and libs' TypeScript, and the web app's TSX, stylesheets and page. */
const SOURCE_FILE = /\.(ts|tsx|css|html)$/;
/** The web app's build output (tools/build-web.js; the ingest-api build depends on it). */
export const WEB_OUTPUT = 'dist/apps/web/index.html';

/** Applications listed in nest-cli.json, with the bundle `nest build <app>` writes. */
export function buildOutputs(root: string): Array<{ app: string; output: string }> {
  const nest = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
    projects: Record<string, { type: string; root: string; entryFile?: string; compilerOptions?: { tsConfigPath?: string } }>;
  };
  return Object.entries(nest.projects)
    .filter(([, p]) => p.type === 'application')
    .map(([app, p]) => {
      const tsconfigPath = p.compilerOptions?.tsConfigPath ?? join(p.root, 'tsconfig.app.json');
      const tsconfig = JSON.parse(readFileSync(join(root, tsconfigPath), 'utf8')) as { compilerOptions?: { outDir?: string } };
      const outDir = tsconfig.compilerOptions?.outDir;
      if (!outDir) throw new Error(`${tsconfigPath} has no compilerOptions.outDir`);
      const output = relative(root, join(root, tsconfigPath, '..', outDir, `${p.entryFile ?? 'main'}.js`));
      return { app, output };
    });
}

function newestIn(dir: string, best: { path: string; mtimeMs: number }): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'testing' || entry.name === 'node_modules') continue;
      newestIn(path, best);
    } else if (SOURCE_FILE.test(entry.name) && !TEST_FILE.test(entry.name)) {
      const mtimeMs = statSync(path).mtimeMs;
      if (mtimeMs > best.mtimeMs) {
        best.path = path;
        best.mtimeMs = mtimeMs;
      }
    }
  }
}

/** The most recently modified file that the build reads. */
export function newestSource(root: string): { path: string; mtimeMs: number } {
  const best = { path: '', mtimeMs: 0 };
  for (const top of ['apps', 'libs']) {
    if (!existsSync(join(root, top))) continue;
    for (const project of readdirSync(join(root, top))) {
      newestIn(join(root, top, project, 'src'), best);
      const cfg = ['tsconfig.app.json', 'tsconfig.lib.json'].map((f) => join(root, top, project, f)).filter(existsSync);
      for (const f of cfg) {
        const mtimeMs = statSync(f).mtimeMs;
        if (mtimeMs > best.mtimeMs) Object.assign(best, { path: f, mtimeMs });
      }
    }
  }
  for (const f of ['nest-cli.json', 'tsconfig.base.json', 'tsconfig.build.json', 'package-lock.json', 'tools/build-web.js']) {
    const path = join(root, f);
    if (!existsSync(path)) continue;
    const mtimeMs = statSync(path).mtimeMs;
    if (mtimeMs > best.mtimeMs) Object.assign(best, { path, mtimeMs });
  }
  return best;
}

export function buildStatus(root: string): BuildStatus {
  const outputs = [...buildOutputs(root).map((o) => o.output), ...(existsSync(join(root, 'apps', 'web')) ? [WEB_OUTPUT] : [])];
  const missing = outputs.filter((o) => !existsSync(join(root, o)));
  if (missing.length) return { needed: true, reason: `missing ${missing.join(', ')}`, outputs };
  const oldest = outputs.map((o) => ({ o, mtimeMs: statSync(join(root, o)).mtimeMs })).reduce((a, b) => (b.mtimeMs < a.mtimeMs ? b : a));
  const newest = newestSource(root);
  if (newest.mtimeMs > oldest.mtimeMs) {
    return { needed: true, reason: `${relative(root, newest.path)} is newer than ${oldest.o}`, outputs };
  }
  return { needed: false, reason: 'dist/ is up to date', outputs };
}
