import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { redisKeys } from '@casegraph/contracts';
import { PermanentError } from '@casegraph/pipeline';
import { Semaphore, redisOptionsFromUrl } from '@casegraph/platform';
import { graphMetrics } from '../../pipeline/graph-metrics';
import type { EntityExtractor, ExtractedMention } from '../entity-extractor';
import { resolveOverlaps, segments } from '../spans';
import { ChatClientOptions, ChatCompletionsClient, ChatMessage } from './chat-client';
import { ChunkMention, MalformedAnswerError, parseAnswer, validateMentions } from './offsets';
import { JSON_OBJECT_HINT, MENTIONS_SCHEMA, PROMPT_VERSION, SCHEMA_NAME, SYSTEM_PROMPT } from './prompt';

export interface LlmExtractorOptions extends ChatClientOptions {
  /** LLM_CONCURRENCY: requests in flight at once from this extractor (one per process). */
  concurrency: number;
  /** LLM_CHUNK_CHARS: most characters sent in one request (cut at paragraph breaks). */
  chunkChars: number;
  /** Redis of the answer cache; without it every chunk is asked (tests, tools). */
  redisUrl?: string;
  /** ioredis `keyPrefix` in front of the cache keys (tests: one prefix each). */
  redisKeyPrefix?: string;
  /** Default 30 days. */
  cacheTtlSeconds?: number;
}

