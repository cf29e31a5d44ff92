import { spawnApp } from '@casegraph/testing';

/**
 * The cross-variable rules live in the config spec, so the real app refuses a bad combination
 * at boot: exit 78 (EX_CONFIG), naming the variables, before Nest or any connection starts.
 * (S3 storage without a bucket used to get as far as StorageService and exit 1 with a stack.)
 */
describe('ingest-api boot with a bad combination of variables', () => {
  it('exits 78 naming S3_BUCKET and the missing half of the AWS credentials', async () => {
    const app = await spawnApp({
      app: 'ingest-api',
      env: { STORAGE_DRIVER: 's3', S3_BUCKET: undefined, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: undefined, PORT: '0' },
    });
    try {
      const exit = await app.exited;
      expect({ exit, stderr: app.stderr() }).toMatchObject({ exit: { code: 78, signal: null } });
      expect(app.stderr()).toContain('Invalid configuration:');
      expect(app.stderr()).toContain('S3_BUCKET is required when STORAGE_DRIVER=s3');
      expect(app.stderr()).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
    } finally {
      await app.kill();
    }
  }, 120_000);

  it('exits 78 naming DOCUMENT_PASSWORD_KEY when it is not a 32-byte key, without echoing it', async () => {
    const app = await spawnApp({ app: 'ingest-api', env: { DOCUMENT_PASSWORD_KEY: 'too-short-secret', PORT: '0' } });
    try {
      const exit = await app.exited;
      expect({ exit, stderr: app.stderr() }).toMatchObject({ exit: { code: 78, signal: null } });
      expect(app.stderr()).toContain('DOCUMENT_PASSWORD_KEY must be 32 random bytes');
      expect(app.output()).not.toContain('too-short-secret');
    } finally {
      await app.kill();
    }
  }, 120_000);

  it('exits 78 naming PRODUCTION_MAX_PAGES when it is not a positive integer', async () => {
    const app = await spawnApp({ app: 'ingest-api', env: { PRODUCTION_MAX_PAGES: '0', PORT: '0' } });
    try {
      const exit = await app.exited;
      expect({ exit, stderr: app.stderr() }).toMatchObject({ exit: { code: 78, signal: null } });
      expect(app.stderr()).toContain('Invalid configuration:');
      expect(app.stderr()).toContain('PRODUCTION_MAX_PAGES');
    } finally {
      await app.kill();
    }
  }, 120_000);
  it('exits 78 naming SESSION_TTL_MINUTES when it is not a whole number of minutes from 1 to 43200', async () => {
    const app = await spawnApp({ app: 'ingest-api', env: { SESSION_TTL_MINUTES: '8h', PORT: '0' } });
    try {
      const exit = await app.exited;
      expect({ exit, stderr: app.stderr() }).toMatchObject({ exit: { code: 78, signal: null } });
      expect(app.stderr()).toContain('SESSION_TTL_MINUTES must be an integer');
    } finally {
      await app.kill();
    }
  }, 120_000);
});
