/** Ports for tests: a free one to listen on, and waiting until something listens. */
import { AddressInfo, createConnection, createServer } from 'node:net';
import { waitFor } from './wait';

/** A port nothing listens on right now (bound on 127.0.0.1, noted, closed). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** True when a TCP connection to host:port is accepted. */
export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const c = createConnection({ port, host });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/** Waits until something accepts connections on the port. */
export async function waitForPort(port: number, timeoutMs = 5000, host = '127.0.0.1'): Promise<void> {
  await waitFor(() => portAccepts(port, host), { timeoutMs, intervalMs: 25, what: `port ${port} to open` });
}
