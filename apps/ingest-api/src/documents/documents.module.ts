import { Module } from '@nestjs/common';
import { DeletionModule } from '../deletion/deletion.module';
import { IntakeModule } from '../intake/intake.module';
import { DocumentsController, ProjectDocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';
import { UploadService } from './upload.service';

@Module({
  imports: [IntakeModule, DeletionModule],
  controllers: [ProjectDocumentsController, DocumentsController],
  providers: [DocumentsService, UploadService],
  exports: [DocumentsService],
})
export class DocumentsModule {}
