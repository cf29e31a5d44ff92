import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentError } from '@casegraph/pipeline';
import { graphMetrics } from '../../pipeline/graph-metrics';
import { MalformedAnswerError } from './offsets';

/**
 * A small client of the OpenAI chat-completions protocol on Node's fetch: OpenAI, Azure OpenAI (deployments and
 * `api-version`, `api-key` header), vLLM, Ollama and anything else that speaks `/chat/completions`.
 *
 * Why not the `openai` package: its current major (7.x) requires Node ≥ 22 (`engines`), and this project runs
 * on Node 20. What we need of it is one POST with timeouts and retries, written out here.
 */
export interface ChatClientOptions {
  /** LLM_BASE_URL: `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`, or an Azure resource `https://x.openai.azure.com`. */
  baseUrl: string;
  /** LLM_MODEL (on Azure: the deployment name). */
  model: string;
  /** LLM_API_KEY: `Authorization: Bearer …`, or `api-key` on Azure; none for a local server. */
  apiKey?: string;
  /** LLM_API_VERSION: set for Azure's deployment URLs (`?api-version=`). */
  apiVersion?: string;
  /** LLM_TIMEOUT_MS: one attempt, body included. */
  timeoutMs: number;
  /** LLM_MAX_RETRIES: further attempts after a 408/409/429/5xx, a timeout or a connection failure. */
  maxRetries: number;
  /** First backoff delay (doubled per retry, ±25 % jitter, capped at maxBackoffMs). Default 500 ms. */
  backoffMs?: number;
  /** Default 20 s. A `retry-after`/`retry-after-ms` header up to this is honoured instead. */
  maxBackoffMs?: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface JsonAnswerFormat {
  name: string;
  schema: Record<string, unknown>;
  /** Added to the system message when only `json_object` is available. */
  jsonObjectHint: string;
}

export interface ChatAnswer {
  content: string;
  finishReason: string | null;
  promptTokens: number;
  completionTokens: number;
  /** `json_schema`, or `json_object` after the server refused json_schema. */
  format: 'json_schema' | 'json_object';
}

/** The endpoint is away or overloaded after every retry: transient (the job runner retries the job with backoff). */
export class LlmUnavailableError extends Error {
  constructor(
    message: string,
    /** What failed last: ECONNREFUSED, timeout, 429, 503… (not `code`: that is read as a SQLSTATE/Node code elsewhere). */
    readonly failure: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The endpoint refuses the request itself (400/401/403/404…): retrying cannot help, the document is failed. */
export class LlmRejectedError extends PermanentError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, 'llm-rejected');
  }
}

type Attempt =
  | { ok: true; status: number; body: string }
  | { ok: false; retry: boolean; outcome: string; code: string; detail: string; status?: number; retryAfterMs?: number; cause?: unknown };

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function hint(status: number): string {
  if (status === 401 || status === 403) return ' (check LLM_API_KEY)';
  if (status === 404) return ' (check LLM_BASE_URL and LLM_MODEL; on Azure the deployment name and LLM_API_VERSION)';
  return '';
}

/** The error message of an OpenAI-style error body (`{"error": {"message"}}`, `{"error": "…"}`, `{"message"}`), else its start. */
function errorMessageOf(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message);
    if (typeof m === 'string' && m.trim()) return m.trim();
  } catch {
    /* not JSON */
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no body';
}

/** The error code of a failed fetch: undici wraps the socket error (ECONNREFUSED, ENOTFOUND, ECONNRESET…) as `cause`. */
function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } })?.cause;
  const code = cause?.code ?? cause?.errors?.find((e) => typeof e?.code === 'string')?.code;
  return typeof code === 'string' ? code : ((err as Error)?.message ?? String(err));
}

