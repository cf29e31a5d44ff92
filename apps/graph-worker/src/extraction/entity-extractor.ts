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
  /** Which extractor found it, e.g. `nlp:compromise`, `pattern:email` or `legal:citation`. */
  method: string;
  /**
   * The entity key, when the extractor knows it better than the text does: a short form, `Id.` or
   * `supra` carries the key of the case it refers to, a defined short name ("LG&E") that of the full
   * name, a judge "judge <surname> <court>". Otherwise ExtractionService derives it (normalizeEntity).
   */
  key?: string;
  /** The name to show ("Douglas Alan Bahr" for "Bahr, Douglas Alan"); else the text. */
  display?: string;
  /** What the text says the entity is here: judge, party, counsel, law_firm. */
  role?: string;
  /** Further facts the text states (party side, reporter, pin cite, court, year, statute section…). */
  attributes?: Record<string, string | number | boolean | string[] | null>;
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

/** `llm` and `offline+llm` need an OpenAI-compatible endpoint (LLM_* variables); the others are offline. */
export const EXTRACTOR_NAMES = ['offline', 'wink', 'patterns', 'llm', 'offline+llm'] as const;
export type ExtractorName = (typeof EXTRACTOR_NAMES)[number];
