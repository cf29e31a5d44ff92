import { cooccurrenceMaxEntitiesSpec } from '@casegraph/graph';
import { BaseConfig, ConfigError, ConfigSpec, baseConfigSpec, bullPrefixSpec, crossCheckProblems, parsers } from '@casegraph/platform';
import { EXTRACTOR_NAMES, ExtractorName } from './extraction/entity-extractor';
import type { LlmExtractorOptions } from './extraction/llm/llm.extractor';

export interface GraphWorkerConfig extends BaseConfig {
  /** Port of the health/metrics HTTP server. */
  healthPort: number;
  /** Bull key prefix; must match the producers' (ingest-api, ocr-worker). */
  bullPrefix: string;
  /** Graph jobs processed at once by one process. */
  graphConcurrency: number;
  chunkSize: number;
  chunkOverlap: number;
  entityExtractor: ExtractorName;
  /** Trigram similarity a fuzzy candidate needs (0..1). */
  fuzzyThreshold: number;
  /** Most distinct entities paired within one sentence. */
  cooccurrenceMaxEntities: number;
  /** LLM_BASE_URL ('' when unset): an OpenAI-compatible endpoint, needed by ENTITY_EXTRACTOR=llm and offline+llm. */
  llmBaseUrl: string;
  /** LLM_MODEL ('' when unset; on Azure the deployment name). */
  llmModel: string;
  /** LLM_API_KEY ('' = none: Ollama, vLLM). */
  llmApiKey: string;
  /** LLM_API_VERSION ('' = none): Azure OpenAI's `api-version`; switches to deployment URLs and the `api-key` header. */
  llmApiVersion: string;
  llmTimeoutMs: number;
  llmMaxRetries: number;
  llmConcurrency: number;
  llmChunkChars: number;
}

/** An optional http(s) URL: '' when unset. */
const optionalHttpUrl =
  () =>
  (raw: string, name: string): string =>
    raw.trim() === '' ? '' : parsers.url('http:', 'https:')(raw.trim(), name);

/** ENTITY_EXTRACTOR values that call the model. */
export const usesLlm = (name: ExtractorName): boolean => name === 'llm' || name === 'offline+llm';

export const graphWorkerConfigSpec: ConfigSpec<GraphWorkerConfig> = {
  ...baseConfigSpec,
  healthPort: { env: 'HEALTH_PORT', default: '3002', parse: parsers.int({ min: 0, max: 65535 }) },
  bullPrefix: bullPrefixSpec,
  graphConcurrency: { env: 'GRAPH_CONCURRENCY', default: '2', parse: parsers.int({ min: 1, max: 64 }) },
  chunkSize: { env: 'CHUNK_SIZE', default: '1000', parse: parsers.int({ min: 100, max: 100_000 }) },
  chunkOverlap: { env: 'CHUNK_OVERLAP', default: '200', parse: parsers.int({ min: 0, max: 99_999 }) },
  entityExtractor: { env: 'ENTITY_EXTRACTOR', default: 'offline', parse: parsers.oneOf(...EXTRACTOR_NAMES) },
  fuzzyThreshold: { env: 'RESOLUTION_FUZZY_THRESHOLD', default: '0.55', parse: parsers.number({ min: 0.1, max: 1 }) },
  cooccurrenceMaxEntities: cooccurrenceMaxEntitiesSpec,
  llmBaseUrl: { env: 'LLM_BASE_URL', default: '', parse: optionalHttpUrl() },
  llmModel: { env: 'LLM_MODEL', default: '', parse: (raw) => raw.trim() },
  llmApiKey: { env: 'LLM_API_KEY', default: '', parse: (raw) => raw.trim() },
  llmApiVersion: { env: 'LLM_API_VERSION', default: '', parse: (raw) => raw.trim() },
  llmTimeoutMs: { env: 'LLM_TIMEOUT_MS', default: '60000', parse: parsers.int({ min: 100, max: 3_600_000 }) },
  llmMaxRetries: { env: 'LLM_MAX_RETRIES', default: '3', parse: parsers.int({ min: 0, max: 20 }) },
  llmConcurrency: { env: 'LLM_CONCURRENCY', default: '2', parse: parsers.int({ min: 1, max: 256 }) },
  llmChunkChars: { env: 'LLM_CHUNK_CHARS', default: '6000', parse: parsers.int({ min: 200, max: 1_000_000 }) },
  crossChecks: [
    (c) => (c.chunkOverlap >= c.chunkSize ? `CHUNK_OVERLAP (${c.chunkOverlap}) must be smaller than CHUNK_SIZE (${c.chunkSize})` : undefined),
    (c) =>
      usesLlm(c.entityExtractor) && !c.llmBaseUrl
        ? `LLM_BASE_URL is required with ENTITY_EXTRACTOR=${c.entityExtractor} (an http(s) URL of an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1)`
        : undefined,
    (c) =>
      usesLlm(c.entityExtractor) && !c.llmModel
        ? `LLM_MODEL is required with ENTITY_EXTRACTOR=${c.entityExtractor} (the model name; on Azure the deployment name)`
        : undefined,
  ],
};

/**
 * The spec's cross-variable rules on an already loaded config (loadConfig runs them itself);
 * for callers that build a config by hand. Throws ConfigError naming the variables.
 */
export function checkGraphWorkerConfig(config: GraphWorkerConfig): GraphWorkerConfig {
  const problems = crossCheckProblems(graphWorkerConfigSpec, config);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The model-backed extractor's settings, when ENTITY_EXTRACTOR uses it (its answer cache is on REDIS_URL). */
export function llmExtractorOptions(c: GraphWorkerConfig): LlmExtractorOptions | undefined {
  if (!usesLlm(c.entityExtractor)) return undefined;
  return {
    baseUrl: c.llmBaseUrl,
    model: c.llmModel,
    apiKey: c.llmApiKey || undefined,
    apiVersion: c.llmApiVersion || undefined,
    timeoutMs: c.llmTimeoutMs,
    maxRetries: c.llmMaxRetries,
    concurrency: c.llmConcurrency,
    chunkChars: c.llmChunkChars,
    redisUrl: c.redisUrl,
  };
}
