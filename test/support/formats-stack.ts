/**
 * One project on the whole pipeline (ingest-api in-process, ocr-worker and graph-worker from PipelineStack, real
 * PostgreSQL and Redis) for the issue-14 format specs, read and written through the REST API only: upload
 * (multipart `files` + optional `password`), wait for each document to be completed or failed, its text, its file,
 * the project's entities and graph. `close` deletes the project's rows (graph rows, pages, documents with their
 * occurrences and secrets), its Redis keys (Bull prefix, context, state, progress) and its storage.
 * Output of a child-process worker is kept (`workerOutput`) so specs can search the logs for secrets.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import Redis from 'ioredis';
import { redisKeys } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import { waitFor } from '@casegraph/testing';
import { cleanupTestData } from '../../apps/ingest-api/src/testing/test-app';
import { PipelineStack } from './pipeline-harness';

export interface UploadFile {
  name: string;
  bytes: Buffer;
}

export interface FormatsStackOptions {
  /** How the OCR worker runs: a child keeps its output (logs) for inspection. Default in-process. */
  ocr?: 'in-process' | 'child';
  /** Extra env for every app. */
  env?: Record<string, string>;
  /** Extra env for the OCR worker only. */
  ocrEnv?: Record<string, string>;
}

/** A document as the API answers it (the fields the specs read). */
export interface ApiDocument {
  documentUuid: string;
  projectUuid: string | null;
  filename: string;
  status: string;
  failedStage: string | null;
  error: string | null;
  pageCount: number | null;
  detectedFileType: string | null;
  sha256: string | null;
  stages: { ocr: { status: string; pagesDone?: number; pageCount?: number } };
  family: {
    parent: { documentUuid: string; filename: string | null; attachmentIndex: number | null; path: string | null } | null;
    children: Array<{ documentUuid: string; filename: string | null; attachmentIndex: number | null; path: string | null; status: string }>;
  };
  occurrences: Array<{
    source: string;
    custodian: string | null;
    path: string | null;
    parentDocumentUuid: string | null;
    attachmentIndex: number | null;
  }>;
  metadata: Record<string, any>;
  bates: { first: string; last: string } | null;
}

export interface TextPage {
  page: number;
  part: string | null;
  bates: string | null;
  text: string;
}

const DONE = ['completed', 'failed'];

export class FormatsStack {
  /** 32 random bytes, hex: the stack's DOCUMENT_PASSWORD_KEY. */
  readonly passwordKey = randomBytes(32).toString('hex');
  stack!: PipelineStack;
  projectId!: number;
  projectUuid!: string;
  /** Other projects this stack created (project()). */
  readonly extraProjects: Array<{ id: number; projectUuid: string }> = [];
  private output = '';
  private api = '';
  private restoreStdio: Array<() => void> = [];

