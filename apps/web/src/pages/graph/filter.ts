/** What the view shows: nodes of the entity types and edges of the relationship types left ticked. */
import type { EdgeAttrs, NodeAttrs, ViewGraph } from './model';

export interface Filters {
  hiddenTypes: ReadonlySet<string>;
  hiddenRelationships: ReadonlySet<string>;
}

export const NO_FILTERS: Filters = { hiddenTypes: new Set(), hiddenRelationships: new Set() };

export const nodeVisible = (a: Pick<NodeAttrs, 'entityType'>, f: Filters) => !f.hiddenTypes.has(a.entityType);

/** An edge shows when its type is ticked and both its ends show. */
export const edgeAttrsVisible = (a: Pick<EdgeAttrs, 'relType' | 'sourceType' | 'targetType'>, f: Filters) =>
  !f.hiddenRelationships.has(a.relType) && !f.hiddenTypes.has(a.sourceType) && !f.hiddenTypes.has(a.targetType);

export const edgeVisible = (graph: ViewGraph, edge: string, f: Filters) => edgeAttrsVisible(graph.getEdgeAttributes(edge), f);

export interface VisibleView {
  nodes: Array<{ id: string } & NodeAttrs>;
  edges: Array<{ id: string; source: string; target: string } & EdgeAttrs>;
}

/** The nodes and edges the filters leave in view (for the node list, the counts and the export). */
export function visibleView(graph: ViewGraph, f: Filters): VisibleView {
  const nodes: VisibleView['nodes'] = [];
  graph.forEachNode((id, a) => {
    if (nodeVisible(a, f)) nodes.push({ id, ...a });
  });
  const edges: VisibleView['edges'] = [];
  graph.forEachEdge((id, a, source, target) => {
    if (edgeVisible(graph, id, f)) edges.push({ id, source, target, ...a });
  });
  return { nodes, edges };
}

/** The entity and relationship types present in the view, with counts, for the filter checkboxes and the legend. */
export function typesInView(graph: ViewGraph): { entityTypes: Map<string, number>; relationshipTypes: Map<string, number> } {
  const entityTypes = new Map<string, number>();
  const relationshipTypes = new Map<string, number>();
  graph.forEachNode((_, a) => entityTypes.set(a.entityType, (entityTypes.get(a.entityType) ?? 0) + 1));
  graph.forEachEdge((_, a) => relationshipTypes.set(a.relType, (relationshipTypes.get(a.relType) ?? 0) + 1));
  return { entityTypes, relationshipTypes };
}
