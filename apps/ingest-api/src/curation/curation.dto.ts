import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { CURATION_KINDS, CurationKind, ENTITY_TYPES, EntityType, MAX_ALIASES } from '@casegraph/contracts';
import { PageMetaDto, PageQueryDto } from '../common/pagination.dto';

/** Most entities one merge takes, and most mentions one split moves. */
export const MAX_MERGE_ENTITIES = 100;
export const MAX_SPLIT_MENTIONS = 1000;
/** Most aliases an entity keeps (as the graph worker's resolution). */
export const MAX_NAME_CHARS = 300;

// eslint-disable-next-line no-control-regex -- refuses control characters in names
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
/** A name with a letter or a digit in it (whitespace alone, or punctuation alone, names nothing). */
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * A field that may be left out, but not sent as null: IsOptional would let null through to the service (a
 * 500 there, or a NULL type written), while PATCH has no "clear this field" meaning for any of them.
 */
const Omittable = () => ValidateIf((_o: object, v: unknown) => v !== undefined);

/** A required list of 1..max distinct UUIDs (`what`: what each names, for the messages). */
function UuidList(field: string, what: string, max: number, description: string) {
  return applyDecorators(
    ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: max, description }),
    IsArray(),
    ArrayMinSize(1, { message: `${field} must name at least one ${what}` }),
    ArrayMaxSize(max, { message: `${field} may name at most ${max} ${what}s` }),
    IsUUID('all', { each: true, message: `${field} must contain UUIDs only` }),
    ArrayUnique({ message: `${field} must not repeat ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}` }),
  );
}

export class MergeEntitiesDto {
  @UuidList(
    'entityUuids',
    'entity',
    MAX_MERGE_ENTITIES,
    'The entities to merge away (their mentions, aliases and edges move onto `into`; they are deleted)',
  )
  entityUuids: string[];

  @ApiProperty({ format: 'uuid', description: 'The surviving entity (same type as every merged one)' })
  @IsUUID('all', { message: 'into must be a UUID' })
  into: string;
}

export class SplitEntityDto {
  @UuidList(
    'mentionUuids',
    'mention',
    MAX_SPLIT_MENTIONS,
    'Mentions of this entity (mentionUuid of GET entities/:entityUuid) that belong to someone else',
  )
  mentionUuids: string[];

  @ApiProperty({ maxLength: MAX_NAME_CHARS, example: 'Dana Whitcombe', description: 'Name of the new entity (same type as this one)' })
  @IsString()
  @MaxLength(MAX_NAME_CHARS)
  @Matches(NO_CONTROL, { message: 'canonicalName must not contain control characters' })
  @Matches(HAS_WORD, { message: 'canonicalName must contain a letter or a digit' })
  canonicalName: string;
}

export class UpdateEntityDto {
  @ApiPropertyOptional({ maxLength: MAX_NAME_CHARS, description: 'The name to show; resolution never changes it again' })
  @Omittable()
  @IsString()
  @MaxLength(MAX_NAME_CHARS)
  @Matches(NO_CONTROL, { message: 'canonicalName must not contain control characters' })
  @Matches(HAS_WORD, { message: 'canonicalName must contain a letter or a digit' })
  canonicalName?: string;

  @ApiPropertyOptional({ enum: ENTITY_TYPES, description: 'The right type; its mentions of the old type keep resolving to it' })
  @Omittable()
  @IsIn(ENTITY_TYPES, { message: `entityType must be one of ${ENTITY_TYPES.join(', ')}` })
  entityType?: EntityType;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_ALIASES,
    description: 'The complete alias list (replaces the old one; resolution adds no alias afterwards)',
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_ALIASES, { message: `aliases may hold at most ${MAX_ALIASES} names` })
  @IsString({ each: true, message: 'aliases must contain strings only' })
  @MaxLength(MAX_NAME_CHARS, { each: true, message: `each alias must be at most ${MAX_NAME_CHARS} characters` })
  @Matches(NO_CONTROL, { each: true, message: 'aliases must not contain control characters' })
  @Matches(HAS_WORD, { each: true, message: 'each alias must contain a letter or a digit' })
  aliases?: string[];
}

export class CurationLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only actions that touched this entity' })
  @IsOptional()
  @IsUUID('all', { message: 'entityUuid must be a UUID' })
  entityUuid?: string;
}

export class CuratedEntityDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: EntityType;
  @ApiProperty({ example: 'Halvorsen Marine Services, LLC' }) name: string;
  @ApiProperty({ type: [String] }) aliases: string[];
  @ApiProperty({ description: 'Mentions linked to it, after the action' }) mentionCount: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    example: { canonicalName: true },
    description: 'Fields a person fixed (resolution keeps them); {} when none',
  })
  curated: Record<string, boolean>;
}

/** What merge, split and update answer: the resulting entity, and the action to undo it by. */
export class CurationResultDto extends CuratedEntityDto {
  @ApiProperty({ format: 'uuid', description: 'The logged action (POST curation/:actionUuid/undo)' }) actionUuid: string;
}

export class RejectResultDto {
  @ApiProperty({ format: 'uuid' }) actionUuid: string;
  @ApiProperty({ format: 'uuid', description: 'The entity that is gone' }) entityUuid: string;
  @ApiProperty({ description: 'Mentions now linked to no entity' }) unlinkedMentions: number;
  @ApiProperty({ type: [String], description: 'Keys ("type key") the pipeline will never turn into an entity again' }) rejectedKeys: string[];
}

export class CurationActionDto {
  @ApiProperty({ format: 'uuid' }) actionUuid: string;
  @ApiProperty({ enum: CURATION_KINDS }) kind: CurationKind;
  @ApiProperty({ example: 'alice', description: "The API key's name; key:<id> for an unnamed key; open when the API is open" })
  actor: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [String], description: 'Every entity the action touched' }) entityUuids: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The request as sent' }) request: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Entity rows, rules and mention links before' })
  before: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The same after' }) after: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) undoneAt: string | null;
  @ApiProperty({ type: String, nullable: true }) undoneBy: string | null;
}

export class CurationPageDto extends PageMetaDto {
  @ApiProperty({ type: [CurationActionDto], description: 'Newest first' }) items: CurationActionDto[];
}
