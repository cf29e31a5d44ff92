/**
 * Environment configuration, validated at boot. Every app declares a spec; a
 * missing or bad variable stops the process with a message that names it.
 * Rules over several variables (S3 storage needs a bucket, ...) are part of the
 * spec too (`crossChecks`), so the app at boot, `npm start` and the tests all
 * run the same rules through loadConfig.
 */
export type Parser<T> = (raw: string, name: string) => T;

export interface VarSpec<T> {
  env: string;
  /** Used when the variable is unset or empty. Omit to make the variable required. */
  default?: string;
  parse: Parser<T>;
  doc?: string;
}

/**
 * A rule over several variables, run on the parsed config (and the raw environment, for
 * variables the spec does not parse). Returns the problem, naming EVERY variable involved, or
 * undefined when the combination is fine.
 */
export type CrossCheck<T> = (config: T, env: NodeJS.ProcessEnv) => string | undefined;

export type ConfigSpec<T> = { [K in keyof T]: VarSpec<T[K]> } & {
  /** Run after every variable parsed (a rule cannot judge a variable that did not parse). */
  crossChecks?: CrossCheck<T>[];
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<T>(spec: ConfigSpec<T>, env: NodeJS.ProcessEnv = process.env): T {
  const out = {} as T;
  const problems: string[] = [];
  for (const key of Object.keys(spec).filter((k) => k !== 'crossChecks') as (keyof T)[]) {
    const v = (spec as { [K in keyof T]: VarSpec<T[K]> })[key];
    const given = env[v.env];
    const raw = given === undefined || given === '' ? v.default : given;
    if (raw === undefined) {
      problems.push(`${v.env} is required${v.doc ? ` (${v.doc})` : ''}`);
      continue;
    }
    try {
      out[key] = v.parse(raw, v.env);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (!problems.length) problems.push(...crossCheckProblems(spec, out, env));
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** The problems the spec's cross-variable rules find in a parsed config (empty when fine). */
export function crossCheckProblems<T>(spec: ConfigSpec<T>, config: T, env: NodeJS.ProcessEnv = process.env): string[] {
  return (spec.crossChecks ?? []).map((check) => check(config, env)).filter((p): p is string => !!p);
}

/** Loads the config or prints what is wrong and exits with status 78 (EX_CONFIG). */
export function loadConfigOrExit<T>(spec: ConfigSpec<T>, env: NodeJS.ProcessEnv = process.env): T {
  try {
    return loadConfig(spec, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

const show = (raw: string) => JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);

export const parsers = {
  string: (): Parser<string> => (raw) => raw,
  int:
    (opts: { min?: number; max?: number } = {}): Parser<number> =>
    (raw, name) => {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
        throw new Error(`${name} must be an integer, got ${show(raw)}`);
      }
      if (opts.min !== undefined && n < opts.min) throw new Error(`${name} must be >= ${opts.min}, got ${n}`);
      if (opts.max !== undefined && n > opts.max) throw new Error(`${name} must be <= ${opts.max}, got ${n}`);
      return n;
    },
  number:
    (opts: { min?: number; max?: number } = {}): Parser<number> =>
    (raw, name) => {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`${name} must be a number, got ${show(raw)}`);
      if (opts.min !== undefined && n < opts.min) throw new Error(`${name} must be >= ${opts.min}, got ${n}`);
      if (opts.max !== undefined && n > opts.max) throw new Error(`${name} must be <= ${opts.max}, got ${n}`);
      return n;
    },
  bool: (): Parser<boolean> => (raw, name) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new Error(`${name} must be true or false, got ${show(raw)}`);
  },
  oneOf:
    <T extends string>(...values: T[]): Parser<T> =>
    (raw, name) => {
      if (!(values as string[]).includes(raw)) throw new Error(`${name} must be one of ${values.join(', ')}, got ${show(raw)}`);
      return raw as T;
    },
  url:
    (...protocols: string[]): Parser<string> =>
    (raw, name) => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new Error(`${name} must be a URL (${protocols.map((p) => `${p}//`).join(' or ')}…), got ${show(raw)}`);
      }
      if (protocols.length && !protocols.includes(u.protocol)) {
        throw new Error(`${name} must use ${protocols.join(' or ')}, got ${show(u.protocol)}`);
      }
      if (!u.hostname) throw new Error(`${name} has no host: ${show(raw)}`);
      return raw;
    },
  /** A Bull key prefix: what every producer and worker of one deployment must agree on. */
  bullPrefix: (): Parser<string> => (raw, name) => {
    if (!/^[A-Za-z0-9_{}:.-]{1,64}$/.test(raw)) throw new Error(`${name} must be 1-64 characters of [A-Za-z0-9_{}:.-]`);
    return raw;
  },
  list: (): Parser<string[]> => (raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
};

/** BULL_PREFIX, the one spec of it: the API and both workers must read it the same way. */
export const bullPrefixSpec: VarSpec<string> = { env: 'BULL_PREFIX', default: 'bull', parse: parsers.bullPrefix() };

/** Variables every service reads. */
export interface BaseConfig {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  redisUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  dbPoolSize: number;
  cacheTtlSeconds: number;
  shutdownGraceMs: number;
}

export const baseConfigSpec: ConfigSpec<BaseConfig> = {
  nodeEnv: { env: 'NODE_ENV', default: 'development', parse: parsers.oneOf('development', 'production', 'test') },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/casegraph',
    parse: parsers.url('postgres:', 'postgresql:'),
  },
  redisUrl: { env: 'REDIS_URL', default: 'redis://127.0.0.1:6379', parse: parsers.url('redis:', 'rediss:') },
  logLevel: { env: 'LOG_LEVEL', default: 'info', parse: parsers.oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace') },
  dbPoolSize: { env: 'DB_POOL_SIZE', default: '10', parse: parsers.int({ min: 1, max: 200 }) },
  cacheTtlSeconds: { env: 'CACHE_TTL_SECONDS', default: '86400', parse: parsers.int({ min: 1 }) },
  shutdownGraceMs: { env: 'SHUTDOWN_GRACE_MS', default: '25000', parse: parsers.int({ min: 0, max: 600_000 }) },
};
