/**
 * The model-backed extractor against a local server speaking the real chat-completions protocol
 * (@casegraph/testing FakeChatCompletions) and the real Redis at REDIS_URL, each test on its own key prefix.
 */
import Redis from 'ioredis';
import { createServer } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import { redisKeys } from '@casegraph/contracts';
import { redisOptionsFromUrl } from '@casegraph/platform';
import { FakeChatCompletions, FakeChatReply, FakeChatRequest, waitFor } from '@casegraph/testing';
import { graphMetrics } from '../../pipeline/graph-metrics';
import { isPermanent } from '../../pipeline/errors';
import { LlmRejectedError, LlmUnavailableError } from './chat-client';
import { LlmExtractor, LlmExtractorOptions } from './llm.extractor';
import { PROMPT_VERSION } from './prompt';

jest.setTimeout(30_000);

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// Invented, legal-looking text (names and numbers made up; reporter and statute abbreviations are real forms).
const OPINION = [
  'Before the Court is the motion of defendant Quillfeather Logistics LLC to dismiss under Fed. R. Civ. P. 12(b)(6).',
  'Plaintiff Marisol Vantongeren alleges that she was dismissed on March 3, 2021, in breach of her contract.',
  'Counsel for plaintiff, Teodor Brannock of Brannock & Vail LLP, relies on Harwell v. Osterby, 512 F.3d 77 (9th Cir. 2008).',
  'Judge Ilse Marchetti heard argument on April 9, 2022. The motion is denied.',
].join('\n\n');

type Spec = [type: string, text: string, extra?: Record<string, unknown>];

/** Mentions of `specs` at their true offsets in the request's text (the first occurrence of each). */
function mentionsIn(user: string, specs: Spec[]): Array<Record<string, unknown>> {
  return specs
    .filter(([, text]) => user.includes(text))
    .map(([type, text, extra]) => {
      const start = user.indexOf(text);
      return { type, text, start, end: start + text.length, role: null, party: null, ...extra };
    });
}

const SPECS: Spec[] = [
  ['ORG', 'Quillfeather Logistics LLC', { role: 'party', party: 'defendant' }],
  ['PERSON', 'Marisol Vantongeren', { role: 'party', party: 'plaintiff' }],
  ['DATE', 'March 3, 2021'],
  ['PERSON', 'Teodor Brannock', { role: 'counsel' }],
  ['ORG', 'Brannock & Vail LLP', { role: 'law_firm' }],
  ['CASE', 'Harwell v. Osterby'],
  ['PERSON', 'Ilse Marchetti', { role: 'judge' }],
];

const answer =
  (specs: Spec[] = SPECS) =>
  (req: FakeChatRequest): FakeChatReply => ({ content: { mentions: mentionsIn(req.user, specs) } });

