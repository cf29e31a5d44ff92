import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthenticatedRequest, OPEN_KEY_NAME } from '../auth/api-keys';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import {
  CurationActionDto,
  CurationLogQueryDto,
  CurationPageDto,
  CurationResultDto,
  MergeEntitiesDto,
  RejectResultDto,
  SplitEntityDto,
  UpdateEntityDto,
} from './curation.dto';
import { CurationService } from './curation.service';

const actorOf = (req: Request & AuthenticatedRequest) => req.auth?.keyName ?? OPEN_KEY_NAME;

const RULES_NOTE =
  'The decision becomes a rule the graph pipeline obeys on every later run (re-processing, new documents). ' +
  'The affected documents are re-linked and their edges recomputed in the same transaction; the action is logged ' +
  '(GET curation) and can be undone (POST curation/:actionUuid/undo).';

@ApiTags('curation')
@ApiV1()
@Controller({ path: 'projects/:projectUuid', version: '1' })
export class CurationController {
  constructor(private readonly curation: CurationService) {}

  @Post('entities/merge')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Merge entities into one: their mentions, aliases and edges move onto `into`; they are deleted',
    description: `Every key of the merged entities' mentions resolves to the survivor from now on. ${RULES_NOTE}`,
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: CurationResultDto, description: 'The surviving entity' })
  @ApiErrors(
    [400, 'Invalid UUIDs, an empty or repeated list, or `into` among `entityUuids`'],
    [404, 'Unknown project, or an entity not in this project'],
    [422, 'Entities of different types'],
  )
  merge(
    @UuidParam('projectUuid') projectUuid: string,
    @Body() dto: MergeEntitiesDto,
    @Req() req: Request & AuthenticatedRequest,
  ): Promise<CurationResultDto> {
    return this.curation.merge(projectUuid, dto, actorOf(req));
  }

  @Post('entities/:entityUuid/split')
  @ApiOperation({
    summary: 'Split mentions off an entity into a new entity named `canonicalName` (same type)',
    description: `Each chosen mention keeps going to the new entity (by its place in the document); a key all of whose mentions moved goes too. An entity left with no mention disappears. ${RULES_NOTE}`,
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'entityUuid', format: 'uuid' })
  @ApiResponse({ status: 201, type: CurationResultDto, description: 'The new entity' })
  @ApiErrors(
    [400, 'Invalid UUIDs, an empty or repeated list, or a blank name'],
    [404, 'Unknown project, or no such entity in this project'],
    [409, 'Another entity of the type already has that name'],
    [422, 'Mentions that are not of this entity (or have no document offsets)'],
  )
  split(
    @UuidParam('projectUuid') projectUuid: string,
    @UuidParam('entityUuid') entityUuid: string,
    @Body() dto: SplitEntityDto,
    @Req() req: Request & AuthenticatedRequest,
  ): Promise<CurationResultDto> {
    return this.curation.split(projectUuid, entityUuid, dto, actorOf(req));
  }

  @Patch('entities/:entityUuid')
  @ApiOperation({
    summary: "Fix an entity's name, type or aliases; resolution never changes a fixed field again",
    description: `A new type keeps the entity's mentions (and later mentions of the same text) on it. ${RULES_NOTE}`,
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'entityUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: CurationResultDto, description: 'The entity after the change' })
  @ApiErrors(
    [400, 'Nothing to change, an unknown type, or a blank name or alias'],
    [404, 'Unknown project, or no such entity in this project'],
    [409, 'Another entity already is of that type with that name (merge instead)'],
  )
  update(
    @UuidParam('projectUuid') projectUuid: string,
    @UuidParam('entityUuid') entityUuid: string,
    @Body() dto: UpdateEntityDto,
    @Req() req: Request & AuthenticatedRequest,
  ): Promise<CurationResultDto> {
    return this.curation.update(projectUuid, entityUuid, dto, actorOf(req));
  }

  @Delete('entities/:entityUuid')
  @ApiOperation({
    summary: '"Not an entity": its mentions are unlinked and the same text never becomes an entity again in this project',
    description: RULES_NOTE,
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'entityUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: RejectResultDto })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown project, or no such entity in this project'])
  reject(
    @UuidParam('projectUuid') projectUuid: string,
    @UuidParam('entityUuid') entityUuid: string,
    @Req() req: Request & AuthenticatedRequest,
  ): Promise<RejectResultDto> {
    return this.curation.reject(projectUuid, entityUuid, actorOf(req));
  }

  @Get('curation')
  @ApiOperation({ summary: 'The curation log, newest first: who (API key name), when, what, before and after' })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: CurationPageDto })
  @ApiErrors([400, 'Invalid UUID or page'], [404, 'Unknown project'])
  log(@UuidParam('projectUuid') projectUuid: string, @Query() q: CurationLogQueryDto): Promise<CurationPageDto> {
    return this.curation.log(projectUuid, q);
  }

  @Post('curation/:actionUuid/undo')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Undo a curation action: entities (same uuids), rules and mention links as they were before it',
    description:
      'Only the newest action still in force on its entities can be undone: undo later actions on the same entities first. ' +
      'The action stays in the log, with undoneAt and undoneBy.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'actionUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: CurationActionDto, description: 'The action, now undone' })
  @ApiErrors(
    [400, 'Invalid UUID'],
    [404, 'Unknown project, or no such action in this project'],
    [409, 'Already undone, or a later action on the same entities is still in force (named in the message)'],
  )
  undo(
    @UuidParam('projectUuid') projectUuid: string,
    @UuidParam('actionUuid') actionUuid: string,
    @Req() req: Request & AuthenticatedRequest,
  ): Promise<CurationActionDto> {
    return this.curation.undo(projectUuid, actionUuid, actorOf(req));
  }
}
