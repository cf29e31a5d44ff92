import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ENTITY_TYPES, MENTION_ROLES } from '@casegraph/contracts';

export class DocumentEntitiesQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: "Only the mentions on this page (1-based); every page's without it" })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer' })
  @Min(1, { message: 'page must be at least 1' })
  @Max(1_000_000, { message: 'page must be at most 1000000' })
  page?: number;
}

export class DocumentMentionDto {
  @ApiProperty({ format: 'uuid' }) mentionUuid: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The canonical entity (null: not resolved yet)' })
  entityUuid: string | null;
  @ApiProperty({ enum: ENTITY_TYPES }) type: string;
  @ApiProperty({ description: 'The words of the text' }) text: string;
  @ApiProperty({ enum: MENTION_ROLES, nullable: true, type: String, description: 'What the text says the entity is here' })
  role: string | null;
  @ApiProperty({ description: '1-based page (as GET /v1/documents/:id/text numbers them)' }) page: number;
  @ApiProperty({
    description:
      "[start, end) into that page's text as GET /v1/documents/:id/text returns it, in UTF-16 code units (JavaScript string " +
      'indexes); a mention running over a page break ends at the end of its first page',
  })
  start: number;
  @ApiProperty() end: number;
}

export class SummaryEntityDto {
  @ApiProperty({ format: 'uuid' }) entityUuid: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: string;
  @ApiProperty({
    type: [String],
    description: 'Parties: plaintiff, appellee…; judges: author, panel, dissent, concurrence; citations: the signals (see, cf.…)',
  })
  roles: string[];
  @ApiProperty({ description: "The document's mentions of it" }) mentions: number;
  @ApiProperty({ nullable: true, type: Number, description: 'First page it is mentioned on (null when unknown)' }) firstPage: number | null;
}

export class DocumentSummaryDto {
  @ApiProperty({ type: [SummaryEntityDto], description: 'Parties (role party, PARTY_TO), caption side order' }) parties: SummaryEntityDto[];
  @ApiProperty({ type: [SummaryEntityDto], description: 'Judges of this case (role judge; not judges of cited cases), author first' })
  judges: SummaryEntityDto[];
  @ApiProperty({ type: [SummaryEntityDto], description: 'Courts, the caption court (DECIDED_BY) first' }) courts: SummaryEntityDto[];
  @ApiProperty({ type: [SummaryEntityDto], description: 'Cases and statutes it cites (CASE other than its caption, STATUTE, CITATION)' })
  citations: SummaryEntityDto[];
  @ApiProperty({ type: [SummaryEntityDto], description: 'Its own cases (the CASE of each caption)' }) cases: SummaryEntityDto[];
}

export class DocumentEntitiesDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ description: 'Pages of text the document has' }) pageCount: number;
  @ApiProperty({ type: [DocumentMentionDto], description: 'Mentions with known offsets, page and offset order' })
  mentions: DocumentMentionDto[];
  @ApiProperty({ type: DocumentSummaryDto, description: 'Of the whole document, whatever the page' }) summary: DocumentSummaryDto;
}
