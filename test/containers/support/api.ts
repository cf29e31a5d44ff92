/** The containerised ingest API as a client sees it (http://127.0.0.1:3000 in the pod), and the rows behind it. */
import type { Pool } from 'pg';
import { waitFor } from '@casegraph/testing';

export const API = 'http://127.0.0.1:3000';

export interface Upload {
  name: string;
  type: string;
  bytes: Buffer;
}

export class ApiClient {
  constructor(private readonly key: string) {}

  get headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.key}` };
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${API}${path}`, {
      method,
      headers: { ...this.headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T };
  }

  async createProject(name: string): Promise<string> {
    const r = await this.json<{ projectUuid: string }>('POST', '/v1/projects', { name });
    if (r.status !== 201 && r.status !== 200) throw new Error(`POST /v1/projects: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.projectUuid;
  }

  /** One multipart upload of the files; the accepted documents by file name. */
  async upload(projectUuid: string, files: Upload[]): Promise<Map<string, string>> {
    const form = new FormData();
    for (const f of files) form.append('files', new Blob([f.bytes], { type: f.type }), f.name);
    const res = await fetch(`${API}/v1/projects/${projectUuid}/documents`, {
      method: 'POST',
      headers: this.headers,
      body: form,
      signal: AbortSignal.timeout(120_000),
    });
    const body = (await res.json()) as { documents?: Array<{ documentUuid: string; filename: string }> };
    if (res.status !== 202) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
    return new Map(body.documents!.map((d) => [d.filename, d.documentUuid]));
  }

  /** The document's text, page by page (GET /v1/documents/:uuid/text). */
  async text(documentUuid: string): Promise<Array<{ page: number; text: string }>> {
    const r = await this.json<{ pages: Array<{ page: number; text: string }> }>('GET', `/v1/documents/${documentUuid}/text`);
    if (r.status !== 200) throw new Error(`text of ${documentUuid}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.pages;
  }

  async file(documentUuid: string): Promise<Buffer> {
    const res = await fetch(`${API}/v1/documents/${documentUuid}/file`, { headers: this.headers, signal: AbortSignal.timeout(60_000) });
    if (res.status !== 200) throw new Error(`file of ${documentUuid}: ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
}

export interface DocumentRow {
  document_uuid: string;
  original_file_name: string;
  status: string;
  ocr_status: string;
  error_message: string | null;
  parent_document_uuid: string | null;
  page_count: number | null;
  sha256: string | null;
}

export async function projectDocuments(db: Pool, projectUuid: string): Promise<DocumentRow[]> {
  const r = await db.query<DocumentRow>(
    `SELECT document_uuid, original_file_name, status, ocr_status, error_message, parent_document_uuid, page_count, sha256
       FROM source_documents WHERE project_uuid = $1 ORDER BY id`,
    [projectUuid],
  );
  return r.rows;
}

const DONE = ['completed', 'failed'];

/** Waits until the project has `count` documents, every one completed or failed; returns them by file name. */
export async function waitForProject(
  db: Pool,
  projectUuid: string,
  count: number,
  timeoutMs: number,
  abort?: () => string | undefined,
): Promise<Map<string, DocumentRow>> {
  let rows: DocumentRow[] = [];
  await waitFor(
    async () => {
      rows = await projectDocuments(db, projectUuid);
      return rows.length >= count && rows.every((r) => DONE.includes(r.status));
    },
    { timeoutMs, intervalMs: 500, what: `${count} documents of project ${projectUuid} to be done`, detail: () => JSON.stringify(rows), abort },
  );
  return new Map(rows.map((r) => [r.original_file_name, r]));
}

/** A document's pages in the database (page numbers in order). */
export async function pageNumbers(db: Pool, documentUuid: string): Promise<number[]> {
  const r = await db.query<{ page_number: number }>('SELECT page_number FROM document_pages WHERE document_uuid = $1 ORDER BY page_number', [
    documentUuid,
  ]);
  return r.rows.map((x) => x.page_number);
}
