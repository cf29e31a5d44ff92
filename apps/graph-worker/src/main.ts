import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { enableGracefulShutdown, loadConfigOrExit } from '@casegraph/platform';
import { graphWorkerConfigSpec } from './config';
import { GraphWorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  // Exits 78 naming every bad variable, cross-variable rules (CHUNK_OVERLAP < CHUNK_SIZE) included.
  const config = loadConfigOrExit(graphWorkerConfigSpec);
  const app = await NestFactory.createApplicationContext(GraphWorkerModule.forRoot(config), {
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  enableGracefulShutdown(app, { graceMs: config.shutdownGraceMs, logger: new Logger('Shutdown') });
  Logger.log(
    `graph-worker started (extractor ${config.entityExtractor}, concurrency ${config.graphConcurrency}, ` +
      `chunks ${config.chunkSize}/${config.chunkOverlap}, prefix ${config.bullPrefix})`,
    'Bootstrap',
  );
}

bootstrap().catch((err) => {
  Logger.error(`graph-worker failed to start: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
  process.exit(1);
});
