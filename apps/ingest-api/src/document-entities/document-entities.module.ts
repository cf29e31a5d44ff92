import { Module } from '@nestjs/common';

/** A document's mentions by page and its parties, judges, court and citations (placeholder: owner H4). */
@Module({})
export class DocumentEntitiesModule {}
