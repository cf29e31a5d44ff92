import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min, MinLength } from 'class-validator';
import {
  DOCUMENT_PARTS,
  DOCUMENT_STATUSES,
  DocumentMetadata,
  DocumentPart,
  DocumentStatus,
  OCCURRENCE_SOURCES,
  OccurrenceSource,
  STAGES,
  Stage,
} from '@casegraph/contracts';
import { PageMetaDto, PageQueryDto } from '../common/pagination.dto';

export class DocumentCountsDto {
  @ApiProperty() pending: number;
  @ApiProperty() processing: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty() total: number;
}

export class StageDto {
  @ApiProperty({ enum: DOCUMENT_STATUSES }) status: DocumentStatus;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
}

export class OcrStageDto extends StageDto {
  @ApiPropertyOptional({
    description:
      'Pages read so far: while the stage runs, from the worker’s progress in Redis (absent when Redis is unavailable); ' +
      'once completed, the page count',
  })
  pagesDone?: number;
  @ApiPropertyOptional({ description: 'Pages the document has (as far as the worker knows while it runs)' })
  pageCount?: number;
}

export class StagesDto {
  @ApiProperty({ type: OcrStageDto }) ocr: OcrStageDto;
  @ApiProperty({ type: StageDto }) chunking: StageDto;
  @ApiProperty({ type: StageDto }) entities: StageDto;
  @ApiProperty({ type: StageDto }) resolution: StageDto;
  @ApiProperty({ type: StageDto }) relationships: StageDto;
}

export class FamilyParentDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null when the parent was deleted meanwhile' }) filename: string | null;
  @ApiProperty({ nullable: true, type: Number, description: '0-based position among the parent’s attachments or entries' })
  attachmentIndex: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Path inside the parent (an archive’s folders, the attachment name)' })
  path: string | null;
}

export class FamilyChildDto extends FamilyParentDto {
  @ApiProperty({ enum: DOCUMENT_STATUSES }) declare status: DocumentStatus;
}

export class FamilyDto {
  @ApiProperty({ type: FamilyParentDto, nullable: true, description: 'The document this one came out of (an e-mail, an archive)' })
  parent: FamilyParentDto | null;
  @ApiProperty({
    type: [FamilyChildDto],
    description: 'Its attachments / entries, in order; a child that duplicates an existing document is that document',
  })
  children: FamilyChildDto[];
}

export class OccurrenceDto {
  @ApiProperty({ enum: OCCURRENCE_SOURCES }) source: OccurrenceSource;
  @ApiProperty({ nullable: true, type: String }) custodian: string | null;
  @ApiProperty({ nullable: true, type: String }) path: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentDocumentUuid: string | null;
  @ApiProperty({ nullable: true, type: Number }) attachmentIndex: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class BatesRangeDto {
  @ApiProperty({ example: 'ABC000123' }) first: string;
  @ApiProperty({ example: 'ABC000130' }) last: string;
}

export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) projectUuid: string | null;
  @ApiProperty({ example: 'contract.pdf' }) filename: string;
  @ApiProperty({ enum: DOCUMENT_STATUSES }) status: DocumentStatus;
  @ApiProperty({ enum: STAGES, nullable: true, description: 'Stage running now' }) currentStage: Stage | null;
  @ApiProperty({ enum: STAGES, nullable: true, description: 'Stage that failed' }) failedStage: Stage | null;
  @ApiProperty({ type: StagesDto }) stages: StagesDto;
  @ApiProperty({ nullable: true, type: String, description: 'Why the document failed' }) error: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) batchId: string | null;
  @ApiProperty({ nullable: true, type: Number }) fileSizeBytes: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Type sniffed from the bytes (uploads) or declared (manifests)' })
  fileType: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Type detected from the bytes (at upload, refined by the OCR stage)' })
  detectedFileType: string | null;
  @ApiProperty({ nullable: true, type: String }) sha256: string | null;
  @ApiProperty({ nullable: true, type: Number }) pageCount: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt: string | null;
  @ApiProperty({ type: FamilyDto }) family: FamilyDto;
  @ApiProperty({ type: [OccurrenceDto], description: 'Every origin of these bytes (uploads, attachments, archive entries, productions)' })
  occurrences: OccurrenceDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the format says: format, email (from, to, cc, bcc, subject, date, messageId…), production fields, office properties, encoding',
  })
  metadata: Omit<DocumentMetadata, 'familyDepth' | 'familyRoot'>;
  @ApiProperty({ type: BatesRangeDto, nullable: true, description: 'Bates numbers of its first and last numbered pages' })
  bates: BatesRangeDto | null;
}

export class DocumentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DOCUMENT_STATUSES })
  @IsOptional()
  @IsIn(DOCUMENT_STATUSES)
  status?: DocumentStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the children (attachments, archive entries) of this document' })
  @IsOptional()
  @IsUUID('all', { message: 'parent must be a UUID' })
  parent?: string;

  @ApiPropertyOptional({ description: 'Only documents with an occurrence of this custodian (exact match)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  custodian?: string;
}

export class RetryDocumentDto {
  @ApiPropertyOptional({
    description: 'Password of an encrypted PDF: sealed (AES-256-GCM) for the OCR stage, never stored in clear or logged',
    minLength: 1,
    maxLength: 1024,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;
}

export class TextQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'One page (1-based); all pages without it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer' })
  @Min(1, { message: 'page must be at least 1' })
  page?: number;
}

export class TextPageDto {
  @ApiProperty({ description: '1-based page (or part) number' }) page: number;
  @ApiProperty({ enum: DOCUMENT_PARTS, nullable: true, description: 'Set when the page is a part (headers, footnotes, e-mail headers…)' })
  part: DocumentPart | null;
  @ApiProperty({ nullable: true, type: String }) bates: string | null;
  @ApiProperty() text: string;
}

export class DocumentTextDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty() pageCount: number;
  @ApiProperty({ type: [TextPageDto] }) pages: TextPageDto[];
}

export class DocumentPageDto extends PageMetaDto {
  @ApiProperty({ type: [DocumentDto] }) items: DocumentDto[];
}

export class AcceptedDocumentDto {
  @ApiProperty({ format: 'uuid', description: 'The new document; for a duplicate, the existing one' }) documentUuid: string;
  @ApiProperty({ example: 'contract.pdf', description: 'Sanitised file name' }) filename: string;
  @ApiProperty({ enum: DOCUMENT_STATUSES }) status: DocumentStatus;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Set when the same bytes already exist in this project: nothing new was created or processed',
  })
  duplicateOf?: string;
}

export class UploadAcceptedDto {
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ type: [AcceptedDocumentDto] }) documents: AcceptedDocumentDto[];
  @ApiProperty({ description: 'False when Redis was unavailable: the documents stay pending and are enqueued by the reconciler' })
  enqueued: boolean;
}

export class RetryAcceptedDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
  @ApiProperty({ enum: STAGES, description: 'The stage processing resumes at' }) retryFrom: Stage;
  @ApiProperty({ enum: ['ocr', 'graph'] }) queue: 'ocr' | 'graph';
  @ApiProperty() enqueued: boolean;
}
