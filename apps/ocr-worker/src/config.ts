import { BaseConfig, ConfigSpec, Parser, baseConfigSpec, bullPrefixSpec, crossCheckProblems, parsers } from '@casegraph/platform';
import { availableParallelism } from 'node:os';
import { optionalSecretKey } from '@casegraph/intake';
import { StorageConfig, awsCredentialsPairCheck, s3BucketCheck, storageConfigSpec } from '@casegraph/storage';

/** Default size of the tesseract pool: the cores this process may use, at most 4, at least 1. */
export function defaultTesseractWorkers(cores: number): number {
  return Math.max(1, Math.min(4, Math.floor(cores) || 1));
}

export type OcrEngineName = 'local' | 'textract';

export interface OcrWorkerConfig extends BaseConfig, StorageConfig {
  /** Port of the health/metrics HTTP server. */
  healthPort: number;
  /** Bull key prefix; must match the API's. */
  bullPrefix: string;
  /** Jobs processed at once by this process (each local job uses one PDF thread). */
  ocrConcurrency: number;
  ocrEngine: OcrEngineName;
  /** Documents with more pages fail (permanently) before any extraction. */
  ocrMaxPages: number;
  /** Images whose header claims more pixels (width × height) fail before decoding (decompression bombs). */
  ocrMaxImagePixels: number;
  /** Largest file read for OCR, in bytes (the Textract async limit is 500 MB). */
  ocrMaxFileBytes: number;
  /** Time limit for one page (text layer, rasterisation or tesseract). */
  ocrPageTimeoutMs: number;
  /** Resolution at which PDF pages without usable text are rasterised for tesseract. */
  ocrRasterDpi: number;
  /** A PDF page with fewer letters/digits than this in its text layer is OCR'd. */
  ocrMinPageChars: number;
  /** Folder holding eng.traineddata(.gz); default: the packaged tessdata_fast model (apps/ocr-worker/tessdata). */
  ocrTessdataDir: string | undefined;
  /** How long creating the tesseract worker may take (it hangs when language data is unreachable). */
  ocrTesseractInitTimeoutMs: number;
  /** tesseract.js workers in this process, shared by all jobs (default: the usable cores, at most 4). */
  ocrTesseractWorkers: number;
  /** A tesseract.js worker is replaced after this many pages (its WASM heap only grows). */
  ocrTesseractRecyclePages: number;
  /** V8 old-space limit of a PDF extraction thread (bounds the RSS a hostile PDF can take). */
  ocrPdfThreadHeapMb: number;
  textractRegion: string;
  /** Custom Textract endpoint (tests, VPC endpoints). */
  textractEndpoint: string | undefined;
  /** Bucket where documents kept on local storage are staged for async Textract. */
  textractS3Bucket: string | undefined;
  /** Attempts of the AWS SDK itself per call before Bull's retry takes over. */
  textractSdkMaxAttempts: number;
  /** Delay of the first poll of an async Textract job. */
  textractPollDelayMs: number;
  /** Each further poll waits this factor longer... */
  textractPollBackoff: number;
  /** ...up to this delay. */
  textractPollMaxDelayMs: number;
  /** An async job still IN_PROGRESS this long after it started fails the document. */
  textractPollDeadlineMs: number;
  /**
   * DOCUMENT_PASSWORD_KEY (32 bytes, hex or base64; the API's): opens the sealed passwords of encrypted PDFs
   * (document_secrets). Null: a sealed password cannot be read and the document fails saying so.
   */
  documentPasswordKey: Buffer | null;
  /** A document nested this deep (familyDepth) is not expanded into children (FORMAT_MAX_DEPTH). */
  formatMaxDepth: number;
  /** Most children (attachments, archive entries) one document may have (FORMAT_MAX_CHILDREN). */
  formatMaxChildren: number;
  /** Most documents that may come out of one submitted document, at every depth (FORMAT_MAX_FAMILY_DOCUMENTS). */
  formatMaxFamilyDocuments: number;
}

const optional =
  <T>(inner: Parser<T>): Parser<T | undefined> =>
  (raw, name) =>
    raw.trim() === '' ? undefined : inner(raw.trim(), name);

/** OCR_CONCURRENCY, shared with the processor (Bull's concurrency is fixed when the handler is registered). */
export const ocrConcurrencySpec = { env: 'OCR_CONCURRENCY', default: '1', parse: parsers.int({ min: 1, max: 64 }) };

