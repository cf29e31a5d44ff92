import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** What happened to the stored objects of the deleted documents (after the rows were committed away). */
export class DeletedFilesDto {
  @ApiProperty({ description: 'Objects deleted: the original upload and any Textract staging copy' }) deleted: number;
  @ApiProperty({ description: 'Objects kept because another document still names the same storage key (batch manifests)' }) shared: number;
  @ApiProperty({ description: 'Objects that could not be deleted (storage unavailable); logged, the rows are gone regardless' }) failed: number;
}

export class DocumentDeletedDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ description: 'document_pages rows removed' }) pages: number;
  @ApiProperty({ description: 'document_chunks rows removed' }) chunks: number;
  @ApiProperty({ description: 'entity_mentions rows removed' }) mentions: number;
  @ApiProperty({ description: "The document's own edge contributions removed (relationship_contributions)" }) contributions: number;
  @ApiProperty({ description: 'Aggregate edges recomputed from the other documents (or deleted when none is left)' }) edgesRecomputed: number;
  @ApiProperty({ type: [String], description: 'Canonical entities deleted because no mention of them is left in the project' })
  entitiesDeleted: string[];
  @ApiProperty({ description: 'Entities the document mentioned that remain, with their mention counts recomputed' }) entitiesRecounted: number;
  @ApiProperty({ description: 'curation_rules removed (its mention rules, and rules pointing at deleted entities)' }) curationRules: number;
  @ApiProperty({ description: 'textract_jobs rows removed' }) textractJobs: number;
  @ApiProperty({ type: DeletedFilesDto }) files: DeletedFilesDto;
}

export class DeleteProjectQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "Required: the project's own UUID, repeated, to confirm that the whole project is to be deleted",
  })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  confirm?: string;
}

export class ProjectDeletedDto {
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Documents removed (with their pages, chunks, mentions, Textract jobs and batch membership)' }) documents: number;
  @ApiProperty({ description: 'Canonical entities removed' }) entities: number;
  @ApiProperty({ description: 'Aggregate edges removed (relationship_staging)' }) edges: number;
  @ApiProperty({ description: 'Edge contributions removed (relationship_contributions)' }) contributions: number;
  @ApiProperty({ description: 'Mentions removed' }) mentions: number;
  @ApiProperty({ description: 'Curation log entries removed' }) curationActions: number;
  @ApiProperty({ description: 'Curation rules removed' }) curationRules: number;
  @ApiProperty({ type: DeletedFilesDto }) files: DeletedFilesDto;
}