/** Confidence given to a model mention (the endpoint gives none). */
export const LLM_CONFIDENCE = 0.75;
export const DEFAULT_LLM_CACHE_TTL_SECONDS = 30 * 24 * 3600;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** True when every cached mention still fits its chunk (the cache is keyed by the chunk's hash, so it should). */
function fits(chunk: string, value: unknown): value is ChunkMention[] {
  return (
    Array.isArray(value) &&
    value.every(
      (m: ChunkMention) =>
        m &&
        typeof m.text === 'string' &&
        Number.isSafeInteger(m.start) &&
        m.end === m.start + m.text.length &&
        chunk.slice(m.start, m.end) === m.text,
    )
  );
}

/**
 * ENTITY_EXTRACTOR=llm: the document cut into chunks of at most LLM_CHUNK_CHARS at paragraph breaks, each sent
 * to an OpenAI-compatible chat-completions endpoint (at most LLM_CONCURRENCY at once) with the legal prompt and
 * a JSON schema; only mentions found at (or within 64 characters of) the offsets they claim are kept. Answers
 * are cached in Redis by the chunk's SHA-256, PROMPT_VERSION and the model, so a re-run asks nothing.
 */
export class LlmExtractor implements EntityExtractor {
  readonly name: string = 'llm';
  readonly client: ChatCompletionsClient;
  private readonly logger = new Logger('LlmExtractor');
  private readonly redis?: Redis;
  private readonly limit: Semaphore;

  constructor(private readonly options: LlmExtractorOptions) {
    this.client = new ChatCompletionsClient(options);
    this.limit = new Semaphore(options.concurrency);
    if (options.redisUrl) {
      this.redis = new Redis({
        ...redisOptionsFromUrl(options.redisUrl),
        keyPrefix: options.redisKeyPrefix,
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        connectionName: 'casegraph-graph-llm-cache',
      });
      this.redis.on('error', () => undefined); // failures surface on the commands, and a cache miss is no error
    }
  }

  /** Requests in flight now, and chunks waiting for one of the LLM_CONCURRENCY slots. */
  get requests(): { inFlight: number; waiting: number } {
    return { inFlight: this.limit.running, waiting: this.limit.queued };
  }

  /** The cache's Redis connection status (`none` without REDIS_URL; `end` once closed). */
  get cacheStatus(): string {
    return this.redis?.status ?? 'none';
  }

  get promptVersion(): string {
    return PROMPT_VERSION;
  }

  /** The cache key of a chunk (without the test prefix). */
  cacheKey(chunk: string): string {
    return redisKeys.llmExtraction(this.options.model, PROMPT_VERSION, sha256(chunk));
  }

  async extract(text: string): Promise<ExtractedMention[]> {
    const method = `llm:${this.options.model}`.slice(0, 64);
    const run: { failed?: Error } = {};
    const found = await Promise.all(
      segments(text, this.options.chunkChars).map(async (seg) => {
        const chunk = text.slice(seg.start, seg.end);
        if (!chunk.trim()) return [];
        try {
          const mentions = await this.chunkMentions(chunk, run);
          return mentions.map((m): ExtractedMention => ({
            type: m.type,
            text: m.text,
            start: m.start + seg.start,
            end: m.end + seg.start,
            confidence: LLM_CONFIDENCE,
            method,
            ...(m.role ? { role: m.role } : {}),
            ...(m.party ? { attributes: { party: m.party } } : {}),
          }));
        } catch (err) {
          run.failed ??= err instanceof Error ? err : new Error(String(err));
          throw err;
        }
      }),
    );
    return resolveOverlaps(found.flat(), () => 0);
  }

  /** Closes the cache connection (EntityExtractorLifecycle calls it when the app closes). */
  async close(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis?.disconnect());
  }

  private async chunkMentions(chunk: string, run: { failed?: Error }): Promise<ChunkMention[]> {
    const key = this.cacheKey(chunk);
    const cached = await this.cacheGet(key, chunk);
    if (cached) {
      graphMetrics.llmCache.inc({ result: 'hit' });
      return cached;
    }
    graphMetrics.llmCache.inc({ result: 'miss' });
    const mentions = await this.limit.run(async () => {
      // Another chunk of this document failed: do not spend requests on a document that fails anyway.
      if (run.failed) throw run.failed;
      return this.ask(chunk);
    });
    await this.cacheSet(key, mentions);
    return mentions;
  }

  /** One chunk to the model; a malformed answer is asked once more, then the document fails (permanent). */
  private async ask(chunk: string): Promise<ChunkMention[]> {
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: chunk },
    ];
    for (let attempt = 1; ; attempt++) {
      let finish: string | null = null;
      try {
        const answer = await this.client.complete(messages, { name: SCHEMA_NAME, schema: MENTIONS_SCHEMA, jsonObjectHint: JSON_OBJECT_HINT });
        finish = answer.finishReason;
        const result = validateMentions(chunk, parseAnswer(answer.content));
        if (result.exact) graphMetrics.llmMentions.inc({ result: 'exact' }, result.exact);
        if (result.corrected) graphMetrics.llmMentions.inc({ result: 'corrected' }, result.corrected);
        for (const [reason, n] of Object.entries(result.dropped)) if (n) graphMetrics.llmMentionsDropped.inc({ reason }, n);
        return result.mentions;
      } catch (err) {
        if (!(err instanceof MalformedAnswerError)) throw err;
        graphMetrics.llmRequests.inc({ outcome: 'malformed' });
        const cut = finish === 'length' ? ' (finish_reason "length": the answer was cut off; lower LLM_CHUNK_CHARS)' : '';
        if (attempt >= 2) {
          throw new PermanentError(
            `LLM endpoint ${this.client.endpoint} (model ${this.options.model}) gave no valid JSON answer for a ${chunk.length}-character chunk, twice: ${err.message}${cut}`,
            'llm-malformed',
            { cause: err },
          );
        }
        this.logger.warn(`${this.client.endpoint}: malformed answer (${err.message})${cut}; asking once more`);
      }
    }
  }

  private async cacheGet(key: string, chunk: string): Promise<ChunkMention[] | undefined> {
    if (!this.redis) return undefined;
    try {
      const raw = await this.redis.get(key);
      if (raw === null) return undefined;
      const value: unknown = JSON.parse(raw);
      return fits(chunk, value) ? value : undefined;
    } catch (err) {
      this.logger.warn(`LLM cache read failed (${(err as Error).message}); asking the model`);
      return undefined;
    }
  }

  private async cacheSet(key: string, mentions: ChunkMention[]): Promise<void> {
    if (!this.redis) return;
    try {
      await this.redis.set(key, JSON.stringify(mentions), 'EX', this.options.cacheTtlSeconds ?? DEFAULT_LLM_CACHE_TTL_SECONDS);
    } catch (err) {
      this.logger.warn(`LLM cache write failed (${(err as Error).message})`);
    }
  }
}
