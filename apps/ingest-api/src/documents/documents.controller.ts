import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { SUPPORTED_FORMATS_SENTENCE } from '@casegraph/contracts';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { apiError, validationExceptionFactory } from '../common/api-error';
import { UuidParam } from '../common/params';
import { DocumentDeletedDto } from '../deletion/deletion.dto';
import { DeletionService } from '../deletion/deletion.service';
import { attachmentDisposition } from './content-disposition';
import {
  DocumentDto,
  DocumentListQueryDto,
  DocumentPageDto,
  DocumentTextDto,
  RetryAcceptedDto,
  RetryDocumentDto,
  TextQueryDto,
  UploadAcceptedDto,
} from './document.dto';
import { DocumentsService } from './documents.service';
import { FILES_FIELD, MAX_PASSWORD_BYTES, PASSWORD_FIELD, UploadService } from './upload.service';

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
      `Accepts ${SUPPORTED_FORMATS_SENTENCE}, each judged by its bytes (never its name or declared type). ` +
      'Streams each file to storage (SHA-256 on the way), creates the documents in one transaction, then caches their ' +
      'project context and enqueues OCR. All-or-nothing: any refused file means nothing is stored. A file whose bytes ' +
      'already exist in the project is not processed again: it is answered with duplicateOf, and where it came from ' +
      `is recorded as an occurrence of the existing document. An optional text field "${PASSWORD_FIELD}" (at most ` +
      `${MAX_PASSWORD_BYTES} bytes) is the password of the request's encrypted PDFs: it is sealed (AES-256-GCM under ` +
      'DOCUMENT_PASSWORD_KEY) for each PDF of the request, never stored in clear and never logged.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: [FILES_FIELD],
      properties: {
        [FILES_FIELD]: { type: 'array', items: { type: 'string', format: 'binary' } },
        [PASSWORD_FIELD]: { type: 'string', maxLength: MAX_PASSWORD_BYTES, description: 'Password of the encrypted PDFs of this request' },
      },
    },
  })
  @ApiResponse({ status: 202, type: UploadAcceptedDto })
  @ApiErrors(
    [
      400,
      'No files, an empty file, an unexpected field, a password that is empty, too long or sent twice, a password when ' +
        'DOCUMENT_PASSWORD_KEY is not set, a malformed multipart body, or an invalid UUID',
    ],
    [404, 'Unknown project'],
    [413, 'A file over MAX_FILE_MB, or more than MAX_FILES_PER_UPLOAD files'],
    [
      415,
      `Not multipart, or a file that is not one of ${SUPPORTED_FORMATS_SENTENCE} by its bytes (a recognised format that is ` +
        'not read, e.g. DOC or RTF, is named with advice: convert it to DOCX or PDF)',
    ],
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
  @ApiOperation({
    summary: "A project's documents, newest first, optionally by status, by parent (a document's children) or by custodian",
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: DocumentPageDto })
  @ApiErrors([400, 'Bad query (unknown status, parent not a UUID, page out of range, unknown parameter)'], [404, 'Unknown project'])
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

  @Get(':documentUuid/file')
  @ApiOperation({
    summary: 'The original file, as stored',
    description:
      'Streams the stored bytes with Content-Type = the type detected from them (else the declared one, else ' +
      'application/octet-stream), `Content-Disposition: attachment` with a safe ASCII filename and the UTF-8 name in ' +
      'filename* (controls, quotes, path separators and bidi overrides removed), `X-Content-Type-Options: nosniff`, ' +
      "`Content-Security-Policy: sandbox; default-src 'none'` (a hostile HTML or SVG original opened in the browser " +
      'runs no script on this origin) and Content-Length.',
  })
  @ApiParam({ name: 'documentUuid', format: 'uuid' })
  @ApiProduces('application/octet-stream')
  @ApiResponse({ status: 200, description: 'The bytes', schema: { type: 'string', format: 'binary' } })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown document, or its stored file is missing from storage'], [503, 'Storage unavailable'])
  async file(@UuidParam('documentUuid') documentUuid: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const f = await this.documents.openFile(documentUuid);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The browser session's cookie makes a direct visit an authenticated request: an uploaded HTML or SVG file must
    // never run script here. The web app's viewer fetches the bytes (PDF.js), which this does not affect.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    return new StreamableFile(f.stream, { type: f.contentType, disposition: attachmentDisposition(f.filename), length: f.sizeBytes });
  }

  @Get(':documentUuid/text')
  @ApiOperation({
    summary: "The document's text, page by page (or one page with ?page=N)",
    description:
      'Each page (or part: a Word file’s headers, footnotes, comments; an e-mail’s header block) with its Bates ' +
      'number when it has one. Available once the OCR stage completed.',
  })
  @ApiParam({ name: 'documentUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: DocumentTextDto })
  @ApiErrors(
    [400, 'Invalid UUID, or page not an integer of at least 1'],
    [404, 'Unknown document, or a page beyond its page count'],
    [409, 'Text not extracted yet (the OCR stage has not completed)'],
  )
  text(@UuidParam('documentUuid') documentUuid: string, @Query() q: TextQueryDto): Promise<DocumentTextDto> {
    return this.documents.text(documentUuid, q.page);
  }

  @Post(':documentUuid/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Re-run a failed document from its failed stage, optionally with the password of an encrypted PDF',
    description:
      'An optional JSON body `{ "password": "..." }` (1 to 1024 characters) is sealed (AES-256-GCM under ' +
      'DOCUMENT_PASSWORD_KEY) into the document’s secret before the job is enqueued; it is never stored in clear and ' +
      'never logged.',
  })
  @ApiParam({ name: 'documentUuid', format: 'uuid' })
  @ApiBody({ type: RetryDocumentDto, required: false })
  @ApiResponse({ status: 202, type: RetryAcceptedDto })
  @ApiErrors(
    [400, 'Invalid UUID, a bad body, or a password when DOCUMENT_PASSWORD_KEY is not set'],
    [404, 'Unknown document'],
    [409, 'The document is not failed'],
  )
  async retry(@UuidParam('documentUuid') documentUuid: string, @Body() body: unknown): Promise<RetryAcceptedDto> {
    const dto = await retryBody(body);
    return this.documents.retry(documentUuid, dto.password);
  }

  @Delete(':documentUuid')
  @ApiOperation({
    summary: 'Delete a document: its rows, its stored file, its cache entry and its part of the graph',
    description:
      "In one transaction under the document's lock (no pipeline stage interleaves): its pages, chunks, mentions, " +
      'Textract job rows, occurrences, sealed password, mention-scope curation rules and its row go; occurrences that ' +
      'name it as their parent go too. Its children (attachments, archive entries) are NOT deleted: they are documents ' +
      'of the project in their own right and lose their parent link (family.parent becomes null). Its edge contributions go and every edge they ' +
      "touched is recomputed from the other documents' contributions (deleted when none is left); entities it leaves " +
      'without any mention in the project are deleted, with the curation rules pointing at them. After the commit: ' +
      'its stored file (kept when another document names the same storage key) and any Textract staging copy, its ' +
      'project-context entry, doc:state and doc:progress hashes in Redis, and its jobs no worker holds. A worker in the middle of the ' +
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

/**
 * The retry body: none (or an empty body) means no password. Validated here, not by the global pipe, because a
 * POST without a body has no JSON object to validate.
 */
async function retryBody(body: unknown): Promise<RetryDocumentDto> {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && !Object.keys(body).length)) {
    return new RetryDocumentDto();
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw apiError(HttpStatus.BAD_REQUEST, 'The request body must be a JSON object (Content-Type: application/json)');
  }
  const dto = plainToInstance(RetryDocumentDto, body);
  const errors = await validate(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    stopAtFirstError: true,
  });
  if (errors.length) throw validationExceptionFactory(errors);
  return dto;
}
