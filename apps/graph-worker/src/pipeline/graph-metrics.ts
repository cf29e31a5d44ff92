import { Counter, Histogram, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}
function histogram(name: string, help: string, labelNames: string[], buckets: number[]): Histogram<string> {
  return (register.getSingleMetric(name) as Histogram<string>) ?? new Histogram({ name, help, labelNames, buckets });
}

/** Graph worker metrics in prom-client's default registry (safe to create twice in one process). */
export const graphMetrics = {
  documents: counter('casegraph_graph_documents_total', 'Graph jobs by outcome (completed, retry, failed, missing), counted by DocumentJobRunner', [
    'outcome',
  ]),
  stageSeconds: histogram(
    'casegraph_graph_stage_duration_seconds',
    'Duration of each graph stage',
    ['stage'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  ),
  chunks: counter('casegraph_graph_chunks_total', 'Chunks written'),
  mentions: counter('casegraph_graph_mentions_total', 'Entity mentions written, by type', ['type']),
  entitiesCreated: counter('casegraph_graph_canonical_entities_created_total', 'Canonical entities created'),
  fuzzyMatches: counter('casegraph_graph_fuzzy_matches_total', 'Keys resolved to an existing entity by fuzzy matching'),
};
