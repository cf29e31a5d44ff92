import { collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

/** Starts the process metrics once per process, in prom-client's default registry. */
export function ensureDefaultMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register });
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
