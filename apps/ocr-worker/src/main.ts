import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@casegraph/platform';
import { ocrConfigProblems, ocrWorkerConfigSpec } from './config';
import { OcrWorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(ocrWorkerConfigSpec);
  const problems = ocrConfigProblems(config);
  if (problems.length) {
    process.stderr.write(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(78);
  }
  const app = await NestFactory.createApplicationContext(OcrWorkerModule.forRoot(config), { abortOnError: false });
  app.enableShutdownHooks();
  Logger.log(
    `ocr-worker started (engine ${config.ocrEngine}, concurrency ${config.ocrConcurrency}, prefix ${config.bullPrefix})`,
    'Bootstrap',
  );
}

bootstrap().catch((err) => {
  Logger.error(`ocr-worker failed to start: ${(err as Error).message}`, (err as Error).stack, 'Bootstrap');
  process.exit(1);
});
