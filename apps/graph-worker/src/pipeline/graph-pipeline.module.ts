import { DynamicModule, Module } from '@nestjs/common';
import { ChunkingService } from '../chunking/chunking.service';
import { ENTITY_EXTRACTOR } from '../extraction/entity-extractor';
import { ExtractionService } from '../extraction/extraction.service';
import { EntityExtractorLifecycle, createEntityExtractor } from '../extraction/extractor.factory';
import { RelationshipsService } from '../relationships/relationships.service';
import { ResolutionService } from '../resolution/resolution.service';
import { DEFAULT_GRAPH_PIPELINE_OPTIONS, GRAPH_PIPELINE_OPTIONS, GraphPipelineOptions } from './graph-options';
import { GraphPipelineService } from './graph-pipeline.service';

/**
 * The graph stages without the queue: needs the host's TypeORM DataSource,
 * ProjectContextModule and PipelineModule (DocumentStateService). The worker adds
 * the Bull consumer; tests and the benchmark call GraphPipelineService directly.
 */
@Module({})
export class GraphPipelineModule {
  static forRoot(options: Partial<GraphPipelineOptions> = {}): DynamicModule {
    const resolved: GraphPipelineOptions = { ...DEFAULT_GRAPH_PIPELINE_OPTIONS, ...options };
    return {
      module: GraphPipelineModule,
      providers: [
        { provide: GRAPH_PIPELINE_OPTIONS, useValue: resolved },
        { provide: ENTITY_EXTRACTOR, useFactory: () => createEntityExtractor(resolved.extractor, { llm: resolved.llm }) },
        EntityExtractorLifecycle,
        ChunkingService,
        ExtractionService,
        ResolutionService,
        RelationshipsService,
        GraphPipelineService,
      ],
      exports: [GraphPipelineService, GRAPH_PIPELINE_OPTIONS, ENTITY_EXTRACTOR],
    };
  }
}
