import type { EntityExtractor, ExtractorName } from './entity-extractor';
import { CompositeExtractor } from './composite.extractor';
import { CompromiseFinder } from './compromise.extractor';
import { WinkFinder } from './wink.extractor';

/**
 * ENTITY_EXTRACTOR -> implementation. All three are offline.
 * - `offline` (default): compromise for PERSON/ORG/LOCATION/DATE/MONEY + patterns.
 * - `wink`: wink-nlp for DATE/MONEY + patterns (no PERSON/LOCATION).
 * - `patterns`: the patterns alone (legal, contact, organisations with a legal form, money).
 * A model-backed extractor is added here, behind the same interface.
 */
export function createEntityExtractor(name: ExtractorName): EntityExtractor {
  switch (name) {
    case 'offline':
      return new CompositeExtractor('offline', new CompromiseFinder());
    case 'wink':
      return new CompositeExtractor('wink', new WinkFinder());
    case 'patterns':
      return new CompositeExtractor('patterns', undefined);
  }
}
