/**
 * A local stand-in for an OpenAI-compatible chat-completions server that speaks the real wire protocol, so the
 * graph worker's own client is exercised end to end through its base URL:
 *
 * - OpenAI, vLLM, Ollama: `POST /v1/chat/completions`, `Authorization: Bearer <key>`;
 * - Azure OpenAI: `POST /openai/deployments/{deployment}/chat/completions?api-version=…`, `api-key: <key>`;
 * - answers `chat.completion` objects (`choices[0].message.content`, `finish_reason`, `usage`), errors as
 *   `{"error": {"message", "type", "param", "code"}}` with the status the real services use (400, 401, 404, 429
 *   with `retry-after-ms`/`retry-after`, 500, 503);
 * - checks the request as the services do (JSON body, `model`, `messages`, `response_format`; optionally the key,
 *   the deployments, the api-version, and whether `json_schema` is supported at all).
 *
 * Each test scripts what it answers with `respond(request, n)`: content (a string or an object sent as JSON),
 * an HTTP error, a raw (garbage) body, a connection dropped, or no answer at all (for the client's timeout).
 * It records every request and counts the requests in flight (and the most at once).
 */
import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeChatRequest {
  /** `/v1/chat/completions` or `/openai/deployments/{d}/chat/completions`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    temperature?: number;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
    [key: string]: unknown;
  };
  /** Azure: the deployment in the path. */
  deployment?: string;
  /** The first system message's content ('' if none). */
  system: string;
  /** The last user message's content ('' if none). */
  user: string;
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** What the server does with one request. */
export type FakeChatReply =
  | { content: string | object | null; finishReason?: string; usage?: FakeUsage; refusal?: string }
  | { status: number; message?: string; type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> }
  | { raw: string; status?: number; contentType?: string }
  | { drop: true }
  | { hang: true };

export interface FakeChatOptions {
  /** The answer to request number `n` (1-based, over all requests). Default: `{"mentions": []}`. */
  respond?: (request: FakeChatRequest, n: number) => FakeChatReply | Promise<FakeChatReply>;
  /** When set, a request without this key (Bearer, or `api-key` on the Azure path) is answered 401. */
  apiKey?: string;
  /** Azure deployments served (default: any); a request for another is answered 404 DeploymentNotFound. */
  deployments?: string[];
  /** Azure api-versions accepted (default: any non-empty). */
  apiVersions?: string[];
  /** False: `response_format` json_schema is answered 400 (older vLLM, many local servers). Default true. */
  jsonSchema?: boolean;
}

export interface RecordedChatRequest extends FakeChatRequest {
  /** The status answered (0: dropped or never answered). */
  status: number;
}

const DEFAULT_CONTENT = { mentions: [] };

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

export class FakeChatCompletions {
  readonly requests: RecordedChatRequest[] = [];
  /** Requests being handled now, and the most at once. */
  inFlight = 0;
  maxInFlight = 0;
  private count = 0;
  private server!: Server;
  private readonly inFlightWaiters: Array<{ n: number; resolve: () => void }> = [];

  private constructor(private options: FakeChatOptions) {}

  static async start(options: FakeChatOptions = {}): Promise<FakeChatCompletions> {
    const fake = new FakeChatCompletions(options);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', () => resolve()));
    return fake;
  }

  /** `http://127.0.0.1:<port>` (the Azure resource endpoint). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The OpenAI-style base URL (`…/v1`), as LLM_BASE_URL. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Replaces the script (and resets the request numbering). */
  respond(respond: FakeChatOptions['respond']): void {
    this.options = { ...this.options, respond };
    this.count = 0;
  }

  /** Resolves once `n` requests are in flight together (or at once if they already are). */
  whenInFlight(n: number): Promise<void> {
    if (this.inFlight >= n) return Promise.resolve();
    return new Promise((resolve) => this.inFlightWaiters.push({ n, resolve }));
  }

  /** The recorded requests that were answered with a status (2xx or an error). */
  answered(status?: number): RecordedChatRequest[] {
    return this.requests.filter((r) => (status === undefined ? r.status > 0 : r.status === status));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    for (const w of this.inFlightWaiters.filter((x) => this.inFlight >= x.n)) {
      this.inFlightWaiters.splice(this.inFlightWaiters.indexOf(w), 1);
      w.resolve();
    }
    res.on('close', () => this.inFlight--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(u.searchParams);
    const azure = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(u.pathname);
    const record: RecordedChatRequest = {
      path: u.pathname,
      query,
      headers: req.headers,
      body: {},
      deployment: azure ? decodeURIComponent(azure[1]) : undefined,
      system: '',
      user: '',
      status: 0,
    };
    this.requests.push(record);
    const fail = (status: number, message: string, type: string, code: string | null = null, param: string | null = null) =>
      this.send(res, record, status, { error: { message, type, param, code } });

    if (req.method !== 'POST' || (!azure && u.pathname !== '/v1/chat/completions')) {
      return azure || u.pathname.startsWith('/openai/')
        ? fail(404, 'Resource not found', 'invalid_request_error', '404')
        : fail(404, `Invalid URL (${req.method} ${u.pathname})`, 'invalid_request_error');
    }
    if (azure) {
      const version = query['api-version'];
      if (!version || (this.options.apiVersions && !this.options.apiVersions.includes(version))) {
        return fail(404, 'Resource not found', 'invalid_request_error', '404');
      }
      if (this.options.apiKey !== undefined && req.headers['api-key'] !== this.options.apiKey) {
        return fail(
          401,
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
          'invalid_request_error',
          '401',
        );
      }
      if (this.options.deployments && !this.options.deployments.includes(record.deployment!)) {
        return fail(
          404,
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          'invalid_request_error',
          'DeploymentNotFound',
        );
      }
    } else if (this.options.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return given
        ? fail(
            401,
            `Incorrect API key provided: ${given.slice(0, 3)}***. You can find your API key at your provider.`,
            'invalid_request_error',
            'invalid_api_key',
          )
        : fail(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
            'invalid_request_error',
          );
    }
    try {
      record.body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeChatRequest['body'];
    } catch {
      return fail(400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    const body = record.body;
    if (!azure && typeof body.model !== 'string') return fail(400, 'you must provide a model parameter', 'invalid_request_error', null, 'model');
    if (!Array.isArray(body.messages) || !body.messages.length) {
      return fail(
        400,
        "Invalid 'messages': empty array. Expected an array with minimum length 1.",
        'invalid_request_error',
        'empty_array',
        'messages',
      );
    }
    record.system = body.messages.find((m) => m.role === 'system')?.content ?? '';
    record.user = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const format = body.response_format?.type;
    if (format && !['text', 'json_object', 'json_schema'].includes(format)) {
      return fail(
        400,
        `Invalid value: '${format}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
        'invalid_request_error',
        null,
        'response_format.type',
      );
    }
    if (format === 'json_schema' && this.options.jsonSchema === false) {
      return fail(
        400,
        "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
        'invalid_request_error',
        null,
        'response_format',
      );
    }
    if (format === 'json_schema' && (!body.response_format?.json_schema?.name || !body.response_format.json_schema.schema)) {
      return fail(
        400,
        "Missing required parameter: 'response_format.json_schema'.",
        'invalid_request_error',
        'missing_required_parameter',
        'response_format.json_schema',
      );
    }
    if (format === 'json_object' && !body.messages.some((m) => /json/i.test(m.content))) {
      return fail(
        400,
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'invalid_request_error',
        null,
        'messages',
      );
    }

    let reply: FakeChatReply;
    try {
      reply = this.options.respond ? await this.options.respond(record, ++this.count) : { content: DEFAULT_CONTENT };
    } catch (err) {
      return fail(500, `The server had an error while processing your request: ${(err as Error).message}`, 'server_error');
    }
    if ('hang' in reply) return; // never answered: the client times out (close() ends the socket)
    if ('drop' in reply) {
      req.socket.destroy();
      return;
    }
    if ('raw' in reply) {
      record.status = reply.status ?? 200;
      res.writeHead(record.status, { 'content-type': reply.contentType ?? 'application/json', 'content-length': Buffer.byteLength(reply.raw) });
      res.end(reply.raw);
      return;
    }
    if ('status' in reply) {
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      const type = reply.type ?? (reply.status === 429 ? 'requests' : reply.status >= 500 ? 'server_error' : 'invalid_request_error');
      const message =
        reply.message ??
        (reply.status === 429
          ? 'Rate limit reached for requests. Please try again in 1s.'
          : reply.status >= 500
            ? 'The server had an error while processing your request. Sorry about that!'
            : 'Bad request');
      return fail(reply.status, message, type, reply.code ?? (reply.status === 429 ? 'rate_limit_exceeded' : null), reply.param ?? null);
    }
    const content = reply.content === null || typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content);
    const prompt = tokens(body.messages.map((m) => m.content).join('\n'));
    const completion = tokens(content ?? '');
    this.send(res, record, 200, {
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? record.deployment,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: reply.refusal ?? null },
          logprobs: null,
          finish_reason: reply.finishReason ?? 'stop',
        },
      ],
      usage: { ...{ prompt_tokens: prompt, completion_tokens: completion }, ...reply.usage, total_tokens: 0 },
      system_fingerprint: 'fp_fake',
    });
  }

  private send(res: ServerResponse, record: RecordedChatRequest, status: number, payload: Record<string, unknown>): void {
    if (payload.usage) {
      const u = payload.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      u.total_tokens = u.prompt_tokens + u.completion_tokens;
    }
    record.status = status;
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': `req_${randomUUID()}` });
    res.end(text);
  }
}
