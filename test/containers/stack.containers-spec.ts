/**
 * The stack from the built images, in one private network namespace (the runner's pod: loopback only), against
 * the PostgreSQL and Redis stand-ins there. In order:
 *  - `migrate --check [--wait S]` (the Deployments' init container) exits 3 naming the pending migrations on a
 *    database not migrated yet, also after waiting, and 0 once it is; the migrate job (casegraph-cli, read-only
 *    root) exits 0, and again (idempotent);
 *  - the three apps start read-only, /tmp a tmpfs, every capability dropped, no-new-privileges, one named volume
 *    at /data/storage shared by ingest-api and ocr-worker (docker/compose.yaml's environment); each becomes ready
 *    and, later, healthy by the image's own HEALTHCHECK;
 *  - through the containerised API: a text PDF, a scan and an e-mail with a PDF attachment reach `completed`, and
 *    their pages have the text (the scan's from tesseract, offline, inside the OCR image);
 *  - SIGTERM mid-job to each container (`docker kill --signal TERM`: tini forwards it to node): exit 0 (not
 *    143/137), the work is handed back (Bull: not finished or failed, no attempt counted, lock dropped) and a
 *    fresh container finishes it, once: Bull says it was handed back once and completed with no failed attempt
 *    after the fresh container started, and the workers' logs hold one completion line in all, the fresh one's.
 * Each test makes its own project. No timed assertions: waits have deadlines.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IncomingMessage, request } from 'node:http';
import Bull from 'bull';
import { Pool } from 'pg';
import {
  buildMixedPdf,
  buildTextPdf,
  complaintParagraphs,
  demandLetterPages,
  generatedBytes,
  paginate,
  renderScanPng,
  waitFor,
  wrapParagraphs,
} from '@casegraph/testing';
import { API, ApiClient, DocumentRow, pageNumbers, projectDocuments, waitForProject } from './support/api';
import { INVOICES_ATTACHMENT, invoicesEml } from '../support/family-eml';
import {
  APPS,
  App,
  AppContainer,
  NOT_IN_POD,
  appEnv,
  containerState,
  createVolume,
  database,
  databaseUrl,
  describeInPod,
  docker,
  dockerOk,
  exitCodeOf,
  jsonLogs,
  logsOf,
  queues,
  removeContainer,
  report,
  runOnce,
  startApp,
  waitReady,
} from './support/pod';

jest.setTimeout(600_000);

const ATTACHMENT = INVOICES_ATTACHMENT;

describeInPod(`the stack in containers${NOT_IN_POD}`, () => {
  const db = database();
  const q = queues();
  const key = randomBytes(24).toString('hex');
  const api = new ApiClient(key);
  const started: string[] = [];
  const running: Partial<Record<App, AppContainer>> = {};
  let storage = '';
  /** Databases a test made in the stand-in (dropped at the end). */
  const extraDatabases: string[] = [];
  /** Set in afterAll: the watchers of whileUp stop. */
  let finished = false;

  /** Starts an app container (remembered for the cleanup and as the running one of its kind) and waits for ready. */
  async function up(app: App, env: Record<string, string> = {}): Promise<{ c: AppContainer; seconds: number }> {
    const extra = app === 'ingest-api' ? { CASEGRAPH_API_KEYS: key, ...env } : env;
    const c = await startApp(app, { env: extra, storage: app === 'graph-worker' ? undefined : storage });
    started.push(c.name);
    running[app] = c;
    return { c, seconds: await waitReady(c) };
  }

  /** SIGTERM through docker (to tini, PID 1); resolves with the exit code once the container has stopped. */
  async function term(c: AppContainer): Promise<number> {
    await dockerOk(['kill', '--signal', 'TERM', c.name]);
    return exitCodeOf(c.name);
  }

  /** An upload through the API; a failure names the API container's last log lines (its side of the story). */
  async function upload(project: string, files: Parameters<ApiClient['upload']>[1]): Promise<Map<string, string>> {
    try {
      return await api.upload(project, files);
    } catch (err) {
      const c = running['ingest-api'];
      const tail = c ? (await logsOf(c.name)).split('\n').slice(-15).join('\n') : '';
      throw new Error(`${(err as Error).message} (${String((err as Error).cause)})\n--- ingest-api log (tail) ---\n${tail}`);
    }
  }

  /** Stops while a wait runs when the named container has exited (its log in the message). */
  function whileUp(c: AppContainer): () => string | undefined {
    let dead: string | undefined;
    void (async () => {
      for (;;) {
        const s = await containerState(c.name).catch(() => undefined);
        if (!s || !s.Running) {
          dead = `${c.name} exited (${s?.ExitCode}):\n${(await logsOf(c.name)).slice(-3000)}`;
          return;
        }
        if (finished) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    return () => dead;
  }

  beforeAll(async () => {
    storage = await createVolume('storage');
  });

  afterAll(async () => {
    finished = true;
    for (const name of started) await removeContainer(name);
    await docker(['volume', 'rm', '-f', storage]);
    await q.close();
    for (const name of extraDatabases) await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await db.end();
  });

  /** `migrate --check [--wait S]`, the Deployments' init container, in the CLI image (hardened, in the pod). */
  const check = (url: string, ...wait: string[]) =>
    runOnce('cli', { args: ['node', 'dist/apps/cli/main.js', 'migrate', '--check', ...wait], env: appEnv('cli', { DATABASE_URL: url }) });
  const output = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`.slice(-3000);

  it('migrate --check exits 3 naming what is pending (after --wait too), 0 once migrated; migrate is idempotent', async () => {
    // A database of its own, not there yet: what the check sees before the migrate Job has run, whichever spec
    // migrated the stand-in's main database first. `migrate` creates it.
    const fresh = new URL(databaseUrl);
    fresh.pathname = `/casegraph_check_${randomBytes(6).toString('hex')}`;
    extraDatabases.push(fresh.pathname.slice(1));

    const before = await check(fresh.href);
    expect({ code: before.code, stdout: before.stdout }).toEqual({ code: 3, stdout: '' });
    const listed = /^(\d+) migration\(s\) pending: (.+)$/m.exec(before.stderr);
    expect({ stderr: before.stderr, listed: !!listed }).toEqual({ stderr: before.stderr, listed: true });
    const pending = listed![2].split(', ');
    expect(pending.length).toBe(Number(listed![1]));
    expect(pending.length).toBeGreaterThan(0);

    // --wait: it polls until the deadline, then gives up with 3, the same names.
    const t0 = Date.now();
    const waited = await check(fresh.href, '--wait', '5');
    expect({ code: waited.code, stderr: waited.stderr }).toEqual({ code: 3, stderr: before.stderr });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5000);

    const migrated = await runOnce('cli', { env: appEnv('cli', { DATABASE_URL: fresh.href }) });
    expect({ code: migrated.code, output: migrated.code === 0 ? '' : output(migrated) }).toEqual({ code: 0, output: '' });
    const freshDb = new Pool({ connectionString: fresh.href, max: 1 });
    try {
      // What the check named is exactly what migrate applied, in that order.
      const names = await freshDb.query<{ name: string }>('SELECT name FROM casegraph_migrations ORDER BY id');
      expect(names.rows.map((r) => r.name)).toEqual(pending);
    } finally {
      await freshDb.end();
    }
    const after = await check(fresh.href);
    expect({ code: after.code, stdout: after.stdout, stderr: after.stderr }).toEqual({ code: 0, stdout: 'database is up to date\n', stderr: '' });

    // The stand-in's main database, which the apps use: migrated, then once more with nothing to do.
    const first = await runOnce('cli');
    expect({ code: first.code, output: first.code === 0 ? '' : output(first) }).toEqual({ code: 0, output: '' });
    const applied = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM casegraph_migrations')).rows[0].n;
    expect(await applied()).toBe(pending.length);
    const tables = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('projects', 'source_documents', 'document_pages')`,
    );
    expect(tables.rows[0].n).toBe(3);

    const second = await runOnce('cli');
    expect({ code: second.code, output: second.code === 0 ? '' : output(second) }).toEqual({ code: 0, output: '' });
    expect(await applied()).toBe(pending.length);
    const ready = await check(databaseUrl, '--wait', '5');
    expect({ code: ready.code, stdout: ready.stdout, stderr: ready.stderr }).toEqual({ code: 0, stdout: 'database is up to date\n', stderr: '' });
  });

  it('starts ingest-api, ocr-worker and graph-worker hardened (read-only root, no capabilities), each ready', async () => {
    const times = await Promise.all(APPS.map(async (app) => [app, (await up(app)).seconds] as const));
    report({ startupSeconds: Object.fromEntries(times) });
    for (const app of APPS) {
      const host = JSON.parse(await dockerOk(['inspect', '-f', '{{json .HostConfig}}', running[app]!.name])) as {
        ReadonlyRootfs: boolean;
        CapDrop: string[] | null;
      };
      expect({ app, readOnly: host.ReadonlyRootfs, capDrop: host.CapDrop }).toEqual({ app, readOnly: true, capDrop: ['ALL'] });
    }
    // The API asks for the key (CASEGRAPH_API_KEYS) and accepts it.
    expect((await fetch('http://127.0.0.1:3000/v1/projects')).status).toBe(401);
    expect((await api.json('GET', '/v1/projects')).status).toBe(200);
  });

  it('the API container serves its own static files: the web app, the OpenAPI UI and Bull Board', async () => {
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${API}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    };
    // The web app (dist/apps/web in the image): its page, then the script it names.
    const page = await get('/');
    expect([page.status, page.type]).toEqual([200, expect.stringContaining('text/html')]);
    const script = /<script[^>]+src="(\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const bundle = await get(script!);
    expect([bundle.status, bundle.type, bundle.body.length > 1000]).toEqual([200, expect.stringContaining('javascript'), true]);
    // Swagger UI's page and its stylesheet (files of swagger-ui-dist, kept by the pruning).
    const docs = await get('/docs');
    expect([docs.status, docs.body.includes('swagger-ui')]).toEqual([200, true]);
    expect((await get('/docs/swagger-ui.css')).status).toBe(200);
    expect((await get('/docs-json')).status).toBe(200);
    // Bull Board (its UI from @bull-board/ui), behind the key.
    expect((await get('/admin/queues')).status).toBe(401);
    const board = await get('/admin/queues', api.headers);
    expect([board.status, board.type]).toEqual([200, expect.stringContaining('text/html')]);
  });

  it('processes a text PDF, a scan and an e-mail with a PDF attachment uploaded through the API to completed', async () => {
    const t0 = Date.now();
    const project = await api.createProject(`containers ${randomUUID()}`);
    const eml = invoicesEml(ATTACHMENT);
    const accepted = await upload(project, [
      { name: 'complaint.pdf', type: 'application/pdf', bytes: generatedBytes('complaint.pdf') },
      { name: 'scanned-letter.pdf', type: 'application/pdf', bytes: generatedBytes('scanned-letter.pdf') },
      { name: 'invoices.eml', type: 'message/rfc822', bytes: eml },
    ]);
    expect([...accepted.keys()].sort()).toEqual(['complaint.pdf', 'invoices.eml', 'scanned-letter.pdf']);

    const docs = await waitForProject(db, project, 4, 300_000);
    const scenarioSeconds = Math.round((Date.now() - t0) / 100) / 10;
    report({ scenarioSeconds });
    expect([...docs].map(([f, d]) => `${f}:${d.status}:${d.error_message}`).sort()).toEqual(
      ['complaint.pdf', 'invoices.eml', ATTACHMENT, 'scanned-letter.pdf'].map((f) => `${f}:completed:null`).sort(),
    );
    // The attachment is the e-mail's child.
    expect(docs.get(ATTACHMENT)!.parent_document_uuid).toBe(docs.get('invoices.eml')!.document_uuid);

    const text = async (file: string) => (await api.text(docs.get(file)!.document_uuid)).map((p) => p.text).join('\n');
    expect(await text('complaint.pdf')).toContain('Northwind Freight Corporation');
    // tesseract in the OCR container, from the data baked into its image (the pod has no network).
    const scan = (await text('scanned-letter.pdf')).toLowerCase();
    for (const word of ['halvorsen', 'northwind', 'invoices', 'okafor', 'oregon']) expect(scan).toContain(word);
    expect(docs.get('scanned-letter.pdf')!.page_count).toBe(2);
    expect(await text('invoices.eml')).toContain('Halvorsen Marine does not dispute the invoices');
    expect(await text(ATTACHMENT)).toContain('Invoice 1001');

    // By now (the HEALTHCHECKs run every 15 s) Docker itself says each app is healthy: the images' checks work.
    for (const app of APPS) {
      const c = running[app]!;
      await waitFor(async () => JSON.parse(await dockerOk(['inspect', '-f', '{{json .State.Health.Status}}', c.name])) === 'healthy', {
        timeoutMs: 90_000,
        intervalMs: 1000,
        what: `${c.name} to be healthy by its HEALTHCHECK`,
      });
    }
  });

  /** Pages enough to be mid-OCR when the signal comes (tesseract takes seconds a page here). */
  function longScan(): Buffer {
    const letter = demandLetterPages();
    const pages = [...letter, ...letter, ...letter].map((lines, i) => ({ png: renderScanPng([`Page ${i + 1} of 6`, ...lines]).png }));
    return buildMixedPdf(pages);
  }

  /**
   * What Bull itself recorded for a job (its hash in Redis): state, attempts, failure, when it was last taken and
   * finished, how often a stalled-job check moved it back to waiting, and whether a worker holds its lock.
   * Bull 4 counts failed attempts only (job.js moveToFailed → _saveAttempt): a completed job that never failed
   * has attemptsMade 0. moveStalledJobsToWait increments stalledCounter each time it hands a job back.
   */
  interface JobRecord {
    state: string;
    attemptsMade: number;
    failedReason: string | null;
    processedOn: number | null;
    finishedOn: number | null;
    stalledCounter: number;
    locked: boolean;
  }
  async function jobRecord(queue: Bull.Queue, id: string): Promise<JobRecord | null> {
    const job = await queue.getJob(id);
    if (!job) return null;
    const key = queue.toKey(id);
    const hash = await queue.client.hgetall(key);
    const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
    return {
      state: await job.getState(),
      attemptsMade: Number(hash.attemptsMade ?? 0),
      failedReason: hash.failedReason ?? null,
      processedOn: num(hash.processedOn),
      finishedOn: num(hash.finishedOn),
      stalledCounter: Number(hash.stalledCounter ?? 0),
      locked: (await queue.client.exists(`${key}:lock`)) === 1,
    };
  }

  /** A job handed back by a SIGTERMed worker: not finished, not failed, no attempt counted, no lock held (so the
   * next stalled-job check of a worker moves it to waiting), still in `active` or already back in `waiting`. */
  function expectReturned(r: JobRecord | null): void {
    expect(r).toMatchObject({ attemptsMade: 0, failedReason: null, finishedOn: null, locked: false });
    expect(['active', 'waiting']).toContain(r!.state);
  }

  /** A job completed once, by the container started at `startedAt`: taken after it started, finished, never failed,
   * handed back by a stalled-job check `stalled` times (1: the SIGTERMed worker's job; 0: never interrupted). */
  function expectCompletedOnce(r: JobRecord | null, startedAt: number, stalled: number): void {
    expect(r).toMatchObject({ state: 'completed', attemptsMade: 0, failedReason: null, stalledCounter: stalled, locked: false });
    expect(r!.processedOn).toBeGreaterThanOrEqual(startedAt);
    expect(r!.finishedOn).toBeGreaterThanOrEqual(r!.processedOn!);
  }

  /** The log lines of a container that say a stage completed for the document (the workers' own "done" lines). */
  async function completions(name: string, pattern: RegExp): Promise<string[]> {
    return (await jsonLogs(name)).map((l) => String(l.msg)).filter((m) => pattern.test(m));
  }
  const ocrDone = (doc: string) => new RegExp(`^ocr completed for ${doc}:`);
  const graphDone = (doc: string) => new RegExp(`^document ${doc} \\(project `);

  async function row(documentUuid: string): Promise<DocumentRow> {
    const r = await db.query<DocumentRow>('SELECT * FROM source_documents WHERE document_uuid = $1', [documentUuid]);
    return r.rows[0];
  }

  /** SIGTERM to a worker mid-job with a short grace: exit 0 (not 143: tini hands the signal to node), not OOM, and
   * its log says it returned the job to the queue. */
  async function expectHandedBack(c: AppContainer): Promise<void> {
    const code = await term(c);
    const state = await containerState(c.name);
    expect({ code, oomKilled: state.OOMKilled, log: code === 0 ? '' : (await logsOf(c.name)).slice(-3000) }).toEqual({
      code: 0,
      oomKilled: false,
      log: '',
    });
    const logs = await jsonLogs(c.name);
    expect(logs.some((l) => /SIGTERM received/.test(String(l.msg)))).toBe(true);
    expect(logs.some((l) => /returning them to the queue/.test(String(l.msg)))).toBe(true);
  }

  it('ocr-worker: SIGTERM mid-job exits 0, hands the job back, and a fresh container finishes it once', async () => {
    // Idle first: the running worker stops at once with 0.
    const idle = running['ocr-worker']!;
    expect(await term(idle)).toBe(0);

    const { c: short } = await up('ocr-worker', { SHUTDOWN_GRACE_MS: '1000' });
    const project = await api.createProject(`containers ocr sigterm ${randomUUID()}`);
    const doc = (await upload(project, [{ name: 'long-scan.pdf', type: 'application/pdf', bytes: longScan() }])).get('long-scan.pdf')!;
    const alive = whileUp(short);
    await waitFor(
      async () => {
        const job = await q.ocr.getJob(doc);
        return !!job && (await job.isActive()) && (await row(doc)).ocr_status === 'processing';
      },
      { timeoutMs: 180_000, intervalMs: 100, what: 'the OCR container to be running the job', abort: alive },
    );
    await expectHandedBack(short);

    // Not finished, not lost: Bull has the job unfinished, unfailed, no attempt counted, its lock dropped; the
    // container wrote no pages and started no graph job; its log never says the OCR completed.
    expectReturned(await jobRecord(q.ocr, doc));
    expect(await pageNumbers(db, doc)).toEqual([]);
    expect(await q.graph.getJob(doc)).toBeNull();
    expect(await completions(short.name, ocrDone(doc))).toEqual([]);

    // A fresh container takes it back at a stalled-job check and completes it (the graph stage too).
    const { c: fresh } = await up('ocr-worker');
    const freshStart = Date.parse((await containerState(fresh.name)).StartedAt);
    const done = await waitForProject(db, project, 1, 300_000, whileUp(fresh));
    expect(done.get('long-scan.pdf')).toMatchObject({ status: 'completed', ocr_status: 'completed', error_message: null, page_count: 6 });
    expect(await pageNumbers(db, doc)).toEqual([1, 2, 3, 4, 5, 6]);
    // Once: moved back to waiting once, taken by the fresh container, completed with no failed attempt; one
    // "ocr completed" line in all, in the fresh container's log; the graph stage ran once, never interrupted.
    expectCompletedOnce(await jobRecord(q.ocr, doc), freshStart, 1);
    expect({
      short: (await completions(short.name, ocrDone(doc))).length,
      fresh: (await completions(fresh.name, ocrDone(doc))).length,
    }).toEqual({ short: 0, fresh: 1 });
    const graph = running['graph-worker']!;
    expectCompletedOnce(await jobRecord(q.graph, doc), freshStart, 0);
    expect(await completions(graph.name, graphDone(doc))).toHaveLength(1);
    const fourth = (await api.text(doc)).find((p) => p.page === 4)!.text;
    expect(fourth.toLowerCase()).toContain('page 4 of 6');
  });

  /** A long text-layer filing: OCR is quick (pdfjs), the graph stage has a lot to do. */
  function longFiling(): Buffer {
    const paragraphs = complaintParagraphs();
    const many = Array.from({ length: 12 }, (_, i) => paragraphs.map((p) => (i === 0 ? p : `${p} (repeated ${i})`))).flat();
    return buildTextPdf(paginate(wrapParagraphs(many), 48));
  }

  it('graph-worker: SIGTERM mid-job exits 0, hands the job back, and a fresh container finishes it once', async () => {
    const idle = running['graph-worker']!;
    expect(await term(idle)).toBe(0);

    const { c: short } = await up('graph-worker', { SHUTDOWN_GRACE_MS: '1000' });
    const project = await api.createProject(`containers graph sigterm ${randomUUID()}`);
    const doc = (await upload(project, [{ name: 'long-filing.pdf', type: 'application/pdf', bytes: longFiling() }])).get('long-filing.pdf')!;
    const alive = whileUp(short);
    const graphStages = (r: DocumentRow & Record<string, unknown>) =>
      ['chunking_status', 'entities_status', 'resolution_status', 'relationships_status'].some((s) => r[s] === 'processing');
    await waitFor(
      async () => {
        const job = await q.graph.getJob(doc);
        return !!job && (await job.isActive()) && graphStages((await row(doc)) as DocumentRow & Record<string, unknown>);
      },
      { timeoutMs: 240_000, intervalMs: 50, what: 'the graph container to be running the job', abort: alive },
    );
    await expectHandedBack(short);
    expectReturned(await jobRecord(q.graph, doc));
    expect((await row(doc)).status).not.toBe('completed');
    expect(await completions(short.name, graphDone(doc))).toEqual([]);

    const { c: fresh } = await up('graph-worker');
    const freshStart = Date.parse((await containerState(fresh.name)).StartedAt);
    const done = await waitForProject(db, project, 1, 300_000, whileUp(fresh));
    expect(done.get('long-filing.pdf')).toMatchObject({ status: 'completed', error_message: null });
    // Once: handed back once, taken and completed by the fresh container, no failed attempt, one completion line.
    expectCompletedOnce(await jobRecord(q.graph, doc), freshStart, 1);
    expect({
      short: (await completions(short.name, graphDone(doc))).length,
      fresh: (await completions(fresh.name, graphDone(doc))).length,
    }).toEqual({ short: 0, fresh: 1 });
    const mentions = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM entity_mentions WHERE document_uuid = $1', [doc]);
    expect(mentions.rows[0].n).toBeGreaterThan(0);
  });

  it('ingest-api: SIGTERM mid-upload finishes that upload (Connection: close), exits 0; a new container serves it', async () => {
    const project = await api.createProject(`containers api sigterm ${randomUUID()}`);
    const content = generatedBytes('complaint.pdf');
    const boundary = 'casegraph-containers-drain';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="drain.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let req!: ReturnType<typeof request>;
    const response = new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
      req = request(
        {
          host: '127.0.0.1',
          port: 3000,
          method: 'POST',
          path: `/v1/projects/${project}/documents`,
          headers: {
            Authorization: `Bearer ${key}`,
            'Content-Type': `multipart/form-data; boundary=${boundary}`,
            'Content-Length': head.length + content.length + tail.length,
          },
        },
        (res: IncomingMessage) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
        },
      );
      req.on('error', reject);
    });
    // Half the body, slowly: the request is in flight when the signal arrives.
    req.write(head);
    req.write(content.subarray(0, 32 * 1024));
    await new Promise((r) => setTimeout(r, 500));
    req.write(content.subarray(32 * 1024, 64 * 1024));
    const apiContainer = running['ingest-api']!;
    await dockerOk(['kill', '--signal', 'TERM', apiContainer.name]);
    await new Promise((r) => setTimeout(r, 500));
    req.write(content.subarray(64 * 1024));
    req.end(tail);
    const res = await response;
    expect({ status: res.status, body: res.status === 202 ? '' : res.body }).toEqual({ status: 202, body: '' });
    expect(res.connection).toBe('close');
    const uploaded = (JSON.parse(res.body) as { documents: Array<{ documentUuid: string }> }).documents[0].documentUuid;

    const code = await exitCodeOf(apiContainer.name);
    expect({ code, log: code === 0 ? '' : (await logsOf(apiContainer.name)).slice(-3000) }).toEqual({ code: 0, log: '' });
    expect((await jsonLogs(apiContainer.name)).some((l) => /SIGTERM received/.test(String(l.msg)))).toBe(true);

    // A new API container serves again, and the upload is whole: one document, its bytes as sent, processed.
    const { seconds } = await up('ingest-api');
    report({ restartSeconds: { 'ingest-api': seconds } });
    const docs = await waitForProject(db, project, 1, 300_000);
    expect([...docs.keys()]).toEqual(['drain.pdf']);
    expect(docs.get('drain.pdf')).toMatchObject({ document_uuid: uploaded, status: 'completed', error_message: null });
    expect(docs.get('drain.pdf')!.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect((await api.file(uploaded)).equals(content)).toBe(true);
    expect((await projectDocuments(db, project)).length).toBe(1);
  });
});
