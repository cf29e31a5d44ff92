/**
 * The real stack the browser tests drive: the web app built by tools/build-web.js into a folder of the suite's own,
 * ingest-api (in-process, its real AppModule + configureApp) listening on a free port and serving that folder
 * (WEB_DIST_DIR), the OCR and graph workers in-process (PipelineStack: private Bull prefix and storage folder),
 * real PostgreSQL and Redis. Two API keys: `admin` (unbound) and `bound` (bound to a project created here, in SQL,
 * with the UUID the key names: the key list is fixed when the API boots, so the UUID is chosen first).
 *
 * Seeding goes through the REST API with the admin key (`seed*`), so a test only drives the page it is about.
 * `close` stops everything and deletes every project the suite made (by UUID, and by the name prefix for projects
 * created in the browser), their rows, Redis keys, the build folder and the storage folder.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { waitFor } from '@casegraph/testing';
import type { TestProject } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { cleanupCuration } from '../ingest-api/curation-support';
import { PipelineStack } from './pipeline-harness';
import type { BrowserContext } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- tools/build-web.js is plain CommonJS, outside the TS program
const { buildWeb } = require('../../tools/build-web.js') as { buildWeb: (o: { outDir: string }) => Promise<{ outDir: string; files: string[] }> };

export const SESSION_COOKIE = 'casegraph_session';

export interface SeedFile {
  name: string;
  bytes: Buffer;
}

export interface WebStackOptions {
  /** Start the OCR and graph workers (default true); a suite that only reads seeded rows may skip them. */
  workers?: boolean;
  /** Extra env for ingest-api. */
  apiEnv?: Record<string, string>;
}

const DONE = ['completed', 'failed'];

export class WebStack {
  /** The unbound key (name `admin`) and the key bound to `boundProject` (name `bound`). */
  readonly adminKey = `adm-${randomBytes(18).toString('hex')}`;
  readonly boundKey = `bnd-${randomBytes(18).toString('hex')}`;
  /** Every project name of the suite ends with this tag (projects made in the browser too), so close() finds them. */
  readonly nameTag = `(test-ingest web ${randomUUID().slice(0, 8)})`;
  readonly webDir = mkdtempSync(join(tmpdir(), 'casegraph-web-'));
  readonly boundProjectUuid = randomUUID();
  stack!: PipelineStack;
  baseURL = '';
  boundProject!: TestProject;
  private readonly projects: TestProject[] = [];

  static async start(opts: WebStackOptions = {}): Promise<WebStack> {
    const w = new WebStack();
    try {
      await buildWeb({ outDir: w.webDir });
      w.stack = await PipelineStack.start({
        apiEnv: {
          WEB_DIST_DIR: w.webDir,
          CASEGRAPH_API_KEYS: `admin=${w.adminKey},bound=${w.boundKey}:${w.boundProjectUuid}`,
          ...(opts.apiEnv ?? {}),
        },
      });
      // The key only names the UUID; the project row exists before any request can use it.
      const bound = w.projectName('Bound key project');
      const [row]: Array<{ id: number }> = await w.db.query('INSERT INTO projects (name, project_uuid) VALUES ($1, $2) RETURNING id', [
        bound,
        w.boundProjectUuid,
      ]);
      w.boundProject = { id: row.id, projectUuid: w.boundProjectUuid, name: bound };
      w.projects.push(w.boundProject);
      if (opts.workers ?? true) {
        await w.stack.startWorker('ocr', 'in-process');
        await w.stack.startWorker('graph', 'in-process');
      }
      await w.stack.api.app.listen(0, '127.0.0.1');
      const port = (w.stack.api.app.getHttpServer().address() as AddressInfo).port;
      w.baseURL = `http://127.0.0.1:${port}`;
    } catch (err) {
      await w.close();
      throw err;
    }
    return w;
  }

  get db() {
    return this.stack.db;
  }

  get http(): any {
    return this.stack.api.http;
  }

  /** A request with the admin key (or `key`) in the header, as a script would call the API. */
  api(method: 'get' | 'post' | 'patch' | 'delete', path: string, key = this.adminKey): request.Test {
    return request(this.http)[method](path).set('X-API-Key', key);
  }

