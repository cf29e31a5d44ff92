import { Module } from '@nestjs/common';
import { GraphController } from './graph.controller';
import { GraphService } from './graph.service';

/**
 * Read API of the project graph the graph worker builds:
 * GET /v1/projects/:projectUuid/entities, /entities/:entityUuid, /graph, /graph/export.
 * Uses the app's default TypeORM DataSource; the global API-key guard scopes it by :projectUuid.
 */
@Module({
  controllers: [GraphController],
  providers: [GraphService],
})
export class GraphModule {}
