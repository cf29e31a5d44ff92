import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DeletionService } from './deletion.service';

/** Deleting documents and projects (used by the documents and projects routes). */
@Module({
  imports: [IntakeModule],
  providers: [DeletionService],
  exports: [DeletionService],
})
export class DeletionModule {}
