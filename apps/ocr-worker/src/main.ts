import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { enableGracefulShutdown, loadConfigOrExit } from '@casegraph/platform';
import { ocrWorkerConfigSpec } from './config';
import { OcrWorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  // Exits 78 naming every bad variable, cross-variable rules (S3 bucket, Textract staging, ...) included.
  const config = loadConfigOrExit(ocrWorkerConfigSpec);
  const app = await NestFactory.createApplicationContext(OcrWorkerModule.forRoot(config), {
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  // Exit 0 after a clean close (WorkerDrainModule waits for active jobs up to SHUTDOWN_GRACE_MS).
  enableGracefulShutdown(app, { graceMs: config.shutdownGraceMs, logger: new Logger('Shutdown') });
  Logger.log(`ocr-worker started (engine ${config.ocrEngine}, concurrency ${config.ocrConcurrency}, prefix ${config.bullPrefix})`, 'Bootstrap');
}

bootstrap().catch((err) => {
  Logger.error(`ocr-worker failed to start: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
  process.exit(1);
});
