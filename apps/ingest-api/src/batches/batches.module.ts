import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { BatchesController } from './batches.controller';
import { BatchesService } from './batches.service';

@Module({
  imports: [IntakeModule],
  controllers: [BatchesController],
  providers: [BatchesService],
})
export class BatchesModule {}
