/**
 * The deployment files checked without Docker or a cluster: Kubernetes manifests
 * against the Kubernetes schemas (kubernetes-models) and against the apps' real
 * ports, routes and variables; docker/compose.yaml and docker/Dockerfile against
 * package.json, the build outputs and each other.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { OpsHttpServer, ReadinessService, baseConfigSpec, loadConfig } from '@casegraph/platform';
import { HealthController } from '../../libs/platform/src/health/health.controller';
import {
  APPS,
  EXTERNAL_VARS,
  ROOT,
  Obj,
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
  packageJson,
  varsOf,
} from './deploy-files';

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

const manifests = loadManifests();
const ofKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const byName = (kind: string, name: string) => ofKind(kind).find((d) => d.metadata?.name === name);
const configMap = byName('ConfigMap', 'casegraph-config');
const secret = byName('Secret', 'casegraph-secrets');

/** The environment a container sees: envFrom ConfigMap/Secret (ours), then env. */
function containerEnv(container: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const src = from.configMapRef ? byName('ConfigMap', from.configMapRef.name) : from.secretRef ? byName('Secret', from.secretRef.name) : undefined;
    if (!src) throw new Error(`envFrom names a missing object: ${JSON.stringify(from)}`);
    Object.assign(env, src.data ?? {}, src.stringData ?? {});
  }
  for (const e of container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  return env;
}

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

