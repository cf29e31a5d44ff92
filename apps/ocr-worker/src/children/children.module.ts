import { Module } from '@nestjs/common';
import { ChildrenService } from './children.service';

/**
 * Child documents (an e-mail's attachments, an archive's entries). Needs the app's TypeORM DataSource and the
 * global StorageModule and ProjectContextModule; the OCR queue is handed in by the OCR stage that enqueues them.
 */
@Module({ providers: [ChildrenService], exports: [ChildrenService] })
export class ChildrenModule {}
