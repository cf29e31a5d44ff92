import { loadConfig } from '@casegraph/platform';
import { graphWorkerConfigSpec, llmExtractorOptions } from '../../config';
import { createEntityExtractor } from '../extractor.factory';
import { ChatCompletionsClient } from './chat-client';
import { CombinedExtractor } from './combined.extractor';
import { LlmExtractor } from './llm.extractor';

const problems = (env: Record<string, string>): string => {
  try {
    loadConfig(graphWorkerConfigSpec, env);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('LLM_* configuration', () => {
  it('has the documented defaults and needs nothing for the offline extractors', () => {
    const c = loadConfig(graphWorkerConfigSpec, {});
    expect(c).toMatchObject({ llmBaseUrl: '', llmModel: '', llmTimeoutMs: 60000, llmMaxRetries: 3, llmConcurrency: 2, llmChunkChars: 6000 });
    expect(llmExtractorOptions(c)).toBeUndefined();
  });

  it('requires LLM_BASE_URL and LLM_MODEL with ENTITY_EXTRACTOR=llm and offline+llm, naming them', () => {
    for (const extractor of ['llm', 'offline+llm']) {
      const message = problems({ ENTITY_EXTRACTOR: extractor });
      expect(message).toContain(`LLM_BASE_URL is required with ENTITY_EXTRACTOR=${extractor}`);
      expect(message).toContain(`LLM_MODEL is required with ENTITY_EXTRACTOR=${extractor}`);
    }
  });

  it('refuses a base URL that is not http(s) and bad numbers, naming each variable', () => {
    const message = problems({
      ENTITY_EXTRACTOR: 'llm',
      LLM_BASE_URL: 'ftp://models.example',
      LLM_MODEL: 'm',
      LLM_TIMEOUT_MS: 'soon',
      LLM_MAX_RETRIES: '-1',
      LLM_CONCURRENCY: '0',
      LLM_CHUNK_CHARS: '10',
    });
    expect(message).toContain('LLM_BASE_URL must use http: or https:');
    expect(message).toContain('LLM_TIMEOUT_MS must be an integer');
    expect(message).toContain('LLM_MAX_RETRIES must be >= 0');
    expect(message).toContain('LLM_CONCURRENCY must be >= 1');
    expect(message).toContain('LLM_CHUNK_CHARS must be >= 200');
    expect(problems({ LLM_BASE_URL: 'not a url' })).toContain('LLM_BASE_URL must be a URL');
  });

  it('gives the extractor its settings, the key optional, the cache on REDIS_URL', () => {
    const c = loadConfig(graphWorkerConfigSpec, {
      ENTITY_EXTRACTOR: 'offline+llm',
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM_MODEL: 'llama3.1:8b',
      LLM_CONCURRENCY: '4',
      REDIS_URL: 'redis://127.0.0.1:6390',
    });
    expect(llmExtractorOptions(c)).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1:8b',
      apiKey: undefined,
      apiVersion: undefined,
      timeoutMs: 60000,
      maxRetries: 3,
      concurrency: 4,
      chunkChars: 6000,
      redisUrl: 'redis://127.0.0.1:6390',
    });
  });
});

describe('createEntityExtractor with a model', () => {
  const llm = { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 1000, maxRetries: 0, concurrency: 1, chunkChars: 1000 };

  it('builds llm and offline+llm from the settings, and refuses them without', () => {
    expect(createEntityExtractor('llm', { llm })).toBeInstanceOf(LlmExtractor);
    const combined = createEntityExtractor('offline+llm', { llm });
    expect(combined).toBeInstanceOf(CombinedExtractor);
    expect(combined.name).toBe('offline+llm');
    expect(() => createEntityExtractor('llm')).toThrow('ENTITY_EXTRACTOR=llm needs the LLM_* settings');
  });
});

describe('ChatCompletionsClient endpoints', () => {
  const base = { model: 'gpt-4o-mini', timeoutMs: 1000, maxRetries: 0 };
  it('posts to <base>/chat/completions, or to the Azure deployment with LLM_API_VERSION', () => {
    expect(new ChatCompletionsClient({ ...base, baseUrl: 'https://api.openai.com/v1/' }).endpoint).toBe('https://api.openai.com/v1/chat/completions');
    expect(new ChatCompletionsClient({ ...base, baseUrl: 'https://res.openai.azure.com', apiVersion: '2024-10-21' }).endpoint).toBe(
      'https://res.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions',
    );
  });
});
