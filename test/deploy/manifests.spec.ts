/**
 * The deployment files checked without Docker or a cluster: Kubernetes manifests
 * (docker/k8s/base as written, and base and production overlay as `kubectl kustomize`
 * renders them) against the Kubernetes schemas (kubernetes-models) and against the
 * apps' real ports, routes, variables and metrics; docker/compose.yaml and
 * docker/Dockerfile against package.json, the build outputs and each other.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queue } from 'bull';
import { register } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { QUEUES } from '@casegraph/contracts';
import { OpsHttpServer, ReadinessService, baseConfigSpec, loadConfig } from '@casegraph/platform';
import { HealthController } from '../../libs/platform/src/health/health.controller';
import { reportQueueDepth } from '../../libs/pipeline/src/queue-metrics';
import {
  APPS,
  EXTERNAL_VARS,
  K8S_BASE,
  K8S_PRODUCTION,
  ManifestDoc,
  Obj,
  ROOT,
  allAppVars,
  builtEntryPoints,
  commandProblem,
  compose,
  dockerStages,
  execForm,
  interpolate,
  k8sFiles,
  kustomization,
  loadManifests,
  renderKustomization,
  varsOf,
} from './deploy-files';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS tool of the repo, run by the image build as is
const { LAZY } = require('../../tools/containers/prune-runtime.js') as { LAZY: Record<string, string[]> };

const modelFor = (apiVersion: string, kind: string) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kubernetes-models has one module per apiVersion, picked at run time
  require(`kubernetes-models/${apiVersion}`)[kind] as (new (d: Obj) => { validate(): void }) | undefined;

/**
 * Runs the schema validator on a proxy that records every property it reads. A field
 * the validator never looks at is not in the schema: the API server would drop it (or
 * refuse it under strict validation), so a typo such as `perodSeconds` is caught here.
 */
function unknownFields(Model: new (d: Obj) => { validate(): void }, doc: Obj): string[] {
  const read = new Set<string>();
  const track = (o: unknown, path: string): unknown => {
    if (o === null || typeof o !== 'object') return o;
    return new Proxy(o, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return value;
        read.add(`${path}/${key}`);
        return track(value, `${path}/${key}`);
      },
    });
  };
  Model.prototype.validate.call(track(JSON.parse(JSON.stringify(doc)), ''));
  const unknown: string[] = [];
  const walk = (o: unknown, path: string) => {
    if (o === null || typeof o !== 'object') return;
    for (const k of Object.keys(o)) {
      if (!read.has(`${path}/${k}`)) unknown.push(`${path}/${k}`);
      walk((o as Obj)[k], `${path}/${k}`);
    }
  };
  walk(doc, '');
  return unknown;
}

/** The external metric the production HPAs scale the workers on (served by prometheus-adapter, see the docs). */
const EXTERNAL_METRIC = 'casegraph_queue_waiting_jobs';
/** The queue each worker consumes (its HPA must select that queue's depth). */
const WORKER_QUEUE: Record<string, string> = { 'ocr-worker': QUEUES.OCR, 'graph-worker': QUEUES.GRAPH };

/** Lookups over one set of manifests (the base files, or a rendered kustomization). */
function manifestView(docs: ManifestDoc[]) {
  const ofKind = (kind: string) => docs.filter((m) => m.doc.kind === kind).map((m) => m.doc);
  const byName = (kind: string, name: string) => ofKind(kind).find((d) => d.metadata?.name === name);
  /** The environment a container sees: envFrom ConfigMap/Secret (ours), then env. */
  const containerEnv = (container: Obj): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      const src = from.configMapRef
        ? byName('ConfigMap', from.configMapRef.name)
        : from.secretRef
          ? byName('Secret', from.secretRef.name)
          : undefined;
      if (!src) throw new Error(`envFrom names a missing object: ${JSON.stringify(from)}`);
      Object.assign(env, src.data ?? {}, src.stringData ?? {});
    }
    for (const e of container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
    return env;
  };
  const workloads = () => [...ofKind('Deployment'), ...ofKind('Job')];
  /** The HPA that scales a Deployment, if any. */
  const hpaOf = (deployment: Obj) =>
    ofKind('HorizontalPodAutoscaler').find(
      (h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === deployment.metadata.name,
    );
  /** The replica count a PDB must be judged against: the HPA's floor when an HPA owns the Deployment. */
  const replicasOf = (deployment: Obj): number => hpaOf(deployment)?.spec.minReplicas ?? deployment.spec.replicas ?? 1;
  const selects = (selector: Obj, labels: Obj) => Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
  return { docs, ofKind, byName, containerEnv, workloads, hpaOf, replicasOf, selects };
}
type ManifestView = ReturnType<typeof manifestView>;

type Outcome = { view: ManifestView } | { skip: string } | { error: string };