function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && headers.has('retry-after-ms')) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export class ChatCompletionsClient {
  private readonly logger = new Logger('LlmClient');
  private readonly url: string;
  /** Where it posts, for messages: no query, no key. */
  readonly endpoint: string;
  /** Set once the server answered 400 to json_schema: every later request asks for json_object. */
  private jsonSchemaRefused = false;

  constructor(private readonly options: ChatClientOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.url = options.apiVersion
      ? `${base.replace(/\/openai$/, '')}/openai/deployments/${encodeURIComponent(options.model)}/chat/completions?api-version=${encodeURIComponent(options.apiVersion)}`
      : `${base}/chat/completions`;
    const u = new URL(this.url);
    this.endpoint = `${u.origin}${u.pathname}`;
  }

  get model(): string {
    return this.options.model;
  }

  /**
   * One answer in JSON, temperature 0: `response_format` json_schema (strict), or json_object when the server
   * answers 400 to that. Throws LlmUnavailableError (transient) after the retries, LlmRejectedError (permanent)
   * on a refused request, MalformedAnswerError when a 200 carries no message content.
   */
  async complete(messages: ChatMessage[], format: JsonAnswerFormat): Promise<ChatAnswer> {
    let refused: LlmRejectedError | undefined;
    if (!this.jsonSchemaRefused) {
      try {
        return await this.request(messages, 'json_schema', {
          type: 'json_schema',
          json_schema: { name: format.name, strict: true, schema: format.schema },
        });
      } catch (err) {
        if (!(err instanceof LlmRejectedError) || err.status !== 400) throw err;
        refused = err;
      }
    }
    const withHint = messages.map((m, i) => (i === 0 && m.role === 'system' ? { ...m, content: `${m.content}\n\n${format.jsonObjectHint}` } : m));
    const answer = await this.request(withHint, 'json_object', { type: 'json_object' });
    if (refused && !this.jsonSchemaRefused) {
      // Only now is it known that the 400 was about json_schema (a 400 for another reason fails json_object too).
      this.jsonSchemaRefused = true;
      this.logger.warn(`${this.endpoint} refused response_format json_schema (${refused.message}); asking for json_object from now on`);
    }
    return answer;
  }

  private async request(messages: ChatMessage[], format: ChatAnswer['format'], responseFormat: Record<string, unknown>): Promise<ChatAnswer> {
    const body = JSON.stringify({ model: this.options.model, messages, temperature: 0, response_format: responseFormat });
    const retries = this.options.maxRetries;
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(body);
      if (result.ok) return this.answer(result.body, format);
      if (!result.retry) {
        throw new LlmRejectedError(
          `LLM endpoint ${this.endpoint} rejected the request: ${result.status} ${STATUS_TEXT[result.status ?? 0] ?? ''}`.trimEnd() +
            `: ${result.detail}${hint(result.status ?? 0)}`,
          result.status ?? 0,
        );
      }
      if (attempt >= retries) {
        const what =
          result.outcome === 'connection_error'
            ? `unreachable after ${retries} retries: ${result.code}`
            : result.outcome === 'timeout'
              ? `timed out after ${retries} retries (${this.options.timeoutMs} ms each, LLM_TIMEOUT_MS)`
              : `answered ${result.status} ${STATUS_TEXT[result.status ?? 0] ?? ''}`.trimEnd() + ` after ${retries} retries: ${result.detail}`;
        throw new LlmUnavailableError(`LLM endpoint ${this.endpoint} ${what}`, result.code, { cause: result.cause });
      }
      const base = this.options.backoffMs ?? 500;
      const cap = this.options.maxBackoffMs ?? 20_000;
      const backoff = Math.min(cap, base * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      const delay = result.retryAfterMs !== undefined && result.retryAfterMs <= cap ? result.retryAfterMs : backoff;
      this.logger.warn(`${this.endpoint}: ${result.code} (${result.detail}); retry ${attempt + 1}/${retries} in ${Math.round(delay)} ms`);
      await sleep(delay);
    }
  }

  private async attempt(body: string): Promise<Attempt> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) {
      if (this.options.apiVersion) headers['api-key'] = this.options.apiKey;
      else headers.authorization = `Bearer ${this.options.apiKey}`;
    }
    const end = graphMetrics.llmSeconds.startTimer();
    const done = (r: Attempt): Attempt => {
      const outcome = r.ok ? 'ok' : r.outcome;
      end({ outcome });
      // A 200 whose body turns out malformed is counted again by the extractor as `malformed`.
      graphMetrics.llmRequests.inc({ outcome });
      return r;
    };
    try {
      const res = await fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
      const text = await res.text();
      if (res.ok) return done({ ok: true, status: res.status, body: text });
      const detail = errorMessageOf(text);
      const status = res.status;
      const retry = status === 408 || status === 409 || status === 429 || status >= 500;
      const outcome = status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : retry ? 'server_error' : 'client_error';
      return done({ ok: false, retry, outcome, code: String(status), detail, status, retryAfterMs: retryAfterMs(res.headers) });
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        return done({
          ok: false,
          retry: true,
          outcome: 'timeout',
          code: 'timeout',
          detail: `no answer within ${this.options.timeoutMs} ms`,
          cause: err,
        });
      }
      const code = networkCode(err);
      return done({ ok: false, retry: true, outcome: 'connection_error', code, detail: code, cause: err });
    }
  }

  private answer(body: string, format: ChatAnswer['format']): ChatAnswer {
    let json: {
      choices?: Array<{ message?: { content?: unknown; refusal?: unknown }; finish_reason?: string | null }>;
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      throw new MalformedAnswerError(`the endpoint's 200 answer is not JSON: ${JSON.stringify(body.slice(0, 120))}`);
    }
    const choice = json?.choices?.[0];
    const content = choice?.message?.content;
    const prompt = Number(json?.usage?.prompt_tokens) || 0;
    const completion = Number(json?.usage?.completion_tokens) || 0;
    if (prompt) graphMetrics.llmTokens.inc({ kind: 'prompt' }, prompt);
    if (completion) graphMetrics.llmTokens.inc({ kind: 'completion' }, completion);
    if (typeof content !== 'string') {
      const refusal = typeof choice?.message?.refusal === 'string' ? `; refusal: ${choice.message.refusal}` : '';
      throw new MalformedAnswerError(`the answer has no message content${refusal}`);
    }
    return { content, finishReason: choice?.finish_reason ?? null, promptTokens: prompt, completionTokens: completion, format };
  }
}
