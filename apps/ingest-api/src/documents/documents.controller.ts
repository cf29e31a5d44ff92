import { Controller, Delete, Get, HttpCode, HttpStatus, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { DocumentDeletedDto } from '../deletion/deletion.dto';
import { DeletionService } from '../deletion/deletion.service';
import { DocumentDto, DocumentListQueryDto, DocumentPageDto, RetryAcceptedDto, UploadAcceptedDto } from './document.dto';
import { DocumentsService } from './documents.service';
import { FILES_FIELD, UploadService } from './upload.service';

@ApiTags('documents')
@ApiV1()
@Controller({ path: 'projects/:projectUuid/documents', version: '1' })
export class ProjectDocumentsController {
  constructor(
    private readonly uploads: UploadService,
    private readonly documents: DocumentsService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Upload one or many files (multipart, field "files")',
    description:
      'Streams each file to storage (SHA-256 on the way), creates the documents in one transaction, then caches their ' +
      'project context and enqueues OCR. All-or-nothing: any refused file means nothing is stored. A file whose bytes ' +
      'already exist in the project is not processed again: it is answered with duplicateOf.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: [FILES_FIELD],
      properties: { [FILES_FIELD]: { type: 'array', items: { type: 'string', format: 'binary' } } },
    },
  })
  @ApiResponse({ status: 202, type: UploadAcceptedDto })
  @ApiErrors(
    [400, 'No files, an empty file, an unexpected field, a malformed multipart body, or an invalid UUID'],
    [404, 'Unknown project'],
    [413, 'A file over MAX_FILE_MB, or more than MAX_FILES_PER_UPLOAD files'],
    [415, 'Not multipart, or a file that is not PDF/PNG/JPEG/TIFF by its bytes'],
  )
  async upload(@UuidParam('projectUuid') projectUuid: string, @Req() req: Request): Promise<UploadAcceptedDto> {
    const result = await this.uploads.upload(req, projectUuid);
    return {
      projectUuid: result.project.projectUuid,
      documents: result.items.map(({ documentUuid, filename, status, duplicateOf }) => ({
        documentUuid,
        filename,
        status,
        ...(duplicateOf ? { duplicateOf } : {}),
      })),
      enqueued: result.enqueued,
    };
  }

  @Get()
  @ApiOperation({ summary: "A project's documents, newest first, optionally by status" })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: DocumentPageDto })
  @ApiErrors([400, 'Bad query (unknown status, page out of range, unknown parameter)'], [404, 'Unknown project'])
  list(@UuidParam('projectUuid') projectUuid: string, @Query() q: DocumentListQueryDto): Promise<DocumentPageDto> {
    return this.documents.listForProject(projectUuid, q);
  }
}

@ApiTags('documents')
@ApiV1()
@Controller({ path: 'documents', version: '1' })
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly deletion: DeletionService,
  ) {}

  @Get(':documentUuid')
  @ApiOperation({ summary: 'Status of one document, stage by stage' })
  @ApiParam({ name: 'documentUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: DocumentDto })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown document'])
  get(@UuidParam('documentUuid') documentUuid: string): Promise<DocumentDto> {
    return this.documents.get(documentUuid);
  }

  @Post(':documentUuid/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Re-run a failed document from its failed stage' })
  @ApiParam({ name: 'documentUuid', format: 'uuid' })
  @ApiResponse({ status: 202, type: RetryAcceptedDto })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown document'], [409, 'The document is not failed'])
  retry(@UuidParam('documentUuid') documentUuid: string): Promise<RetryAcceptedDto> {
    return this.documents.retry(documentUuid);
  }

  @Delete(':documentUuid')
  @ApiOperation({
    summary: 'Delete a document: its rows, its stored file, its cache entry and its part of the graph',
    description:
      "In one transaction under the document's lock (no pipeline stage interleaves): its pages, chunks, mentions, " +
      'Textract job rows, mention-scope curation rules and its row go; its edge contributions go and every edge they ' +
      "touched is recomputed from the other documents' contributions (deleted when none is left); entities it leaves " +
      'without any mention in the project are deleted, with the curation rules pointing at them. After the commit: ' +
      'its stored file (kept when another document names the same storage key) and any Textract staging copy, its ' +
      'project-context entry and doc:state hash in Redis, and its jobs no worker holds. A worker in the middle of the ' +
      'document finds it missing and drops its job. Answers what was removed.',
  })
  @ApiParam({ name: 'documentUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: DocumentDeletedDto })
  @ApiErrors(
    [400, 'Invalid UUID'],
    [404, 'Unknown document'],
    [409, 'Rows of a table CaseGraph does not manage (an adopted database) still reference the document; nothing deleted'],
  )
  remove(@UuidParam('documentUuid') documentUuid: string): Promise<DocumentDeletedDto> {
    return this.deletion.deleteDocument(documentUuid);
  }
}
