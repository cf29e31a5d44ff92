import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiErrors, ApiV1 } from '../common/api-docs';
import { UuidParam } from '../common/params';
import { EXPORT_WRITERS } from './graph-export';
import {
  EntityDetailDto,
  EntityListQueryDto,
  EntityPageDto,
  ExportQueryDto,
  GraphDto,
  GraphQueryDto,
  NeighbourhoodDto,
  NeighbourhoodQueryDto,
} from './graph.dto';
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
  @ApiOperation({
    summary:
      'One entity: aliases, mentions with document and snippet, documents, co-occurring neighbours, roles (party to, counsel for, ' +
      'judge of, decided by, and the reverse for a case or court), the documents and cases that cite it, and what it cites',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'entityUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: EntityDetailDto })
  @ApiErrors([400, 'Invalid UUID'], [404, 'Unknown project, or no such entity in this project'])
  get(@UuidParam('projectUuid') projectUuid: string, @UuidParam('entityUuid') entityUuid: string): Promise<EntityDetailDto> {
    return this.graph.getEntity(projectUuid, entityUuid);
  }

  @Get('entities/:entityUuid/neighbourhood')
  @ApiOperation({
    summary: "The entity's neighbourhood (depth 1 or 2), typed edges first, bounded: for a network view",
    description:
      'Nodes: the entity (depth 0), then the nodes one read edge away, typed edges (CITES, PARTY_TO, ADVERSE_TO, REPRESENTS, ' +
      'JUDGE_OF, DECIDED_BY) before CO_OCCURS and MENTIONED_IN, heaviest first, then (depth 2) the nodes one edge further, ' +
      'up to `limit` in all. Edges: those among the returned nodes, typed first. CITES is read from the citing ' +
      "document's caption CASE when it has one, else from the document (a node of kind 'document').",
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiParam({ name: 'entityUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: NeighbourhoodDto })
  @ApiErrors([400, 'Invalid UUID, depth, types, relationshipTypes or limit'], [404, 'Unknown project, or no such entity in this project'])
  neighbourhood(
    @UuidParam('projectUuid') projectUuid: string,
    @UuidParam('entityUuid') entityUuid: string,
    @Query() q: NeighbourhoodQueryDto,
  ): Promise<NeighbourhoodDto> {
    return this.graph.neighbourhood(projectUuid, entityUuid, q);
  }

  @Get('graph')
  @ApiOperation({
    summary: 'Nodes (ends of typed edges, then the most mentioned entities) and the edges among them, typed first, for a graph viewer',
    description:
      'relationshipTypes (default: all but MENTIONED_IN) chooses the edges; when the edge limit cuts, typed edges are kept ' +
      "before CO_OCCURS. CITES reads case cites case (from the citing document's caption CASE). The nodes are entities; " +
      'with MENTIONED_IN the documents come in as nodes of kind document (and a document without a caption CASE as the source of its CITES).',
  })
  @ApiParam({ name: 'projectUuid', format: 'uuid' })
  @ApiResponse({ status: 200, type: GraphDto })
  @ApiErrors([400, 'Invalid UUID, minWeight, types, relationshipTypes or limit'], [404, 'Unknown project'])
  view(@UuidParam('projectUuid') projectUuid: string, @Query() q: GraphQueryDto): Promise<GraphDto> {
    return this.graph.graph(projectUuid, q);
  }

  @Get('graph/export')
  @ApiOperation({
    summary: 'The whole project graph as a download, streamed: GraphML (Gephi), Cypher (Neo4j, MERGE), CSV nodes / edges files',
    description:
      'Entity nodes, document nodes and every edge (all relationship types, with roles, pins, signals, count, documentCount ' +
      'and evidence), read in batches from one consistent snapshot. csv-nodes and csv-edges are the two files of ' +
      "Neo4j's import tool and Gephi's spreadsheet import; csv is the one-table layout of before.",
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
      await pipeline(Readable.from(this.graph.export(project, q.format, q.evidence)), res);
    } catch (err) {
      // Headers are gone: the only honest signal left is a broken connection, never a complete-looking file.
      if (!res.destroyed) res.destroy(err as Error);
      if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn(`export of ${projectUuid} (${q.format}) stopped: ${(err as Error).message}`);
      }
    }
  }
}
