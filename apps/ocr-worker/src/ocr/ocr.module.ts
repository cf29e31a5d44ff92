import { DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '@casegraph/contracts';
import { registerQueues } from '@casegraph/pipeline';
import { ChildrenModule } from '../children/children.module';
import type { OcrWorkerConfig } from '../config';
import { OCR_CONFIG, OcrEngines } from '../engines/ocr-engines';
import { DocProgressService } from './doc-progress.service';
import { OcrProcessor } from './ocr.processor';
import { OcrService } from './ocr.service';

/** The OCR feature (the extraction stage of every format): engines, format readers' children, the job service and the Bull consumer of the `ocr` queue. */
@Module({})
export class OcrModule {
  static forRoot(config: OcrWorkerConfig): DynamicModule {
    return {
      module: OcrModule,
      imports: [registerQueues(QUEUES.OCR, QUEUES.GRAPH), ChildrenModule],
      providers: [{ provide: OCR_CONFIG, useValue: config }, OcrEngines, OcrService, OcrProcessor, DocProgressService],
      exports: [OcrService, OcrEngines],
    };
  }
}
