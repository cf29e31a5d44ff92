import { Body, Controller, Delete, Get, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AnyProject } from '../auth/any-project.decorator';
import type { AuthenticatedRequest } from '../auth/api-keys';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { DeleteProjectQueryDto, ProjectDeletedDto } from '../deletion/deletion.dto';
import { DeletionService } from '../deletion/deletion.service';
import { CreateProjectDto, ProjectDetailDto, ProjectDto, ProjectListQueryDto, ProjectPageDto } from './project.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiV1()
@Controller({ path: 'projects', version: '1' })
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly deletion: DeletionService,
  ) {}

  @Post()
  @AnyProject()
  @ApiOperation({
    summary: 'Create a project, or return the existing one (ensureProject)',
    description: 'Posting the same id again returns the same project with 200. A project-bound key may only name its own project.',
  })
  @ApiResponse({ status: 201, type: ProjectDto, description: 'Created' })
  @ApiResponse({ status: 200, type: ProjectDto, description: 'Already existed' })
  @ApiErrors([400, 'Malformed JSON, unknown or wrongly typed fields'])
  async create(
    @Body() dto: CreateProjectDto,
    @Req() req: Request & AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectDto> {
    const { project, created } = await this.projects.ensure(dto, req.auth);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return project;
  }

  @Get()
  @AnyProject()
  @ApiOperation({ summary: 'List projects (a project-bound key sees only its own)' })
  @ApiResponse({ status: 200, type: ProjectPageDto })
  @ApiErrors([400, 'Bad page parameters'])
  list(@Query() q: ProjectListQueryDto, @Req() req: Request & AuthenticatedRequest): Promise<ProjectPageDto> {
    return this.projects.list(q.page, q.pageSize, req.auth, { order: q.order, name: q.q });
  }

  @Get(':projectUuid')
  @ApiOperation({ summary: 'One project with its document counts by status' })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: ProjectDetailDto })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown project'])
  get(@UuidParam('projectUuid') projectUuid: string): Promise<ProjectDetailDto> {
    return this.projects.get(projectUuid);
  }

  @Delete(':projectUuid')
  @ApiOperation({
    summary: 'Delete a project and everything of it (?confirm=<the project UUID>)',
    description:
      "confirm must repeat the project's UUID (its name is not unique, so it is not accepted). Every document is " +
      "deleted as DELETE /v1/documents/:documentUuid does, in set-based batches under the documents' locks, then " +
      "the project's entities, edges, contributions, curation log and rules, and the project row; a document uploaded " +
      'meanwhile is deleted too. After the commit: the stored files, the Textract staging copies, every Redis entry ' +
      'of its documents, and their jobs that no worker holds (a worker in the middle of one drops it as missing).',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: ProjectDeletedDto })
  @ApiErrors(
    [400, 'Invalid UUID, confirm missing or not the project UUID (nothing deleted), unknown parameter'],
    [404, 'Unknown project'],
    [409, 'Rows of a table CaseGraph does not manage still reference the project'],
  )
  remove(@UuidParam('projectUuid') projectUuid: string, @Query() q: DeleteProjectQueryDto): Promise<ProjectDeletedDto> {
    return this.deletion.deleteProject(projectUuid, q.confirm);
  }
}
