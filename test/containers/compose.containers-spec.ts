/**
 * docker/compose.yaml with the real `docker compose`: its build sections build the four images (under a tag of
 * their own, <tag>-compose; the same layers as the runner's build, from its cache); its health checks and
 * depends_on conditions start the stack from them in order (postgres and redis healthy → migrate completed → the
 * three apps healthy, read from the engine's events); `docker compose stop` ends every app with exit 0 inside its
 * stop_grace_period.
 * test/containers/compose/pod.yaml puts every service in one private network namespace and swaps in the
 * Debian-built PostgreSQL and Redis (no registry, no bridge DNS here); everything else is the file users run.
 */
import { join } from 'node:path';
import { NOT_IN_POD, TARGETS, describeInPod, docker, dockerOk, inspectImage, run, tag } from './support/pod';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const project = `${run}-compose`;
/** compose builds the app images under a tag of its own: the runner's (with their labels) stay as they are. */
const composeTag = `${tag}-compose`;
/** pod.yaml's variables (given to the CLI: under jest, setting process.env here would not reach it). */
const composeEnv = { CASEGRAPH_IMAGE_TAG: tag, CASEGRAPH_CONTAINERS_RUN: run, CASEGRAPH_COMPOSE_APP_TAG: composeTag };
const compose = (args: string[], timeoutMs = 240_000) =>
  docker(['compose', '-p', project, '-f', join(ROOT, 'docker/compose.yaml'), '-f', join(ROOT, 'test/containers/compose/pod.yaml'), ...args], {
    timeoutMs,
    env: composeEnv,
  });
const composeImage = (t: string) => `casegraph-${t}:${composeTag}`;

interface State {
  Status: string;
  ExitCode: number;
  Health?: { Status: string };
}
const state = async (service: string): Promise<State> =>
  JSON.parse(await dockerOk(['inspect', '-f', '{{json .State}}', `${project}-${service}-1`])) as State;

/** One container event of the project, as `docker events --format '{{json .}}'` writes it. */
interface ContainerEvent {
  Type: string;
  Action: string;
  timeNano: number;
  Actor: { Attributes: Record<string, string> };
}
/** Per service: when each container event happened (ns since the epoch), from the engine's event log. Unlike
 * State.Health.Log (the last 5 probes only) it keeps every start, health_status and die since `since`. */
async function eventsSince(since: number): Promise<Map<string, Map<string, number[]>>> {
  const out = await dockerOk([
    'events',
    '--since',
    (since / 1000).toFixed(3),
    '--until',
    (Date.now() / 1000).toFixed(3),
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--filter',
    'type=container',
    '--format',
    '{{json .}}',
  ]);
  const byService = new Map<string, Map<string, number[]>>();
  for (const line of out.split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as ContainerEvent;
    const service = e.Actor.Attributes['com.docker.compose.service'];
    if (!byService.has(service)) byService.set(service, new Map());
    const actions = byService.get(service)!;
    const action = e.Action === 'die' ? `die ${e.Actor.Attributes.exitCode}` : e.Action;
    actions.set(action, [...(actions.get(action) ?? []), e.timeNano]);
  }
  return byService;
}

const APPS = ['ingest-api', 'ocr-worker', 'graph-worker'];