/** Renders with the real kubectl; a missing kubectl skips (loudly), unless CASEGRAPH_REQUIRE_KUBECTL=1. */
function rendered(dir: string): Outcome {
  try {
    const r = renderKustomization(dir);
    if ('docs' in r) return { view: manifestView(r.docs) };
    if (process.env.CASEGRAPH_REQUIRE_KUBECTL === '1') return { error: `${r.unavailable}, and CASEGRAPH_REQUIRE_KUBECTL=1` };
    console.warn(`SKIPPED: kubectl kustomize ${dir}: ${r.unavailable}. The rendered manifests are NOT checked; install kubectl or set KUBECTL.`);
    return { skip: r.unavailable };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const baseFiles = manifestView(loadManifests());
const SETS: Array<{ name: string; kind: 'base' | 'production'; outcome: Outcome }> = [
  { name: 'docker/k8s/base (the files)', kind: 'base', outcome: { view: baseFiles } },
  { name: 'kubectl kustomize docker/k8s/base', kind: 'base', outcome: rendered(K8S_BASE) },
  { name: 'kubectl kustomize docker/k8s/overlays/production', kind: 'production', outcome: rendered(K8S_PRODUCTION) },
];
const viewOf = (name: string): ManifestView | undefined => {
  const o = SETS.find((s) => s.name === name)!.outcome;
  return 'view' in o ? o.view : undefined;
};

function probePort(container: Obj, port: number | string): number {
  if (typeof port === 'number') return port;
  const named = (container.ports ?? []).find((p: Obj) => p.name === port);
  if (!named) throw new Error(`probe port ${port} is not a named container port`);
  return named.containerPort;
}

const preStopSeconds = (container: Obj): number => {
  const cmd = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
  if (cmd && cmd[0] === 'sleep') return Number(cmd[1]);
  const native = container.lifecycle?.preStop?.sleep?.seconds;
  return typeof native === 'number' ? native : 0;
};

/**
 * What would not run in an image with no shell and nothing but node (and tini as the entrypoint):
 * any argv (args, exec probes, exec hooks) that is not `node ...`, `sh -c`, and `command`, which
 * replaces the image's tini entrypoint (SIGTERM would then reach no init).
 */
function shellProblems(workloads: Obj[]): string[] {
  const problems: string[] = [];
  for (const w of workloads) {
    const spec = w.spec.template.spec as Obj;
    for (const c of [...(spec.initContainers ?? []), ...spec.containers] as Obj[]) {
      const at = `${w.metadata.name}/${c.name}`;
      if (c.command) problems.push(`${at}: command replaces the image's tini entrypoint (use args)`);
      const argvs: Array<[string, unknown]> = [['args', c.args ?? c.command]];
      for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) if (c[p]?.exec) argvs.push([p, c[p].exec.command]);
      for (const h of ['postStart', 'preStop']) if (c.lifecycle?.[h]?.exec) argvs.push([h, c.lifecycle[h].exec.command]);
      for (const [where, argv] of argvs) {
        if (!Array.isArray(argv) || !argv.length) problems.push(`${at} ${where}: no argv (the image's CMD is not pinned)`);
        else if (/(^|\/)(ba|da|a)?sh$/.test(argv[0]) || argv.includes('-c')) problems.push(`${at} ${where}: ${argv.join(' ')} needs a shell`);
        else if (argv[0] !== 'node') problems.push(`${at} ${where}: ${argv[0]} is not in the image (only node is)`);
      }
    }
  }
  return problems;
}

/** A PDB's minAvailable/maxUnavailable (number or percentage, rounded up as Kubernetes does) for `replicas` pods. */
const pdbCount = (v: number | string, replicas: number): number =>
  typeof v === 'number' ? v : Math.ceil((replicas * Number(v.replace('%', ''))) / 100);

/** Kubernetes quantities, enough for our cpu (500m, 1.5) and memory (512Mi, 1Gi) values. */
function quantity(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(String(q));
  if (!m) throw new Error(`unsupported quantity ${q}`);
  const unit: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

describe.each(SETS)('Kubernetes: $name', ({ kind, outcome }) => {
  if ('skip' in outcome) {
    it.skip(`is rendered and checked (SKIPPED: ${outcome.skip})`, () => undefined);
    return;
  }
  if ('error' in outcome) {
    it('renders', () => {
      throw new Error(outcome.error);
    });
    return;
  }
  const { docs, ofKind, byName, containerEnv, workloads, hpaOf, replicasOf, selects } = outcome.view;
  const configMap = byName('ConfigMap', 'casegraph-config');
  const secret = byName('Secret', 'casegraph-secrets');

  it('every document validates against the Kubernetes schemas', () => {
    expect(docs.length).toBeGreaterThanOrEqual(12);
    const problems: string[] = [];
    for (const { file, doc } of docs) {
      const Model = modelFor(doc.apiVersion, doc.kind);
      if (!Model) {
        problems.push(`${file}: unknown kind ${doc.apiVersion}/${doc.kind}`);
        continue;
      }
      try {
        new Model(doc).validate();
      } catch (err) {
        problems.push(`${file} ${doc.kind}/${doc.metadata?.name}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no field the schema does not know (typos would be dropped silently)', () => {
    const problems = docs.flatMap(({ file, doc }) =>
      unknownFields(modelFor(doc.apiVersion, doc.kind)!, doc).map((f) => `${file} ${doc.kind}/${doc.metadata?.name}: ${f}`),
    );
    expect(problems).toEqual([]);
  });

  describe.each(APPS)('$name', (app) => {
    const deployment = byName('Deployment', app.name) as Obj;
    const container = deployment?.spec.template.spec.containers.find((c: Obj) => c.name === app.name);

    it('has a Deployment whose container runs the built bundle of this app', () => {
      expect(deployment).toBeDefined();
      expect(container).toBeDefined();
      expect(commandProblem(container.args ?? container.command)).toBeUndefined();
      expect(builtEntryPoints().get((container.args ?? container.command)[1])).toBe(app.name);
    });

    it("probes /health/live and /health/ready on the app's real port (from its config spec)", () => {
      const env = containerEnv(container);
      const port = env[app.portVar] !== undefined ? Number(env[app.portVar]) : app.defaultPort;
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      if (container.startupProbe) expect(container.startupProbe.httpGet.path).toBe('/health/live');
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe].filter(Boolean)) {
        expect(probePort(container, probe.httpGet.port)).toBe(port);
      }
      expect(container.ports.map((p: Obj) => p.containerPort)).toContain(port);
      expect(deployment.spec.template.metadata.annotations?.['prometheus.io/port']).toBe(String(port));
    });

    it('stops within its grace period: preStop + SHUTDOWN_GRACE_MS + the 5 s hard deadline fit', () => {
      const env = containerEnv(container);
      const graceMs = Number(env.SHUTDOWN_GRACE_MS ?? baseConfigSpec.shutdownGraceMs.default);
      const spec = deployment.spec.template.spec;
      expect(preStopSeconds(container)).toBeGreaterThan(0);
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds(container) + graceMs / 1000 + 5);
    });

    it('gets its environment from the ConfigMap and the Secret, and the values pass its config validation', () => {
      const refs = (container.envFrom as Obj[]).map((f) => f.configMapRef?.name ?? f.secretRef?.name);
      expect(refs).toEqual(expect.arrayContaining([configMap?.metadata.name, secret?.metadata.name]));
      expect(() => loadConfig(app.spec, containerEnv(container))).not.toThrow();
    });

    it('has resource requests and limits, limits at least the requests', () => {
      for (const c of [...(deployment.spec.template.spec.initContainers ?? []), container] as Obj[]) {
        for (const r of ['cpu', 'memory']) {
          expect([c.name, r, quantity(c.resources.limits[r]) >= quantity(c.resources.requests[r])]).toEqual([c.name, r, true]);
        }
      }
    });

    it('has one PodDisruptionBudget selecting its pods, which lets a drain evict one', () => {
      const labels = deployment.spec.template.metadata.labels;
      const pdbs = ofKind('PodDisruptionBudget').filter((p) => selects(p.spec.selector, labels));
      expect(pdbs).toHaveLength(1);
      const spec = pdbs[0].spec;
      // Exactly one of the two: the API server refuses a PDB with both.
      expect([spec.minAvailable === undefined, spec.maxUnavailable === undefined].sort()).toEqual([false, true]);
      const replicas = replicasOf(deployment);
      const evictable =
        spec.maxUnavailable !== undefined ? pdbCount(spec.maxUnavailable, replicas) : replicas - pdbCount(spec.minAvailable, replicas);
      expect(evictable).toBeGreaterThanOrEqual(1);
      // With more than one replica a drain must also leave some running.
      if (replicas > 1) expect(replicas - evictable).toBeGreaterThanOrEqual(1);
    });
  });

  it('workload pods meet the "restricted" Pod Security Standard (uid 1000), with a read-only root and an emptyDir /tmp', () => {
    const pods = workloads().map((d) => ({ name: d.metadata.name, spec: d.spec.template.spec as Obj }));
    expect(pods.length).toBe(4);
    for (const { name, spec } of pods) {
      const why = (s: string) => `${name}: ${s}`;
      expect([why('runAsNonRoot'), spec.securityContext?.runAsNonRoot]).toEqual([why('runAsNonRoot'), true]);
      expect([why('runAsUser'), spec.securityContext?.runAsUser]).toEqual([why('runAsUser'), 1000]);
      expect([why('seccomp'), spec.securityContext?.seccompProfile?.type]).toEqual([why('seccomp'), 'RuntimeDefault']);
      expect([why('token'), spec.automountServiceAccountToken]).toEqual([why('token'), false]);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers] as Obj[]) {
        expect([why(c.name), c.securityContext]).toEqual([
          why(c.name),
          expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }),
        ]);
        const tmp = (c.volumeMounts as Obj[]).find((m) => m.mountPath === '/tmp');
        expect([why('/tmp'), (spec.volumes as Obj[]).find((v) => v.name === tmp?.name)?.emptyDir]).toEqual([why('/tmp'), expect.any(Object)]);
      }
    }
    expect(byName('Namespace', 'casegraph')?.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('needs no shell: every command is node (the images have nothing else), preStop is the kubelet sleep', () => {
    expect(shellProblems(workloads())).toEqual([]);
    for (const d of ofKind('Deployment')) {
      for (const c of d.spec.template.spec.containers as Obj[])
        expect([c.name, c.lifecycle?.preStop]).toEqual([c.name, { sleep: { seconds: expect.any(Number) } }]);
    }
  });

  it('autoscales the two workers and leaves their replica count to the HPA; the API has a Service', () => {
    const hpas = ofKind('HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['graph-worker', 'ocr-worker']);
    for (const h of hpas) {
      expect(h.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(byName('Deployment', h.spec.scaleTargetRef.name)).toBeDefined();
      expect(h.spec.minReplicas).toBeLessThanOrEqual(h.spec.maxReplicas);
    }
    // A Deployment that sets replicas under an HPA is reset to that count on every apply.
    const fighting = ofKind('Deployment').filter((d) => hpaOf(d) && d.spec.replicas !== undefined);
    expect(fighting.map((d) => d.metadata.name)).toEqual([]);
    const services = ofKind('Service');
    expect(services.map((s) => s.metadata.name)).toEqual(['ingest-api']);
    const api = byName('Deployment', 'ingest-api')!;
    expect(Object.entries(services[0].spec.selector).every(([k, v]) => api.spec.template.metadata.labels[k] === v)).toBe(true);
    const target = services[0].spec.ports[0].targetPort;
    expect(probePort(api.spec.template.spec.containers[0], target)).toBe(APPS[0].defaultPort);
  });

  it('runs migrations in a Job with the CLI bundle, and every Deployment waits for them in an init container', () => {
    const jobs = ofKind('Job');
    expect(jobs).toHaveLength(1);
    const c = jobs[0].spec.template.spec.containers[0];
    expect(c.args).toEqual(['node', expect.any(String), 'migrate']);
    expect(builtEntryPoints().get(c.args[1])).toBe('cli');
    expect(jobs[0].spec.template.spec.restartPolicy).toBe('Never');
    expect(() => loadConfig(baseConfigSpec, containerEnv(c))).not.toThrow();
    for (const d of ofKind('Deployment')) {
      const spec = d.spec.template.spec;
      // The Job's image and settings, but the read-only check: it waits until the Job has applied every migration.
      expect([d.metadata.name, (spec.initContainers ?? []).map((i: Obj) => ({ image: i.image, args: i.args, envFrom: i.envFrom }))]).toEqual([
        d.metadata.name,
        [{ image: c.image, args: [...c.args, '--check', '--wait', expect.stringMatching(/^[1-9]\d*$/)], envFrom: c.envFrom }],
      ]);
      for (const app of spec.containers as Obj[]) expect([d.metadata.name, app.args]).not.toContain('migrate');
    }
  });

  it('stores documents on S3 (pods share no disk), and every ConfigMap/Secret key is read by some app', () => {
    expect(configMap?.data.STORAGE_DRIVER).toBe('s3');
    expect(configMap?.data.S3_BUCKET).toBeTruthy();
    const known = allAppVars();
    const stray = [...Object.keys(configMap?.data ?? {}), ...Object.keys(secret?.stringData ?? {}), ...Object.keys(secret?.data ?? {})].filter(
      (k) => !known.has(k) && !EXTERNAL_VARS.test(k),
    );
    expect(stray).toEqual([]);
    expect(configMap?.data.BULL_PREFIX).toMatch(/^\{[^}]+\}/);
  });

  if (kind === 'base') {
    it('is a small deployment: one replica each, CPU autoscaling only (no metrics adapter needed)', () => {
      for (const d of ofKind('Deployment')) expect([d.metadata.name, replicasOf(d)]).toEqual([d.metadata.name, 1]);
      for (const h of ofKind('HorizontalPodAutoscaler')) {
        expect((h.spec.metrics as Obj[]).map((m) => m.type)).toEqual(['Resource']);
      }
    });
  }
});

describe('Kubernetes: the base files and the kustomizations', () => {
  it('the unknown-field check itself catches a typo', () => {
    const deployment = JSON.parse(JSON.stringify(baseFiles.byName('Deployment', 'ingest-api')));
    deployment.spec.template.spec.containers[0].readinessProbe.perodSeconds = 5;
    deployment.spec.template.spec.terminationGracePeriod = 30;
    expect(unknownFields(modelFor('apps/v1', 'Deployment')!, deployment).sort()).toEqual([
      '/spec/template/spec/containers/0/readinessProbe/perodSeconds',
      '/spec/template/spec/terminationGracePeriod',
    ]);
  });

  it('the shell check itself catches sh -c, a sleep binary and a replaced entrypoint', () => {
    const deployment = JSON.parse(JSON.stringify(baseFiles.byName('Deployment', 'ingest-api')));
    const c = deployment.spec.template.spec.containers[0];
    c.lifecycle.preStop = { exec: { command: ['sh', '-c', 'sleep 5'] } };
    c.livenessProbe = { exec: { command: ['sleep', '1'] } };
    deployment.spec.template.spec.initContainers[0].command = ['node'];
    expect(shellProblems([deployment])).toEqual([
      "ingest-api/migrations: command replaces the image's tini entrypoint (use args)",
      'ingest-api/ingest-api livenessProbe: sleep is not in the image (only node is)',
      'ingest-api/ingest-api preStop: sh -c sleep 5 needs a shell',
    ]);
  });

  it('the base kustomization lists every manifest file, and only existing ones', () => {
    const k = kustomization();
    expect(k.kind).toBe('Kustomization');
    expect([...(k.resources as string[])].sort()).toEqual(k8sFiles());
  });

  it("the base kustomization's image entries are exactly the images the workloads use (init containers too)", () => {
    const used = new Set(
      baseFiles
        .workloads()
        .flatMap((d) => [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers].map((c: Obj) => c.image as string)),
    );
    expect(new Set((kustomization().images as Obj[]).map((i) => i.name))).toEqual(used);
  });

  it('the production overlay builds on the base and patches only objects the base has', () => {
    const k = kustomization(K8S_PRODUCTION);
    expect(k.resources).toEqual(['../../base']);
    const patched = (k.patches as Obj[]).flatMap((p) => loadManifests(K8S_PRODUCTION).filter((m) => m.file === p.path));
    expect(patched.length).toBeGreaterThanOrEqual(5);
    for (const { doc } of patched)
      expect([doc.kind, doc.metadata.name, baseFiles.byName(doc.kind, doc.metadata.name) !== undefined]).toEqual([doc.kind, doc.metadata.name, true]);
  });

  const renderedBase = viewOf('kubectl kustomize docker/k8s/base');
  (renderedBase ? it : it.skip)('kubectl kustomize renders every object of the base files, in the casegraph namespace', () => {
    const ids = (v: ManifestView) => v.docs.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`).sort();
    expect(ids(renderedBase!)).toEqual(ids(baseFiles));
    for (const { doc } of renderedBase!.docs)
      if (doc.kind !== 'Namespace') expect([doc.kind, doc.metadata.namespace]).toEqual([doc.kind, 'casegraph']);
  });
});

const production = viewOf('kubectl kustomize docker/k8s/overlays/production');
const renderedBase = viewOf('kubectl kustomize docker/k8s/base');
(production && renderedBase ? describe : describe.skip)('Kubernetes: the production overlay, as rendered', () => {
  const prod = production!;
  const base = renderedBase!;
  const deployment = (name: string) => prod.byName('Deployment', name)!;

  it('runs the API with at least three replicas, and its PDB keeps all but one up', () => {
    const api = deployment('ingest-api');
    expect(api.spec.replicas).toBeGreaterThanOrEqual(3);
    expect(prod.hpaOf(api)).toBeUndefined();
    const pdb = prod.byName('PodDisruptionBudget', 'ingest-api')!;
    expect(prod.selects(pdb.spec.selector, api.spec.template.metadata.labels)).toBe(true);
    const up =
      pdb.spec.minAvailable !== undefined
        ? pdbCount(pdb.spec.minAvailable, api.spec.replicas)
        : api.spec.replicas - pdbCount(pdb.spec.maxUnavailable, api.spec.replicas);
    expect(up).toBe(api.spec.replicas - 1);
  });

  it.each(Object.keys(WORKER_QUEUE))('%s: scales on the waiting jobs of its own queue (External metric), from two replicas', (worker) => {
    const hpa = prod.hpaOf(deployment(worker))!;
    expect(hpa).toBeDefined();
    expect(deployment(worker).spec.replicas).toBeUndefined();
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const external = (hpa.spec.metrics as Obj[]).filter((m) => m.type === 'External');
    expect(external).toHaveLength(1);
    expect(external[0].external.metric).toEqual({ name: EXTERNAL_METRIC, selector: { matchLabels: { queue: WORKER_QUEUE[worker] } } });
    expect(external[0].external.target.type).toBe('AverageValue');
    expect(quantity(external[0].external.target.averageValue)).toBeGreaterThan(0);
    // CPU stays as the second signal (busy replicas with nothing waiting are not scaled away).
    expect((hpa.spec.metrics as Obj[]).some((m) => m.type === 'Resource' && m.resource.name === 'cpu')).toBe(true);
  });

  it('raises every app container’s resources over the base (never lowers one)', () => {
    for (const app of APPS) {
      const c = (v: ManifestView) => v.byName('Deployment', app.name)!.spec.template.spec.containers.find((x: Obj) => x.name === app.name);
      const pairs = (['requests', 'limits'] as const).flatMap((k) =>
        (['cpu', 'memory'] as const).map((r) => [quantity(c(base).resources[k][r]), quantity(c(prod).resources[k][r])]),
      );
      for (const [was, now] of pairs) expect([app.name, now >= was]).toEqual([app.name, true]);
      expect([app.name, pairs.some(([was, now]) => now > was)]).toEqual([app.name, true]);
    }
  });

  it('spreads every Deployment over nodes and zones, one constraint per topology key, selecting its own pods', () => {
    for (const d of prod.ofKind('Deployment')) {
      const tsc = d.spec.template.spec.topologySpreadConstraints as Obj[];
      expect([d.metadata.name, tsc.map((t) => t.topologyKey).sort()]).toEqual([
        d.metadata.name,
        ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
      ]);
      for (const t of tsc) {
        expect([d.metadata.name, prod.selects(t.labelSelector, d.spec.template.metadata.labels)]).toEqual([d.metadata.name, true]);
        expect(t.matchLabelKeys).toEqual(['pod-template-hash']);
      }
    }
  });
});

/** The prometheus-adapter rule in a Markdown file: the one ```yaml block with `externalRules:`. */
function adapterRules(file: string): Obj[] {
  const blocks = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((b) => /^externalRules:/m.test(b));
  expect([file, blocks.length]).toEqual([file, 1]);
  return (parseYaml(blocks[0]) as Obj).externalRules as Obj[];
}

describe('Kubernetes: the queue-depth metric, the adapter rule in the docs and the HPAs agree', () => {
  const docs = ['docker/k8s/overlays/production/README.md', 'docs/operations.md'];

  it('both docs give the same prometheus-adapter rule, exposing the metric the production HPAs use', () => {
    const [overlay, operations] = docs.map(adapterRules);
    expect(operations).toEqual(overlay);
    expect(overlay).toHaveLength(1);
    expect(overlay[0].name.as).toBe(EXTERNAL_METRIC);
    const hpaMetrics = loadManifests(K8S_PRODUCTION)
      .filter((m) => m.doc.kind === 'HorizontalPodAutoscaler')
      .flatMap((m) => (m.doc.spec.metrics as Obj[]).filter((x) => x.type === 'External').map((x) => x.external.metric.name));
    expect(new Set(hpaMetrics)).toEqual(new Set([EXTERNAL_METRIC]));
  });

  it('the rule selects series the workers really export (labels and values from queue-metrics.ts), and takes the max over pods', async () => {
    const rule = adapterRules(docs[0])[0];
    const counts = { waiting: 7, active: 3, delayed: 1, failed: 0 };
    const detach = reportQueueDepth(QUEUES.OCR, { getJobCounts: async () => counts } as unknown as Queue, 1000);
    let exported: string;
    try {
      exported = await register.getSingleMetricAsString('casegraph_queue_jobs');
    } finally {
      detach();
    }
    const series = [...exported.matchAll(/^(\w+)\{([^}]*)\} (\S+)$/gm)].map((m) => ({
      name: m[1],
      labels: Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]])),
      value: Number(m[3]),
    }));
    const matchers = (q: string) => [...q.matchAll(/(\w+)(!=|=)"([^"]*)"/g)].map((m) => ({ label: m[1], op: m[2], value: m[3] }));
    // seriesQuery: name{...}; `namespace` comes from the scrape (Kubernetes service discovery), not the app.
    const seriesName = /^(\w+)\{/.exec(rule.seriesQuery)![1];
    const matches = (s: (typeof series)[number], q: string) =>
      matchers(q)
        .filter((m) => m.label !== 'namespace')
        .every((m) => (m.op === '=' ? s.labels[m.label] === m.value : s.labels[m.label] !== undefined && s.labels[m.label] !== m.value));
    const selected = series.filter((s) => s.name === seriesName && matches(s, rule.seriesQuery) && matches(s, rule.metricsQuery));
    expect(selected).toEqual([{ name: 'casegraph_queue_jobs', labels: { queue: QUEUES.OCR, state: 'waiting' }, value: counts.waiting }]);
    // metricsQuery repeats the state filter (seriesQuery only discovers), and takes max, not sum, by the label the HPAs select on.
    expect(rule.metricsQuery).toMatch(/^max by \(queue\) \(<<\.Series>>\{<<\.LabelMatchers>>,state="waiting"\}\)$/);
    expect(rule.name.matches).toBe(`^${seriesName}$`);
  });
});

