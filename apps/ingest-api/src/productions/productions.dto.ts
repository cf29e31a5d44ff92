import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ProductionDocumentDto {
  @ApiProperty({ format: 'uuid', description: 'The new document, or for a duplicate the existing one' }) documentUuid: string;
  @ApiProperty() begBates: string;
  @ApiProperty() endBates: string;
  @ApiProperty({ description: 'Pages (from the OPT)' }) pages: number;
  @ApiProperty({ nullable: true, type: String }) custodian: string | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'Set when the same PDF already existed in the project: that document' })
  duplicateOf?: string;
}

export class ProductionUnreadableDto {
  @ApiProperty({ description: '1-based line of the load file named by source (0: not tied to a line)' }) line: number;
  @ApiProperty({ enum: ['dat', 'opt', 'image'] }) source: 'dat' | 'opt' | 'image';
  @ApiProperty() reason: string;
}

export class ProductionCountsDto {
  @ApiProperty({ description: 'DAT records read or refused' }) records: number;
  @ApiProperty({ description: 'Documents created' }) imported: number;
  @ApiProperty({ description: 'Records whose PDF already existed in the project (an occurrence was recorded)' }) duplicates: number;
  @ApiProperty() unreadable: number;
  @ApiProperty() pages: number;
  @ApiProperty({ description: 'Image files received' }) images: number;
}

export class ProductionAcceptedDto {
  @ApiProperty({ format: 'uuid' }) productionUuid: string;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: [ProductionDocumentDto] }) documents: ProductionDocumentDto[];
  @ApiProperty({ type: [ProductionUnreadableDto] }) unreadable: ProductionUnreadableDto[];
  @ApiProperty({ type: ProductionCountsDto }) counts: ProductionCountsDto;
  @ApiProperty({ description: 'False when Redis was unavailable: the documents stay pending and are enqueued by the reconciler' })
  enqueued: boolean;
}

export class BatesHitDto {
  @ApiProperty() bates: string;
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty() filename: string;
  @ApiProperty({ nullable: true, type: Number, description: "1-based page; null when only the document's range is known" }) page: number | null;
  @ApiProperty({ nullable: true, type: String }) pageBates: string | null;
  @ApiProperty({ nullable: true, type: String }) begBates: string | null;
  @ApiProperty({ nullable: true, type: String }) endBates: string | null;
  @ApiProperty({ nullable: true, type: String }) custodian: string | null;
  @ApiProperty({ enum: ['page', 'production'] }) matchedBy: 'page' | 'production';
}

export class BatesRangeDto {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [BatesHitDto] }) hits: BatesHitDto[];
  @ApiProperty({ description: 'More than 1000 hits: only the first are listed' }) truncated: boolean;
}

export class BatesRangeQueryDto {
  @ApiProperty({
    description: 'A Bates number or range: ABC000120, ABC000120-ABC000130, ABC000120 through ABC000130',
    example: 'ABC000120-ABC000130',
  })
  @IsString()
  @MaxLength(200)
  bates: string;
}
