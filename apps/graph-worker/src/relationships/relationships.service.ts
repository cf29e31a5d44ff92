import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DocumentText, RelationshipResult, recomputeDocumentEdges } from '@casegraph/graph';
import { GRAPH_PIPELINE_OPTIONS, GraphPipelineOptions } from '../pipeline/graph-options';

export type { RelationshipResult } from '@casegraph/graph';

/**
 * Stage 4: the document's contribution to the project graph (recomputeDocumentEdges of @casegraph/graph,
 * with the worker's COOCCURRENCE_MAX_ENTITIES). Re-processing a document never double counts.
 */
@Injectable()
export class RelationshipsService {
  constructor(@Inject(GRAPH_PIPELINE_OPTIONS) private readonly options: GraphPipelineOptions) {}

  recompute(manager: EntityManager, projectUuid: string, documentUuid: string, text: DocumentText): Promise<RelationshipResult> {
    return recomputeDocumentEdges(manager, projectUuid, documentUuid, {
      text,
      maxEntitiesPerSentence: this.options.maxEntitiesPerSentence,
    });
  }
}