describe('docker/k8s manifests', () => {
  it('parses every file, and every document validates against the Kubernetes schemas', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(12);
    const problems: string[] = [];
    for (const { file, doc } of manifests) {
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
    const problems = manifests.flatMap(({ file, doc }) =>
      unknownFields(modelFor(doc.apiVersion, doc.kind)!, doc).map((f) => `${file} ${doc.kind}/${doc.metadata?.name}: ${f}`),
    );
    expect(problems).toEqual([]);
  });

  it('the unknown-field check itself catches a typo', () => {
    const deployment = JSON.parse(JSON.stringify(byName('Deployment', 'ingest-api')));
    deployment.spec.template.spec.containers[0].readinessProbe.perodSeconds = 5;
    deployment.spec.template.spec.terminationGracePeriod = 30;
    expect(unknownFields(modelFor('apps/v1', 'Deployment')!, deployment).sort()).toEqual([
      '/spec/template/spec/containers/0/readinessProbe/perodSeconds',
      '/spec/template/spec/terminationGracePeriod',
    ]);
  });

  it('the kustomization lists every manifest file, and only existing ones', () => {
    const k = kustomization();
    expect(k.kind).toBe('Kustomization');
    expect([...(k.resources as string[])].sort()).toEqual(k8sFiles());
  });

  it("the kustomization's image entries are exactly the images the workloads use", () => {
    const used = new Set(
      [...ofKind('Deployment'), ...ofKind('Job')].flatMap((d) => d.spec.template.spec.containers.map((c: Obj) => c.image as string)),
    );
    expect(new Set((kustomization().images as Obj[]).map((i) => i.name))).toEqual(used);
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

    it('has resource requests and limits', () => {
      expect(container.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(container.resources.limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
    });

    it('has a PodDisruptionBudget selecting its pods', () => {
      const pdb = ofKind('PodDisruptionBudget').find((p) =>
        Object.entries(p.spec.selector.matchLabels).every(([k, v]) => deployment.spec.template.metadata.labels[k] === v),
      );
      expect(pdb).toBeDefined();
      if (pdb!.spec.minAvailable !== undefined) expect(pdb!.spec.minAvailable).toBeLessThan(deployment.spec.replicas ?? 1);
    });
  });

  it('workload pods meet the "restricted" Pod Security Standard, with a read-only root and an emptyDir /tmp', () => {
    const pods = [...ofKind('Deployment'), ...ofKind('Job')].map((d) => ({ name: d.metadata.name, spec: d.spec.template.spec as Obj }));
    expect(pods.length).toBe(4);
    for (const { name, spec } of pods) {
      const why = (s: string) => `${name}: ${s}`;
      expect([why('runAsNonRoot'), spec.securityContext?.runAsNonRoot]).toEqual([why('runAsNonRoot'), true]);
      expect([why('runAsUser'), spec.securityContext?.runAsUser > 0]).toEqual([why('runAsUser'), true]);
      expect([why('seccomp'), spec.securityContext?.seccompProfile?.type]).toEqual([why('seccomp'), 'RuntimeDefault']);
      expect([why('token'), spec.automountServiceAccountToken]).toEqual([why('token'), false]);
      for (const c of spec.containers as Obj[]) {
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

  it('autoscales the two workers (and leaves their replica count to the HPA); the API has a Service', () => {
    const hpas = ofKind('HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['graph-worker', 'ocr-worker']);
    for (const h of hpas) {
      expect(h.spec.scaleTargetRef.kind).toBe('Deployment');
      expect(byName('Deployment', h.spec.scaleTargetRef.name)?.spec.replicas).toBeUndefined();
      expect(h.spec.minReplicas).toBeLessThanOrEqual(h.spec.maxReplicas);
    }
    const services = ofKind('Service');
    expect(services.map((s) => s.metadata.name)).toEqual(['ingest-api']);
    const api = byName('Deployment', 'ingest-api')!;
    expect(Object.entries(services[0].spec.selector).every(([k, v]) => api.spec.template.metadata.labels[k] === v)).toBe(true);
    const target = services[0].spec.ports[0].targetPort;
    expect(probePort(api.spec.template.spec.containers[0], target)).toBe(APPS[0].defaultPort);
  });

  it('runs migrations in a Job with the CLI bundle, never in the apps', () => {
    const jobs = ofKind('Job');
    expect(jobs).toHaveLength(1);
    const c = jobs[0].spec.template.spec.containers[0];
    expect(c.args).toEqual(['node', expect.any(String), 'migrate']);
    expect(builtEntryPoints().get(c.args[1])).toBe('cli');
    expect(jobs[0].spec.template.spec.restartPolicy).toBe('Never');
    expect(() => loadConfig(baseConfigSpec, containerEnv(c))).not.toThrow();
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
  const chain = (name: string): string[] => {
    const s = stages.find((x) => x.name === name);
    return s ? [name, ...chain(s.from)] : [];
  };

  it('is one multi-stage build on node:22-slim with a target per app and one for the CLI', () => {
    expect(args.NODE_IMAGE).toBe('node:22-slim');
    for (const s of stages) if (!stages.some((x) => x.name === s.from)) expect(s.from).toBe('${NODE_IMAGE}');
    for (const t of [...APPS.map((a) => a.name), 'cli']) expect(chain(t)).toContain('runtime');
  });

  it('builds every app with npm run build, and ships only production dependencies', () => {
    expect(stage('build').lines.some((l) => /^RUN .*npm run build/.test(l))).toBe(true);
    const runtime = stage('runtime').lines;
    const copied = runtime.filter((l) => l.startsWith('COPY --from=')).map((l) => l.split(/\s+/)[1].slice('--from='.length));
    expect(copied.sort()).toEqual(['build', 'prod-deps']);
    expect(runtime).toContain('COPY --from=prod-deps /app/node_modules ./node_modules');
    expect(runtime.some((l) => /^COPY --from=build \/app\/dist /.test(l))).toBe(true);
    expect(stage('prod-deps').lines.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
  });

  it('bakes in the tesseract data and proves it loads with the network off', () => {
    const lines = stage('prod-deps').lines.join('\n');
    expect(lines).toContain('test -s node_modules/@tesseract.js-data/eng/4.0.0/eng.traineddata.gz');
    expect(lines).toMatch(/RUN --network=none node -e .*createWorker\('eng'/);
    const pkg = packageJson();
    expect(pkg.dependencies['@tesseract.js-data/eng']).toBeDefined();
    expect(pkg.dependencies['tesseract.js']).toBeDefined();
  });

  it('runs as a numeric non-root user under tini', () => {
    const runtime = stage('runtime').lines;
    const user = runtime.find((l) => l.startsWith('USER '))!.split(/\s+/)[1];
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(
      execForm(
        runtime.find((l) => l.startsWith('ENTRYPOINT'))!,
        'ENTRYPOINT',
      ),
    ).toEqual(['/usr/bin/tini', '--']);
    expect(runtime.some((l) => /apt-get install .*\btini\b/.test(l))).toBe(true);
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
    const sources = stages
      .flatMap((s) => s.lines)
      .filter((l) => l.startsWith('COPY ') && !l.startsWith('COPY --from='))
      .flatMap((l) =>
        l
          .split(/\s+/)
          .slice(1, -1)
          .filter((a) => !a.startsWith('--')),
      );
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) expect([s, existsSync(join(ROOT, s))]).toEqual([s, true]);
  });
});
