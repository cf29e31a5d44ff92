import { BaseConfig, ConfigError, ConfigSpec, baseConfigSpec, bullPrefixSpec, crossCheckProblems, parsers } from '@casegraph/platform';
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
  bullPrefix: bullPrefixSpec,
  graphConcurrency: { env: 'GRAPH_CONCURRENCY', default: '2', parse: parsers.int({ min: 1, max: 64 }) },
  chunkSize: { env: 'CHUNK_SIZE', default: '1000', parse: parsers.int({ min: 100, max: 100_000 }) },
  chunkOverlap: { env: 'CHUNK_OVERLAP', default: '200', parse: parsers.int({ min: 0, max: 99_999 }) },
  entityExtractor: { env: 'ENTITY_EXTRACTOR', default: 'offline', parse: parsers.oneOf(...EXTRACTOR_NAMES) },
  fuzzyThreshold: { env: 'RESOLUTION_FUZZY_THRESHOLD', default: '0.55', parse: parsers.number({ min: 0.1, max: 1 }) },
  cooccurrenceMaxEntities: { env: 'COOCCURRENCE_MAX_ENTITIES', default: '20', parse: parsers.int({ min: 2, max: 200 }) },
  crossChecks: [
    (c) => (c.chunkOverlap >= c.chunkSize ? `CHUNK_OVERLAP (${c.chunkOverlap}) must be smaller than CHUNK_SIZE (${c.chunkSize})` : undefined),
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
