import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server, Socket } from 'node:net';
import type { ConfigSpec } from '../../libs/platform/src/config';
import { graphWorkerConfigSpec } from '../../apps/graph-worker/src/config';
import { ingestApiConfigSpec } from '../../apps/ingest-api/src/config';
import { ocrWorkerConfigSpec } from '../../apps/ocr-worker/src/config';
import { AppConfigPlan, checkPostgres, checkRedis, COMPOSE_HINT, configProblems, formatFailures, portIsFree } from './preflight';

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Accepts TCP connections and never answers: a hung server. */
async function hungServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Our own redis-server child (never the shared one). */
async function ownRedis(extra: string[] = []): Promise<{ port: number; proc: ChildProcess }> {
  const port = await closedPort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if (!(await portIsFree(port, '127.0.0.1'))) return { port, proc };
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill();
  throw new Error('redis-server did not start');
}

describe('preflight checks', () => {
  it('PostgreSQL on a closed port: not reachable, with how to start it', async () => {
    const port = await closedPort();
    const r = await checkPostgres(`postgres://postgres:secret@127.0.0.1:${port}/casegraph`);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/not reachable .*ECONNREFUSED/);
    expect(r.hint).toContain(COMPOSE_HINT);
    expect(r.url).not.toContain('secret');
  });

  it('Redis on a closed port: not reachable, naming the real cause', async () => {
    const port = await closedPort();
    const r = await checkRedis(`redis://127.0.0.1:${port}`);
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('ECONNREFUSED');
    expect(r.hint).toContain('REDIS_URL');
  });

  it('a server that accepts and never answers is reported, not waited on forever', async () => {
    const hung = await hungServer();
    try {
      const [pg, redis] = await Promise.all([
        checkPostgres(`postgres://postgres@127.0.0.1:${hung.port}/casegraph`, 500),
        checkRedis(`redis://127.0.0.1:${hung.port}`, 500),
      ]);
      expect(pg.ok).toBe(false);
      expect(redis.ok).toBe(false);
      expect(pg.detail).toMatch(/not reachable/);
      expect(redis.detail).toMatch(/not reachable/);
    } finally {
      await hung.close();
    }
  });

  it('a live Redis answers PONG', async () => {
    const { port, proc } = await ownRedis();
    try {
      expect(await checkRedis(`redis://127.0.0.1:${port}`)).toMatchObject({ ok: true, service: 'Redis' });
    } finally {
      proc.kill();
    }
  });

  it('a Redis that needs a password says so', async () => {
    const { port, proc } = await ownRedis(['--requirepass', 'hunter2']);
    try {
      const r = await checkRedis(`redis://127.0.0.1:${port}`);
      expect(r.ok).toBe(false);
      expect(r.detail).toMatch(/refused the login/);
      expect((await checkRedis(`redis://:hunter2@127.0.0.1:${port}`)).ok).toBe(true);
    } finally {
      proc.kill();
    }
  });

  it('portIsFree tells a busy port from a free one', async () => {
    const hung = await hungServer();
    try {
      expect(await portIsFree(hung.port)).toBe(false);
    } finally {
      await hung.close();
    }
    expect(await portIsFree(await closedPort())).toBe(true);
  });

  it('the failure report names each service and the compose command', () => {
    const text = formatFailures([
      { service: 'PostgreSQL', url: 'postgres://x', ok: false, detail: 'not reachable (ECONNREFUSED)', hint: 'start it' },
      { service: 'Redis', url: 'redis://y', ok: false, detail: 'not reachable (ECONNREFUSED)', hint: 'start it' },
    ]);
    expect(text).toContain('PostgreSQL at postgres://x');
    expect(text).toContain('Redis at redis://y');
    expect(text).toContain(COMPOSE_HINT);
  });
});

describe('configProblems: npm start validates each app with its own spec', () => {
  const apps = (ports = { api: 3000, ocr: 3001, graph: 3002 }): AppConfigPlan[] => [
    { name: 'ingest-api', spec: ingestApiConfigSpec as ConfigSpec<unknown>, env: { PORT: String(ports.api) }, port: ports.api, portVar: 'PORT' },
    {
      name: 'ocr-worker',
      spec: ocrWorkerConfigSpec as ConfigSpec<unknown>,
      env: { HEALTH_PORT: String(ports.ocr) },
      port: ports.ocr,
      portVar: 'OCR_HEALTH_PORT',
    },
    {
      name: 'graph-worker',
      spec: graphWorkerConfigSpec as ConfigSpec<unknown>,
      env: { HEALTH_PORT: String(ports.graph) },
      port: ports.graph,
      portVar: 'GRAPH_HEALTH_PORT',
    },
  ];

  it('a good environment has no problems', () => {
    expect(configProblems(apps(), {})).toEqual([]);
  });

  it("runs the apps' cross-variable rules, naming the apps a problem belongs to", () => {
    expect(configProblems(apps(), { STORAGE_DRIVER: 's3', OCR_ENGINE: 'textract', CHUNK_SIZE: '500', CHUNK_OVERLAP: '600' })).toEqual([
      'S3_BUCKET is required when STORAGE_DRIVER=s3 (ingest-api, ocr-worker)',
      'CHUNK_OVERLAP (600) must be smaller than CHUNK_SIZE (500) (graph-worker)',
    ]);
  });

  it('lists a problem of a variable every app reads once', () => {
    expect(configProblems(apps(), { BULL_PREFIX: 'a b' })).toEqual(['BULL_PREFIX must be 1-64 characters of [A-Za-z0-9_{}:.-]']);
  });

  it('refuses two apps on one port (0 = any free port is fine)', () => {
    expect(configProblems(apps({ api: 3000, ocr: 4000, graph: 4000 }), {})).toEqual([
      'OCR_HEALTH_PORT and GRAPH_HEALTH_PORT are both 4000: ocr-worker and graph-worker need a port each',
    ]);
    expect(configProblems(apps({ api: 0, ocr: 0, graph: 0 }), {})).toEqual([]);
  });
});