  static async start(label: string, opts: FormatsStackOptions = {}): Promise<FormatsStack> {
    const f = new FormatsStack();
    // What the in-process apps write to stdout / stderr (Nest's logger, console), kept and passed on.
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
      stream.write = (chunk: unknown, ...rest: unknown[]) => {
        f.api += typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
        return write(chunk, ...rest);
      };
      f.restoreStdio.push(() => (stream.write = write as typeof stream.write));
    }
    const env = { DOCUMENT_PASSWORD_KEY: f.passwordKey, ...(opts.env ?? {}) };
    f.stack = await PipelineStack.start({ env });
    try {
      const ocr = await f.stack.startWorker('ocr', opts.ocr ?? 'in-process', opts.ocrEnv ?? {});
      for (const s of [ocr.child?.stdout, ocr.child?.stderr]) s?.on('data', (b: Buffer) => (f.output += b.toString('utf8')));
      await f.stack.startWorker('graph', 'in-process');
      const p = await f.newProject(label);
      f.projectId = p.id;
      f.projectUuid = p.projectUuid;
    } catch (err) {
      await f.close();
      throw err;
    }
    return f;
  }

  get http(): any {
    return this.stack.api.http;
  }

  get db() {
    return this.stack.db;
  }

  /** Everything a child-process worker wrote (stdout and stderr) since it started. */
  workerOutput(): string {
    return this.output;
  }

  /** Everything written to this process's stdout / stderr since start (the in-process apps' logs). */
  apiOutput(): string {
    return this.api;
  }

  /** Another project of this stack (deleted by close). */
  async newProject(label: string): Promise<{ id: number; projectUuid: string }> {
    const res = await request(this.http)
      .post('/v1/projects')
      .send({ name: `test-ingest formats ${label} ${randomUUID().slice(0, 8)}` });
    if (res.status !== 201) throw new Error(`project not created: ${res.status} ${JSON.stringify(res.body)}`);
    const p = { id: res.body.id as number, projectUuid: res.body.projectUuid as string };
    this.extraProjects.push(p);
    return p;
  }

  /** POST the files (and an optional password) to the project; answers the raw response. */
  async uploadRaw(files: UploadFile[], opts: { password?: string; projectUuid?: string } = {}): Promise<request.Response> {
    let req = request(this.http).post(`/v1/projects/${opts.projectUuid ?? this.projectUuid}/documents`);
    if (opts.password !== undefined) req = req.field('password', opts.password);
    for (const f of files) req = req.attach('files', f.bytes, f.name);
    const res = await req;
    for (const d of (res.body?.documents ?? []) as Array<{ documentUuid: string }>) this.stack.documentUuids.add(d.documentUuid);
    return res;
  }

  /** Uploads and expects 202; answers the document UUIDs in file order. */
  async upload(files: UploadFile[], opts: { password?: string; projectUuid?: string } = {}): Promise<string[]> {
    const res = await this.uploadRaw(files, opts);
    if (res.status !== 202) throw new Error(`upload refused: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body.documents as Array<{ documentUuid: string }>).map((d) => d.documentUuid);
  }

  async doc(uuid: string): Promise<ApiDocument> {
    const res = await request(this.http).get(`/v1/documents/${uuid}`);
    if (res.status !== 200) throw new Error(`GET /v1/documents/${uuid}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as ApiDocument;
  }

  /** Waits (bounded) until each document is completed or failed, through GET /v1/documents/:id. */
  async waitDone(uuids: string[], timeoutMs = 90_000): Promise<ApiDocument[]> {
    let docs: ApiDocument[] = [];
    await waitFor(
      async () => {
        docs = await Promise.all(uuids.map((u) => this.doc(u)));
        return docs.every((d) => DONE.includes(d.status));
      },
      {
        timeoutMs,
        intervalMs: 250,
        what: 'documents to be completed or failed',
        detail: () => JSON.stringify(docs.map((d) => ({ f: d.filename, s: d.status, stage: d.failedStage, e: d.error }))),
      },
    );
    return docs;
  }

  /**
   * Waits until the document is done and, when it completed, until it lists `children` children that are all
   * done too (children are created by its OCR stage). Answers the parent and its children in attachment order.
   */
  async waitFamily(uuid: string, children: number, timeoutMs = 90_000): Promise<{ parent: ApiDocument; children: ApiDocument[] }> {
    let parent: ApiDocument | undefined;
    let kids: ApiDocument[] = [];
    await waitFor(
      async () => {
        parent = await this.doc(uuid);
        if (!DONE.includes(parent.status)) return false;
        if (parent.family.children.length < children) return parent.status === 'failed';
        kids = await Promise.all(parent.family.children.map((c) => this.doc(c.documentUuid)));
        return kids.every((d) => DONE.includes(d.status));
      },
      {
        timeoutMs,
        intervalMs: 250,
        what: `document ${uuid} and its ${children} children to be done`,
        detail: () =>
          JSON.stringify({
            parent: parent && { s: parent.status, e: parent.error, family: parent.family },
            kids: kids.map((k) => [k.filename, k.status, k.error]),
          }),
      },
    );
    return { parent: parent!, children: kids };
  }

  async text(uuid: string, page?: number): Promise<{ status: number; pages: TextPage[]; pageCount?: number; body: any }> {
    const res = await request(this.http)
      .get(`/v1/documents/${uuid}/text`)
      .query(page === undefined ? {} : { page: String(page) });
    return { status: res.status, pages: res.body?.pages ?? [], pageCount: res.body?.pageCount, body: res.body };
  }

  async file(uuid: string): Promise<request.Response> {
    return request(this.http)
      .get(`/v1/documents/${uuid}/file`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  }

  /** The project's entities (GET /v1/projects/:p/entities), optionally of one type / matching q. */
  async entities(
    query: Record<string, string> = {},
    projectUuid = this.projectUuid,
  ): Promise<Array<{ uuid: string; type: string; name: string; aliases: string[]; mentionCount: number }>> {
    const res = await request(this.http)
      .get(`/v1/projects/${projectUuid}/entities`)
      .query({ pageSize: '100', ...query });
    if (res.status !== 200) throw new Error(`GET entities: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items;
  }

  /** The project's graph (GET /v1/projects/:p/graph) with these relationship types; answers the raw response. */
  async graph(relationshipTypes: string[], projectUuid = this.projectUuid): Promise<request.Response> {
    return request(this.http)
      .get(`/v1/projects/${projectUuid}/graph`)
      .query({ relationshipTypes: relationshipTypes.join(','), minWeight: '0' });
  }

  /** Every document row of the stack's projects (children included). */
  async projectDocuments(): Promise<string[]> {
    const rows: Array<{ document_uuid: string }> = await this.db.query(
      `SELECT document_uuid FROM source_documents WHERE project_fk_id = ANY($1::int[])`,
      [this.extraProjects.map((p) => p.id)],
    );
    return rows.map((r) => r.document_uuid);
  }

  async close(): Promise<void> {
    if (!this.stack) {
      for (const r of this.restoreStdio.splice(0)) r();
      return;
    }
    try {
      // Workers first, so nothing writes while the rows go.
      for (const w of this.stack.workers.splice(0)) await w.stop().catch(() => undefined);
      const uuids = this.extraProjects.map((p) => p.projectUuid);
      const docs = await this.projectDocuments().catch(() => [] as string[]);
      docs.forEach((d) => this.stack.documentUuids.add(d));
      for (const table of ['relationship_staging', 'relationship_contributions', 'entity_mentions', 'canonical_entities', 'document_chunks']) {
        await this.db.query(`DELETE FROM ${table} WHERE project_uuid = ANY($1::uuid[])`, [uuids]).catch(() => undefined);
      }
      await this.db.query(`DELETE FROM document_pages WHERE document_uuid = ANY($1::uuid[])`, [docs]).catch(() => undefined);
      await cleanupTestData(
        this.stack.api,
        this.extraProjects.map((p) => p.id),
      );
      const redis = new Redis({ ...redisOptionsFromUrl(process.env.REDIS_URL!), lazyConnect: true, maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        if (docs.length) await redis.del(...docs.map((d) => redisKeys.docProgress(d)));
      } finally {
        redis.disconnect();
      }
    } finally {
      await this.stack.close();
      for (const r of this.restoreStdio.splice(0)) r();
    }
  }
}
