import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DOCUMENT_STATUSES, DocumentStatus, STAGES, Stage } from '@casegraph/contracts';
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

export class StagesDto {
  @ApiProperty({ type: StageDto }) ocr: StageDto;
  @ApiProperty({ type: StageDto }) chunking: StageDto;
  @ApiProperty({ type: StageDto }) entities: StageDto;
  @ApiProperty({ type: StageDto }) resolution: StageDto;
  @ApiProperty({ type: StageDto }) relationships: StageDto;
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
  @ApiProperty({ nullable: true, type: String }) sha256: string | null;
  @ApiProperty({ nullable: true, type: Number }) pageCount: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt: string | null;
}

export class DocumentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DOCUMENT_STATUSES })
  @IsOptional()
  @IsIn(DOCUMENT_STATUSES)
  status?: DocumentStatus;
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
