/**
 * The one door to the API. Same origin only; the session is an HttpOnly cookie set by POST /v1/session (the key
 * itself is sent once, in that body, and never kept). Unsafe methods carry the session's CSRF token, which lives in
 * this module's memory only (GET /v1/session hands it out again after a reload).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface Session {
  mode: 'key' | 'open';
  keyName: string;
  /** The project a bound key is limited to; null for an unbound key or an open API. */
  projectUuid: string | null;
  csrfToken: string | null;
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Called when any request answers 401 (the session expired or the key was removed): the app shows the login. */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The readable message of an API error body ({ message } or { message: [...] } or { errors: [...] }). */
export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; error?: unknown };
    if (typeof b.message === 'string') return b.message;
    if (Array.isArray(b.message)) return b.message.map(String).join('; ');
    if (typeof b.error === 'string') return b.error;
  }
  return `The server answered ${status}`;
}

export type Query = Record<string, string | number | boolean | null | undefined | Array<string | number>>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) params.set(k, v.join(','));
    } else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

function headers(method: string, extra?: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', ...extra };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  return h;
}

async function parse(res: Response): Promise<unknown> {
  const type = res.headers.get('content-type') ?? '';
  if (res.status === 204) return undefined;
  if (type.includes('json')) return res.json();
  return res.text();
}

export async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: headers(method), signal: opts.signal, cache: 'no-store' };
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const res = await fetch(withQuery(path, opts.query), init);
  const body = await parse(res);
  if (!res.ok) {
    if (res.status === 401 && onUnauthorized && !path.startsWith('/v1/session')) onUnauthorized();
    throw new ApiError(res.status, errorMessage(res.status, body), body);
  }
  return body as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body, query }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string, query?: Query) => request<T>('DELETE', path, { query }),
};

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * A multipart upload with progress (fetch has no upload progress): XMLHttpRequest, same origin, with the CSRF token.
 * Resolves with the parsed JSON body of a 2xx answer, rejects with an ApiError otherwise.
 */
export function upload<T>(path: string, form: FormData, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(headers('POST'))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted (network error)'));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was cancelled'));
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        if (xhr.status === 401 && onUnauthorized) onUnauthorized();
        reject(new ApiError(xhr.status, errorMessage(xhr.status, body), body));
      }
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

export const session = {
  current: () => request<Session>('GET', '/v1/session'),
  login: (key: string) => request<Session>('POST', '/v1/session', { body: { key } }),
  logout: () => request<void>('DELETE', '/v1/session'),
};
