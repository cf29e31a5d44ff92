import { spawnApp } from '@casegraph/testing';

/** The real worker refuses a bad combination at boot: exit 78 naming every variable involved. */
describe('ocr-worker boot with a bad combination of variables', () => {
  it('exits 78 naming TEXTRACT_S3_BUCKET and the poll delays', async () => {
    const app = await spawnApp({
      app: 'ocr-worker',
      env: {
        OCR_ENGINE: 'textract',
        STORAGE_DRIVER: 'local',
        TEXTRACT_S3_BUCKET: undefined,
        TEXTRACT_POLL_DELAY_MS: '5000',
        TEXTRACT_POLL_MAX_DELAY_MS: '1000',
        HEALTH_PORT: '0',
      },
    });
    try {
      const exit = await app.exited;
      expect({ exit, stderr: app.stderr() }).toMatchObject({ exit: { code: 78, signal: null } });
      expect(app.stderr()).toContain('TEXTRACT_S3_BUCKET is required when OCR_ENGINE=textract and STORAGE_DRIVER=local');
      expect(app.stderr()).toContain('TEXTRACT_POLL_MAX_DELAY_MS (1000) must be >= TEXTRACT_POLL_DELAY_MS (5000)');
    } finally {
      await app.kill();
    }
  }, 120_000);
});

describe('ocr-worker boot with a bad DOCUMENT_PASSWORD_KEY', () => {
  it('exits 78 naming it, without echoing the value', async () => {
    const app = await spawnApp({ app: 'ocr-worker', env: { DOCUMENT_PASSWORD_KEY: 'not-a-key-at-all', HEALTH_PORT: '0' } });
    try {
      const exit = await app.exited;
      expect({ exit, stderr: app.stderr() }).toMatchObject({ exit: { code: 78, signal: null } });
      expect(app.stderr()).toContain('DOCUMENT_PASSWORD_KEY must be 32 random bytes');
      expect(app.stderr()).not.toContain('not-a-key-at-all');
    } finally {
      await app.kill();
    }
  }, 120_000);
});
