/**
 * Layout of the view: ForceAtlas2 with a bounded number of iterations. The first load lays out the whole view; an
 * expansion lays out only the new nodes, in a small graph of them and their neighbours (the neighbours fixed), so
 * its cost follows what was added, not the size of the view, and the reader's map does not shift.
 */
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import type { ViewGraph } from './model';

/** Iterations for a graph of `order` nodes: fewer as it grows, so a step stays bounded. */
export function iterationsFor(order: number): number {
  return order <= 300 ? 150 : order <= 1500 ? 60 : 15;
}

function run(graph: Graph, iterations: number): void {
  const settings = forceAtlas2.inferSettings(graph);
  forceAtlas2.assign(graph, {
    iterations,
    getEdgeWeight: null,
    settings: { ...settings, barnesHutOptimize: graph.order > 400, adjustSizes: false },
  });
}

/**
 * Runs ForceAtlas2. Without `moving`, on the whole view (first load). With `moving` (the nodes an expansion brought
 * in), on those and their neighbours only, the neighbours fixed where they are.
 */
export function settle(graph: ViewGraph, moving?: ReadonlyArray<string>): void {
  if (!moving) {
    if (graph.order >= 2) run(graph, iterationsFor(graph.order));
    return;
  }
  if (!moving.length) return;
  const local = new Graph({ type: 'undirected', multi: false });
  const add = (id: string, fixed: boolean) => {
    if (local.hasNode(id)) return;
    const a = graph.getNodeAttributes(id);
    local.addNode(id, { x: a.x, y: a.y, size: a.size, fixed });
  };
  const movingSet = new Set(moving);
  for (const id of moving) {
    add(id, false);
    graph.forEachNeighbor(id, (other) => add(other, !movingSet.has(other)));
  }
  for (const id of moving) {
    graph.forEachEdge(id, (_e, _a, source, target) => {
      if (source !== target && !local.hasEdge(source, target)) local.addEdge(source, target);
    });
  }
  if (local.order < 2) return;
  run(local, Math.min(50, iterationsFor(local.order)));
  for (const id of moving) {
    const a = local.getNodeAttributes(id);
    graph.mergeNodeAttributes(id, { x: a.x as number, y: a.y as number });
  }
}
