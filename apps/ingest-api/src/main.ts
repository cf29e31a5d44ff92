import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit } from '@casegraph/platform';
import { AppModule } from './app.module';
import { configureApp } from './bootstrap';
import { ingestApiConfigSpec } from './config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(ingestApiConfigSpec);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    abortOnError: false,
    bufferLogs: true,
  });
  configureApp(app, config, { signalHandlers: true });
  await app.listen(config.port);
  Logger.log(`ingest-api listening on http://localhost:${config.port} (OpenAPI at /docs)`, 'Bootstrap');
}

bootstrap().catch((err) => {
  Logger.error(`ingest-api failed to start: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
  process.exit(1);
});
