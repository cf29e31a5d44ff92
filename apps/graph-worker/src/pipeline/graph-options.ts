import type { ExtractorName } from '../extraction/entity-extractor';
import type { LlmExtractorOptions } from '../extraction/llm/llm.extractor';

/** Settings of the graph stages (validated from the environment in config.ts). */
export interface GraphPipelineOptions {
  /** CHUNK_SIZE: target characters per chunk. */
  chunkSize: number;
  /** CHUNK_OVERLAP: characters shared by consecutive chunks. */
  chunkOverlap: number;
  /** ENTITY_EXTRACTOR */
  extractor: ExtractorName;
  /** LLM_*: the model-backed extractor's settings, needed when `extractor` is `llm` or `offline+llm`. */
  llm?: LlmExtractorOptions;
  /** RESOLUTION_FUZZY_THRESHOLD: trigram similarity a fuzzy candidate needs. */
  fuzzyThreshold: number;
  /** COOCCURRENCE_MAX_ENTITIES: most distinct entities paired within one sentence. */
  maxEntitiesPerSentence: number;
}

export const GRAPH_PIPELINE_OPTIONS = Symbol('GRAPH_PIPELINE_OPTIONS');

export const DEFAULT_GRAPH_PIPELINE_OPTIONS: GraphPipelineOptions = {
  chunkSize: 1000,
  chunkOverlap: 200,
  extractor: 'offline',
  fuzzyThreshold: 0.55,
  maxEntitiesPerSentence: 20,
};
