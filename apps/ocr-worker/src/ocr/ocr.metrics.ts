import { Counter, Histogram, register } from 'prom-client';

/** Reuses a metric already in the default registry (several app instances can live in one process, e.g. tests). */
function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

function histogram(name: string, help: string, buckets: number[], labelNames: string[] = []): Histogram<string> {
  return (register.getSingleMetric(name) as Histogram<string>) ?? new Histogram({ name, help, buckets, labelNames });
}

/** ocr-worker metrics (prom-client default registry, served by the ops HTTP server at /metrics). */
export const ocrMetrics = {
  documents: counter('casegraph_ocr_documents_total', 'OCR jobs finished, by outcome', ['engine', 'outcome']),
  pages: counter('casegraph_ocr_pages_total', 'Pages extracted, by page engine (pdfjs, tesseract, textract)', ['engine']),
  pageSeconds: histogram('casegraph_ocr_page_seconds', 'Time to extract one page', [0.005, 0.02, 0.1, 0.5, 1, 2, 4, 8, 16, 32, 64], ['engine']),
  documentSeconds: histogram(
    'casegraph_ocr_document_seconds',
    'Time of one OCR job (read, extract, persist, enqueue)',
    [0.05, 0.25, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    ['engine'],
  ),
  textractCalls: counter('casegraph_ocr_textract_calls_total', 'Textract operations, by outcome', ['operation', 'outcome']),
  retries: counter('casegraph_ocr_transient_failures_total', 'Attempts that failed transiently (Bull retries them)', ['job']),
};
