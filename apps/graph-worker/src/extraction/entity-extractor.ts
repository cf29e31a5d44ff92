import type { EntityType } from '@casegraph/contracts';

/** One entity occurrence found in a text. Offsets are into the text given to `extract`. */
export interface ExtractedMention {
  type: EntityType;
  /** text === input.slice(start, end) */
  text: string;
  start: number;
  end: number;
  /** 0..1 */
  confidence: number;
  /** Which extractor found it, e.g. `nlp:compromise` or `pattern:citation`. */
  method: string;
}

/**
 * Finds entity mentions in a document's full text. Implementations are selected by
 * ENTITY_EXTRACTOR; the default one is offline (no network, no external service),
 * and a model-backed extractor can be added later behind the same interface.
 */
export interface EntityExtractor {
  /** Name recorded in logs and metrics (`offline`, `wink`, `patterns`). */
  readonly name: string;
  /**
   * Mentions sorted by start offset, no two overlapping. Async so that long texts
   * are processed in segments without blocking the event loop (Bull lock renewal).
   */
  extract(text: string): Promise<ExtractedMention[]>;
}

/** Injection token of the configured EntityExtractor. */
export const ENTITY_EXTRACTOR = Symbol('ENTITY_EXTRACTOR');

export const EXTRACTOR_NAMES = ['offline', 'wink', 'patterns'] as const;
export type ExtractorName = (typeof EXTRACTOR_NAMES)[number];
