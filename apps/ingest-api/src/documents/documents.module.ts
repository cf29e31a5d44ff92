import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DocumentsController, ProjectDocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';
import { UploadService } from './upload.service';

@Module({
  imports: [IntakeModule],
  controllers: [ProjectDocumentsController, DocumentsController],
  providers: [DocumentsService, UploadService],
  exports: [DocumentsService],
})
export class DocumentsModule {}
