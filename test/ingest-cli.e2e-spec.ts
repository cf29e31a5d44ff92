/**
 * The product path end to end: `npm start` runs the REAL stack (built ingest-api,
 * ocr-worker and graph-worker against real PostgreSQL and Redis) and `npm run ingest`
 * drives two generated documents (a text PDF and a scanned PNG) to completion.
 * Isolated from every other test: its own database (created by npm start's migration),
 * Bull prefix, storage folder and ports. Ends with Ctrl-C (SIGINT to the process group,
 * as a terminal sends it) and checks the three apps stopped cleanly.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { databaseUrlFor, dropDatabase, freePort, privateDatabaseName, waitFor } from '@casegraph/testing';
import { generatedDocumentPath } from '../libs/testing/src/documents';

const ROOT = join(__dirname, '..');
const run = randomUUID().slice(0, 8);
const dbName = privateDatabaseName('ingestcli');
const databaseUrl = databaseUrlFor(dbName);
const bullPrefix = `bull-e2e-cli-${run}`;
const storageDir = mkdtempSync(join(tmpdir(), 'casegraph-e2e-cli-'));
const projectName = `e2e ingest CLI ${run}`;

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  signal: () => NodeJS.Signals | null;
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let signal: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code, sig) => {
      signal = sig;
      r(code);
    }),
  );
  return { child, output: () => out, exited, signal: () => signal };
}

async function waitForOutput(proc: Proc, text: string, ms: number): Promise<void> {
  await waitFor(() => proc.output().includes(text), {
    timeoutMs: ms,
    intervalMs: 250,
    what: `"${text}"`,
    abort: () => (proc.child.exitCode !== null && !proc.output().includes(text) ? `exited with ${proc.child.exitCode}` : undefined),
    detail: () => proc.output().slice(-6000),
  });
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, () => s.close(() => resolve(false)));
  });

describe('npm start + npm run ingest on two generated documents', () => {
  jest.setTimeout(10 * 60_000);
  let stack: Proc | undefined;
  let ports: { api: number; ocr: number; graph: number };
  const documentUuids: string[] = [];

  const env = () => ({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    BULL_PREFIX: bullPrefix,
    STORAGE_DRIVER: 'local',
    STORAGE_DIR: storageDir,
    PORT: String(ports.api),
    OCR_HEALTH_PORT: String(ports.ocr),
    GRAPH_HEALTH_PORT: String(ports.graph),
    CASEGRAPH_API_KEYS: `e2e-key-${run}`,
    RECONCILE_INTERVAL_SECONDS: '5',
    FORCE_COLOR: '0',
  });

  beforeAll(async () => {
    ports = { api: await freePort(), ocr: await freePort(), graph: await freePort() };
  });

  afterAll(async () => {
    if (stack && stack.child.exitCode === null && stack.signal() === null) {
      // Stop it as a user would; if it hangs, kill it (its apps then stop themselves: parent watch).
      process.kill(-stack.child.pid!, 'SIGINT');
      const stopped = await Promise.race([stack.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 45_000))]);
      if (!stopped) {
        try {
          process.kill(-stack.child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    await dropDatabase(dbName);
    const redis = new Redis(process.env.REDIS_URL!);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${bullPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    for (const uuid of documentUuids) keys.push(`doc:metadata:${uuid}`, `doc:state:${uuid}`, `doc:metadata-version:${uuid}`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('starts the stack, ingests motion.pdf and scanned-notice.png to completion, prints the summary, stops on Ctrl-C', async () => {
    stack = start('npm', ['start'], env());
    // A build may run first when dist/ is older than the sources.
    await waitForOutput(stack, 'CaseGraph is running', 6 * 60_000);
    expect(stack.output()).toContain(`http://localhost:${ports.api}/docs`);
    expect(stack.output()).toContain(`http://localhost:${ports.api}/admin/queues`);

    const ingest = start(
      'npm',
      [
        'run',
        '--silent',
        'ingest',
        '--',
        generatedDocumentPath('motion.pdf'),
        generatedDocumentPath('scanned-notice.png'),
        '--project',
        projectName,
        '--api',
        `http://127.0.0.1:${ports.api}`,
        '--key',
        `e2e-key-${run}`,
        '--interval',
        '500',
        '--timeout',
        '300',
      ],
      env(),
    );
    const code = await ingest.exited;
    const out = ingest.output();
    if (code !== 0) throw new Error(`npm run ingest exited ${code}:\n${out}\n--- stack output ---\n${stack.output().slice(-8000)}`);
    process.stdout.write(`\n--- npm run ingest output ---\n${out}\n`);

    expect(out).toMatch(/motion\.pdf\s+5\/5 completed/);
    expect(out).toMatch(/scanned-notice\.png\s+5\/5 completed/);
    expect(out).toContain(`Summary for project "${projectName}"`);
    expect(out).toContain('documents      2 completed, 0 failed');
    expect(out).toMatch(/pages\s+\d+ \(motion\.pdf \d+, scanned-notice\.png 1\)|pages\s+not reported/);
    expect(out).toMatch(/entities\s+\d+ in the project/);
    expect(out).toMatch(/\n\s+ORG\s+\d+/);

    // The database agrees: both documents completed, in the project the CLI named.
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const rows: Array<{ document_uuid: string; status: string; name: string; same_project: boolean }> = (
        await db.query(
          `SELECT d.document_uuid, d.status, p.name, d.project_uuid = p.project_uuid AS same_project
             FROM source_documents d JOIN projects p ON p.id = d.project_fk_id ORDER BY d.original_file_name`,
        )
      ).rows;
      documentUuids.push(...rows.map((r) => r.document_uuid));
      expect(rows.map((r) => [r.status, r.name, r.same_project])).toEqual([
        ['completed', projectName, true],
        ['completed', projectName, true],
      ]);
    } finally {
      await db.end();
    }

    // Ctrl-C: SIGINT to the whole foreground process group, as a terminal does.
    process.kill(-stack.child.pid!, 'SIGINT');
    const stopped = await stack.exited;
    // npm itself re-raises the SIGINT after its script exits (a shell then prints nothing);
    // what matters is the supervisor's clean stop and each app's own exit.
    expect(stopped === 0 || stack.signal() === 'SIGINT').toBe(true);
    const tail = stack.output().slice(-4000);
    expect(tail).toContain('--> SIGINT: stopping');
    expect(tail).toContain('stopped (SIGINT)'); // printed only when every app stopped by itself
    for (const app of ['ingest-api', 'ocr-worker', 'graph-worker']) {
      expect(tail).toMatch(new RegExp(`\\[${app}\\] node dist/apps/${app}/main\\.js exited with code (0|SIGTERM)`));
    }
    expect(tail).not.toContain('killing');
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);
  });
});
