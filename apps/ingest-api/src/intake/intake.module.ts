import { Module } from '@nestjs/common';
import { QUEUES } from '@casegraph/contracts';
import { registerQueues } from '@casegraph/pipeline';
import { DocumentIntakeService } from './document-intake.service';
import { JobQueuesService } from './job-queues.service';
import { ReconcilerService } from './reconciler.service';

/** Creating documents and getting them onto the queues: the ordered intake, bounded Bull access, the reconciler. */
@Module({
  imports: [registerQueues(QUEUES.OCR, QUEUES.GRAPH)],
  providers: [DocumentIntakeService, JobQueuesService, ReconcilerService],
  exports: [DocumentIntakeService, JobQueuesService, ReconcilerService],
})
export class IntakeModule {}
