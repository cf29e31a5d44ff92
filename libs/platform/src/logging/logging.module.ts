import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { BaseConfig } from '../config';
import { currentLogContext } from './log-context';

/** Paths never written to logs: API keys and authorization headers, wherever they appear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.Authorization',
  'req.headers["X-API-Key"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  // The browser session cookie (POST /v1/session) is a login until it expires: never in a log line.
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'apiKey',
  '*.apiKey',
];

function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON logs through nestjs-pino; pretty in development when pino-pretty is installed.
 * `http: true` also logs every request (ingest-api).
 */
@Module({})
export class LoggingModule {
  static forRoot(config: Pick<BaseConfig, 'logLevel' | 'nodeEnv'>, opts: { service: string; http?: boolean }): DynamicModule {
    const pretty = config.nodeEnv === 'development' && process.stdout.isTTY && prettyAvailable();
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.nodeEnv === 'test' && !process.env.LOG_LEVEL ? 'warn' : config.logLevel,
            name: opts.service,
            base: { service: opts.service },
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            // documentUuid, projectUuid, jobId, stage of the job being run (runWithLogContext), on every line.
            mixin: () => ({ ...currentLogContext() }),
            // Health and metrics are scraped constantly: keep them out of the request log.
            autoLogging: opts.http ? { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') } : false,
            serializers: {
              req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
            },
            ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true, colorize: true } } } : {}),
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
