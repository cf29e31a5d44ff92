import { ConfigError, ConfigSpec, baseConfigSpec, bullPrefixSpec, crossCheckProblems, loadConfig, parsers } from './config';

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
    expect(() => loadConfig({ key: { env: 'SOME_KEY', parse: parsers.string() } }, {})).toThrow('SOME_KEY is required');
  });

  it('parses integers strictly', () => {
    const spec = { n: { env: 'N', parse: parsers.int({ min: 1 }) } };
    expect(loadConfig(spec, { N: '42' }).n).toBe(42);
    expect(() => loadConfig(spec, { N: '4.2' })).toThrow('N must be an integer');
    expect(() => loadConfig(spec, { N: '12abc' })).toThrow('N must be an integer');
  });

  describe('crossChecks', () => {
    interface Pair {
      lo: number;
      hi: number;
    }
    const spec: ConfigSpec<Pair> = {
      lo: { env: 'LO', default: '1', parse: parsers.int() },
      hi: { env: 'HI', default: '2', parse: parsers.int() },
      crossChecks: [
        (c) => (c.lo > c.hi ? `LO (${c.lo}) must be <= HI (${c.hi})` : undefined),
        (_c, env) => (env.A && !env.B ? 'B is required when A is set' : undefined),
      ],
    };

    it('runs after the variables parsed and reports every broken rule at once', () => {
      expect(loadConfig(spec, {})).toEqual({ lo: 1, hi: 2 });
      expect(() => loadConfig(spec, { LO: '5', A: 'x' })).toThrow(new ConfigError(['LO (5) must be <= HI (2)', 'B is required when A is set']));
    });

    it('is not a variable: iterating the spec never parses it', () => {
      expect(Object.keys(loadConfig(spec, {}))).toEqual(['lo', 'hi']);
    });

    it('waits for the variables to parse (a rule cannot judge a value it does not have)', () => {
      expect(() => loadConfig(spec, { LO: 'x', A: 'x' })).toThrow(new ConfigError(['LO must be an integer, got "x"']));
    });

    it('crossCheckProblems runs the same rules on a config built by hand', () => {
      expect(crossCheckProblems(spec, { lo: 3, hi: 1 }, {})).toEqual(['LO (3) must be <= HI (1)']);
      expect(crossCheckProblems(baseConfigSpec, loadConfig(baseConfigSpec, {}), {})).toEqual([]);
    });
  });

  it('has one BULL_PREFIX spec (every app reads it through it)', () => {
    const spec = { p: bullPrefixSpec };
    expect(loadConfig(spec, {}).p).toBe('bull');
    expect(loadConfig(spec, { BULL_PREFIX: '{casegraph}:prod' }).p).toBe('{casegraph}:prod');
    expect(() => loadConfig(spec, { BULL_PREFIX: 'a b' })).toThrow('BULL_PREFIX must be 1-64 characters of [A-Za-z0-9_{}:.-]');
    expect(() => loadConfig(spec, { BULL_PREFIX: 'x'.repeat(65) })).toThrow('BULL_PREFIX must be 1-64 characters');
  });
});
