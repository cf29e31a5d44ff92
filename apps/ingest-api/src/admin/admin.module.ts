import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '@casegraph/contracts';
import type { IngestApiConfig } from '../config';
import { adminAuthMiddleware } from './admin-auth.middleware';

export const ADMIN_QUEUES_ROUTE = '/admin/queues';

/**
 * Bull Board at /admin/queues: the ocr and graph queues (waiting, active, delayed,
 * failed jobs; retry and clean), behind the API key (see adminAuthMiddleware).
 * The queues are the ones IntakeModule registers.
 */
@Module({})
export class AdminModule {
  static forRoot(config: Pick<IngestApiConfig, 'apiKeys'>): DynamicModule {
    return {
      module: AdminModule,
      imports: [
        BullBoardModule.forRoot({
          route: ADMIN_QUEUES_ROUTE,
          adapter: ExpressAdapter,
          middleware: adminAuthMiddleware(config.apiKeys),
          boardOptions: { uiConfig: { boardTitle: 'CaseGraph queues' } },
        }),
        BullBoardModule.forFeature({ name: QUEUES.OCR, adapter: BullAdapter }, { name: QUEUES.GRAPH, adapter: BullAdapter }),
      ],
    };
  }
}
