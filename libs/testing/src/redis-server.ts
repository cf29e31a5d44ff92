/**
 * Private Redis servers and misbehaving TCP servers for outage tests (never the shared Redis).
 * The one implementation: every app's, library's and cross-service test imports it from here.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';
import { freePort, waitForPort } from './ports';

/** A redis-server child on its own port, with no persistence. Can be stopped and started again on that port. */
export class PrivateRedis {
  private child?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly extraArgs: string[],
  ) {}

  /** `extraArgs` go to redis-server as they are (e.g. ['--requirepass', 'x']). */
  static async start(extraArgs: string[] = []): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), extraArgs);
    await r.start();
    return r;
  }

  /** The child's pid while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts an empty server on the port (a no-op while one runs). */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...this.extraArgs],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitForPort(this.port);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = undefined;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
  }
}

/** A TCP server that accepts connections and never answers: a hung Redis. */
export async function startHungServer(): Promise<{ port: number; url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A TCP proxy in front of a Redis, to make the server look hung or gone while
 * it keeps its data. `hang()` stops forwarding (bytes are held, as TCP would
 * hold them for a stalled server) and `resume()` delivers them; `stop()` closes
 * the port and every connection, `start()` listens on the same port again.
 */
export class RedisProxy {
  private server?: Server;
  private hung = false;
  private held: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<RedisProxy> {
    const p = new RedisProxy(await freePort(), targetPort);
    await p.start();
    return p;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  hang(): void {
    this.hung = true;
  }

  resume(): void {
    this.hung = false;
    const held = this.held;
    this.held = [];
    for (const send of held) send();
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection({ port: this.targetPort, host: '127.0.0.1' });
      this.sockets.add(client).add(upstream);
      const pipe = (from: Socket, to: Socket) =>
        from.on('data', (d) => {
          if (this.hung) this.held.push(() => to.write(d));
          else to.write(d);
        });
      pipe(client, upstream);
      pipe(upstream, client);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.held = [];
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
