import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ENTITY_TYPES, EntityType, MENTION_ROLES, MentionRole } from '@casegraph/contracts';
import { PageMetaDto, PageQueryDto } from '../common/pagination.dto';

export const EXPORT_FORMATS = ['graphml', 'cypher', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** ?types=ORG,PERSON or ?types=ORG&types=PERSON */
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(','))
        .map((s) => s.trim())
        .filter(Boolean);

export class EntityListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ENTITY_TYPES, description: 'Only entities of this type' })
  @IsOptional()
  @IsIn(ENTITY_TYPES, { message: `type must be one of ${ENTITY_TYPES.join(', ')}` })
  type?: EntityType;

  @ApiPropertyOptional({ enum: MENTION_ROLES, description: 'Only entities mentioned in this role (judges: type=PERSON&role=judge)' })
  @IsOptional()
  @IsIn(MENTION_ROLES, { message: `role must be one of ${MENTION_ROLES.join(', ')}` })
  role?: MentionRole;

  @ApiPropertyOptional({ maxLength: 200, description: 'Search in names and aliases (case, accents and punctuation ignored)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  // eslint-disable-next-line no-control-regex -- rejects control characters in the search text
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'q must not contain control characters' })
  q?: string;
}

export class GraphQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 1, description: 'Only CO_OCCURS edges with at least this weight' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  minWeight: number = 1;

  @ApiPropertyOptional({
    type: [String],
    enum: ENTITY_TYPES,
    description: 'Comma-separated entity types to include (default: all)',
    example: 'ORG,PERSON',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(ENTITY_TYPES.length)
  @IsIn(ENTITY_TYPES, { each: true, message: `types must be a comma-separated list of ${ENTITY_TYPES.join(', ')}` })
  types?: EntityType[];

  @ApiPropertyOptional({ minimum: 1, maximum: 2000, default: 200, description: 'Most nodes (the most mentioned first)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2000)
  limit: number = 200;
}

export class ExportQueryDto {
  @ApiProperty({ enum: EXPORT_FORMATS, description: 'graphml (Gephi, yEd), cypher (Neo4j, replayable MERGE statements) or csv' })
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format: ExportFormat;
}

export class EntityDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: EntityType;
  @ApiProperty({ example: 'Free Software Foundation, Inc.' }) name: string;
  @ApiProperty({ type: [String], example: ['Free Software Foundation', 'Free Software Foundation, Inc.'] }) aliases: string[];
  @ApiProperty({ example: 7 }) mentionCount: number;
  @ApiProperty({ format: 'date-time' }) firstSeenAt: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
}

export class EntityPageDto extends PageMetaDto {
  @ApiProperty({ type: [EntityDto] }) items: EntityDto[];
}

export class MentionDto {
  @ApiProperty({ format: 'uuid' }) mentionUuid: string;
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ example: 'GPL-3.pdf' }) documentName: string;
  @ApiProperty({ example: 'Free Software Foundation, Inc.' }) text: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Code-point offset into the document text; null when unknown (an old row)' })
  start: number | null;
  @ApiProperty({ type: Number, nullable: true }) end: number | null;
  @ApiProperty({ type: [Number], description: 'Pages of the chunk the mention is in' }) pages: number[];
  @ApiProperty({ example: '…Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>…', description: "'' when the offsets are unknown" })
  snippet: string;
  @ApiProperty() confidence: number;
  @ApiProperty({ example: 'pattern:org' }) method: string;
  @ApiProperty({ enum: MENTION_ROLES, nullable: true, description: 'What the text says the entity is here; null when nothing is stated' })
  role: MentionRole | null;
  @ApiProperty({ type: String, nullable: true, example: 'Douglas Alan Bahr', description: 'The name to show, when it differs from the text' })
  displayName: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { kind: 'full', volume: 550, reporter: 'U.S.', page: 544, pin: '570', year: 2007 },
    description: 'What the text states about the mention: party side, citation parts, statute section…',
  })
  attributes: Record<string, unknown> | null;
}

export class EntityDocumentDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty() documentName: string;
  @ApiProperty({ description: 'Mentions of the entity in the document' }) mentions: number;
}

export class NeighbourDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: EntityType;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Sentences in which both entities appear, over all documents' }) weight: number;
  @ApiProperty() documentCount: number;
}

export class EntityDetailDto extends EntityDto {
  @ApiProperty({ type: [MentionDto], description: 'The first 50 mentions' }) mentions: MentionDto[];
  @ApiProperty() mentionsTotal: number;
  @ApiProperty({ type: [EntityDocumentDto], description: 'Documents that mention it (MENTIONED_IN), most mentions first' })
  documents: EntityDocumentDto[];
  @ApiProperty({ type: [NeighbourDto], description: 'CO_OCCURS neighbours, heaviest first (at most 50)' })
  neighbours: NeighbourDto[];
}

export class GraphNodeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: EntityType;
  @ApiProperty() mentionCount: number;
}

export class GraphEdgeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) source: string;
  @ApiProperty({ format: 'uuid' }) target: string;
  @ApiProperty({ example: 'CO_OCCURS' }) type: string;
  @ApiProperty() weight: number;
  @ApiProperty() documentCount: number;
}

export class GraphDto {
  @ApiProperty({ type: [GraphNodeDto] }) nodes: GraphNodeDto[];
  @ApiProperty({ type: [GraphEdgeDto] }) edges: GraphEdgeDto[];
  @ApiProperty({ description: 'True when more nodes or edges matched than were returned' }) truncated: boolean;
}