describeInPod(`docker/compose.yaml with docker compose${NOT_IN_POD}`, () => {
  afterAll(async () => {
    await compose(['down', '--volumes', '--timeout', '5']);
    // Only the four images compose built (by their -compose tag); the runner's stay for the other specs.
    for (const t of TARGETS) await docker(['rmi', composeImage(t)]);
  });

  it('is valid for the real compose, with and without the local override', async () => {
    const alone = await docker(['compose', '-f', join(ROOT, 'docker/compose.yaml'), 'config', '--quiet']);
    expect(alone).toMatchObject({ code: 0 });
    expect(await compose(['config', '--quiet'])).toMatchObject({ code: 0 });
  });

  it("builds the four images from its build sections (context, Dockerfile, target): the runner's layers, from the cache", async () => {
    const built = await compose(['--progress', 'plain', 'build'], 600_000);
    expect({ code: built.code, log: built.code === 0 ? '' : built.stderr.slice(-4000) }).toEqual({ code: 0, log: '' });
    for (const t of TARGETS) {
      const ours = await inspectImage(composeImage(t));
      const runner = await inspectImage(`casegraph-${t}:${tag}`);
      // Same layers, byte for byte: compose built the same target from the same context (every step a cache hit).
      expect([t, ours.RootFS.Layers]).toEqual([t, runner.RootFS.Layers]);
      // The same OCI labels (pod.yaml hands compose the runner's build args); compose adds its own com.docker.compose.*.
      const oci = (labels?: Record<string, string> | null) =>
        Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => k.startsWith('org.opencontainers.')));
      expect([t, oci(ours.Config.Labels)]).toEqual([t, oci(runner.Config.Labels)]);
      expect(Object.keys(oci(ours.Config.Labels)).length).toBeGreaterThan(0);
    }
  });

  it('comes up in order: postgres and redis healthy, then migrate completed, then the apps healthy', async () => {
    const t0 = Date.now();
    const up = await compose(['up', '--detach', '--wait', '--wait-timeout', '180', '--no-build']);
    if (up.code !== 0) {
      const logs = await compose(['logs', '--no-color', '--tail', '30']);
      throw new Error(`compose up failed (${up.code}):\n${up.stderr.slice(-2000)}\n${logs.stdout.slice(-6000)}`);
    }
    expect(await state('migrate')).toMatchObject({ Status: 'exited', ExitCode: 0 });
    const events = await eventsSince(t0);
    const first = (service: string, action: string) => {
      const times = events.get(service)?.get(action) ?? [];
      return times.length ? Math.min(...times) : undefined;
    };
    const summary = (service: string) => JSON.stringify(Object.fromEntries(events.get(service) ?? []));
    // Each of them started once; migrate ran to its end with 0.
    for (const service of ['postgres', 'redis', 'migrate', ...APPS]) {
      expect([service, events.get(service)?.get('start')?.length]).toEqual([service, 1]);
    }
    expect([summary('migrate'), events.get('migrate')?.get('die 0')?.length]).toEqual([summary('migrate'), 1]);
    const postgresHealthy = first('postgres', 'health_status: healthy');
    const redisHealthy = first('redis', 'health_status: healthy');
    const migrateStart = first('migrate', 'start')!;
    const migrateEnd = first('migrate', 'die 0')!;
    expect([summary('postgres'), postgresHealthy! <= migrateStart]).toEqual([summary('postgres'), true]);
    for (const app of APPS) {
      const started = first(app, 'start')!;
      const healthy = first(app, 'health_status: healthy');
      const seen = summary(app);
      expect([app, seen, (await state(app)).Status, (await state(app)).Health?.Status]).toEqual([app, seen, 'running', 'healthy']);
      expect([app, seen, started >= migrateEnd, started >= redisHealthy!, healthy !== undefined && healthy >= started]).toEqual([
        app,
        seen,
        true,
        true,
        true,
      ]);
    }
  });

  it('runs the apps as compose says: user 1000, read-only root, no capabilities, no new privileges', async () => {
    for (const app of APPS) {
      const hostConfig = JSON.parse(await dockerOk(['inspect', '-f', '{{json .HostConfig}}', `${project}-${app}-1`])) as {
        ReadonlyRootfs: boolean;
        CapDrop: string[] | null;
        SecurityOpt: string[] | null;
      };
      const user = await dockerOk(['inspect', '-f', '{{.Config.User}}', `${project}-${app}-1`]);
      expect([app, user, hostConfig.ReadonlyRootfs, hostConfig.CapDrop, hostConfig.SecurityOpt]).toEqual([
        app,
        '1000:1000',
        true,
        ['ALL'],
        ['no-new-privileges:true'],
      ]);
    }
  });

  it('docker compose stop ends every app with exit 0 (tini hands SIGTERM to node, which drains)', async () => {
    expect(await compose(['stop', ...APPS])).toMatchObject({ code: 0 });
    for (const app of APPS) expect([app, (await state(app)).ExitCode]).toEqual([app, 0]);
  });
});
