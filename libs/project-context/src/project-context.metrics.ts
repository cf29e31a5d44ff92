import { Counter, Gauge, register } from 'prom-client';
import { BREAKER_STATE_VALUE, CircuitBreaker } from './util/circuit-breaker';

const P = 'casegraph_project_context_';

export interface ProjectContextMetrics {
  hits: Counter<'layer'>;
  misses: Counter;
  negativeHits: Counter;
  invalidEntries: Counter;
  heals: Counter<'table'>;
  redisErrors: Counter<'op'>;
  dbLookups: Counter;
  dbFallbacks: Counter;
  staleWritesPrevented: Counter;
  breakerState: Gauge;
}

/** Live breakers of every instance in this process; the gauge shows the worst state. */
const BREAKERS_KEY = Symbol.for('casegraph.project-context.breakers');
type GlobalWithBreakers = typeof globalThis & { [BREAKERS_KEY]?: Set<CircuitBreaker> };

export function liveBreakers(): Set<CircuitBreaker> {
  const g = globalThis as GlobalWithBreakers;
  return (g[BREAKERS_KEY] ??= new Set());
}

/**
 * Reuses a metric already in the default registry (a second module instance in
 * the same process, or a second copy of this file) instead of registering twice.
 */
function counter<L extends string = string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
  const existing = register.getSingleMetric(P + name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name: P + name, help, labelNames });
}

let cached: ProjectContextMetrics | undefined;

export function projectContextMetrics(): ProjectContextMetrics {
  if (cached && register.getSingleMetric(`${P}misses_total`) === cached.misses) return cached;
  const existingGauge = register.getSingleMetric(`${P}breaker_state`);
  const breakerState =
    (existingGauge as Gauge | undefined) ??
    new Gauge({
      name: `${P}breaker_state`,
      help: 'Cache circuit breaker: 0 closed, 1 half-open, 2 open (worst instance in this process)',
      collect() {
        let worst = 0;
        for (const b of liveBreakers()) worst = Math.max(worst, BREAKER_STATE_VALUE[b.state]);
        this.set(worst);
      },
    });
  cached = {
    hits: counter('hits_total', 'Contexts served from a cache layer', ['layer']),
    misses: counter('misses_total', 'Contexts not in the cache (loaded from PostgreSQL)'),
    negativeHits: counter('negative_hits_total', 'Unknown documents answered by the negative cache'),
    invalidEntries: counter('invalid_entries_total', 'Malformed or foreign cache entries deleted on read'),
    heals: counter('heals_total', 'Rows whose NULL/mismatched project_uuid was healed in SQL', ['table']),
    redisErrors: counter('redis_errors_total', 'Failed or timed-out cache commands', ['op']),
    dbLookups: counter('db_lookups_total', 'SQL lookups of document contexts (one per batch)'),
    dbFallbacks: counter('db_fallbacks_total', 'Resolutions answered from PostgreSQL because Redis was unavailable'),
    staleWritesPrevented: counter('stale_writes_prevented_total', 'Write-backs refused because the entry was invalidated while it was being loaded'),
    breakerState,
  };
  return cached;
}
