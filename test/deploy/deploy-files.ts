/**
 * Readers for the deployment files (docker/Dockerfile, docker/compose.yaml,
 * docker/k8s/base/*.yaml, the production overlay as `kubectl kustomize` renders it)
 * and for what the repo says they must agree with: the apps' config specs (ports,
 * variables) and the bundles `npm run build` produces.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigSpec, baseConfigSpec } from '@casegraph/platform';
import { graphWorkerConfigSpec } from '../../apps/graph-worker/src/config';
import { ingestApiConfigSpec } from '../../apps/ingest-api/src/config';
import { ocrWorkerConfigSpec } from '../../apps/ocr-worker/src/config';
import { buildOutputs } from '../../tools/start/build-check';
import { appsBuiltByNpmBuild } from '../../tools/build-targets';

export const ROOT = join(__dirname, '..', '..');
export const K8S_DIR = join(ROOT, 'docker', 'k8s');
/** The base kustomization: a small, complete deployment (one replica each). */
export const K8S_BASE = join(K8S_DIR, 'base');
/** The production overlay (../../base plus patches). */
export const K8S_PRODUCTION = join(K8S_DIR, 'overlays', 'production');

export type Obj = Record<string, any>;

export interface AppFacts {
  name: 'ingest-api' | 'ocr-worker' | 'graph-worker';
  spec: ConfigSpec<unknown>;
  /** The variable that holds the port its health routes are served on, and its default. */
  portVar: 'PORT' | 'HEALTH_PORT';
  defaultPort: number;
}

/** The three apps, with ports taken from their own config specs (never hard-coded here). */
export const APPS: AppFacts[] = [
  { name: 'ingest-api', spec: ingestApiConfigSpec as ConfigSpec<unknown>, portVar: 'PORT', defaultPort: Number(ingestApiConfigSpec.port.default) },
  {
    name: 'ocr-worker',
    spec: ocrWorkerConfigSpec as ConfigSpec<unknown>,
    portVar: 'HEALTH_PORT',
    defaultPort: Number(ocrWorkerConfigSpec.healthPort.default),
  },
  {
    name: 'graph-worker',
    spec: graphWorkerConfigSpec as ConfigSpec<unknown>,
    portVar: 'HEALTH_PORT',
    defaultPort: Number(graphWorkerConfigSpec.healthPort.default),
  },
];

/** Environment variable names a spec reads. */
export const varsOf = (spec: ConfigSpec<unknown>): string[] => Object.values(spec as Record<string, { env: string }>).map((v) => v.env);

/** Variables read by something other than our config specs, allowed in env blocks. */
export const EXTERNAL_VARS = /^(AWS_[A-Z_]+|NODE_OPTIONS|TZ|NODE_EXTRA_CA_CERTS)$/;

export const allAppVars = (): Set<string> => new Set([...varsOf(baseConfigSpec as ConfigSpec<unknown>), ...APPS.flatMap((a) => varsOf(a.spec))]);

export const packageJson = (): { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> } =>
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/**
 * Bundles `npm run build` writes: the apps it builds (`nest build <app>`, directly or
 * through the Nx build targets), mapped through nest-cli.json to their output files.
 */
export function builtEntryPoints(): Map<string, string> {
  const built = appsBuiltByNpmBuild(ROOT);
  return new Map(
    buildOutputs(ROOT)
      .filter((o) => built.has(o.app))
      .map((o) => [o.output, o.app]),
  );
}

/** A container/compose command that runs something we ship: a package.json script or a built bundle. */
export function commandProblem(argv: string[]): string | undefined {
  if (argv[0] === 'node') {
    return builtEntryPoints().has(argv[1]) ? undefined : `${argv[1]} is not produced by npm run build`;
  }
  if (argv[0] === 'npm' && argv[1] === 'run') {
    return packageJson().scripts[argv[2]] ? undefined : `npm script ${argv[2]} does not exist`;
  }
  return `unexpected command ${argv.join(' ')}`;
}

export interface ManifestDoc {
  file: string;
  doc: Obj;
}

export function k8sFiles(dir = K8S_BASE): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort();
}

function parseManifests(text: string, file: string): ManifestDoc[] {
  const out: ManifestDoc[] = [];
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    const doc = d.toJS() as Obj | null;
    if (doc) out.push({ file, doc });
  }
  return out;
}

/** The base's manifest files as written (no kustomize transformations). */
export function loadManifests(dir = K8S_BASE): ManifestDoc[] {
  return k8sFiles(dir).flatMap((file) => parseManifests(readFileSync(join(dir, file), 'utf8'), file));
}

export const kustomization = (dir = K8S_BASE): Obj => parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Obj;

export type Rendered = { docs: ManifestDoc[] } | { unavailable: string };

/**
 * `kubectl kustomize <dir>`: what `kubectl apply -k <dir>` would send. `unavailable` only when
 * kubectl cannot be run at all (not installed); a kustomization kubectl refuses throws.
 */
export function renderKustomization(dir: string, kubectl = process.env.KUBECTL ?? 'kubectl'): Rendered {
  const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const failure: NodeJS.ErrnoException | undefined = r.error;
  const code = failure?.code;
  if (code === 'ENOENT' || code === 'EACCES') return { unavailable: `${kubectl} cannot be run (${code})` };
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${kubectl} kustomize ${dir} exited ${r.status}: ${r.stderr}`);
  return { docs: parseManifests(r.stdout, `kustomize ${relative(ROOT, dir)}`) };
}

/** docker/compose.yaml with YAML merge keys resolved (Compose supports `<<:`). */
export const compose = (): Obj => parse(readFileSync(join(ROOT, 'docker', 'compose.yaml'), 'utf8'), { merge: true }) as Obj;

/** `${VAR:-default}` / `${VAR}` as Compose would interpolate them with an empty environment. */
export function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name, def) => def ?? '');
}

export interface DockerStage {
  name: string;
  from: string;
  lines: string[];
}

/** The Dockerfile's stages with their instructions (continuation lines joined). */
export function dockerStages(): { args: Record<string, string>; stages: DockerStage[] } {
  const text = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i);
    if (from) {
      stages.push({ name: from[2] ?? `#${stages.length}`, from: from[1], lines: [] });
      continue;
    }
    if (!stages.length) {
      const arg = line.match(/^ARG\s+(\w+)=(\S+)$/);
      if (arg) args[arg[1]] = arg[2];
      continue;
    }
    stages[stages.length - 1].lines.push(line);
  }
  return { args, stages };
}

/** JSON-form instruction arguments, e.g. CMD ["node", "x.js"] -> ['node', 'x.js']. */
export function execForm(line: string, instruction: string): string[] | undefined {
  const m = line.match(new RegExp(`^${instruction}\\s+(?:--\\S+\\s+)*(?:CMD\\s+)?(\\[.*\\])$`, 'i'));
  return m ? (JSON.parse(m[1]) as string[]) : undefined;
}
