import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DOCUMENT_STATUSES, DocumentStatus, STAGES, Stage } from '@casegraph/contracts';
import { IsSafeStorageKey, S3_BUCKET_RE } from '../common/validators';
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
  @IsIn(ACCEPTED_MIME_TYPES as unknown as string[])
  mimeType?: string;
}

export class CreateBatchDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'projectUuid must be a UUID' })
  projectUuid: string;

  @ApiProperty({ type: [BatchDocumentDto], description: 'At most MAX_BATCH_DOCUMENTS (default 1000)' })
  @ValidateNested({ each: true })
  @Type(() => BatchDocumentDto)
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
