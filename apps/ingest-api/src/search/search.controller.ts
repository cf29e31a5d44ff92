import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { SearchBatchDto, SearchBatchResultDto, SearchPageDto, SearchQueryDto } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiV1()
@Controller({ path: 'projects/:projectUuid/search', version: '1' })
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiOperation({
    summary: "Full-text search over the project's pages: ranked pages with plain-text snippets and hit offsets",
    description:
      'Web-search syntax: words are English-stemmed (ruling finds ruled); "quoted phrases" and citations typed bare ' +
      '(410 U.S. 113, § 1983, 42 U.S.C. § 1983, F.3d) match the exact words in order; `or` between terms; -word excludes. ' +
      'Ranked by ts_rank_cd (exact hits weigh more). Filters narrow the documents (types, entity, from/to, documentType) ' +
      'or the pages (bates). See docs/search.md.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: SearchPageDto })
  @ApiErrors([400, 'Missing or too long q, invalid page, filter, date or Bates range'], [404, 'Unknown project'])
  find(@UuidParam('projectUuid') projectUuid: string, @Query() q: SearchQueryDto): Promise<SearchPageDto> {
    return this.search.search(projectUuid, q);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Many terms at once (names, citations): per term the pages and documents matching and the first hits',
    description: 'Each term in the search syntax; the filters apply to every term. At most 200 terms of 200 characters.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: SearchBatchResultDto })
  @ApiErrors([400, 'No terms, too many or too long, invalid hitsPerTerm, filter, date or Bates range'], [404, 'Unknown project'])
  batch(@UuidParam('projectUuid') projectUuid: string, @Body() body: SearchBatchDto): Promise<SearchBatchResultDto> {
    return this.search.batch(projectUuid, body);
  }
}
