import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ENTITY_EXTRACTOR, EntityExtractor, ExtractorName } from './entity-extractor';
import { CompositeExtractor } from './composite.extractor';
import { CompromiseFinder } from './compromise.extractor';
import { CombinedExtractor } from './llm/combined.extractor';
import { LlmExtractor, LlmExtractorOptions } from './llm/llm.extractor';
import { WinkFinder } from './wink.extractor';

export interface ExtractorDependencies {
  /** The model-backed extractor's settings (LLM_*): required by `llm` and `offline+llm`. */
  llm?: LlmExtractorOptions;
}

/** The ENTITY_EXTRACTOR values that run without any network service (benchmarks, evaluations, labelled sets). */
export const OFFLINE_EXTRACTOR_NAMES = ['offline', 'wink', 'patterns'] as const satisfies readonly ExtractorName[];

/** True for the extractors that call a chat-completions endpoint. */
export const needsModel = (name: ExtractorName): boolean => name === 'llm' || name === 'offline+llm';

/**
 * ENTITY_EXTRACTOR -> implementation.
 * - `offline` (default): compromise for PERSON/ORG/LOCATION/DATE/MONEY + patterns.
 * - `wink`: wink-nlp for DATE/MONEY + patterns (no PERSON/LOCATION).
 * - `patterns`: the patterns alone (legal, contact, organisations with a legal form, money).
 * - `llm`: an OpenAI-compatible chat-completions endpoint (llm/llm.extractor.ts).
 * - `offline+llm`: both; the rules win on citations, statutes, courts, case numbers and contact types (llm/combined.extractor.ts).
 */
export function createEntityExtractor(name: ExtractorName, deps: ExtractorDependencies = {}): EntityExtractor {
  switch (name) {
    case 'offline':
      return new CompositeExtractor('offline', new CompromiseFinder());
    case 'wink':
      return new CompositeExtractor('wink', new WinkFinder());
    case 'patterns':
      return new CompositeExtractor('patterns', undefined);
    case 'llm':
      return new LlmExtractor(requireLlm(name, deps));
    case 'offline+llm':
      return new CombinedExtractor('offline+llm', createEntityExtractor('offline'), new LlmExtractor(requireLlm(name, deps)));
  }
}

function requireLlm(name: ExtractorName, deps: ExtractorDependencies): LlmExtractorOptions {
  if (!deps.llm) throw new Error(`ENTITY_EXTRACTOR=${name} needs the LLM_* settings (LLM_BASE_URL, LLM_MODEL, …)`);
  return deps.llm;
}

/**
 * Closes the provided extractor's connections (the model-backed one's Redis cache) when the app closes: Nest
 * runs no lifecycle hooks on a `useFactory` value, so this class provider does it, last (after the workers drained).
 */
@Injectable()
export class EntityExtractorLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ENTITY_EXTRACTOR) private readonly extractor: EntityExtractor) {}

  async onApplicationShutdown(): Promise<void> {
    await (this.extractor as { close?: () => Promise<void> }).close?.();
  }
}
