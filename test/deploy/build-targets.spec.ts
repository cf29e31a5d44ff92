// nest-cli.json and the Nx project.json files describe the same projects, and the
// build is defined once: in each project.json, run by `npm run build` through Nx.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appsBuiltByNpmBuild, nestBuildOf, nestProjects, nxProjects } from '../../tools/build-targets';
import { buildOutputs } from '../../tools/start/build-check';

const ROOT = join(__dirname, '..', '..');
// The web app (apps/web, tag type:web) is an Nx project Nest does not know: esbuild builds it, for the API to serve.
const all = nxProjects(ROOT);
const nx = all.filter((p) => !p.tags.includes('type:web'));
const web = all.find((p) => p.tags.includes('type:web'));
const nest = nestProjects(ROOT);
const nxJson = JSON.parse(readFileSync(join(ROOT, 'nx.json'), 'utf8')) as {
  targetDefaults?: Record<string, { cache?: boolean; dependsOn?: unknown[] }>;
  useDaemonProcess?: boolean;
  neverConnectToCloud?: boolean;
};

describe('nest-cli.json and project.json agree', () => {
  it('list the same projects', () => {
    expect(nx.map((p) => p.name).sort()).toEqual(nest.map((p) => p.name).sort());
  });

  it.each(nest.map((p) => [p.name, p] as const))('%s: same root, sourceRoot and kind; its own tsconfig', (name, p) => {
    const project = nx.find((n) => n.name === name);
    expect(project).toBeDefined();
    expect(project!.root).toBe(p.root);
    expect(project!.sourceRoot).toBe(p.sourceRoot);
    expect(project!.projectType).toBe(p.type);
    const tsconfig = p.type === 'application' ? 'tsconfig.app.json' : 'tsconfig.lib.json';
    expect(p.tsConfigPath).toBe(`${p.root}/${tsconfig}`);
    expect(existsSync(join(ROOT, p.tsConfigPath!))).toBe(true);
  });

  it.each(nx.map((p) => [p.name, p] as const))('%s: tagged with its type and a scope', (_name, p) => {
    expect(p.tags.filter((t) => t.startsWith('type:'))).toEqual([p.projectType === 'application' ? 'type:app' : 'type:lib']);
    expect(p.tags.some((t) => t.startsWith('scope:'))).toBe(true);
  });
});

describe('the web app', () => {
  it('is built by tools/build-web.js into dist/apps/web, before the API that serves it', () => {
    expect(web?.name).toBe('web');
    expect(web!.targets.build.options?.command).toBe('node tools/build-web.js');
    expect(web!.targets.build.outputs).toEqual(['{workspaceRoot}/dist/apps/web']);
    const api = nx.find((p) => p.name === 'ingest-api')!;
    expect(api.targets.build.dependsOn).toEqual([{ projects: ['web'], target: 'build' }]);
  });
});

describe('one definition of each build', () => {
  const apps = nx.filter((p) => p.projectType === 'application');
  const outputs = new Map(buildOutputs(ROOT).map((o) => [o.app, o.output]));

  it.each(apps.map((p) => [p.name, p] as const))('%s: Nx build runs `nest build %s` and caches its bundle directory', (name, p) => {
    expect(nestBuildOf(p)).toBe(name);
    const output = outputs.get(name)!;
    expect(p.targets.build.outputs).toEqual([`{workspaceRoot}/${relative(ROOT, join(ROOT, output, '..'))}`]);
  });

  it.each(nx.filter((p) => p.projectType === 'library').map((p) => [p.name, p] as const))(
    '%s: build checks its own tsconfig.lib.json',
    (_name, p) => {
      expect(p.targets.build.options?.command).toBe(`tsc -p ${p.root}/tsconfig.lib.json --noEmit`);
    },
  );

  it('npm run build is the Nx build of every Nest application', () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.build;
    expect(script).toMatch(/^nx run-many /);
    expect([...appsBuiltByNpmBuild(ROOT)].sort()).toEqual(
      nest
        .filter((p) => p.type === 'application')
        .map((p) => p.name)
        .sort(),
    );
  });

  it('Nx caches builds and needs neither a daemon nor Nx Cloud', () => {
    expect(nxJson.targetDefaults?.build?.cache).toBe(true);
    expect(nxJson.useDaemonProcess).toBe(false);
    expect(nxJson.neverConnectToCloud).toBe(true);
  });
});
