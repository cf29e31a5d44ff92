import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { BatesService } from './bates.service';
import { BatesHitDto, BatesRangeDto, BatesRangeQueryDto, ProductionAcceptedDto } from './productions.dto';
import { PRODUCTION_FIELDS, ProductionsService } from './productions.service';

@ApiTags('productions')
@ApiV1()
@Controller({ path: 'projects/:projectUuid/productions', version: '1' })
export class ProductionsController {
  constructor(private readonly productions: ProductionsService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Import an e-discovery production: a Concordance DAT, an Opticon OPT and the page images',
    description:
      `Multipart: "${PRODUCTION_FIELDS.dat}" (the DAT: þ-quoted, \\x14-separated, header row), "${PRODUCTION_FIELDS.opt}" ` +
      `(the OPT: BATES,VOLUME,PATH,Y,BOX,FOLDER,PAGECOUNT), then one "${PRODUCTION_FIELDS.files}" part per image whose ` +
      "file name is its path relative to the load files' folder, as the OPT names it (TIFF any compression, PNG, JPEG). " +
      `Optional text fields "${PRODUCTION_FIELDS.custodian}" (for records without one) and "${PRODUCTION_FIELDS.name}". ` +
      'Each DAT record with its OPT pages becomes one PDF document (its load-file fields in metadata.production, every ' +
      "page's Bates number), OCR is enqueued. Records that cannot be read (a DAT line that does not parse, an OPT " +
      'document without a record or the reverse, a missing or unreadable image) are listed in `unreadable` with their ' +
      'line; the rest is imported. The same PDF twice (another custodian) keeps one document and records each occurrence.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: [PRODUCTION_FIELDS.dat, PRODUCTION_FIELDS.opt, PRODUCTION_FIELDS.files],
      properties: {
        [PRODUCTION_FIELDS.dat]: { type: 'string', format: 'binary' },
        [PRODUCTION_FIELDS.opt]: { type: 'string', format: 'binary' },
        [PRODUCTION_FIELDS.files]: { type: 'array', items: { type: 'string', format: 'binary' } },
        [PRODUCTION_FIELDS.custodian]: { type: 'string', maxLength: 1024 },
        [PRODUCTION_FIELDS.name]: { type: 'string', maxLength: 1024 },
      },
    },
  })
  @ApiResponse({ status: 202, type: ProductionAcceptedDto })
  @ApiErrors(
    [400, 'No DAT or no OPT, an unexpected field, an image sent twice, a malformed multipart body, or an invalid UUID'],
    [404, 'Unknown project'],
    [413, 'A load file over PRODUCTION_MAX_LOAD_FILE_MB, more than PRODUCTION_MAX_FILES images, or a body over PRODUCTION_MAX_TOTAL_MB'],
    [415, 'Not multipart'],
    [422, 'The DAT has no DC4-separated header row, or the OPT lists no pages'],
  )
  import(@UuidParam('projectUuid') projectUuid: string, @Req() req: Request): Promise<ProductionAcceptedDto> {
    return this.productions.import(req, projectUuid);
  }
}

@ApiTags('productions')
@ApiV1()
@Controller({ path: 'projects/:projectUuid/bates', version: '1' })
export class BatesController {
  constructor(private readonly bates: BatesService) {}

  @Get()
  @ApiOperation({ summary: 'Pages and documents within a Bates range (ABC000120-ABC000130), in Bates order (at most 1000)' })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: BatesRangeDto })
  @ApiErrors([400, 'Not a Bates number or range'], [404, 'Unknown project'])
  range(@UuidParam('projectUuid') projectUuid: string, @Query() q: BatesRangeQueryDto): Promise<BatesRangeDto> {
    return this.bates.range(projectUuid, q.bates);
  }

  @Get(':bates')
  @ApiOperation({
    summary: 'The document and page with this Bates number',
    description:
      'A page whose stored Bates number (from the load file or the printed stamp) is this one, else a production ' +
      'document whose range holds it. ABC-000123, ABC_000123 and abc000123 name the same page.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'bates', example: 'ABC000123' })
  @ApiResponse({ status: 200, type: BatesHitDto })
  @ApiErrors([400, 'Not a Bates number'], [404, 'Unknown project, or no page or document with this number'])
  find(@UuidParam('projectUuid') projectUuid: string, @Param('bates') bates: string): Promise<BatesHitDto> {
    return this.bates.find(projectUuid, bates);
  }
}
