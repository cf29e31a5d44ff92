import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server, Socket } from 'node:net';
import { checkPostgres, checkRedis, COMPOSE_HINT, formatFailures, portIsFree } from './preflight';

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
