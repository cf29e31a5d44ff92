import { VarSpec, parsers } from '@casegraph/platform';

/**
 * COOCCURRENCE_MAX_ENTITIES: most distinct entities paired within one sentence (recomputeDocumentEdges'
 * maxEntitiesPerSentence). Every app that recomputes a document's edges reads it from this one spec (the graph
 * worker's relationships stage, the ingest API's curation), so a curation never recomputes CO_OCCURS with another
 * bound than the pipeline used (its pairs would change until the document is processed again).
 */
export const cooccurrenceMaxEntitiesSpec: VarSpec<number> = {
  env: 'COOCCURRENCE_MAX_ENTITIES',
  default: '20',
  parse: parsers.int({ min: 2, max: 200 }),
};
