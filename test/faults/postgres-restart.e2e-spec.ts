/**
 * Scenario 4, PostgreSQL restart mid-run: every app reaches the database through a TCP proxy that the test
 * cuts (all connections dropped, new ones refused) for 5 s and then restores, as a server restart looks to
 * clients. The shared PostgreSQL itself is never touched. Every service must reconnect by itself.
 */
import { PipelineStack, waitUntilDone } from '../support/pipeline-harness';
import { PrivateDatabase, TcpProxy, createPrivateDatabase, waitFor } from '@casegraph/testing';
import { FAST_RECOVERY_ENV, PLAN, assertScenario, baseline, ocrStarted } from './scenario';

jest.setTimeout(300_000);

describe('fault scenario: PostgreSQL restart', () => {
  let db: PrivateDatabase;
  let proxy: TcpProxy;
  let stack: PipelineStack;

  beforeAll(async () => {
    db = await createPrivateDatabase('pgrestart');
    const real = new URL(db.url);
    proxy = await TcpProxy.start(real.hostname, Number(real.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    stack = await PipelineStack.start({ databaseUrl: viaProxy.toString(), apiEnv: FAST_RECOVERY_ENV });
    await stack.startWorker('ocr');
    await stack.startWorker('graph');
  });

  afterAll(async () => {
    await proxy?.restore();
    await stack?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('all connections cut for 5 s mid-run: every service reconnects, every document comes home', async () => {
    const base = await baseline(stack);
    const projects = await stack.ingest(PLAN);
    await waitFor(() => ocrStarted(stack.db, projects), { timeoutMs: 60_000, what: 'OCR to start' });
    const t0 = Date.now();
    await proxy.cut();
    await new Promise((r) => setTimeout(r, 5_000));
    await proxy.restore();
    await waitUntilDone(stack.db, projects, 180_000);
    const figures = await assertScenario('postgres-restart', stack.db, projects, base, Date.now() - t0);
    expect(figures.duplicates).toBe(0);
  });
});
