import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../common/pagination.dto';

const ISO_DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class TimelineQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only dates mentioned near this entity: a mention of it in the same document within 200 characters of the date',
  })
  @IsOptional()
  @IsUUID('all', { message: 'entity must be a UUID' })
  entity?: string;

  @ApiPropertyOptional({ example: '2020-01-01', description: 'First date (YYYY-MM-DD), inclusive' })
  @IsOptional()
  @Matches(ISO_DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2024-12-31', description: 'Last date (YYYY-MM-DD), inclusive' })
  @IsOptional()
  @Matches(ISO_DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;
}

export class TimelineItemDto {
  @ApiProperty({ example: '2021-03-03', description: "The date (the DATE entity's key, YYYY-MM-DD)" }) date: string;
  @ApiProperty({ example: 'March 3, 2021', description: 'The date as the document writes it' }) text: string;
  @ApiProperty({ format: 'uuid', description: 'The DATE entity' }) entityUuid: string;
  @ApiProperty({ format: 'uuid' }) mentionUuid: string;
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ example: 'complaint.pdf', description: "The document's file name (untrusted: show as text)" }) filename: string;
  @ApiProperty({ type: Number, nullable: true, description: '1-based page of the date; null when the document has no pages' })
  page: number | null;
  @ApiProperty({
    example: 'On March 3, 2021 the court entered judgment.',
    description: 'The sentence around the date, white space collapsed, at most 200 characters either side of it ("…" where cut); plain text',
  })
  sentence: string;
  @ApiProperty({
    type: [Number],
    example: [3, 16],
    description: '[start, end) of the date in `sentence`, in UTF-16 units (JavaScript string indexes)',
  })
  highlight: [number, number];
}

export class TimelineDto extends PageMetaDto {
  @ApiProperty({ type: [TimelineItemDto], description: 'By date, then document file name, then position in the document' })
  items: TimelineItemDto[];
}
