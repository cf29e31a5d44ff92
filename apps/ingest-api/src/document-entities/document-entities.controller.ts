import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { DocumentEntitiesDto, DocumentEntitiesQueryDto } from './document-entities.dto';
import { DocumentEntitiesService } from './document-entities.service';

@ApiTags('documents')
@ApiV1()
@Controller({ path: 'documents', version: '1' })
export class DocumentEntitiesController {
  constructor(private readonly entities: DocumentEntitiesService) {}

  @Get(':documentUuid/entities')
  @ApiOperation({
    summary: "A document's entity mentions by page (or on one page with ?page=N) and its parties, judges, courts and citations",
    description:
      "Mentions: every mention with known offsets, at offsets relative to its page's text (as GET /v1/documents/:id/text " +
      'returns it, UTF-16 code units), with its canonical entity, type and role, in text order; a mention whose offsets are ' +
      'unknown (an old row) is not listed. Summary (the whole document, whatever the page): parties with their roles ' +
      '(plaintiff, appellee…), judges of this case with theirs (author, panel, dissent, concurrence; a judge named in a ' +
      "cited case's parenthetical is not one), courts (the caption court first), the cases and statutes it cites with " +
      'their signals, and its own (caption) cases; from the mentions and the typed edges the graph worker stored for it.',
  })
  @ApiParam({ name: 'documentUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: DocumentEntitiesDto })
  @ApiErrors([400, 'Invalid UUID, or page not an integer of at least 1'], [404, 'Unknown document, or a page beyond its page count'])
  get(@UuidParam('documentUuid') documentUuid: string, @Query() q: DocumentEntitiesQueryDto): Promise<DocumentEntitiesDto> {
    return this.entities.forDocument(documentUuid, q.page);
  }
}
