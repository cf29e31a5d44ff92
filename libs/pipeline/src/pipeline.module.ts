import { DynamicModule, Module } from '@nestjs/common';
import { DocumentJobRunner } from './document-job-runner';
import { DOCUMENT_STATE_OPTIONS, DocumentStateOptions, DocumentStateService } from './document-state.service';

/**
 * Stage bookkeeping shared by the API and the workers, and the workers' one failure policy
 * (DocumentJobRunner). Needs the host app's TypeORM DataSource.
 */
@Module({})
export class PipelineModule {
  static forRoot(options: DocumentStateOptions): DynamicModule {
    return {
      module: PipelineModule,
      global: true,
      providers: [{ provide: DOCUMENT_STATE_OPTIONS, useValue: options }, DocumentStateService, DocumentJobRunner],
      exports: [DocumentStateService, DocumentJobRunner],
    };
  }
}
