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
  /** Model-backed extractor (ENTITY_EXTRACTOR=llm, offline+llm): one count per HTTP attempt. */
  llmRequests: counter(
    'casegraph_llm_requests_total',
    'Chat-completions requests by outcome (ok, rate_limited, server_error, timeout, connection_error, client_error, malformed)',
    ['outcome'],
  ),
  llmTokens: counter('casegraph_llm_tokens_total', 'Tokens the chat-completions endpoint reported in `usage`, by kind (prompt, completion)', [
    'kind',
  ]),
  llmSeconds: histogram(
    'casegraph_llm_request_duration_seconds',
    'Duration of one chat-completions request, by outcome',
    ['outcome'],
    [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
  ),
  llmCache: counter('casegraph_llm_cache_total', 'Chunks answered from the Redis cache (hit) or sent to the model (miss)', ['result']),
  llmMentions: counter('casegraph_llm_mentions_total', 'Model mentions kept, at the offsets claimed (exact) or found nearby (corrected)', ['result']),
  llmMentionsDropped: counter(
    'casegraph_llm_mentions_dropped_total',
    'Model mentions dropped: text not found at or near its offsets (not_found), bad shape or type (invalid), blank (empty)',
    ['reason'],
  ),
};
