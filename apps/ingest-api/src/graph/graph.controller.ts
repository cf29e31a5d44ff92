import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { EXPORT_WRITERS } from './graph-export';
import { EntityDetailDto, EntityListQueryDto, EntityPageDto, ExportQueryDto, GraphDto, GraphQueryDto } from './graph.dto';
import { GraphService } from './graph.service';

@ApiTags('graph')
@ApiV1()
@Controller({ path: 'projects/:projectUuid', version: '1' })
export class GraphController {
  private readonly logger = new Logger(GraphController.name);

  constructor(private readonly graph: GraphService) {}

  @Get('entities')
  @ApiOperation({ summary: "The project's canonical entities with mention counts, most mentioned first; searchable" })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: EntityPageDto })
  @ApiErrors([400, 'Invalid UUID, type, q or page'], [404, 'Unknown project'])
  list(@UuidParam('projectUuid') projectUuid: string, @Query() q: EntityListQueryDto): Promise<EntityPageDto> {
    return this.graph.listEntities(projectUuid, q);
  }

  @Get('entities/:entityUuid')
  @ApiOperation({ summary: 'One entity: aliases, mentions with document and snippet, documents, co-occurring neighbours' })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'entityUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: EntityDetailDto })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown project, or no such entity in this project'])
  get(@UuidParam('projectUuid') projectUuid: string, @UuidParam('entityUuid') entityUuid: string): Promise<EntityDetailDto> {
    return this.graph.getEntity(projectUuid, entityUuid);
  }

  @Get('graph')
  @ApiOperation({
    summary: 'Nodes (entities, most mentioned first) and CO_OCCURS edges among them, for a graph viewer',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: GraphDto })
  @ApiErrors([400, 'Invalid UUID, minWeight, types or limit'], [404, 'Unknown project'])
  view(@UuidParam('projectUuid') projectUuid: string, @Query() q: GraphQueryDto): Promise<GraphDto> {
    return this.graph.graph(projectUuid, q);
  }

  @Get('graph/export')
  @ApiOperation({
    summary: 'The whole project graph as a download, streamed: GraphML (Gephi), Cypher (Neo4j, MERGE) or CSV',
    description: 'Entity nodes, document nodes and every MENTIONED_IN and CO_OCCURS edge, read in batches from one consistent snapshot.',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiProduces('application/graphml+xml', 'application/x-cypher-query', 'text/csv')
  @ApiResponse({ status: 200, description: 'The file, streamed (chunked transfer encoding)' })
  @ApiErrors([400, 'Invalid UUID or format'], [404, 'Unknown project'])
  async export(@UuidParam('projectUuid') projectUuid: string, @Query() q: ExportQueryDto, @Res() res: Response): Promise<void> {
    // Checked before any byte is sent, so an unknown project is a clean 404.
    const project = await this.graph.requireProject(projectUuid);
    const writer = EXPORT_WRITERS[q.format];
    res.status(200);
    res.setHeader('Content-Type', writer.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="casegraph-${projectUuid}.${writer.extension}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(Readable.from(this.graph.export(project, q.format)), res);
    } catch (err) {
      // Headers are gone: the only honest signal left is a broken connection, never a complete-looking file.
      if (!res.destroyed) res.destroy(err as Error);
      if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn(`export of ${projectUuid} (${q.format}) stopped: ${(err as Error).message}`);
      }
    }
  }
}
