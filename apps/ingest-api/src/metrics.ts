import { Counter, Histogram, register } from 'prom-client';

/** Reuses a metric already in the default registry (several app instances can live in one process, e.g. tests). */
function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

function histogram(name: string, help: string, buckets: number[], labelNames: string[] = []): Histogram<string> {
  return (register.getSingleMetric(name) as Histogram<string>) ?? new Histogram({ name, help, buckets, labelNames });
}

/** ingest-api metrics (prom-client default registry, served at /metrics). */
export const ingestMetrics = {
  documentsCreated: counter('casegraph_ingest_documents_created_total', 'Documents created', ['source']),
  duplicates: counter('casegraph_ingest_duplicates_total', 'Submitted files that duplicated a document of the same project'),
  rejectedUploads: counter('casegraph_ingest_rejected_uploads_total', 'Uploads refused', ['reason']),
  uploadedBytes: counter('casegraph_ingest_uploaded_bytes_total', 'Bytes streamed to storage by uploads'),
  enqueued: counter('casegraph_ingest_jobs_enqueued_total', 'Jobs handed to Bull', ['queue', 'by']),
  enqueueDeferred: counter(
    'casegraph_ingest_enqueue_deferred_total',
    'Documents left pending for the reconciler because Redis/Bull was unavailable',
    ['reason'],
  ),
  cacheWriteFailures: counter('casegraph_ingest_context_cache_failures_total', 'Failed best-effort project-context cache writes'),
  reconcilerTicks: counter('casegraph_ingest_reconciler_ticks_total', 'Reconciler ticks', ['outcome']),
  reconcilerStaleJobs: counter(
    'casegraph_ingest_reconciler_stale_jobs_total',
    'Finished Bull jobs of still-pending documents removed so the document can be enqueued again',
  ),
  intakeSeconds: histogram(
    'casegraph_ingest_intake_seconds',
    'Time to create a set of documents (transaction + cache + enqueue)',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ['source'],
  ),
};
