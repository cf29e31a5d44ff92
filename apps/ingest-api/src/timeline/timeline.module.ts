import { Module } from '@nestjs/common';
import { TimelineController } from './timeline.controller';
import { TimelineService } from './timeline.service';

/** GET /v1/projects/:projectUuid/timeline: dated events of a project (DATE mentions with their sentence and document). */
@Module({
  controllers: [TimelineController],
  providers: [TimelineService],
})
export class TimelineModule {}