  /** A project name of this suite: what a user would call it, then the suite's tag. */
  projectName(label: string): string {
    return `${label} ${this.nameTag}`;
  }

  /** A project made through the API (deleted by close). */
  async seedProject(label: string): Promise<TestProject> {
    const name = this.projectName(label);
    const res = await this.api('post', '/v1/projects').send({ name });
    if (res.status !== 201) throw new Error(`project not created: ${res.status} ${JSON.stringify(res.body)}`);
    const p = { id: res.body.id as number, projectUuid: res.body.projectUuid as string, name };
    this.projects.push(p);
    return p;
  }

  /** Uploads files to a project through the API; answers the documents' UUIDs in file order. */
  async seedFiles(projectUuid: string, files: SeedFile[]): Promise<string[]> {
    let req = this.api('post', `/v1/projects/${projectUuid}/documents`);
    for (const f of files) req = req.attach('files', f.bytes, f.name);
    const res = await req;
    if (res.status !== 202) throw new Error(`upload refused: ${res.status} ${JSON.stringify(res.body)}`);
    const uuids = (res.body.documents as Array<{ documentUuid: string }>).map((d) => d.documentUuid);
    uuids.forEach((u) => this.stack.documentUuids.add(u));
    return uuids;
  }

  /**
   * Waits (bounded) until the project holds at least `count` documents (children included) and every one is
   * completed or failed. Answers them by file name.
   */
  async waitForProject(
    projectUuid: string,
    count: number,
    timeoutMs = 120_000,
  ): Promise<Map<string, { documentUuid: string; status: string; error: string | null }>> {
    let rows: Array<{ document_uuid: string; original_file_name: string; status: string; error_message: string | null }> = [];
    await waitFor(
      async () => {
        rows = await this.db.query(`SELECT document_uuid, original_file_name, status, error_message FROM source_documents WHERE project_uuid = $1`, [
          projectUuid,
        ]);
        rows.forEach((r) => this.stack.documentUuids.add(r.document_uuid));
        return rows.length >= count && rows.every((r) => DONE.includes(r.status));
      },
      { timeoutMs, intervalMs: 250, what: `${count} documents of ${projectUuid} to be done`, detail: () => JSON.stringify(rows) },
    );
    return new Map(rows.map((r) => [r.original_file_name, { documentUuid: r.document_uuid, status: r.status, error: r.error_message }]));
  }

  /**
   * Signs a browser context in without the login page (for tests that are not about it): the session cookie the
   * API sets for POST /v1/session, put into the context as the browser would have kept it.
   */
  async signIn(context: BrowserContext, key = this.adminKey): Promise<void> {
    const res = await request(this.http).post('/v1/session').send({ key });
    if (res.status !== 200) throw new Error(`POST /v1/session: ${res.status} ${JSON.stringify(res.body)}`);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const raw = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!raw) throw new Error(`POST /v1/session set no ${SESSION_COOKIE} cookie: ${JSON.stringify(cookies)}`);
    const value = raw.slice(SESSION_COOKIE.length + 1).split(';')[0];
    await context.addCookies([{ name: SESSION_COOKIE, value, url: this.baseURL, httpOnly: true, sameSite: 'Strict' }]);
  }

  async close(): Promise<void> {
    try {
      if (this.stack) {
        // Workers first, so nothing writes while the rows go.
        for (const w of this.stack.workers.splice(0)) await w.stop().catch(() => undefined);
        const made: TestProject[] = await this.db
          .query(`SELECT id, project_uuid::text AS "projectUuid", name FROM projects WHERE name LIKE $1`, [`%${this.nameTag}`])
          .catch(() => []);
        const all = [...this.projects, ...made.filter((m) => !this.projects.some((p) => p.id === m.id))];
        const docs: Array<{ document_uuid: string }> = await this.db
          .query(`SELECT document_uuid FROM source_documents WHERE project_fk_id = ANY($1::int[])`, [all.map((p) => p.id)])
          .catch(() => []);
        docs.forEach((d) => this.stack.documentUuids.add(d.document_uuid));
        await cleanupCuration(this.db, all);
      }
    } finally {
      await this.stack?.close();
      rmSync(this.webDir, { recursive: true, force: true });
    }
  }
}
