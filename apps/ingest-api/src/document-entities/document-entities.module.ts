import { Module } from '@nestjs/common';
import { DocumentEntitiesController } from './document-entities.controller';
import { DocumentEntitiesService } from './document-entities.service';

/**
 * GET /v1/documents/:documentUuid/entities: a document's mentions by page (for highlighting its text) and its
 * parties, judges, court and citations (for the document view's side panel). The global API-key guard scopes it
 * by :documentUuid.
 */
@Module({
  controllers: [DocumentEntitiesController],
  providers: [DocumentEntitiesService],
})
export class DocumentEntitiesModule {}
