import type { Server as HttpServer } from 'node:http';
import { INestApplication, Logger, VERSION_NEUTRAL, VersioningType } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoLogger } from 'nestjs-pino';
import { enableGracefulShutdown } from '@casegraph/platform';
import { API_KEY_SECURITY } from './common/api-docs';
import { ApiValidationPipe } from './common/api-validation.pipe';
import { ApiExceptionFilter, expressErrorHandler } from './common/api-exception.filter';
import { jsonDepthVerifier } from './common/json-depth';
import type { IngestApiConfig } from './config';
import { httpMetricsMiddleware } from './metrics';

/** How long an idle keep-alive connection stays open (Node's default is 5 s). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ConfigureAppOptions {
  /** Install SIGTERM/SIGINT handlers that close the app and exit 0 (main.ts; tests leave it off). */
  signalHandlers?: boolean;
  /** Use the pino logger from LoggingModule (default true). */
  pinoLogger?: boolean;
}

/**
 * Everything about the HTTP app that is not a module: body size and depth limits
 * and JSON errors for bad bodies, URI versioning (/v1, health and metrics unversioned),
 * the global ValidationPipe and exception filter, OpenAPI at /docs, shutdown.
 * main.ts and the e2e tests both call this, so tests exercise the real setup.
 */
export function configureApp(app: INestApplication, config: IngestApiConfig, opts: ConfigureAppOptions = {}): INestApplication {
  const express = app as NestExpressApplication;
  if (opts.pinoLogger !== false) {
    try {
      app.useLogger(app.get(PinoLogger));
    } catch {
      /* LoggingModule not imported (a test module): keep Nest's logger */
    }
  }
  express.disable('x-powered-by');
  // An idle keep-alive connection outlives the clients' and load balancers' own idle timeouts (60 s on most), so the
  // client always closes it first. With Node's 5 s the server could close it just as a client reused it: that
  // request fails (EPIPE, or a 502 from the balancer). Found by the container test, under load. Shutdown still
  // closes idle connections at once (http.Server.close).
  const server = app.getHttpServer() as HttpServer;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  // Behind N proxies (TRUST_PROXY), req.ip and req.secure come from their X-Forwarded-* headers: the session cookie
  // is Secure behind an HTTPS ingress, and per-IP limits count clients. 0 trusts no header (a forged one is ignored).
  express.set('trust proxy', config.trustProxyHops > 0 ? config.trustProxyHops : false);
  // First in the chain: times every request, including body-parser errors and the dashboard.
  express.use(httpMetricsMiddleware);
  // Registered before Nest's defaults, which then skip their own json/urlencoded parsers. Every JSON body, on every
  // route, has its size bounded (413) and its nesting depth scanned before JSON.parse (400): the validation pipe
  // recurses once per level, so a 5,000-deep array would otherwise overflow the stack there (a 500).
  express.useBodyParser('json', { limit: `${config.jsonBodyLimitKb}kb`, strict: true, verify: jsonDepthVerifier(config.jsonMaxDepth) });
  express.useBodyParser('urlencoded', { limit: '64kb', extended: false, parameterLimit: 100 });
  // Body-parser errors (malformed JSON, too large) happen before Nest's pipeline: answer them as JSON too.
  express.use(expressErrorHandler);

  app.enableVersioning({ type: VersioningType.URI, defaultVersion: VERSION_NEUTRAL });
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());

  const doc = new DocumentBuilder()
    .setTitle('CaseGraph ingest API')
    .setDescription(
      'Projects, document uploads, batch manifests and processing status. Every /v1 route needs ' +
        '`Authorization: Bearer <key>` or `X-API-Key: <key>` when CASEGRAPH_API_KEYS is set.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SECURITY)
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs-json',
  });

  if (opts.signalHandlers) {
    enableGracefulShutdown(app, { graceMs: config.shutdownGraceMs, logger: new Logger('Shutdown') });
  }
  return app;
}