describe('the health routes the probes use exist', () => {
  it('HealthController (ingest-api) serves GET /health/live and GET /health/ready', () => {
    expect(Reflect.getMetadata(PATH_METADATA, HealthController)).toBe('health');
    const routes = (['live', 'ready'] as const).map((m) => ({
      path: Reflect.getMetadata(PATH_METADATA, HealthController.prototype[m]),
      method: Reflect.getMetadata(METHOD_METADATA, HealthController.prototype[m]),
    }));
    expect(routes).toEqual([
      { path: 'live', method: RequestMethod.GET },
      { path: 'ready', method: RequestMethod.GET },
    ]);
  });

  it("the workers' OpsHttpServer answers /health/live and /health/ready (and 503 when not ready)", async () => {
    let ready = true;
    const readiness = {
      live: () => ({ status: 'ok' }),
      ready: async () => {
        if (!ready) throw Object.assign(new Error('down'), { getResponse: () => ({ status: 'error' }) });
        return { status: 'ok' };
      },
    } as unknown as ReadinessService;
    const server = new OpsHttpServer(0, readiness);
    await server.onApplicationBootstrap();
    try {
      const base = `http://127.0.0.1:${server.boundPort}`;
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      ready = false;
      expect((await fetch(`${base}/health/ready`)).status).toBe(503);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.onApplicationShutdown();
    }
  });
});

