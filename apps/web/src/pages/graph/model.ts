/**
 * The graph in view: a graphology graph the page keeps in a ref (sigma draws it; React never renders per node).
 * Nodes and edges from the API are merged into it; new nodes are placed near the node that brought them in, so
 * the ones already seen stay where the reader left them.
 */
import Graph from 'graphology';
import { edgeStyle, nodeColour, nodeSize } from './style';

export interface Evidence {
  documentUuid: string;
  page: number | null;
  start: number;
  end: number;
  snippet: string;
}

/** A node as GET graph and GET neighbourhood give it (neighbourhood says `name`, graph says `label`). */
export interface ApiNode {
  id: string;
  kind: 'entity' | 'document';
  type: string;
  label?: string;
  name?: string;
  mentionCount: number | null;
}

export interface ApiEdge {
  id: string;
  source: string;
  target: string;
  type: string;
  weight: number;
  documentCount: number;
  properties: Record<string, unknown>;
  evidenceCount: number;
  evidence: Evidence | null;
}

export interface NodeAttrs {
  label: string;
  kind: 'entity' | 'document';
  entityType: string;
  mentionCount: number | null;
  x: number;
  y: number;
  size: number;
  color: string;
  /** Its neighbourhood has been fetched. */
  expanded: boolean;
}

export interface EdgeAttrs {
  relType: string;
  /** The ends' entity types, so a style rule (which sees attributes, not keys) can hide the edges of a hidden type. */
  sourceType: string;
  targetType: string;
  weight: number;
  documentCount: number;
  properties: Record<string, unknown>;
  evidenceCount: number;
  evidence: Evidence | null;
  typed: boolean;
  size: number;
  color: string;
  dashSize: number;
  gapSize: number;
}

export type ViewGraph = Graph<NodeAttrs, EdgeAttrs>;

export function createViewGraph(): ViewGraph {
  // Multi: a pair can be PARTY_TO and CO_OCCURS at once; directed: undirected types are stored once (source < target).
  return new Graph<NodeAttrs, EdgeAttrs>({ multi: true, type: 'directed', allowSelfLoops: false });
}

/** One edge per (type, source, target): the key under which the view keeps it. */
export const edgeKey = (e: Pick<ApiEdge, 'type' | 'source' | 'target'>) => `${e.type}|${e.source}|${e.target}`;

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/** A typical distance between neighbours in the current layout (for placing new nodes at a readable spacing). */
function spacing(graph: ViewGraph): number {
  if (graph.order < 2) return 10;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  graph.forEachNode((_, a) => {
    minX = Math.min(minX, a.x);
    maxX = Math.max(maxX, a.x);
    minY = Math.min(minY, a.y);
    maxY = Math.max(maxY, a.y);
  });
  const extent = Math.max(maxX - minX, maxY - minY, 1);
  return extent / Math.sqrt(graph.order);
}

export interface MergeResult {
  /** Nodes that were not in view before. */
  added: string[];
  addedEdges: number;
}

/**
 * Merges nodes and edges into the view. New nodes go on a sunflower spiral around `anchor` (the clicked node) or,
 * without one, around the centre; existing nodes keep their position and their `expanded` flag. Edges whose ends
 * are not both in view are skipped (the API bounds what it returns).
 */
export function mergeIntoView(graph: ViewGraph, nodes: ApiNode[], edges: ApiEdge[], anchor?: string): MergeResult {
  const added: string[] = [];
  const step = spacing(graph);
  const centre = anchor && graph.hasNode(anchor) ? graph.getNodeAttributes(anchor) : { x: 0, y: 0 };
  for (const n of nodes) {
    if (graph.hasNode(n.id)) continue;
    const k = added.length + 1;
    const r = step * Math.sqrt(k) * 0.9;
    const angle = k * GOLDEN_ANGLE;
    graph.addNode(n.id, {
      label: n.label ?? n.name ?? n.id,
      kind: n.kind,
      entityType: n.type,
      mentionCount: n.mentionCount,
      x: centre.x + r * Math.cos(angle),
      y: centre.y + r * Math.sin(angle),
      size: nodeSize(n.mentionCount, n.kind),
      color: nodeColour(n.type),
      expanded: false,
    });
    added.push(n.id);
  }
  let addedEdges = 0;
  for (const e of edges) {
    if (e.source === e.target || !graph.hasNode(e.source) || !graph.hasNode(e.target)) continue;
    const key = edgeKey(e);
    if (graph.hasEdge(key)) continue;
    graph.addDirectedEdgeWithKey(key, e.source, e.target, {
      relType: e.type,
      sourceType: graph.getNodeAttribute(e.source, 'entityType'),
      targetType: graph.getNodeAttribute(e.target, 'entityType'),
      weight: e.weight,
      documentCount: e.documentCount,
      properties: e.properties ?? {},
      evidenceCount: e.evidenceCount,
      evidence: e.evidence,
      ...edgeStyle(e.type, e.weight),
    });
    addedEdges++;
  }
  if (anchor && graph.hasNode(anchor)) graph.setNodeAttribute(anchor, 'expanded', true);
  return { added, addedEdges };
}