export const ocrWorkerConfigSpec: ConfigSpec<OcrWorkerConfig> = {
  ...baseConfigSpec,
  ...storageConfigSpec,
  healthPort: { env: 'HEALTH_PORT', default: '3001', parse: parsers.int({ min: 0, max: 65535 }) },
  bullPrefix: bullPrefixSpec,
  ocrConcurrency: ocrConcurrencySpec,
  ocrEngine: { env: 'OCR_ENGINE', default: 'local', parse: parsers.oneOf('local', 'textract') },
  ocrMaxPages: { env: 'OCR_MAX_PAGES', default: '2000', parse: parsers.int({ min: 1, max: 100_000 }) },
  ocrMaxImagePixels: {
    env: 'OCR_MAX_IMAGE_PIXELS',
    default: '60000000',
    parse: parsers.int({ min: 1, max: 2_000_000_000 }),
  },
  ocrMaxFileBytes: {
    env: 'OCR_MAX_FILE_BYTES',
    default: String(500 * 1024 * 1024),
    parse: parsers.int({ min: 1, max: 4 * 1024 * 1024 * 1024 }),
  },
  ocrPageTimeoutMs: { env: 'OCR_PAGE_TIMEOUT_MS', default: '60000', parse: parsers.int({ min: 100, max: 3_600_000 }) },
  ocrRasterDpi: { env: 'OCR_RASTER_DPI', default: '150', parse: parsers.int({ min: 72, max: 600 }) },
  ocrMinPageChars: { env: 'OCR_MIN_PAGE_CHARS', default: '16', parse: parsers.int({ min: 0, max: 100_000 }) },
  ocrTessdataDir: { env: 'OCR_TESSDATA_DIR', default: '', parse: optional(parsers.string()) },
  ocrTesseractInitTimeoutMs: {
    env: 'OCR_TESSERACT_INIT_TIMEOUT_MS',
    default: '30000',
    parse: parsers.int({ min: 100, max: 600_000 }),
  },
  ocrTesseractWorkers: {
    env: 'OCR_TESSERACT_WORKERS',
    default: String(defaultTesseractWorkers(availableParallelism())),
    parse: parsers.int({ min: 1, max: 64 }),
  },
  ocrTesseractRecyclePages: { env: 'OCR_TESSERACT_RECYCLE_PAGES', default: '50', parse: parsers.int({ min: 1, max: 1_000_000 }) },
  ocrPdfThreadHeapMb: { env: 'OCR_PDF_THREAD_HEAP_MB', default: '1024', parse: parsers.int({ min: 64, max: 16_384 }) },
  textractRegion: { env: 'TEXTRACT_REGION', default: 'us-east-1', parse: parsers.string() },
  textractEndpoint: { env: 'TEXTRACT_ENDPOINT', default: '', parse: optional(parsers.url('http:', 'https:')) },
  textractS3Bucket: { env: 'TEXTRACT_S3_BUCKET', default: '', parse: optional(parsers.string()) },
  textractSdkMaxAttempts: { env: 'TEXTRACT_SDK_MAX_ATTEMPTS', default: '3', parse: parsers.int({ min: 1, max: 10 }) },
  textractPollDelayMs: { env: 'TEXTRACT_POLL_DELAY_MS', default: '5000', parse: parsers.int({ min: 10, max: 3_600_000 }) },
  textractPollBackoff: { env: 'TEXTRACT_POLL_BACKOFF', default: '2', parse: parsers.number({ min: 1, max: 10 }) },
  textractPollMaxDelayMs: {
    env: 'TEXTRACT_POLL_MAX_DELAY_MS',
    default: '60000',
    parse: parsers.int({ min: 10, max: 3_600_000 }),
  },
  textractPollDeadlineMs: {
    env: 'TEXTRACT_POLL_DEADLINE_MS',
    default: String(2 * 3600 * 1000),
    parse: parsers.int({ min: 100, max: 7 * 24 * 3600 * 1000 }),
  },
  documentPasswordKey: { env: 'DOCUMENT_PASSWORD_KEY', default: '', parse: optionalSecretKey },
  formatMaxDepth: { env: 'FORMAT_MAX_DEPTH', default: '3', parse: parsers.int({ min: 0, max: 10 }) },
  formatMaxChildren: { env: 'FORMAT_MAX_CHILDREN', default: '1000', parse: parsers.int({ min: 1, max: 100_000 }) },
  formatMaxFamilyDocuments: { env: 'FORMAT_MAX_FAMILY_DOCUMENTS', default: '10000', parse: parsers.int({ min: 1, max: 10_000_000 }) },
  crossChecks: [
    s3BucketCheck,
    // The storage spec asks for the pair only with S3 storage; Textract needs AWS credentials too.
    (c, env) => (c.driver === 's3' || c.ocrEngine === 'textract' ? awsCredentialsPairCheck(c, env) : undefined),
    (c) =>
      c.ocrEngine === 'textract' && c.driver === 'local' && !c.textractS3Bucket
        ? 'TEXTRACT_S3_BUCKET is required when OCR_ENGINE=textract and STORAGE_DRIVER=local (PDFs are staged there)'
        : undefined,
    (c) =>
      c.textractPollMaxDelayMs < c.textractPollDelayMs
        ? `TEXTRACT_POLL_MAX_DELAY_MS (${c.textractPollMaxDelayMs}) must be >= TEXTRACT_POLL_DELAY_MS (${c.textractPollDelayMs})`
        : undefined,
  ],
};

/** The spec's cross-variable rules on an already loaded config (loadConfig runs them itself). Empty when fine. */
export function ocrConfigProblems(c: OcrWorkerConfig): string[] {
  return crossCheckProblems(ocrWorkerConfigSpec, c);
}
