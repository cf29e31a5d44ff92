import { ConfigError, loadConfig } from '@casegraph/platform';
import { ocrConfigProblems, ocrWorkerConfigSpec } from './config';

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

  it('names every bad variable', () => {
    expect(() =>
      loadConfig(ocrWorkerConfigSpec, { OCR_CONCURRENCY: '0', OCR_ENGINE: 'gpt', TEXTRACT_ENDPOINT: 'nope', BULL_PREFIX: 'a b' }),
    ).toThrow(ConfigError);
    try {
      loadConfig(ocrWorkerConfigSpec, { OCR_CONCURRENCY: '0', OCR_ENGINE: 'gpt', TEXTRACT_ENDPOINT: 'nope', BULL_PREFIX: 'a b' });
    } catch (err) {
      const text = (err as ConfigError).problems.join('\n');
      for (const name of ['OCR_CONCURRENCY', 'OCR_ENGINE', 'TEXTRACT_ENDPOINT', 'BULL_PREFIX']) expect(text).toContain(name);
    }
  });

  it('requires a staging bucket for Textract on local storage', () => {
    const c = loadConfig(ocrWorkerConfigSpec, { OCR_ENGINE: 'textract' });
    expect(ocrConfigProblems(c).join()).toContain('TEXTRACT_S3_BUCKET');
    expect(ocrConfigProblems(loadConfig(ocrWorkerConfigSpec, { OCR_ENGINE: 'textract', TEXTRACT_S3_BUCKET: 'b' }))).toEqual([]);
  });
});
