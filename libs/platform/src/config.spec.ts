import { ConfigError, baseConfigSpec, loadConfig, parsers } from './config';

describe('loadConfig', () => {
  it('applies defaults when variables are unset', () => {
    const c = loadConfig(baseConfigSpec, {});
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/casegraph');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.shutdownGraceMs).toBe(25000);
  });

  it('names every bad variable in one error', () => {
    expect.assertions(4);
    try {
      loadConfig(baseConfigSpec, { DATABASE_URL: 'mysql://x/y', REDIS_URL: 'nope', DB_POOL_SIZE: '0' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('DATABASE_URL must use postgres: or postgresql:');
      expect(msg).toContain('REDIS_URL must be a URL');
      expect(msg).toContain('DB_POOL_SIZE must be >= 1');
    }
  });

  it('reports a missing required variable', () => {
    expect(() => loadConfig({ key: { env: 'SOME_KEY', parse: parsers.string() } }, {})).toThrow(
      'SOME_KEY is required',
    );
  });

  it('parses integers strictly', () => {
    const spec = { n: { env: 'N', parse: parsers.int({ min: 1 }) } };
    expect(loadConfig(spec, { N: '42' }).n).toBe(42);
    expect(() => loadConfig(spec, { N: '4.2' })).toThrow('N must be an integer');
    expect(() => loadConfig(spec, { N: '12abc' })).toThrow('N must be an integer');
  });
});
