import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../common/pagination.dto';
import { DocumentCountsDto } from '../documents/document.dto';

export class CreateProjectDto {
  @ApiProperty({ example: 'Smith v. Jones', maxLength: 255, description: 'Project (legal matter) name' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  // eslint-disable-next-line no-control-regex -- rejects control characters in project names
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'name must not contain control characters' })
  @MaxLength(255)
  @IsNotEmpty()
  @IsString()
  name: string;

  @ApiPropertyOptional({
    example: 42,
    description: "Integer id of the project (the old system's id). Posting the same id again returns the same project.",
  })
  @IsOptional()
  @Max(2_147_483_647)
  @Min(1)
  @IsInt()
  id?: number;
}

export class ProjectDto {
  @ApiProperty({ example: 42 }) id: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) projectUuid: string | null;
  @ApiProperty({ example: 'Smith v. Jones' }) name: string;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
}

/** What a project holds, for its overview (documents by status, pages read, resolved entities). */
export class ProjectCountsDto extends ProjectDto {
  @ApiProperty({ type: DocumentCountsDto }) documents: DocumentCountsDto;
  @ApiProperty({ description: 'Pages of its documents whose page count is known (sum of pageCount)' }) pageCount: number;
  @ApiProperty({ description: 'Its canonical (resolved) entities' }) entityCount: number;
}

export class ProjectDetailDto extends ProjectCountsDto {}

export class ProjectListItemDto extends ProjectCountsDto {
  @ApiProperty({ description: 'Same as documents.total' }) documentCount: number;
}

export class ProjectPageDto extends PageMetaDto {
  @ApiProperty({ type: [ProjectListItemDto] }) items: ProjectListItemDto[];
}

export const PROJECT_ORDERS = ['oldest', 'newest'] as const;
export type ProjectOrder = (typeof PROJECT_ORDERS)[number];

/** GET /v1/projects: a page of projects, oldest first (the default, as always) or newest first, optionally by name. */
export class ProjectListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PROJECT_ORDERS, default: 'oldest', description: 'By creation: oldest first (default) or newest first' })
  @IsOptional()
  @IsIn(PROJECT_ORDERS, { message: `order must be one of ${PROJECT_ORDERS.join(', ')}` })
  order: ProjectOrder = 'oldest';

  @ApiPropertyOptional({ maxLength: 200, description: 'Only projects whose name contains this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
