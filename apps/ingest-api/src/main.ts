import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@casegraph/platform';
import { AppModule } from './app.module';
import { ingestApiConfigSpec } from './config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(ingestApiConfigSpec);
  const app = await NestFactory.create(AppModule.forRoot(config), { abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(config.port);
  Logger.log(`ingest-api listening on http://localhost:${config.port}`, 'Bootstrap');
}

bootstrap().catch((err) => {
  Logger.error(`ingest-api failed to start: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
  process.exit(1);
});
