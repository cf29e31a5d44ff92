import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { TimelineDto, TimelineQueryDto } from './timeline.dto';
import { TimelineService } from './timeline.service';

@ApiTags('timeline')
@ApiV1()
@Controller({ path: 'projects/:projectUuid', version: '1' })
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get('timeline')
  @ApiOperation({
    summary: "The project's dated events: DATE mentions of a day, with their sentence, document and page, by date",
    description:
      'A date whose key is a day (YYYY-MM-DD) is an event; year-only and month-only dates ("in 2019", "May 2019") are left ' +
      'out. Sorted by date, then file name, then position. `entity` keeps the dates with a mention of that entity in the same ' +
      'document within 200 characters (the sentence or the one next to it). The sentence is plain text (untrusted).',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: TimelineDto })
  @ApiErrors([400, 'Invalid UUID, entity, from, to (or from after to), page or pageSize'], [404, 'Unknown project, or no such entity in it'])
  list(@UuidParam('projectUuid') projectUuid: string, @Query() q: TimelineQueryDto): Promise<TimelineDto> {
    return this.timeline.timeline(projectUuid, q);
  }
}
