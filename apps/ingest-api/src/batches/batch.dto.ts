import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DOCUMENT_STATUSES, DocumentStatus, STAGES, Stage } from '@casegraph/contracts';
import { isUuid } from '@casegraph/contracts';
import { IsSafeStorageKey, S3_BUCKET_RE, storageKeyProblem } from '../common/validators';
import { DocumentCountsDto } from '../documents/document.dto';

export const ACCEPTED_MIME_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff'] as const;

export class BatchDocumentDto {
  @ApiProperty({ example: 'contract.pdf', description: 'Display name; path separators are stripped (sanitised)' })
  @MaxLength(1024)
  @IsNotEmpty()
  @IsString()
  filename: string;

  @ApiProperty({ example: 'casegraph-intake' })
  @Matches(S3_BUCKET_RE, { message: 's3Bucket must be a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)' })
  @IsString()
  s3Bucket: string;

  @ApiProperty({ example: 'incoming/2026/contract.pdf', description: 'Relative key: no "..", no leading "/", no NUL' })
  @IsSafeStorageKey()
  s3Key: string;

  @ApiPropertyOptional({ example: 1.5, minimum: 0 })
  @IsOptional()
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  fileSizeMb?: number;

  @ApiPropertyOptional({ enum: ACCEPTED_MIME_TYPES })
  @IsOptional()
  @IsIn(ACCEPTED_MIME_TYPES)
  mimeType?: string;
}

/** Index of the first entry that is not a JSON object (for the message: IsObject reports on `documents` as a whole). */
const firstNonObject = (v: unknown): number => (Array.isArray(v) ? v.findIndex((d) => typeof d !== 'object' || d === null || Array.isArray(d)) : 0);

const DOCUMENT_KEYS = new Set(['filename', 's3Bucket', 's3Key', 'fileSizeMb', 'mimeType']);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * A fast, conservative check of one manifest document: true only when class-validator
 * would certainly accept it (it may say false for input class-validator accepts, e.g.
 * an explicit null optional field; those go the slow way). Keeps a 1,000-document
 * manifest from paying for 1,000 nested class-validator runs.
 */
function fastAcceptDocument(d: unknown): boolean {
  if (!isPlainObject(d)) return false;
  for (const k of Object.keys(d)) if (!DOCUMENT_KEYS.has(k)) return false;
  const { filename, s3Bucket, s3Key, fileSizeMb, mimeType } = d;
  return (
    typeof filename === 'string' &&
    filename.length > 0 &&
    filename.length <= 1024 &&
    typeof s3Bucket === 'string' &&
    S3_BUCKET_RE.test(s3Bucket) &&
    storageKeyProblem(s3Key) === null &&
    (fileSizeMb === undefined || (typeof fileSizeMb === 'number' && Number.isFinite(fileSizeMb) && fileSizeMb >= 0)) &&
    (mimeType === undefined || (ACCEPTED_MIME_TYPES as readonly unknown[]).includes(mimeType))
  );
}

export class CreateBatchDto {
  /**
   * Used by the global ApiValidationPipe before class-validator: true only for a body
   * class-validator would accept as it is (see fastAcceptDocument). Anything else,
   * including every invalid body, gets the full validation and its field messages.
   */
  static fastAccept(value: unknown): boolean {
    if (!isPlainObject(value)) return false;
    const keys = Object.keys(value);
    if (keys.length !== 2 || !('projectUuid' in value) || !('documents' in value)) return false;
    const { projectUuid, documents } = value;
    return isUuid(projectUuid) && Array.isArray(documents) && documents.length > 0 && documents.every(fastAcceptDocument);
  }

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'projectUuid must be a UUID' })
  projectUuid: string;

  @ApiProperty({ type: [BatchDocumentDto], description: 'At most MAX_BATCH_DOCUMENTS (default 1000)' })
  @ValidateNested({ each: true })
  @Type(() => BatchDocumentDto)
  // ValidateNested walks INTO a nested array instead of refusing it, so `[[]]` or `[[doc]]` would pass validation.
  @IsObject({ each: true, message: ({ value }) => `documents[${firstNonObject(value)}] must be a JSON object` })
  @ArrayNotEmpty({ message: 'documents must contain at least one document' })
  @IsArray()
  documents: BatchDocumentDto[];
}

export class BatchAcceptedDocumentDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty() filename: string;
}

export class BatchAcceptedDto {
  @ApiProperty({ format: 'uuid' }) batchId: string;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ type: [BatchAcceptedDocumentDto] }) documents: BatchAcceptedDocumentDto[];
  @ApiProperty({ description: 'False when Redis was unavailable: the documents stay pending and are enqueued by the reconciler' })
  enqueued: boolean;
}

export class BatchDocumentStatusDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty() filename: string;
  @ApiProperty({ enum: DOCUMENT_STATUSES }) status: DocumentStatus;
  @ApiProperty({ enum: STAGES, nullable: true }) currentStage: Stage | null;
  @ApiProperty({ enum: STAGES, nullable: true }) failedStage: Stage | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class BatchStatusDto {
  @ApiProperty({ format: 'uuid' }) batchId: string;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ type: DocumentCountsDto }) counts: DocumentCountsDto;
  @ApiProperty({ type: [BatchDocumentStatusDto] }) documents: BatchDocumentStatusDto[];
}
