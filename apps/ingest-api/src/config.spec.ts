import { resolve } from 'node:path';
import { cooccurrenceMaxEntitiesSpec } from '@casegraph/graph';
import { ConfigError, loadConfig } from '@casegraph/platform';
import { apiKeysParser, ingestApiConfigSpec } from './config';

describe('ingest-api config', () => {
  it('has working defaults', () => {
    const c = loadConfig(ingestApiConfigSpec, {});
    expect(c).toMatchObject({
      port: 3000,
      bullPrefix: 'bull',
      maxFileMb: 200,
      maxFilesPerUpload: 50,
      maxBatchDocuments: 1000,
      jsonBodyLimitKb: 4096,
      jsonMaxDepth: 32,
      apiKeys: [],
      rateLimitPerMinute: 600,
      reconcileIntervalSeconds: 30,
      reconcileMinAgeSeconds: 5,
      reconcileBatchSize: 500,
      enqueueTimeoutMs: 1500,
      driver: 'local',
      localDir: './data/storage',
    });
  });

  it('parses keys, bound keys and keys that contain colons', () => {
    expect(apiKeysParser(' a , b:3F1E2B8C-1111-4222-8333-444455556666 ,c:d:e', 'K')).toEqual([
      { key: 'a', name: null, projectUuid: null },
      { key: 'b', name: null, projectUuid: '3f1e2b8c-1111-4222-8333-444455556666' },
      { key: 'c:d:e', name: null, projectUuid: null },
    ]);
  });

  it('reads a name before the first = of an entry, with or without a binding', () => {
    expect(apiKeysParser('alice=k1, ops.bot-2_x=k2:3F1E2B8C-1111-4222-8333-444455556666, bob=k=3==, carol=c:d:e', 'K')).toEqual([
      { key: 'k1', name: 'alice', projectUuid: null },
      { key: 'k2', name: 'ops.bot-2_x', projectUuid: '3f1e2b8c-1111-4222-8333-444455556666' },
      { key: 'k=3==', name: 'bob', projectUuid: null },
      { key: 'c:d:e', name: 'carol', projectUuid: null },
    ]);
    expect(apiKeysParser(`${'n'.repeat(64)}=k`, 'K')).toEqual([{ key: 'k', name: 'n'.repeat(64), projectUuid: null }]);
  });

  it('keeps keys that contain = without a name before it whole, as before names existed', () => {
    expect(
      apiKeysParser(
        [
          'dGVzdGtleQ==', // base64 padding: only = follows the prefix
          'dGVzdGtleQ=:3f1e2b8c-1111-4222-8333-444455556666',
          '=leading',
          'x/y=z', // '/' is no name character
          'caf\u00e9=k', // nor is a non-ASCII letter
          `${'n'.repeat(65)}=k`, // too long for a name
        ].join(','),
        'K',
      ),
    ).toEqual([
      { key: 'dGVzdGtleQ==', name: null, projectUuid: null },
      { key: 'dGVzdGtleQ=', name: null, projectUuid: '3f1e2b8c-1111-4222-8333-444455556666' },
      { key: '=leading', name: null, projectUuid: null },
      { key: 'x/y=z', name: null, projectUuid: null },
      { key: 'caf\u00e9=k', name: null, projectUuid: null },
      { key: `${'n'.repeat(65)}=k`, name: null, projectUuid: null },
    ]);
  });

  it('reads "name=" with nothing after it as the key it always was, and refuses a named key with whitespace', () => {
    expect(apiKeysParser('alice=:3f1e2b8c-1111-4222-8333-444455556666', 'K')).toEqual([
      { key: 'alice=', name: null, projectUuid: '3f1e2b8c-1111-4222-8333-444455556666' },
    ]);
    expect(() => apiKeysParser('ok,alice= sec ret', 'K')).toThrow(/^K: entry 2 contains whitespace$/);
  });

  it('refuses a binding that looks like a mistyped UUID instead of silently granting every project', () => {
    expect(() => apiKeysParser('secret:3f1e2b8c-1111-4222-8333-44445555666', 'CASEGRAPH_API_KEYS')).toThrow(
      'CASEGRAPH_API_KEYS: entry 1 is bound to "3f1e2b8c-1111-4222-8333-44445555666", which is not a UUID',
    );
  });

  it('names each bad variable and never echoes a key', () => {
    expect.assertions(5);
    try {
      loadConfig(ingestApiConfigSpec, {
        CASEGRAPH_API_KEYS: 'good,:3f1e2b8c-1111-4222-8333-444455556666',
        MAX_FILE_MB: '0',
        BULL_PREFIX: 'has space',
        RATE_LIMIT_PER_MINUTE: '-1',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('CASEGRAPH_API_KEYS: entry 2 has an empty key');
      expect(msg).toContain('MAX_FILE_MB must be >= 0.001');
      expect(msg).toContain('BULL_PREFIX must be 1-64 characters');
      expect(msg).not.toContain('good');
    }
  });

  it('reads the production import limits (PRODUCTION_*) with defaults, and names a bad one', () => {
    expect(loadConfig(ingestApiConfigSpec, {})).toMatchObject({
      productionMaxFiles: 20000,
      productionMaxLoadFileMb: 64,
      productionMaxTotalMb: 20480,
      productionMaxPages: 2000,
      productionMaxImagePixels: 100_000_000,
    });
    expect(
      loadConfig(ingestApiConfigSpec, {
        PRODUCTION_MAX_FILES: '4',
        PRODUCTION_MAX_LOAD_FILE_MB: '0.5',
        PRODUCTION_MAX_TOTAL_MB: '2',
        PRODUCTION_MAX_PAGES: '3',
        PRODUCTION_MAX_IMAGE_PIXELS: '2000000',
      }),
    ).toMatchObject({
      productionMaxFiles: 4,
      productionMaxLoadFileMb: 0.5,
      productionMaxTotalMb: 2,
      productionMaxPages: 3,
      productionMaxImagePixels: 2_000_000,
    });
    expect.assertions(8);
    try {
      loadConfig(ingestApiConfigSpec, {
        PRODUCTION_MAX_FILES: '0',
        PRODUCTION_MAX_LOAD_FILE_MB: 'lots',
        PRODUCTION_MAX_TOTAL_MB: '-1',
        PRODUCTION_MAX_PAGES: '2.5',
        PRODUCTION_MAX_IMAGE_PIXELS: '3000000000',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of [
        'PRODUCTION_MAX_FILES',
        'PRODUCTION_MAX_LOAD_FILE_MB',
        'PRODUCTION_MAX_TOTAL_MB',
        'PRODUCTION_MAX_PAGES',
        'PRODUCTION_MAX_IMAGE_PIXELS',
      ])
        expect(msg).toContain(name);
    }
  });

  it('refuses S3 storage without a bucket, and half a pair of AWS credentials with S3', () => {
    expect(() => loadConfig(ingestApiConfigSpec, { STORAGE_DRIVER: 's3' })).toThrow(
      new ConfigError(['S3_BUCKET is required when STORAGE_DRIVER=s3']),
    );
    expect(() => loadConfig(ingestApiConfigSpec, { STORAGE_DRIVER: 's3', S3_BUCKET: 'docs', AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (only AWS_ACCESS_KEY_ID is set)',
    );
    expect(loadConfig(ingestApiConfigSpec, { STORAGE_DRIVER: 's3', S3_BUCKET: 'docs' })).toMatchObject({ driver: 's3', s3Bucket: 'docs' });
    // Local storage never calls AWS.
    expect(loadConfig(ingestApiConfigSpec, { AWS_ACCESS_KEY_ID: 'AKIA' }).driver).toBe('local');
  });
  it("reads COOCCURRENCE_MAX_ENTITIES with the graph worker's spec: curation recomputes CO_OCCURS with the pipeline's bound", () => {
    expect(ingestApiConfigSpec.cooccurrenceMaxEntities).toBe(cooccurrenceMaxEntitiesSpec);
    expect(loadConfig(ingestApiConfigSpec, {}).cooccurrenceMaxEntities).toBe(20);
    expect(loadConfig(ingestApiConfigSpec, { COOCCURRENCE_MAX_ENTITIES: '7' }).cooccurrenceMaxEntities).toBe(7);
    expect(() => loadConfig(ingestApiConfigSpec, { COOCCURRENCE_MAX_ENTITIES: '1' })).toThrow(ConfigError);
  });

  it('reads DOCUMENT_PASSWORD_KEY as 32 bytes (hex or base64), null when unset, and never echoes a bad value', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig(ingestApiConfigSpec, {}).documentPasswordKey).toBeNull();
    expect(loadConfig(ingestApiConfigSpec, { DOCUMENT_PASSWORD_KEY: hex }).documentPasswordKey).toEqual(Buffer.from(hex, 'hex'));
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig(ingestApiConfigSpec, { DOCUMENT_PASSWORD_KEY: b64 }).documentPasswordKey).toEqual(Buffer.alloc(32, 7));
    const bad = 'not-a-key-secretvalue';
    expect(() => loadConfig(ingestApiConfigSpec, { DOCUMENT_PASSWORD_KEY: bad })).toThrow(/DOCUMENT_PASSWORD_KEY must be 32 random bytes/);
    expect(() => loadConfig(ingestApiConfigSpec, { DOCUMENT_PASSWORD_KEY: bad })).not.toThrow(/secretvalue/);
    expect(() => loadConfig(ingestApiConfigSpec, { DOCUMENT_PASSWORD_KEY: 'ab'.repeat(16) })).toThrow(ConfigError);
  });
  it('reads SESSION_TTL_MINUTES (default 480, 1 to 43200) and WEB_DIST_DIR (a path resolved from the working directory)', () => {
    expect(loadConfig(ingestApiConfigSpec, {})).toMatchObject({ sessionTtlMinutes: 480, webDistDir: null });
    expect(loadConfig(ingestApiConfigSpec, { SESSION_TTL_MINUTES: '15', WEB_DIST_DIR: 'build/web' })).toMatchObject({
      sessionTtlMinutes: 15,
      webDistDir: resolve('build/web'),
    });
    expect(loadConfig(ingestApiConfigSpec, { WEB_DIST_DIR: '/srv/web/' }).webDistDir).toBe('/srv/web');
    for (const bad of ['0', '-5', '43201', '8h', '1.5']) {
      expect(() => loadConfig(ingestApiConfigSpec, { SESSION_TTL_MINUTES: bad })).toThrow(/SESSION_TTL_MINUTES must be/);
    }
    expect(() => loadConfig(ingestApiConfigSpec, { WEB_DIST_DIR: 'web\u0007dist' })).toThrow(/WEB_DIST_DIR must be a path/);
  });
  it('reads TRUST_PROXY, the number of proxies in front (default 0: none trusted; at most 10)', () => {
    expect(loadConfig(ingestApiConfigSpec, {}).trustProxyHops).toBe(0);
    expect(loadConfig(ingestApiConfigSpec, { TRUST_PROXY: '2' }).trustProxyHops).toBe(2);
    for (const bad of ['-1', '11', 'true', 'loopback']) {
      expect(() => loadConfig(ingestApiConfigSpec, { TRUST_PROXY: bad })).toThrow(/TRUST_PROXY must be/);
    }
  });
  it('reads SEARCH_COUNT_CAP, where a search stops counting (default 10000, 1 to 10000000)', () => {
    expect(loadConfig(ingestApiConfigSpec, {}).searchCountCap).toBe(10_000);
    expect(loadConfig(ingestApiConfigSpec, { SEARCH_COUNT_CAP: '500' }).searchCountCap).toBe(500);
    for (const bad of ['0', '-5', '10000001', '1e3', 'all']) {
      expect(() => loadConfig(ingestApiConfigSpec, { SEARCH_COUNT_CAP: bad })).toThrow(/SEARCH_COUNT_CAP must be/);
    }
  });
});
