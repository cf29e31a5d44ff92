import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@casegraph/platform';
import { graphWorkerConfigSpec } from './config';
import { GraphWorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(graphWorkerConfigSpec);
  const app = await NestFactory.createApplicationContext(GraphWorkerModule.forRoot(config), { abortOnError: false });
  app.enableShutdownHooks();
  Logger.log('graph-worker started', 'Bootstrap');
}

bootstrap().catch((err) => {
  Logger.error(`graph-worker failed to start: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
  process.exit(1);
});