async function value(metric: Counter<string>, labels: Record<string, string>): Promise<number> {
  const data = await metric.get();
  return data.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('LlmExtractor (fake chat-completions server, real Redis)', () => {
  let fake: FakeChatCompletions;
  let redis: Redis;
  let prefix: string;
  const extractors: LlmExtractor[] = [];

  const extractor = (options: Partial<LlmExtractorOptions> = {}) => {
    const e = new LlmExtractor({
      baseUrl: fake.baseUrl,
      model: 'fake-model',
      timeoutMs: 5000,
      maxRetries: 2,
      backoffMs: 1,
      maxBackoffMs: 5,
      concurrency: 2,
      chunkChars: 6000,
      redisUrl,
      redisKeyPrefix: prefix,
      ...options,
    });
    extractors.push(e);
    return e;
  };

  beforeAll(async () => {
    redis = new Redis(redisOptionsFromUrl(redisUrl));
  });

  beforeEach(async () => {
    prefix = `test:llm:${randomUUID()}:`;
    fake = await FakeChatCompletions.start({ respond: answer() });
  });

  afterEach(async () => {
    for (const e of extractors.splice(0)) await e.close();
    await fake.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });

  afterAll(async () => {
    await redis.quit();
  });

  it('sends the chunk with the legal prompt and a strict JSON schema, temperature 0, and keeps the mentions at document offsets', async () => {
    const promptTokens = await value(graphMetrics.llmTokens, { kind: 'prompt' });
    const completionTokens = await value(graphMetrics.llmTokens, { kind: 'completion' });
    const mentions = await extractor().extract(OPINION);

    expect(fake.requests).toHaveLength(1);
    const body = fake.requests[0].body;
    expect(body.model).toBe('fake-model');
    expect(body.temperature).toBe(0);
    expect(body.response_format?.type).toBe('json_schema');
    expect(body.response_format?.json_schema?.strict).toBe(true);
    expect(JSON.stringify(body.response_format?.json_schema?.schema)).toContain('"STATUTE"');
    expect(JSON.stringify(body.response_format?.json_schema?.schema)).not.toContain('"CITATION"');
    expect(body.messages?.map((m) => m.role)).toEqual(['system', 'user']);
    expect(fake.requests[0].system).toContain('CASE');
    expect(fake.requests[0].user).toBe(OPINION);
    expect(fake.requests[0].headers.authorization).toBeUndefined(); // no LLM_API_KEY: none sent

    for (const m of mentions) expect(OPINION.slice(m.start, m.end)).toBe(m.text);
    expect(mentions.map((m) => [m.type, m.text, m.role ?? null, m.attributes?.party ?? null])).toEqual([
      ['ORG', 'Quillfeather Logistics LLC', 'party', 'defendant'],
      ['PERSON', 'Marisol Vantongeren', 'party', 'plaintiff'],
      ['DATE', 'March 3, 2021', null, null],
      ['PERSON', 'Teodor Brannock', 'counsel', null],
      ['ORG', 'Brannock & Vail LLP', 'law_firm', null],
      ['CASE', 'Harwell v. Osterby', null, null],
      ['PERSON', 'Ilse Marchetti', 'judge', null],
    ]);
    expect(new Set(mentions.map((m) => m.method))).toEqual(new Set(['llm:fake-model']));
    expect(await value(graphMetrics.llmTokens, { kind: 'prompt' })).toBeGreaterThan(promptTokens);
    expect(await value(graphMetrics.llmTokens, { kind: 'completion' })).toBeGreaterThan(completionTokens);
  });

  it('caches by chunk hash, prompt version and model: a second run asks nothing, another model asks again', async () => {
    const first = await extractor().extract(OPINION);
    expect(fake.requests).toHaveLength(1);

    const hits = await value(graphMetrics.llmCache, { result: 'hit' });
    const again = await extractor().extract(OPINION); // a new extractor: the cache is Redis, not memory
    expect(again).toEqual(first);
    expect(fake.requests).toHaveLength(1);
    expect(await value(graphMetrics.llmCache, { result: 'hit' })).toBe(hits + 1);

    const e = extractor();
    const key = `${prefix}${e.cacheKey(OPINION)}`;
    expect(e.cacheKey(OPINION)).toBe(redisKeys.llmExtraction('fake-model', PROMPT_VERSION, createHash('sha256').update(OPINION).digest('hex')));
    expect(await redis.ttl(key)).toBeGreaterThan(29 * 24 * 3600);
    const cached = JSON.parse((await redis.get(key))!) as Array<{ text: string; start: number; end: number }>;
    expect(cached).toHaveLength(7);
    for (const m of cached) expect(OPINION.slice(m.start, m.end)).toBe(m.text);

    await extractor({ model: 'another-model' }).extract(OPINION);
    expect(fake.requests).toHaveLength(2);
    await extractor().extract(`${OPINION}\n\nSo ordered.`);
    expect(fake.requests).toHaveLength(3);
  });

  it('corrects offsets that are a little off, drops text that is not there, and never puts a mention at 0', async () => {
    fake.respond((req) => {
      const m = mentionsIn(req.user, SPECS);
      m[0] = { ...m[0], start: (m[0].start as number) + 7, end: (m[0].end as number) + 7 }; // off by 7: corrected
      m[1] = { ...m[1], start: 0, end: 19 }; // the old system's 0: not there, and Marisol is far from 0
      m.push({ type: 'PERSON', text: 'Ophelia Strand', start: 40, end: 54, role: null, party: null }); // invented by the model
      m.push({ type: 'PERSON', text: 'Ilse Marchetti', start: null, end: null, role: 'judge', party: null }); // no offsets
      return { content: { mentions: m } };
    });
    const notFound = await value(graphMetrics.llmMentionsDropped, { reason: 'not_found' });
    const invalid = await value(graphMetrics.llmMentionsDropped, { reason: 'invalid' });
    const corrected = await value(graphMetrics.llmMentions, { result: 'corrected' });

    const mentions = await extractor().extract(OPINION);
    expect(mentions.map((m) => m.text)).toEqual([
      'Quillfeather Logistics LLC',
      'March 3, 2021',
      'Teodor Brannock',
      'Brannock & Vail LLP',
      'Harwell v. Osterby',
      'Ilse Marchetti',
    ]);
    expect(mentions[0].start).toBe(OPINION.indexOf('Quillfeather'));
    for (const m of mentions) expect(OPINION.slice(m.start, m.end)).toBe(m.text);
    expect(mentions.some((m) => m.start === 0)).toBe(false);
    expect(await value(graphMetrics.llmMentionsDropped, { reason: 'not_found' })).toBe(notFound + 2);
    expect(await value(graphMetrics.llmMentionsDropped, { reason: 'invalid' })).toBe(invalid + 1);
    expect(await value(graphMetrics.llmMentions, { result: 'corrected' })).toBe(corrected + 1);
  });

  it('retries a 429 with backoff, honouring retry-after-ms, then succeeds', async () => {
    fake.respond((req, n) => (n <= 2 ? { status: 429, headers: { 'retry-after-ms': '1' } } : answer()(req)));
    const limited = await value(graphMetrics.llmRequests, { outcome: 'rate_limited' });
    const mentions = await extractor().extract(OPINION);
    expect(mentions).toHaveLength(7);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(await value(graphMetrics.llmRequests, { outcome: 'rate_limited' })).toBe(limited + 2);
  });

  it('retries a connection the server drops', async () => {
    fake.respond((req, n) => (n === 1 ? { drop: true } : answer()(req)));
    const dropped = await value(graphMetrics.llmRequests, { outcome: 'connection_error' });
    expect(await extractor().extract(OPINION)).toHaveLength(7);
    expect(fake.requests.map((r) => r.status)).toEqual([0, 200]);
    expect(await value(graphMetrics.llmRequests, { outcome: 'connection_error' })).toBe(dropped + 1);
  });

  it('gives up after LLM_MAX_RETRIES 500s with a transient error naming the endpoint, and caches nothing', async () => {
    fake.respond(() => ({ status: 500 }));
    const e = extractor({ maxRetries: 2 });
    const err = await e.extract(OPINION).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(LlmUnavailableError);
    expect(isPermanent(err)).toBe(false);
    expect((err as Error).message).toBe(
      `LLM endpoint ${fake.baseUrl}/chat/completions answered 500 Internal Server Error after 2 retries: The server had an error while processing your request. Sorry about that!`,
    );
    expect(fake.requests).toHaveLength(3);
    expect(await redis.exists(`${prefix}${e.cacheKey(OPINION)}`)).toBe(0);
  });

  it('says the endpoint is unreachable (ECONNREFUSED) after the retries when nothing listens', async () => {
    const port = await closedPort();
    const err = await extractor({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 3 })
      .extract(OPINION)
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(LlmUnavailableError);
    expect(isPermanent(err)).toBe(false);
    expect((err as Error).message).toBe(`LLM endpoint http://127.0.0.1:${port}/v1/chat/completions unreachable after 3 retries: ECONNREFUSED`);
  });

  it('fails permanently on a 401, at once, with a readable reason', async () => {
    await fake.close();
    fake = await FakeChatCompletions.start({ apiKey: 'sk-right', respond: answer() });
    const err = await extractor({ apiKey: 'sk-wrong' })
      .extract(OPINION)
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(LlmRejectedError);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /^LLM endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions rejected the request: 401 Unauthorized: Incorrect API key/,
    );
    expect((err as Error).message).toContain('(check LLM_API_KEY)');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-wrong');

    await extractor({ apiKey: 'sk-right' }).extract(OPINION);
    expect(fake.requests[1].status).toBe(200);
  });

  it('fails permanently on a 404 (unknown model) naming the variables to check', async () => {
    fake.respond(() => ({ status: 404, message: 'The model `nope` does not exist or you do not have access to it.', code: 'model_not_found' }));
    const err = await extractor({ model: 'nope' })
      .extract(OPINION)
      .catch((x: unknown) => x);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toContain('404 Not Found: The model `nope` does not exist');
    expect((err as Error).message).toContain('check LLM_BASE_URL and LLM_MODEL');
    expect(fake.requests).toHaveLength(1);
  });

  it('asks once more after a malformed answer, and fails permanently after two', async () => {
    fake.respond((req, n) => (n === 1 ? { content: 'Sure! Here are the entities: Quillfeather…' } : answer()(req)));
    expect(await extractor().extract(OPINION)).toHaveLength(7);
    expect(fake.requests).toHaveLength(2);

    await fake.close();
    fake = await FakeChatCompletions.start({ respond: () => ({ raw: '<html>502 Bad Gateway</html>', status: 200, contentType: 'text/html' }) });
    const err = await extractor({ model: 'other' })
      .extract(OPINION)
      .catch((x: unknown) => x);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toContain('gave no valid JSON answer');
    expect(fake.requests).toHaveLength(2);
  });

  it('times an attempt out after LLM_TIMEOUT_MS and retries it; after the retries the error says so', async () => {
    fake.respond((req, n) => (n === 1 ? { hang: true } : answer()(req)));
    const timeouts = await value(graphMetrics.llmRequests, { outcome: 'timeout' });
    expect(await extractor({ timeoutMs: 1500 }).extract(OPINION)).toHaveLength(7);
    expect(fake.requests).toHaveLength(2);
    expect(await value(graphMetrics.llmRequests, { outcome: 'timeout' })).toBe(timeouts + 1);

    fake.respond(() => ({ hang: true }));
    const err = await extractor({ timeoutMs: 200, maxRetries: 1, model: 'slow' })
      .extract(OPINION)
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(LlmUnavailableError);
    expect((err as Error).message).toContain('timed out after 1 retries (200 ms each, LLM_TIMEOUT_MS)');
  });

  it('keeps at most LLM_CONCURRENCY requests in flight (the server counts them), one request per chunk', async () => {
    const paragraphs = Array.from({ length: 8 }, (_, i) => `Paragraph ${i + 1}. ${OPINION.split('\n\n')[i % 4]}`);
    const text = paragraphs.join('\n\n');
    // The server holds every request until the test lets it go.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.respond(async (req) => {
      await gate;
      return answer()(req);
    });
    const e = extractor({ concurrency: 2, chunkChars: 200 });
    const done = e.extract(text);
    done.catch(() => undefined); // awaited below; a failed wait must not leave it unhandled
    // Two requests reach the server and the six other chunks queue for a slot: none is sent meanwhile.
    await waitFor(() => e.requests.waiting === 6 && fake.inFlight === 2, { what: '2 requests in flight and 6 chunks waiting' });
    expect(fake.requests).toHaveLength(2);
    release();
    const mentions = await done;
    expect(fake.requests).toHaveLength(8);
    expect(fake.maxInFlight).toBe(2);
    for (const m of mentions) expect(text.slice(m.start, m.end)).toBe(m.text);
    expect(mentions.filter((m) => m.text === 'Ilse Marchetti')).toHaveLength(2);
    for (let i = 1; i < mentions.length; i++) expect(mentions[i].start).toBeGreaterThanOrEqual(mentions[i - 1].end);
  });

  it('speaks Azure OpenAI: deployment URL, api-version, api-key header', async () => {
    await fake.close();
    fake = await FakeChatCompletions.start({ apiKey: 'azure-key', deployments: ['legal-gpt'], apiVersions: ['2024-10-21'], respond: answer() });
    const mentions = await extractor({ baseUrl: fake.url, model: 'legal-gpt', apiKey: 'azure-key', apiVersion: '2024-10-21' }).extract(OPINION);
    expect(mentions).toHaveLength(7);
    const r = fake.requests[0];
    expect(r.path).toBe('/openai/deployments/legal-gpt/chat/completions');
    expect(r.query['api-version']).toBe('2024-10-21');
    expect(r.headers['api-key']).toBe('azure-key');
    expect(r.headers.authorization).toBeUndefined();

    const err = await extractor({ baseUrl: fake.url, model: 'missing-deployment', apiKey: 'azure-key', apiVersion: '2024-10-21' })
      .extract(OPINION)
      .catch((x: unknown) => x);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toContain('404 Not Found: The API deployment for this resource does not exist');
  });

  it('falls back to json_object when the server answers 400 to json_schema, and stays there', async () => {
    await fake.close();
    fake = await FakeChatCompletions.start({
      jsonSchema: false,
      respond: (req) => ({ content: `\`\`\`json\n${JSON.stringify({ mentions: mentionsIn(req.user, SPECS) })}\n\`\`\`` }),
    });
    const e = extractor({ chunkChars: 200, concurrency: 1 });
    const mentions = await e.extract(OPINION);
    expect(mentions).toHaveLength(7);
    expect(fake.requests[0].status).toBe(400);
    expect(fake.requests[0].body.response_format?.type).toBe('json_schema');
    const rest = fake.requests.slice(1);
    expect(rest).toHaveLength(3); // the three chunks, each once
    for (const r of rest) {
      expect(r.status).toBe(200);
      expect(r.body.response_format).toEqual({ type: 'json_object' });
      expect(r.system).toContain('"mentions"');
    }
  });

  it('fails permanently on a 400 that json_object gets too (e.g. a chunk too long), and keeps asking json_schema afterwards', async () => {
    fake.respond((req, n) =>
      n <= 2
        ? { status: 400, message: "This model's maximum context length is 8192 tokens.", code: 'context_length_exceeded', param: 'messages' }
        : answer()(req),
    );
    const e = extractor();
    const err = await e.extract(OPINION).catch((x: unknown) => x);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toContain("400 Bad Request: This model's maximum context length is 8192 tokens.");
    expect(fake.requests.map((r) => r.body.response_format?.type)).toEqual(['json_schema', 'json_object']);
    expect(await e.extract(OPINION)).toHaveLength(7);
    expect(fake.requests[2].body.response_format?.type).toBe('json_schema');
  });
});
