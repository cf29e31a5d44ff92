import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { ENTITY_TYPES, EntityType, FORMAT_IDS } from '@casegraph/contracts';
import { PageMetaDto } from '../common/pagination.dto';

/** The formats `documentType` names: every supported format, plus `image` for PNG, JPEG and TIFF alike. */
export const SEARCH_DOCUMENT_TYPES = [...FORMAT_IDS, 'image'] as const;
export type SearchDocumentType = (typeof SEARCH_DOCUMENT_TYPES)[number];

export const MAX_QUERY_CHARS = 500;
export const MAX_BATCH_TERMS = 200;
export const MAX_BATCH_TERM_CHARS = 200;

/** ?types=ORG,PERSON or ?types=ORG&types=PERSON */
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(','))
        .map((s) => s.trim())
        .filter(Boolean);

// eslint-disable-next-line no-control-regex -- refuses control characters in user text
const NO_CONTROL_RE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day in YYYY-MM-DD (2021-02-30 is not). */
@ValidatorConstraint({ name: 'isCalendarDate' })
class IsCalendarDate implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !DATE_RE.test(value)) return false;
    const d = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be a date YYYY-MM-DD`;
  }
}

/** The filters both routes take. */
export class SearchFiltersDto {
  @ApiPropertyOptional({
    type: [String],
    enum: ENTITY_TYPES,
    description: 'Comma-separated entity types: only documents mentioning an entity of one of them',
    example: 'PERSON,ORG',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(ENTITY_TYPES.length)
  @IsIn(ENTITY_TYPES, { each: true, message: `types must be a comma-separated list of ${ENTITY_TYPES.join(', ')}` })
  types?: EntityType[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Only documents mentioning this canonical entity' })
  @IsOptional()
  @IsUUID('all', { message: 'entity must be a UUID' })
  entity?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2020-01-01',
    description: 'Only documents with a DATE mention or an e-mail date on or after this day',
  })
  @IsOptional()
  @Validate(IsCalendarDate)
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2020-12-31',
    description: 'Only documents with a DATE mention or an e-mail date on or before this day',
  })
  @IsOptional()
  @Validate(IsCalendarDate)
  to?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: SEARCH_DOCUMENT_TYPES,
    description: 'Comma-separated formats (as detected from the bytes); image = png, jpeg and tiff',
    example: 'pdf,eml',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(SEARCH_DOCUMENT_TYPES.length)
  @IsIn(SEARCH_DOCUMENT_TYPES, { each: true, message: `documentType must be a comma-separated list of ${SEARCH_DOCUMENT_TYPES.join(', ')}` })
  documentType?: SearchDocumentType[];

  @ApiPropertyOptional({ description: 'Only pages whose Bates number is this one or in this range', example: 'ABC000120-ABC000130' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  bates?: string;
}

export class SearchQueryDto extends SearchFiltersDto {
  @ApiProperty({
    maxLength: MAX_QUERY_CHARS,
    description:
      'Web-search syntax: words (English-stemmed), "exact phrases", citations as typed (410 U.S. 113, § 1983, 42 U.S.C. § 1983, F.3d: exact), ' +
      'or between terms, -word to exclude',
    example: '"writ of mandamus" or certiorari -denied',
  })
  @IsString({ message: 'q is required' })
  @IsNotEmpty({ message: 'q is required' })
  @MaxLength(MAX_QUERY_CHARS)
  @Matches(NO_CONTROL_RE, { message: 'q must not contain control characters' })
  q: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 20;
}

export class SearchBatchDto extends SearchFiltersDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_BATCH_TERMS,
    description: `Terms (names, citations), each in the search syntax, at most ${MAX_BATCH_TERM_CHARS} characters`,
    example: ['Halvorsen Marine Logistics', '410 U.S. 113', '§ 1983'],
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'terms must contain at least one term' })
  @ArrayMaxSize(MAX_BATCH_TERMS, { message: `terms must contain at most ${MAX_BATCH_TERMS} terms` })
  @IsString({ each: true, message: 'terms must be strings' })
  @IsNotEmpty({ each: true, message: 'terms must not be empty' })
  @MaxLength(MAX_BATCH_TERM_CHARS, { each: true, message: `each term must be at most ${MAX_BATCH_TERM_CHARS} characters` })
  @Matches(NO_CONTROL_RE, { each: true, message: 'terms must not contain control characters' })
  terms: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 3, description: 'First hits listed per term' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  hitsPerTerm: number = 3;
}

export class SearchHitDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ example: 'opinion.pdf' }) filename: string;
  @ApiProperty({ example: 3, description: '1-based page of the document' }) page: number;
  @ApiProperty({ description: 'Plain text (never HTML) around the hits', example: '…the court ruled on the writ of mandamus…' }) snippet: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
    example: [[34, 42]],
    description: '[start, end) offsets of the hits in snippet (UTF-16 code units, as JavaScript indexes strings)',
  })
  highlights: Array<[number, number]>;
  @ApiProperty({ example: 0.6, description: 'ts_rank_cd: exact (weight A) hits count ten times a stemmed one' }) score: number;
  @ApiProperty({ type: String, nullable: true, example: 'ABC000123' }) bates: string | null;
  @ApiProperty({ type: String, nullable: true, enum: FORMAT_IDS, description: 'The format detected from the bytes' })
  documentType: string | null;
}

const TOTAL_IS_EXACT =
  'true: total is the exact count. false: the count stopped at SEARCH_COUNT_CAP (default 10,000) and total is the cap ' +
  '(show "10,000+"); this happens only for a page past the last match, which has no ranked row to count with';

export class SearchPageDto extends PageMetaDto {
  @ApiProperty({ description: TOTAL_IS_EXACT, example: true }) totalIsExact: boolean;
  @ApiProperty({ type: [SearchHitDto] }) items: SearchHitDto[];
}

export class SearchBatchItemDto {
  @ApiProperty() term: string;
  @ApiProperty({ description: 'Pages matching (see totalIsExact)' }) total: number;
  @ApiProperty({ description: TOTAL_IS_EXACT }) totalIsExact: boolean;
  @ApiProperty({ description: 'Distinct documents matching' }) documents: number;
  @ApiProperty({ type: [SearchHitDto] }) hits: SearchHitDto[];
}

export class SearchBatchResultDto {
  @ApiProperty({ type: [SearchBatchItemDto], description: 'One per term, in the order given' }) items: SearchBatchItemDto[];
}
