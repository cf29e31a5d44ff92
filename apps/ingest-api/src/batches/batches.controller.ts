import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { BatchAcceptedDto, BatchStatusDto, CreateBatchDto } from './batch.dto';
import { BatchesService } from './batches.service';

@ApiTags('batches')
@ApiV1()
@Controller({ path: 'batches', version: '1' })
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Submit a batch manifest of files already in storage',
    description:
      'Creates every document with one multi-row INSERT, caches the contexts with one Redis pipeline and enqueues OCR ' +
      'with one addBulk. Up to MAX_BATCH_DOCUMENTS (default 1000) documents.',
  })
  @ApiResponse({ status: 202, type: BatchAcceptedDto })
  @ApiErrors(
    [400, 'Malformed JSON, unknown or wrongly typed fields, empty documents, unsafe s3Key (.., absolute, NUL)'],
    [404, 'Unknown project'],
    [413, 'More than MAX_BATCH_DOCUMENTS documents, a fileSizeMb over MAX_FILE_MB, or a body over JSON_BODY_LIMIT_KB'],
  )
  create(@Body() dto: CreateBatchDto): Promise<BatchAcceptedDto> {
    return this.batches.create(dto);
  }

  @Get(':batchId')
  @ApiOperation({ summary: 'Counts by status and the status of every document of a batch' })
  @ApiParam({ name: 'batchId', format: 'uuid' })
  @ApiResponse({ status: 200, type: BatchStatusDto })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown batch'])
  status(@UuidParam('batchId') batchId: string): Promise<BatchStatusDto> {
    return this.batches.status(batchId);
  }
}