describe('docker/compose.yaml', () => {
  const c = compose();
  const services = c.services as Record<string, Obj>;
  const appServices = APPS.map((a) => a.name);
  const { stages } = dockerStages();

  it('parses, with postgres and redis healthchecked and a one-shot migrate', () => {
    expect(Object.keys(services).sort()).toEqual(['graph-worker', 'ingest-api', 'migrate', 'ocr-worker', 'postgres', 'redis']);
    for (const s of ['postgres', 'redis']) expect(services[s].healthcheck?.test).toEqual(expect.any(Array));
    expect(services.postgres.ports).toContain('127.0.0.1:5432:5432');
    expect(services.redis.ports).toContain('127.0.0.1:6379:6379');
    expect(services.redis.command.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(services.migrate.restart).toBe('no');
    expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('starts the apps only when postgres and redis are healthy and migrate has completed', () => {
    for (const name of appServices) {
      expect(services[name].depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('every service command is a package.json script or a bundle built by npm run build', () => {
    for (const name of [...appServices, 'migrate']) {
      const cmd = services[name].command as string[];
      expect([name, commandProblem(cmd)]).toEqual([name, undefined]);
    }
    expect(builtEntryPoints().get(services.migrate.command[1])).toBe('cli');
    for (const app of appServices) expect(builtEntryPoints().get(services[app].command[1])).toBe(app);
  });

  it('builds from docker/Dockerfile, with targets that exist in it', () => {
    const names = new Set(stages.map((s) => s.name));
    for (const name of [...appServices, 'migrate']) {
      expect(services[name].build.dockerfile).toBe('docker/Dockerfile');
      expect(services[name].build.context).toBe('..');
      expect(names.has(services[name].build.target)).toBe(true);
    }
  });

  it('shares one named storage volume between ingest-api and ocr-worker, at STORAGE_DIR', () => {
    const mount = (s: string) => (services[s].volumes ?? []).find((v: string) => v.startsWith('storage:')) as string | undefined;
    expect(Object.keys(c.volumes)).toContain('storage');
    expect(mount('ingest-api')).toBe(`storage:${services['ingest-api'].environment.STORAGE_DIR}`);
    expect(mount('ocr-worker')).toBe(`storage:${services['ocr-worker'].environment.STORAGE_DIR}`);
    expect(services['ocr-worker'].environment.STORAGE_DRIVER).toBe('local');
  });

  it('gives each app an environment its config validation accepts, with only variables it reads, and publishes its port', () => {
    for (const app of APPS) {
      const env = Object.fromEntries(Object.entries(services[app.name].environment as Obj).map(([k, v]) => [k, interpolate(String(v))]));
      expect(() => loadConfig(app.spec, env)).not.toThrow();
      const known = new Set(varsOf(app.spec));
      expect([app.name, Object.keys(env).filter((k) => !known.has(k) && !EXTERNAL_VARS.test(k))]).toEqual([app.name, []]);
      const port = env[app.portVar] !== undefined ? Number(env[app.portVar]) : app.defaultPort;
      expect((services[app.name].ports as string[]).some((p) => interpolate(p).endsWith(`:${port}`))).toBe(true);
    }
    const migrateEnv = Object.fromEntries(Object.entries(services.migrate.environment as Obj).map(([k, v]) => [k, interpolate(String(v))]));
    expect(() => loadConfig(baseConfigSpec, migrateEnv)).not.toThrow();
  });

  it("waits for the apps' graceful shutdown before killing them", () => {
    for (const name of appServices) {
      const grace = Number(services[name].environment.SHUTDOWN_GRACE_MS ?? baseConfigSpec.shutdownGraceMs.default);
      const stop = Number(/^(\d+)s$/.exec(services[name].stop_grace_period)?.[1]);
      expect(stop).toBeGreaterThanOrEqual(grace / 1000 + 5);
    }
  });
});

describe('docker/Dockerfile', () => {
  const { args, stages } = dockerStages();
  const stage = (name: string) => stages.find((s) => s.name === name)!;
  /** The build-context paths the COPY lines (not COPY --from) read. */
  const copySources = () =>
    stages
      .flatMap((s) => s.lines)
      .filter((l) => l.startsWith('COPY ') && !l.startsWith('COPY --from='))
      .flatMap((l) =>
        l
          .split(/\s+/)
          .slice(1, -1)
          .filter((a) => !a.startsWith('--')),
      );
  const chain = (name: string): string[] => {
    const s = stages.find((x) => x.name === name);
    return s ? [name, ...chain(s.from)] : [];
  };

  it('is one multi-stage build on node:22-bookworm-slim with a target per app and one for the CLI, on an empty runtime', () => {
    expect(args.NODE_IMAGE).toBe('node:22-bookworm-slim');
    for (const s of stages)
      if (!stages.some((x) => x.name === s.from)) expect([s.name, s.from]).toEqual([s.name, s.name === 'runtime' ? 'scratch' : '${NODE_IMAGE}']);
    for (const t of [...APPS.map((a) => a.name), 'cli']) expect(chain(t)).toContain('runtime');
    // The runtime's root file system is made in the rootfs stage and is all it has: no shell, no apt.
    expect(stage('runtime').lines.filter((l) => l.startsWith('COPY --from='))).toEqual(['COPY --from=rootfs /rootfs/ /']);
    expect(stage('runtime').lines.some((l) => l.startsWith('RUN '))).toBe(false);
  });

  it.each([...APPS.map((a) => a.name), 'cli'])(
    '%s ships its own bundle and only the production packages it loads (npm ci --omit=dev, then pruned)',
    (app) => {
      expect(stage('build').lines.some((l) => /^RUN .*npm run build/.test(l))).toBe(true);
      expect(stage('prod-deps').lines.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
      const files = stage(`${app}-files`);
      expect(chain(`${app}-files`)).toContain('prod-deps');
      expect(files.lines).toContain(`RUN node /usr/local/lib/prune-runtime.js ${app} /app`);
      const bundles = files.lines.filter((l) => l.startsWith('COPY --from=build ')).map((l) => l.split(/\s+/)[2]);
      expect(bundles).toEqual(app === 'ingest-api' ? ['/app/dist/apps/ingest-api', '/app/dist/apps/web'] : [`/app/dist/apps/${app}`]);
      const copied = stage(app).lines.filter((l) => l.startsWith('COPY --from='));
      expect(copied).toEqual([`COPY --from=${app}-files /app/node_modules ./node_modules`, `COPY --from=${app}-files /app/dist ./dist`]);
    },
  );

  it('bakes in the tesseract data once and proves the pruned packages start it with the network off', () => {
    const lines = stage('ocr-worker-files').lines.join('\n');
    expect(lines).toMatch(/RUN --network=none node -e .*require\('tesseract\.js'\).*\/app\/dist\/apps\/ocr-worker\/tessdata.*createWorker\('eng'/);
    // The build checks the model it ships by hash; the package's own copy is not loaded, so not shipped.
    expect(stage('build').lines.join('\n')).toMatch(/[0-9a-f]{64} {2}dist\/apps\/ocr-worker\/tessdata\/eng\.traineddata" \| sha256sum -c/);
    expect(LAZY['ocr-worker']).toEqual(expect.arrayContaining(['tesseract.js', 'pdfjs-dist', '@napi-rs/canvas']));
    expect(Object.values(LAZY).flat()).not.toContain('@tesseract.js-data/eng');
  });

  it('runs as a numeric non-root user under tini, with a static tini and node in the root file system', () => {
    const runtime = stage('runtime').lines;
    const user = runtime.find((l) => l.startsWith('USER '))!.split(/\s+/)[1];
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(
      execForm(
        runtime.find((l) => l.startsWith('ENTRYPOINT'))!,
        'ENTRYPOINT',
      ),
    ).toEqual(['/usr/bin/tini', '--']);
    expect(stage('rootfs').lines.some((l) => /apt-get install .*\btini\b/.test(l))).toBe(true);
    const rootfs = readFileSync(join(ROOT, 'tools/containers/make-rootfs.sh'), 'utf8');
    expect(rootfs).toContain('cp /usr/bin/tini-static "$R/usr/bin/tini"');
    expect(rootfs).toContain('cp /usr/local/bin/node "$R/usr/local/bin/node"');
    expect(rootfs).toMatch(/casegraph:x:1000:1000:/);
  });

  it('labels every target with the OCI source, revision and version, from build arguments', () => {
    for (const t of [...APPS.map((a) => a.name), 'cli']) {
      const lines = stage(t).lines.join('\n');
      for (const [label, arg] of [
        ['source', 'SOURCE_URL'],
        ['revision', 'REVISION'],
        ['version', 'VERSION'],
      ]) {
        expect([t, lines.includes(`org.opencontainers.image.${label}="\${${arg}}"`)]).toEqual([t, true]);
        expect([t, stage(t).lines.some((l) => l.startsWith(`ARG ${arg}`))]).toEqual([t, true]);
      }
    }
  });

  it('.dockerignore lets through every file a COPY reads, and keeps node_modules, dist and .git out', () => {
    const rules = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1));
    const admitted = (path: string) => allowed.some((a) => path === a.replace(/\/$/, '') || (a.endsWith('/') && path.startsWith(a)));
    const sources = copySources();
    for (const src of sources) expect([src, admitted(src)]).toEqual([src, true]);
    for (const kept of ['node_modules', 'dist', '.git', 'artifacts', 'test']) expect([kept, admitted(kept)]).toEqual([kept, false]);
    expect(rules).toContain('**/node_modules');
  });

  it.each(APPS)('$name: CMD is its bundle, EXPOSE and HEALTHCHECK use its real port variable and default', (app) => {
    const lines = stage(app.name).lines;
    const cmd = execForm(
      lines.find((l) => l.startsWith('CMD'))!,
      'CMD',
    )!;
    expect(builtEntryPoints().get(cmd[1])).toBe(app.name);
    expect(lines).toContain(`EXPOSE ${app.defaultPort}`);
    const hc = execForm(
      lines.find((l) => l.startsWith('HEALTHCHECK'))!,
      'HEALTHCHECK',
    );
    expect(hc).toEqual(['node', 'docker/healthcheck.js', app.portVar, String(app.defaultPort)]);
  });

  it('the cli target runs migrations, like the compose migrate service and the Kubernetes Job', () => {
    const cmd = execForm(
      stage('cli').lines.find((l) => l.startsWith('CMD'))!,
      'CMD',
    );
    expect(cmd).toEqual(['node', 'dist/apps/cli/main.js', 'migrate']);
  });

  it('copies only files that exist', () => {
    const sources = copySources();
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) expect([s, existsSync(join(ROOT, s))]).toEqual([s, true]);
  });
});
