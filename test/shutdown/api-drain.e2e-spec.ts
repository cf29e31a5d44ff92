/**
 * SIGTERM to the real ingest-api (apps/ingest-api/src/main.ts in a child process):
 * an upload in flight when the signal arrives still completes (its response says
 * Connection: close), an idle keep-alive
 * connection does not hold the process open, and the process exits 0 well before
 * the grace runs out.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpawnedApp, freePort, spawnApp, waitFor } from '@casegraph/testing';
import { generatedBytes } from '../../libs/testing/src/documents';

jest.setTimeout(120_000);

function send(
  port: number,
  opts: { method?: string; path: string; agent?: Agent; headers?: Record<string, string | number>; body?: Buffer | string },
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, agent: opts.agent, headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('ingest-api SIGTERM', () => {
  let child: SpawnedApp | undefined;
  const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-api-drain-'));

  afterAll(async () => {
    await child?.kill();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('finishes the in-flight upload with Connection: close, is not held open by an idle keep-alive socket, and exits 0', async () => {
    const port = await freePort();
    const grace = 20_000;
    const api = await spawnApp({
      app: 'ingest-api',
      env: {
        PORT: String(port),
        BULL_PREFIX: `bull-test-api-drain-${randomUUID().slice(0, 8)}`,
        STORAGE_DRIVER: 'local',
        STORAGE_DIR: storageDir,
        CASEGRAPH_API_KEYS: '',
        RECONCILE_INTERVAL_SECONDS: '0',
        SWEEP_INTERVAL_SECONDS: '0',
        SHUTDOWN_GRACE_MS: String(grace),
      },
    });
    child = api;
    await waitFor(() => send(port, { path: '/health/ready' }).then((r) => r.status === 200), {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: 'ingest-api to be ready',
      abort: () => (api.running() ? undefined : 'ingest-api exited'),
      detail: () => api.output().slice(-3000),
    });
    const project = JSON.parse(
      (
        await send(port, {
          method: 'POST',
          path: '/v1/projects',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: `drain ${randomUUID()}` }),
        })
      ).body,
    ) as { projectUuid: string };

    // An idle keep-alive connection, as a proxy or a client pool would keep.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send(port, { path: '/health/live', agent: keepAlive })).status).toBe(200);

    // An upload whose body is only half sent when the signal arrives.
    const content = generatedBytes('complaint.pdf');
    const boundary = 'casegraph-drain-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="drain.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let uploadReq!: ReturnType<typeof request>;
    const upload = new Promise<{ status: number; connection?: string; body: string }>((resolvePromise, reject) => {
      uploadReq = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/v1/projects/${project.projectUuid}/documents`,
          headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': head.length + content.length + tail.length },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
        },
      );
      uploadReq.on('error', reject);
    });
    uploadReq.write(head);
    uploadReq.write(content.subarray(0, 64 * 1024));
    await new Promise((r) => setTimeout(r, 500));

    const sentAt = Date.now();
    api.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    uploadReq.write(content.subarray(64 * 1024));
    uploadReq.end(tail);
    const res = await upload;
    expect(res.status).toBe(202);
    // Answered after the signal: the connection is not kept alive.
    expect(res.connection).toBe('close');

    const { code, signal } = await api.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // The idle keep-alive socket did not hold the server open until the grace.
    expect(Date.now() - sentAt).toBeLessThan(grace);
    keepAlive.destroy();
  });
});
