import { ConfigError, loadConfig } from '@casegraph/platform';
import { DocumentNotFoundError } from '@casegraph/project-context';
import { checkGraphWorkerConfig, graphWorkerConfigSpec } from '../config';
import { describeError } from '@casegraph/pipeline';
import { PermanentError, StageError, isPermanent } from './errors';
import { chunkUuidOf, mentionUuidOf, uuidV5 } from './ids';

describe('uuidV5', () => {
  it('matches the RFC 4122 reference value', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
  it('gives stable, distinct ids per document and span', () => {
    const d = '11111111-1111-4111-8111-111111111111';
    expect(chunkUuidOf(d, 0, 0, 10)).toBe(chunkUuidOf(d, 0, 0, 10));
    expect(chunkUuidOf(d, 0, 0, 10)).not.toBe(chunkUuidOf(d, 0, 0, 11));
    expect(mentionUuidOf(d, 'ORG', 1, 5)).not.toBe(mentionUuidOf(d, 'PERSON', 1, 5));
  });
});

describe('error classification', () => {
  it('unknown documents, missing text and rejected data are permanent; the rest is retried', () => {
    expect(isPermanent(new DocumentNotFoundError('x'))).toBe(true);
    expect(isPermanent(new StageError('chunking', new PermanentError('no text')))).toBe(true);
    expect(isPermanent(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe(true);
    expect(isPermanent(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isPermanent(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(false);
    expect(isPermanent(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPermanent(new StageError('resolution', new Error('Connection terminated unexpectedly')))).toBe(false);
    expect(describeError(new StageError('entities', new Error('boom')))).toBe('boom');
  });
});

describe('graph worker config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig(graphWorkerConfigSpec, {});
    expect(c).toMatchObject({
      healthPort: 3002,
      bullPrefix: 'bull',
      graphConcurrency: 2,
      chunkSize: 1000,
      chunkOverlap: 200,
      entityExtractor: 'offline',
      fuzzyThreshold: 0.55,
      cooccurrenceMaxEntities: 20,
    });
  });

  it('names each bad variable', () => {
    let message = '';
    try {
      loadConfig(graphWorkerConfigSpec, { ENTITY_EXTRACTOR: 'openai', CHUNK_SIZE: '10', RESOLUTION_FUZZY_THRESHOLD: '2', BULL_PREFIX: 'a b' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('ENTITY_EXTRACTOR must be one of offline, wink, patterns');
    expect(message).toContain('CHUNK_SIZE must be >= 100');
    expect(message).toContain('RESOLUTION_FUZZY_THRESHOLD must be <= 1');
    expect(message).toContain('BULL_PREFIX must be 1-64 characters');
  });

  it('rejects an overlap that is not smaller than the chunk size (a rule of the spec: loadConfig refuses)', () => {
    const env = { CHUNK_SIZE: '500', CHUNK_OVERLAP: '500' };
    expect(() => loadConfig(graphWorkerConfigSpec, env)).toThrow(new ConfigError(['CHUNK_OVERLAP (500) must be smaller than CHUNK_SIZE (500)']));
    // The same rule for a config built by hand.
    const c = { ...loadConfig(graphWorkerConfigSpec, {}), chunkSize: 500, chunkOverlap: 500 };
    expect(() => checkGraphWorkerConfig(c)).toThrow('CHUNK_OVERLAP (500) must be smaller than CHUNK_SIZE (500)');
  });
});
