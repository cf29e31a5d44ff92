import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ShutdownState } from './health/shutdown-state';

/**
 * Keep-alive connections must not hold an HTTP app open past the grace. Installed at
 * boot (to know the in-flight responses); from the signal on, every response not yet
 * started, in flight or new, closes its connection (`Connection: close`), idle
 * keep-alive sockets are closed as they appear, and whatever is still open when the
 * grace ends is cut. In-flight requests run to completion within the grace.
 */
function httpConnectionDrainer(app: INestApplicationContext): ((graceMs: number) => void) | undefined {
  const getHttpServer = (app as { getHttpServer?: () => unknown }).getHttpServer;
  if (typeof getHttpServer !== 'function') return undefined;
  let server: Server | undefined;
  try {
    server = getHttpServer.call(app) as Server;
  } catch {
    return undefined;
  }
  if (!server || typeof server.prependListener !== 'function') return undefined;
  const http = server;
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  http.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
      return;
    }
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  return (graceMs: number) => {
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    http.closeIdleConnections?.();
    const idle = setInterval(() => http.closeIdleConnections?.(), 200);
    idle.unref();
    const cut = setTimeout(() => {
      clearInterval(idle);
      http.closeAllConnections?.();
    }, graceMs);
    cut.unref();
  };
}

/**
 * Graceful shutdown that exits 0: on SIGTERM/SIGINT, close the app (Nest runs
 * beforeApplicationShutdown/onApplicationShutdown hooks: readiness goes false,
 * workers stop taking jobs and wait for active ones up to the grace period,
 * connections close), then exit. A second signal, or the hard deadline, forces
 * exit 1. Nest's own enableShutdownHooks() re-raises the signal after closing
 * (exit 143), which Kubernetes and our tests read as a crash; this replaces it.
 */
export function enableGracefulShutdown(
  app: INestApplicationContext,
  opts: { graceMs: number; logger?: LoggerService; signals?: NodeJS.Signals[] },
): void {
  let closing = false;
  const drainHttp = httpConnectionDrainer(app);
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      opts.logger?.warn?.(`second ${signal}: exiting now`);
      process.exit(1);
    }
    closing = true;
    opts.logger?.log?.(`${signal} received: shutting down (grace ${opts.graceMs} ms)`);
    // Readiness false at once, before any shutdown hook runs (hooks of different modules run one
    // after another, and a worker's drain may take the whole grace).
    try {
      app.get(ShutdownState, { strict: false }).markShuttingDown();
    } catch {
      /* no HealthModule in this app */
    }
    drainHttp?.(opts.graceMs);
    const deadline = setTimeout(() => {
      opts.logger?.error?.(`shutdown took longer than ${opts.graceMs + 5000} ms: exiting`);
      process.exit(1);
    }, opts.graceMs + 5000);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (err: Error) => {
        opts.logger?.error?.(`shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
}
