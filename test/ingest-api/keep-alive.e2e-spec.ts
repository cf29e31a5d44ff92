/**
 * Keep-alive: a connection left idle longer than Node's default server timeout (5 s) still takes the next request.
 * With the default, a client that reused a connection at the moment the server closed it got EPIPE (seen in the
 * container test under load); behind a load balancer with a 60 s idle timeout it is a 502. configureApp sets it
 * above those (KEEP_ALIVE_TIMEOUT_MS), and the client closes first.
 */
import { connect, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../apps/ingest-api/src/bootstrap';
import { createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';

jest.setTimeout(60_000);

/** Sends one request on the socket and resolves with the status line of its answer. */
function ask(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== 'open') return reject(new Error(`the server had closed the connection (${socket.readyState})`));
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve(seen.split('\r\n')[0]);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the server closed the connection (after: ${JSON.stringify(seen.slice(0, 40))})`)));
    socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  });
}

describe('ingest-api keep-alive', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    await new Promise<void>((r) => t.http.listen(0, '127.0.0.1', () => r()));
    port = (t.http.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sets the idle timeout above the balancers' 60 s, and the headers timeout above that", () => {
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    expect(t.http.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(t.http.headersTimeout).toBeGreaterThan(KEEP_ALIVE_TIMEOUT_MS);
  });

  it("answers a second request on a connection idle for longer than Node's default 5 s", async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    try {
      expect(await ask(socket)).toMatch(/^HTTP\/1\.1 200/);
      await new Promise((r) => setTimeout(r, 6_000));
      expect(await ask(socket)).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      socket.destroy();
    }
  });
});
