/**
 * Pre-flight checks for `npm start`: are PostgreSQL and Redis reachable, and are
 * the apps' ports free? Each check answers with a sentence a newcomer can act on,
 * never a stack trace.
 */
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';
import { redactUrl } from '../../libs/entities/src/database-url';
import { ConfigError, ConfigSpec, loadConfig } from '../../libs/platform/src/config';
import { redisOptionsFromUrl } from '../../libs/platform/src/redis-options';

export const COMPOSE_HINT = 'docker compose -f docker/compose.yaml up -d postgres redis';

export interface CheckResult {
  service: 'PostgreSQL' | 'Redis';
  /** The URL checked, with any password replaced. */
  url: string;
  ok: boolean;
  /** What happened, in one line (on success: an optional remark). */
  detail?: string;
  /** What to do about it. */
  hint?: string;
}

const networkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  // Node's AggregateError (IPv4 + IPv6 attempts) carries the useful messages inside.
  if (!e.message && e.errors?.length) return e.errors.map((x) => x.message).join('; ');
  return e.message || String(err);
}

/** One app as `npm start` runs it: its config spec, the variables start sets for it, its port. */
export interface AppConfigPlan {
  name: string;
  spec: ConfigSpec<unknown>;
  /** Over the environment (PORT / HEALTH_PORT). */
  env: Record<string, string>;
  port: number;
  /** The variable of npm start's environment that sets `port`. */
  portVar: string;
}

/**
 * The environment of each app, validated exactly as the app validates it at boot (its spec
 * through loadConfig: every variable, then the spec's cross-variable rules; not a copy of them),
 * plus what only npm start can see: two apps given one port. A problem several apps share (the
 * variables they all read) is listed once, naming them. Empty when fine.
 */
export function configProblems(apps: AppConfigPlan[], env: NodeJS.ProcessEnv = process.env): string[] {
  const byProblem = new Map<string, string[]>();
  for (const app of apps) {
    try {
      loadConfig(app.spec, { ...env, ...app.env });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) byProblem.set(p, [...(byProblem.get(p) ?? []), app.name]);
    }
  }
  const problems = [...byProblem].map(([p, names]) => (names.length === apps.length ? p : `${p} (${names.join(', ')})`));
  for (let i = 0; i < apps.length; i++) {
    for (let j = i + 1; j < apps.length; j++) {
      const [a, b] = [apps[i], apps[j]];
      if (a.port !== 0 && a.port === b.port) {
        problems.push(`${a.portVar} and ${b.portVar} are both ${a.port}: ${a.name} and ${b.name} need a port each`);
      }
    }
  }
  return problems;
}

/**
 * Connects to the database in `url`. A database that does not exist yet counts as
 * reachable: the migration creates it.
 */
export async function checkPostgres(url: string, timeoutMs = 3000): Promise<CheckResult> {
  const shown = redactUrl(url);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { service: 'PostgreSQL', url: shown, ok: true };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '3D000') {
      return { service: 'PostgreSQL', url: shown, ok: true, detail: 'the database does not exist yet; the migration will create it' };
    }
    if (code === '28P01' || code === '28000') {
      return {
        service: 'PostgreSQL',
        url: shown,
        ok: false,
        detail: `the server refused the login: ${describe(err)}`,
        hint: 'fix the user/password in DATABASE_URL',
      };
    }
    const isNetwork = (code && networkCodes.has(code)) || /timeout|terminated|ECONNREFUSED/i.test(describe(err));
    return {
      service: 'PostgreSQL',
      url: shown,
      ok: false,
      detail: isNetwork ? `not reachable (${describe(err)})` : describe(err),
      hint: `start it (for example: ${COMPOSE_HINT}) or point DATABASE_URL at a running server`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connects to Redis and sends PING, failing fast (no retries, no offline queue). */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<CheckResult> {
  const shown = redactUrl(url);
  const client = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    enableOfflineQueue: false,
    // The ready check's INFO would wait on a hung server beyond our timeout; PING below decides.
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    connectionName: 'casegraph-start-check',
  });
  // ioredis rejects connect() with a bare "Connection is closed."; the cause comes as an event.
  let lastError: unknown;
  client.on('error', (err) => (lastError = err));
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`unexpected answer to PING: ${pong}`);
    return { service: 'Redis', url: shown, ok: true };
  } catch (err) {
    const message = lastError && /Connection is closed/.test(describe(err)) ? describe(lastError) : describe(err);
    if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message)) {
      return {
        service: 'Redis',
        url: shown,
        ok: false,
        detail: `the server refused the login: ${message}`,
        hint: 'put the password in REDIS_URL (redis://:password@host:6379)',
      };
    }
    return {
      service: 'Redis',
      url: shown,
      ok: false,
      detail: `not reachable (${message})`,
      hint: `start it (for example: ${COMPOSE_HINT}) or point REDIS_URL at a running server`,
    };
  } finally {
    client.disconnect();
  }
}

/** True when nothing listens on `port` (we could bind it ourselves). */
export function portIsFree(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The report printed when a check fails: which service, why, and how to fix it. */
export function formatFailures(results: CheckResult[]): string {
  const failed = results.filter((r) => !r.ok);
  const lines = failed.map((r) => `  ✗ ${r.service} at ${r.url}: ${r.detail}\n    → ${r.hint}`);
  const both = failed.length > 1 ? `\n  Both at once, with Docker: ${COMPOSE_HINT}` : '';
  return `Cannot start CaseGraph:\n${lines.join('\n')}${both}\n`;
}
