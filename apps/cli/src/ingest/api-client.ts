/**
 * A small client for the CaseGraph REST API (Node's global fetch, FormData and
 * file-backed Blobs, so uploads stream from disk). Errors come out as ApiError
 * (the server answered) or ApiUnreachableError (it did not), each with a message
 * written for the person at the terminal.
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { InputFile } from './files';
import type { ProductionImportedDocument, ProductionUnreadableRecord } from '@casegraph/contracts';

export interface ProjectRef {
  id?: number;
  projectUuid: string;
  name: string;
}

export interface StageState {
  status: string;
  /** OCR only: pages read so far, out of pageCount (while the stage runs). */
  pagesDone?: number | null;
  pageCount?: number | null;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface DocumentState {
  documentUuid: string;
  projectUuid?: string | null;
  filename: string;
  status: string;
  currentStage?: string | null;
  failedStage?: string | null;
  stages?: Record<string, StageState>;
  error?: string | null;
  pageCount?: number | null;
}

export interface AcceptedDocument {
  documentUuid: string;
  filename: string;
  status: string;
  duplicateOf?: string;
}

export type ProductionDocument = ProductionImportedDocument;

export interface ProductionReport {
  productionUuid: string;
  documents: ProductionDocument[];
  unreadable: ProductionUnreadableRecord[];
  counts?: Record<string, number>;
}

export interface ProductionUpload {
  /** Path of the DAT and the OPT on disk. */
  loadFile: string;
  images: string;
  /** Each image: where it is on disk, and the name sent (its path as the OPT names it). */
  files: Array<{ path: string; name: string }>;
  custodian?: string;
  name?: string;
}

export interface Page<T> {
  items: T[];
  total?: number;
  page?: number;
  pageSize?: number;
}

/** The server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No answer at all: connection refused, DNS, TLS, timeout. */
export class ApiUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiUnreachableError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  key?: string;
  /** Per-request timeout for JSON requests (uploads have none: big files take time). */
  timeoutMs?: number;
  /** Most requests started per second (stays under the API's per-key rate limit). */
  maxRequestsPerSecond?: number;
  /** How many times a 429 or 502/503/504 is retried before giving up. */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string; errors?: Array<{ message?: string }> }; message?: string; name?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  const c = e.cause;
  if (c?.errors?.length) return c.errors.map((x) => x.message).join('; ');
  return c?.message || c?.code || e.message || String(err);
}

export class CaseGraphClient {
  private readonly timeoutMs: number;
  private readonly spacingMs: number;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextSlot = 0;

  constructor(private readonly opts: ClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.spacingMs = 1000 / (opts.maxRequestsPerSecond ?? 8);
    this.retries = opts.retries ?? 5;
    this.sleep = opts.sleep ?? defaultSleep;
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  ensureProject(name: string): Promise<ProjectRef> {
    return this.request<ProjectRef>('POST', '/v1/projects', { json: { name } });
  }

  /** One multipart request, field `files`, each file streamed from disk. */
  async upload(projectUuid: string, files: InputFile[]): Promise<AcceptedDocument[]> {
    const res = await this.request<{ documents: AcceptedDocument[] }>('POST', `/v1/projects/${projectUuid}/documents`, {
      form: async () => {
        const form = new FormData();
        for (const f of files) form.append('files', await openAsBlob(f.path), f.name);
        return form;
      },
    });
    if (!res || !Array.isArray(res.documents)) throw new ApiError(200, 'the API answered the upload without a documents list', res);
    return res.documents;
  }

  /** POST /v1/projects/:projectUuid/productions: the DAT, the OPT, then every image, each streamed from disk. */
  async uploadProduction(projectUuid: string, p: ProductionUpload): Promise<ProductionReport> {
    const res = await this.request<ProductionReport>('POST', `/v1/projects/${projectUuid}/productions`, {
      form: async () => {
        const form = new FormData();
        if (p.custodian) form.append('custodian', p.custodian);
        if (p.name) form.append('name', p.name);
        form.append('loadFile', await openAsBlob(p.loadFile), basename(p.loadFile));
        form.append('images', await openAsBlob(p.images), basename(p.images));
        for (const f of p.files) form.append('files', await openAsBlob(f.path), f.name);
        return form;
      },
    });
    if (!res || !Array.isArray(res.documents) || !Array.isArray(res.unreadable)) {
      throw new ApiError(200, 'the API answered the production without documents and unreadable lists', res);
    }
    return res;
  }

  getDocument(documentUuid: string): Promise<DocumentState> {
    return this.request<DocumentState>('GET', `/v1/documents/${documentUuid}`);
  }

  listDocuments(projectUuid: string, page: number, pageSize = 100): Promise<Page<DocumentState>> {
    return this.request<Page<DocumentState>>('GET', `/v1/projects/${projectUuid}/documents?page=${page}&pageSize=${pageSize}`);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  private async pace(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.spacingMs;
    if (slot > now) await this.sleep(slot - now);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body: { json?: unknown; form?: () => Promise<FormData> } = {}): Promise<T> {
    const url = `${this.opts.baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      await this.pace();
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.opts.key) headers.authorization = `Bearer ${this.opts.key}`;
      let payload: string | FormData | undefined;
      if (body.json !== undefined) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body.json);
      } else if (body.form) {
        payload = await body.form();
      }
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers,
          body: payload,
          signal: body.form ? undefined : AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        throw new ApiUnreachableError(`cannot reach the CaseGraph API at ${this.opts.baseUrl} (${causeOf(err)})`);
      }
      const text = await res.text().catch(() => '');
      let parsed: unknown = undefined;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
      }
      if (res.ok) {
        if (parsed === undefined) throw new ApiError(res.status, `${method} ${path}: the API answered ${res.status} without JSON`);
        return parsed as T;
      }
      const retryable = res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504;
      if (retryable && attempt < this.retries) {
        const retryAfter = Number(res.headers.get('retry-after'));
        const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) * 1000 : Math.min(500 * 2 ** attempt, 10_000);
        await this.sleep(wait);
        continue;
      }
      throw new ApiError(res.status, this.explain(res.status, parsed, method, path), parsed);
    }
  }

  private explain(status: number, body: unknown, method: string, path: string): string {
    const b = body as { message?: unknown; error?: unknown } | undefined;
    const serverSays = typeof b?.message === 'string' ? b.message : Array.isArray(b?.message) ? b.message.join('; ') : '';
    if (status === 401) {
      return this.opts.key
        ? `the API at ${this.opts.baseUrl} refused the API key (401${serverSays ? `: ${serverSays}` : ''}); check --key or CASEGRAPH_API_KEY ` +
            `(one key, which must be in the server's CASEGRAPH_API_KEYS list)`
        : `the API at ${this.opts.baseUrl} requires an API key (401); pass --key <key> or set CASEGRAPH_API_KEY ` +
            `(singular: one of the keys in the server's CASEGRAPH_API_KEYS)`;
    }
    if (status === 403) return `this API key may not do that (403${serverSays ? `: ${serverSays}` : ''})`;
    return serverSays || `${method} ${path} failed with HTTP ${status}${typeof b?.error === 'string' ? ` ${b.error}` : ''}`;
  }
}
