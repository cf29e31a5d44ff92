import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

/** Sweeper metrics (prom-client default registry). */
export const sweeperMetrics = {
  ticks: counter('casegraph_ingest_sweeper_ticks_total', 'Sweeper ticks', ['outcome']),
  documents: counter('casegraph_ingest_sweeper_documents_total', 'Stuck processing documents seen by the sweeper', ['action']),
};
