/**
 * Where builds are defined: each Nx project.json's `build` target is the one place
 * (apps: `nest build <app>`), and `npm run build` runs those targets through Nx.
 * nest-cli.json keeps what `nest build` / `nest generate --project` need (roots,
 * tsconfig paths, webpack). These readers let checks hold the two files together.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface NxProject {
  name: string;
  root: string;
  sourceRoot?: string;
  projectType?: 'application' | 'library';
  tags: string[];
  targets: Record<string, { executor?: string; options?: { command?: string }; outputs?: string[]; dependsOn?: unknown[] }>;
}

export interface NestProject {
  name: string;
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  tsConfigPath?: string;
}

/** Every project.json under apps/ and libs/ (the Nx projects Nest also knows). */
export function nxProjects(root: string): NxProject[] {
  return ['apps', 'libs'].flatMap((dir) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir), { withFileTypes: true })
          .filter((e) => e.isDirectory() && existsSync(join(root, dir, e.name, 'project.json')))
          .map((e) => {
            const json = JSON.parse(readFileSync(join(root, dir, e.name, 'project.json'), 'utf8')) as Omit<NxProject, 'root'>;
            return { ...json, tags: json.tags ?? [], targets: json.targets ?? {}, root: `${dir}/${e.name}` };
          })
      : [],
  );
}

export function nestProjects(root: string): NestProject[] {
  const nest = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
    projects: Record<string, { type: 'application' | 'library'; root: string; sourceRoot: string; compilerOptions?: { tsConfigPath?: string } }>;
  };
  return Object.entries(nest.projects).map(([name, p]) => ({
    name,
    type: p.type,
    root: p.root,
    sourceRoot: p.sourceRoot,
    tsConfigPath: p.compilerOptions?.tsConfigPath,
  }));
}

/** The app a build target builds with `nest build <app>`, if that is what it runs. */
export function nestBuildOf(project: NxProject): string | undefined {
  return /^nest build ([\w-]+)$/.exec(project.targets.build?.options?.command ?? '')?.[1];
}

/**
 * Apps `npm run build` builds: `nest build <app>` written in the script, or, for
 * `nx run-many -t build [--projects=tag:<tag>]`, the Nx projects it selects whose
 * build target runs `nest build <app>`.
 */
export function appsBuiltByNpmBuild(root: string): Set<string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.build ?? '';
  const apps = new Set([...script.matchAll(/nest build ([\w-]+)/g)].map((m) => m[1]));
  if (/\bnx run-many\b.*(-t|--targets?)[ =]build\b/.test(script)) {
    const tag = /--projects=tag:([\w:-]+)/.exec(script)?.[1];
    for (const project of nxProjects(root)) {
      const app = nestBuildOf(project);
      if (app && (!tag || project.tags.includes(tag))) apps.add(app);
    }
  }
  return apps;
}
