/**
 * A small stand-in for the CaseGraph REST API, speaking the same routes and JSON
 * shapes (apps/ingest-api DTOs), for testing the ingest CLI as the client it is.
 * Documents advance one step through the stages each time their state is read.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

const STAGES = ['ocr', 'chunking', 'entities', 'resolution', 'relationships'] as const;

export interface FilePlan {
  /** Refuse any upload request that contains this file (all-or-nothing, like the API). */
  refuse?: { status: number; message: string };
  /** Fail the document in this stage with `error`. */
  failAt?: (typeof STAGES)[number];
  error?: string;
  pages?: number;
  /** Never finishes. */
  hang?: boolean;
}

export interface FakeApiOptions {
  key?: string;
  plans?: Record<string, FilePlan>;
  /** Answer the first N GET /v1/documents/:id with 429. */
  throttleFirstGets?: number;
  /** Leave pageCount out of document answers. */
  noPageCount?: boolean;
}

interface Doc {
  documentUuid: string;
  projectUuid: string;
  filename: string;
  sha256: string;
  bytes: Buffer;
  /** Steps taken: 0 = pending, then 2 per stage (processing, completed). */
  step: number;
  plan: FilePlan;
  createdAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
}

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  readonly projects = new Map<string, { id: number; projectUuid: string; name: string }>();
  readonly docs = new Map<string, Doc>();
  private server?: Server;
  private throttled = 0;

  constructor(private readonly opts: FakeApiOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => this.send(res, 500, { statusCode: 500, error: 'Internal Server Error', message: err.message }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  count(method: string, pattern: RegExp): number {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path)).length;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, message: string): void {
    this.send(res, status, { statusCode: status, error: String(status), message });
  }

  private view(d: Doc) {
    const failIdx = d.plan.failAt ? STAGES.indexOf(d.plan.failAt) : -1;
    const stages: Record<string, { status: string; startedAt: string | null; finishedAt: string | null }> = {};
    let status = d.step === 0 ? 'pending' : 'processing';
    let currentStage: string | null = null;
    let failedStage: string | null = null;
    STAGES.forEach((s, i) => {
      const started = d.step >= 2 * i + 1;
      const finished = d.step >= 2 * i + 2;
      let st = finished ? 'completed' : started ? 'processing' : 'pending';
      if (i === failIdx && finished) {
        st = 'failed';
        status = 'failed';
        failedStage = s;
      }
      if (st === 'processing') currentStage = s;
      stages[s] = { status: st, startedAt: started ? new Date().toISOString() : null, finishedAt: finished ? new Date().toISOString() : null };
    });
    if (status !== 'failed' && d.step >= 2 * STAGES.length) status = 'completed';
    return {
      documentUuid: d.documentUuid,
      projectUuid: d.projectUuid,
      filename: d.filename,
      status,
      currentStage,
      failedStage,
      stages,
      error: status === 'failed' ? (d.plan.error ?? 'broken') : null,
      ...(this.opts.noPageCount ? {} : { pageCount: status === 'completed' ? (d.plan.pages ?? 1) : null }),
    };
  }

  private advance(d: Doc): void {
    const v = this.view(d);
    if (v.status === 'completed' || v.status === 'failed' || d.plan.hang) return;
    d.step++;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    this.requests.push({ method: req.method ?? '', path: `${path}${url.search}`, authorization: req.headers.authorization });
    if (this.opts.key) {
      const auth = req.headers.authorization;
      if (!auth) return this.error(res, 401, 'Missing API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
      if (auth !== `Bearer ${this.opts.key}`) return this.error(res, 401, 'Invalid API key');
    }
    let m: RegExpMatchArray | null;

    if (req.method === 'POST' && path === '/v1/projects') {
      const body = JSON.parse(await readBody(req)) as { name?: string };
      const existing = [...this.projects.values()].find((p) => p.name === body.name);
      if (existing) return this.send(res, 200, existing);
      const p = { id: this.projects.size + 1, projectUuid: randomUUID(), name: body.name ?? '' };
      this.projects.set(p.projectUuid, p);
      return this.send(res, 201, p);
    }

    if (req.method === 'POST' && (m = path.match(/^\/v1\/projects\/([^/]+)\/documents$/))) {
      const projectUuid = m[1];
      if (!this.projects.has(projectUuid)) return this.error(res, 404, `Project ${projectUuid} not found`);
      const request = new Request('http://x/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: await readBuffer(req),
      });
      const form = await request.formData();
      const fields = [...form.keys()];
      if (fields.some((f) => f !== 'files')) return this.error(res, 400, `unexpected field ${fields.find((f) => f !== 'files')}`);
      const files = form.getAll('files') as File[];
      if (!files.length) return this.error(res, 400, 'no files');
      for (const f of files) {
        const refuse = this.opts.plans?.[f.name]?.refuse;
        if (refuse) return this.error(res, refuse.status, `files[${files.indexOf(f)}] (${f.name}): ${refuse.message}`);
      }
      const out = [];
      for (const f of files) {
        const bytes = Buffer.from(await f.arrayBuffer());
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const dup = [...this.docs.values()].find((d) => d.projectUuid === projectUuid && d.sha256 === sha256);
        if (dup) {
          out.push({ documentUuid: dup.documentUuid, filename: f.name, status: this.view(dup).status, duplicateOf: dup.documentUuid });
          continue;
        }
        const d: Doc = {
          documentUuid: randomUUID(),
          projectUuid,
          filename: f.name,
          sha256,
          bytes,
          step: 0,
          plan: this.opts.plans?.[f.name] ?? {},
          createdAt: Date.now() + this.docs.size,
        };
        this.docs.set(d.documentUuid, d);
        out.push({ documentUuid: d.documentUuid, filename: f.name, status: 'pending' });
      }
      return this.send(res, 202, { projectUuid, documents: out, enqueued: true });
    }

    if (req.method === 'GET' && (m = path.match(/^\/v1\/documents\/([^/]+)$/))) {
      if (this.throttled < (this.opts.throttleFirstGets ?? 0)) {
        this.throttled++;
        return this.send(res, 429, { statusCode: 429, error: 'Too Many Requests', message: 'slow down' }, { 'retry-after': '1' });
      }
      const d = this.docs.get(m[1]);
      if (!d) return this.error(res, 404, 'Document not found');
      this.advance(d);
      return this.send(res, 200, this.view(d));
    }

    if (req.method === 'GET' && (m = path.match(/^\/v1\/projects\/([^/]+)\/documents$/))) {
      const page = Number(url.searchParams.get('page') ?? 1);
      const pageSize = Number(url.searchParams.get('pageSize') ?? 50);
      const all = [...this.docs.values()].filter((d) => d.projectUuid === m![1]).sort((a, b) => b.createdAt - a.createdAt);
      const items = all.slice((page - 1) * pageSize, page * pageSize);
      for (const d of items) this.advance(d);
      return this.send(res, 200, { page, pageSize, total: all.length, items: items.map((d) => this.view(d)) });
    }

    if (req.method === 'GET' && (m = path.match(/^\/v1\/projects\/([^/]+)\/entities$/))) {
      const entities = [
        { uuid: 'e1', type: 'ORG', name: 'Free Software Foundation', mentionCount: 9 },
        { uuid: 'e2', type: 'ORG', name: 'Apache Software Foundation', mentionCount: 4 },
        { uuid: 'e3', type: 'DATE', name: '29 June 2007', mentionCount: 2 },
        { uuid: 'e4', type: 'URL', name: 'https://www.gnu.org/licenses/', mentionCount: 3 },
      ];
      const type = url.searchParams.get('type');
      const items = type ? entities.filter((e) => e.type === type) : entities;
      return this.send(res, 200, { page: 1, pageSize: 50, total: items.length, items });
    }

    if (req.method === 'GET' && (m = path.match(/^\/v1\/projects\/([^/]+)\/graph$/))) {
      return this.send(res, 200, {
        nodes: [
          { id: 'e1', label: 'Free Software Foundation', type: 'ORG' },
          { id: 'e2', label: 'Apache Software Foundation', type: 'ORG' },
          { id: 'e4', label: 'https://www.gnu.org/licenses/', type: 'URL' },
          { id: 'd1', label: 'GPL-3.pdf', type: 'DOCUMENT' },
        ],
        edges: [
          { source: 'e1', target: 'e4', type: 'CO_OCCURS', weight: 7 },
          { source: 'e1', target: 'e2', type: 'CO_OCCURS', weight: 2 },
          { source: 'e1', target: 'd1', type: 'MENTIONED_IN', weight: 9 },
        ],
      });
    }

    return this.error(res, 404, `Cannot ${req.method} ${path}`);
  }
}

function readBuffer(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBuffer(req)).toString('utf8');
}
