/**
 * docker/compose.yaml, brought up by the real `docker compose` from the images this run built: its health checks
 * and depends_on conditions start the stack in order (postgres and redis healthy → migrate completed → the three
 * apps healthy), and `docker compose stop` ends every app with exit 0 inside its stop_grace_period.
 * test/containers/compose/pod.yaml puts every service in one private network namespace and swaps in the
 * Debian-built PostgreSQL and Redis (no registry, no bridge DNS here); everything else is the file users run.
 */
import { join } from 'node:path';
import { NOT_IN_POD, describeInPod, docker, dockerOk, run, tag } from './support/pod';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const project = `${run}-compose`;
const compose = (args: string[], timeoutMs = 240_000) =>
  docker(['compose', '-p', project, '-f', join(ROOT, 'docker/compose.yaml'), '-f', join(ROOT, 'test/containers/compose/pod.yaml'), ...args], {
    timeoutMs,
  });
process.env.CASEGRAPH_IMAGE_TAG = tag;
process.env.CASEGRAPH_CONTAINERS_RUN = run;

interface State {
  Status: string;
  ExitCode: number;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string; Log: Array<{ End: string; ExitCode: number }> };
}
const state = async (service: string): Promise<State> =>
  JSON.parse(await dockerOk(['inspect', '-f', '{{json .State}}', `${project}-${service}-1`])) as State;
/** When a service's health check first passed. */
const firstHealthy = (s: State) => Math.min(...(s.Health?.Log ?? []).filter((l) => l.ExitCode === 0).map((l) => Date.parse(l.End)));

const APPS = ['ingest-api', 'ocr-worker', 'graph-worker'];

describeInPod(`docker/compose.yaml with docker compose${NOT_IN_POD}`, () => {
  afterAll(async () => {
    await compose(['down', '--volumes', '--timeout', '5']);
  });

  it('is valid for the real compose, with and without the local override', async () => {
    const alone = await docker(['compose', '-f', join(ROOT, 'docker/compose.yaml'), 'config', '--quiet']);
    expect(alone).toMatchObject({ code: 0 });
    expect(await compose(['config', '--quiet'])).toMatchObject({ code: 0 });
  });

  it('comes up in order: postgres and redis healthy, then migrate completed, then the apps healthy', async () => {
    const up = await compose(['up', '--detach', '--wait', '--wait-timeout', '180', '--no-build']);
    if (up.code !== 0) {
      const logs = await compose(['logs', '--no-color', '--tail', '30']);
      throw new Error(`compose up failed (${up.code}):\n${up.stderr.slice(-2000)}\n${logs.stdout.slice(-6000)}`);
    }
    const [postgres, redis, migrate, ...apps] = await Promise.all(['postgres', 'redis', 'migrate', ...APPS].map(state));
    expect(migrate).toMatchObject({ Status: 'exited', ExitCode: 0 });
    const migrateStarted = Date.parse(migrate.StartedAt);
    expect(firstHealthy(postgres)).toBeLessThanOrEqual(migrateStarted);
    for (const [i, app] of apps.entries()) {
      expect([APPS[i], app.Status, app.Health?.Status]).toEqual([APPS[i], 'running', 'healthy']);
      expect([APPS[i], Date.parse(app.StartedAt) >= Date.parse(migrate.FinishedAt)]).toEqual([APPS[i], true]);
      expect([APPS[i], Date.parse(app.StartedAt) >= firstHealthy(redis)]).toEqual([APPS[i], true]);
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
