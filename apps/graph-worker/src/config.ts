import { BaseConfig, ConfigError, ConfigSpec, baseConfigSpec, parsers } from '@casegraph/platform';
import { EXTRACTOR_NAMES, ExtractorName } from './extraction/entity-extractor';

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
}

export const graphWorkerConfigSpec: ConfigSpec<GraphWorkerConfig> = {
  ...baseConfigSpec,
  healthPort: { env: 'HEALTH_PORT', default: '3002', parse: parsers.int({ min: 0, max: 65535 }) },
  bullPrefix: {
    env: 'BULL_PREFIX',
    default: 'bull',
    parse: (raw, name) => {
      if (!/^[A-Za-z0-9_{}:.-]{1,64}$/.test(raw)) throw new Error(`${name} must be 1-64 characters of [A-Za-z0-9_{}:.-]`);
      return raw;
    },
  },
  graphConcurrency: { env: 'GRAPH_CONCURRENCY', default: '2', parse: parsers.int({ min: 1, max: 64 }) },
  chunkSize: { env: 'CHUNK_SIZE', default: '1000', parse: parsers.int({ min: 100, max: 100_000 }) },
  chunkOverlap: { env: 'CHUNK_OVERLAP', default: '200', parse: parsers.int({ min: 0, max: 99_999 }) },
  entityExtractor: { env: 'ENTITY_EXTRACTOR', default: 'offline', parse: parsers.oneOf(...EXTRACTOR_NAMES) },
  fuzzyThreshold: { env: 'RESOLUTION_FUZZY_THRESHOLD', default: '0.55', parse: parsers.number({ min: 0.1, max: 1 }) },
  cooccurrenceMaxEntities: { env: 'COOCCURRENCE_MAX_ENTITIES', default: '20', parse: parsers.int({ min: 2, max: 200 }) },
};

/** Checks that involve several variables; throws ConfigError naming them. */
export function checkGraphWorkerConfig(config: GraphWorkerConfig): GraphWorkerConfig {
  const problems: string[] = [];
  if (config.chunkOverlap >= config.chunkSize) {
    problems.push(`CHUNK_OVERLAP (${config.chunkOverlap}) must be smaller than CHUNK_SIZE (${config.chunkSize})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
