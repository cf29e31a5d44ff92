import type { INestApplicationContext, LoggerService } from '@nestjs/common';

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
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      opts.logger?.warn?.(`second ${signal}: exiting now`);
      process.exit(1);
    }
    closing = true;
    opts.logger?.log?.(`${signal} received: shutting down (grace ${opts.graceMs} ms)`);
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
