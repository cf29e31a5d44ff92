import { ConfigError, loadConfig } from '@casegraph/platform';
import { availableParallelism } from 'node:os';
import { defaultTesseractWorkers, ocrConfigProblems, ocrWorkerConfigSpec } from './config';

/** The problems loadConfig reports for `env` (empty when it loads). */
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(ocrWorkerConfigSpec, env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

describe('ocr-worker config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig(ocrWorkerConfigSpec, {});
    expect(c).toMatchObject({
      ocrConcurrency: 1,
      ocrEngine: 'local',
      ocrMaxPages: 2000,
      ocrMaxImagePixels: 60_000_000,
      ocrPageTimeoutMs: 60000,
      ocrRasterDpi: 150,
      bullPrefix: 'bull',
      healthPort: 3001,
      driver: 'local',
      textractRegion: 'us-east-1',
      textractEndpoint: undefined,
      textractS3Bucket: undefined,
    });
    expect(ocrConfigProblems(c)).toEqual([]);
  });

  it('reads DOCUMENT_PASSWORD_KEY (blank: none) and the format limits; a bad key is named, never echoed', () => {
    const none = loadConfig(ocrWorkerConfigSpec, {});
    expect(none).toMatchObject({ documentPasswordKey: null, formatMaxDepth: 3, formatMaxChildren: 1000 });
    const hex = 'ab'.repeat(32);
    const c = loadConfig(ocrWorkerConfigSpec, { DOCUMENT_PASSWORD_KEY: hex, FORMAT_MAX_DEPTH: '1', FORMAT_MAX_CHILDREN: '50' });
    expect(c.documentPasswordKey).toEqual(Buffer.from(hex, 'hex'));
    expect(c).toMatchObject({ formatMaxDepth: 1, formatMaxChildren: 50 });
    const bad = problems({ DOCUMENT_PASSWORD_KEY: 'sekrit-value-too-short', FORMAT_MAX_DEPTH: '11' });
    expect(bad).toEqual([
      expect.stringMatching(/^DOCUMENT_PASSWORD_KEY must be 32 random bytes/),
      expect.stringMatching(/^FORMAT_MAX_DEPTH must be <= 10/),
    ]);
    expect(bad.join(' ')).not.toContain('sekrit-value-too-short');
  });

  it('sizes the tesseract pool from the cores (capped at 4, at least 1) and recycles workers after 50 pages', () => {
    expect([0, 1, 2, 3, 4, 8, 64].map(defaultTesseractWorkers)).toEqual([1, 1, 2, 3, 4, 4, 4]);
    const c = loadConfig(ocrWorkerConfigSpec, {});
    expect(c.ocrTesseractWorkers).toBe(defaultTesseractWorkers(availableParallelism()));
    expect(c.ocrTesseractRecyclePages).toBe(50);
    const set = loadConfig(ocrWorkerConfigSpec, { OCR_TESSERACT_WORKERS: '3', OCR_TESSERACT_RECYCLE_PAGES: '7' });
    expect(set).toMatchObject({ ocrTesseractWorkers: 3, ocrTesseractRecyclePages: 7 });
    expect(problems({ OCR_TESSERACT_WORKERS: '0', OCR_TESSERACT_RECYCLE_PAGES: 'x' }).join('\n')).toMatch(
      /OCR_TESSERACT_WORKERS[\s\S]*OCR_TESSERACT_RECYCLE_PAGES|OCR_TESSERACT_RECYCLE_PAGES[\s\S]*OCR_TESSERACT_WORKERS/,
    );
  });

  it('names every bad variable', () => {
    expect(() => loadConfig(ocrWorkerConfigSpec, { OCR_CONCURRENCY: '0', OCR_ENGINE: 'gpt', TEXTRACT_ENDPOINT: 'nope', BULL_PREFIX: 'a b' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig(ocrWorkerConfigSpec, { OCR_CONCURRENCY: '0', OCR_ENGINE: 'gpt', TEXTRACT_ENDPOINT: 'nope', BULL_PREFIX: 'a b' });
    } catch (err) {
      const text = (err as ConfigError).problems.join('\n');
      for (const name of ['OCR_CONCURRENCY', 'OCR_ENGINE', 'TEXTRACT_ENDPOINT', 'BULL_PREFIX']) expect(text).toContain(name);
    }
  });

  it('requires a staging bucket for Textract on local storage (the spec itself, so loadConfig refuses)', () => {
    expect(problems({ OCR_ENGINE: 'textract' })).toEqual([
      'TEXTRACT_S3_BUCKET is required when OCR_ENGINE=textract and STORAGE_DRIVER=local (PDFs are staged there)',
    ]);
    expect(problems({ OCR_ENGINE: 'textract', TEXTRACT_S3_BUCKET: 'b' })).toEqual([]);
    // On S3 storage Textract reads the documents' own bucket.
    expect(problems({ OCR_ENGINE: 'textract', STORAGE_DRIVER: 's3', S3_BUCKET: 'docs' })).toEqual([]);
  });

  it('requires S3_BUCKET with STORAGE_DRIVER=s3', () => {
    expect(problems({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET is required when STORAGE_DRIVER=s3']);
  });

  it('wants both AWS credentials or neither once AWS is used (S3 storage or Textract)', () => {
    const half = 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (only AWS_ACCESS_KEY_ID is set)';
    expect(problems({ OCR_ENGINE: 'textract', TEXTRACT_S3_BUCKET: 'b', AWS_ACCESS_KEY_ID: 'AKIA' })).toEqual([half]);
    expect(problems({ STORAGE_DRIVER: 's3', S3_BUCKET: 'docs', AWS_SECRET_ACCESS_KEY: 's' })).toEqual([
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (only AWS_SECRET_ACCESS_KEY is set)',
    ]);
    expect(problems({ OCR_ENGINE: 'textract', TEXTRACT_S3_BUCKET: 'b', AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' })).toEqual([]);
    // Local engine on local storage never calls AWS: a stray half pair is not this app's problem.
    expect(problems({ AWS_ACCESS_KEY_ID: 'AKIA' })).toEqual([]);
  });

  it('wants TEXTRACT_POLL_MAX_DELAY_MS >= TEXTRACT_POLL_DELAY_MS', () => {
    expect(problems({ TEXTRACT_POLL_DELAY_MS: '5000', TEXTRACT_POLL_MAX_DELAY_MS: '1000' })).toEqual([
      'TEXTRACT_POLL_MAX_DELAY_MS (1000) must be >= TEXTRACT_POLL_DELAY_MS (5000)',
    ]);
  });

  it('names every variable of every broken rule at once', () => {
    const text = problems({
      STORAGE_DRIVER: 's3',
      OCR_ENGINE: 'textract',
      AWS_ACCESS_KEY_ID: 'AKIA',
      TEXTRACT_POLL_DELAY_MS: '5000',
      TEXTRACT_POLL_MAX_DELAY_MS: '1000',
    }).join('\n');
    for (const name of ['S3_BUCKET', 'AWS_SECRET_ACCESS_KEY', 'TEXTRACT_POLL_MAX_DELAY_MS', 'TEXTRACT_POLL_DELAY_MS']) expect(text).toContain(name);
    expect(ocrConfigProblems({ ...loadConfig(ocrWorkerConfigSpec, {}), driver: 's3' })).toEqual(['S3_BUCKET is required when STORAGE_DRIVER=s3']);
  });
});
