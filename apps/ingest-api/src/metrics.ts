import type { NextFunction, Request, Response } from 'express';
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

/** Request duration by method, route template (not the raw URL: bounded label values) and status. */
export const httpRequestSeconds = histogram(
  'casegraph_http_request_duration_seconds',
  'HTTP request duration by method, route template and status code',
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  ['method', 'route', 'status'],
);

/**
 * The route label of a finished request: the matched Nest/Express route template
 * (e.g. /v1/projects/:projectUuid), the mount path of a router such as the dashboard,
 * or "unmatched" (404s and body-parser errors), so a scan of random URLs cannot
 * create unbounded label values.
 */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') {
    // A catch-all (Nest's not-found route `/{*path}`) says nothing about the request: unmatched.
    if (route.path.includes('*')) return 'unmatched';
    return `${req.baseUrl ?? ''}${route.path}` || '/';
  }
  if (req.baseUrl) return req.baseUrl;
  return 'unmatched';
}

/** Express middleware (first in the chain) that times every request. */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestSeconds.startTimer();
  res.once('finish', () => end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }));
  next();
}
