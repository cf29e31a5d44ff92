import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ReadinessService } from './health/readiness.service';
import { renderMetrics } from './metrics/metrics';

export const OPS_HTTP_PORT = Symbol('OPS_HTTP_PORT');

/**
 * The workers' small HTTP server: /health/live, /health/ready and /metrics.
 * Workers are application contexts (no Nest HTTP adapter); this is all they expose.
 */
@Injectable()
export class OpsHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OpsHttpServer');
  private server?: Server;

  constructor(
    @Inject(OPS_HTTP_PORT) private readonly port: number,
    private readonly readiness: ReadinessService,
  ) {}

  /** The bound port (useful when configured as 0 in tests). */
  get boundPort(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server = createServer((req, res) => {
      const send = (status: number, body: string, type = 'application/json') => {
        res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        res.end(body);
      };
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') return send(405, JSON.stringify({ message: 'Method Not Allowed' }));
      if (path === '/health/live') return send(200, JSON.stringify(this.readiness.live()));
      if (path === '/health/ready') {
        this.readiness.ready().then(
          (result) => send(200, JSON.stringify(result)),
          (err: { getResponse?: () => unknown; message?: string }) =>
            send(503, JSON.stringify(err.getResponse ? err.getResponse() : { status: 'error', message: err.message })),
        );
        return;
      }
      if (path === '/metrics') {
        renderMetrics().then(
          ({ contentType, body }) => send(200, body, contentType),
          (err: Error) => send(500, JSON.stringify({ message: err.message })),
        );
        return;
      }
      return send(404, JSON.stringify({ message: 'Not Found' }));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, () => resolve());
    });
    this.logger.log(`health and metrics on :${this.boundPort}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
