import { Module } from '@nestjs/common';
import { CurationController } from './curation.controller';
import { CurationService } from './curation.service';

/**
 * Human curation of the project graph (docs/curation.md): merge, split, update and reject entities, the
 * curation log and undo, under /v1/projects/:projectUuid. Uses the app's default TypeORM DataSource and
 * @casegraph/graph (rules, edges, counts, the worker's lock namespaces); the global API-key guard scopes it
 * by :projectUuid, and the key's name is the log's actor.
 */
@Module({
  controllers: [CurationController],
  providers: [CurationService],
})
export class CurationModule {}
