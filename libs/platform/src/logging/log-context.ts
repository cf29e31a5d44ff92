import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields that tie a log line to a document and a job. */
export interface LogContext {
  documentUuid?: string;
  projectUuid?: string;
  jobId?: string;
  stage?: string;
  queue?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/**
 * Runs `fn` with `context` bound to every log line it (and anything it awaits)
 * writes: LoggingModule's pino mixin adds the current context to each line, so
 * services that log through Nest's Logger get documentUuid/jobId/stage without
 * passing a logger around. The context object is private to this run.
 */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...(storage.getStore() ?? {}), ...clean(context) }, fn);
}

/** Adds fields to the current context (e.g. projectUuid once the document is resolved). No-op outside one. */
export function bindLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, clean(fields));
}

/** The fields of the current context ({} outside one): pino's mixin. */
export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

function clean(fields: LogContext): LogContext {
  const out: LogContext = {};
  // The fields come from job data, untyped at run time: a number (a Bull job id) is written as its digits,
  // anything that is not a string or a number is no log field.
  for (const [k, v] of Object.entries(fields) as Array<[keyof LogContext, unknown]>) {
    if (typeof v === 'string' && v !== '') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'bigint') out[k] = String(v);
  }
  return out;
}
