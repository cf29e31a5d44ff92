/**
 * The sigma renderer of the view: node colours by type, typed edges solid and coloured, co-occurrence thin, light and
 * dashed, labels thinned by sigma's label grid (and hidden when zoomed out), neighbours lit on hover. The filters are
 * read through `filters()` at each refresh, so ticking a box re-renders the canvas without React.
 */
import Sigma from 'sigma';
import { layerDashed, layerPlain } from 'sigma/rendering';
import { type Filters, edgeAttrsVisible, nodeVisible } from './filter';
import type { EdgeAttrs, NodeAttrs, ViewGraph } from './model';

interface ItemState {
  isActive: boolean;
  isHovered: boolean;
}
interface ViewState {
  hasActiveSubgraph: boolean;
}

const DIMMED_NODE = '#d6dbe1';
const DIMMED_EDGE = '#eceef1';

/** WebGL 2 (sigma 4 needs it): false in a browser without GPU or software fallback. */
export function webgl2Available(): boolean {
  try {
    return !!document.createElement('canvas').getContext('webgl2');
  } catch {
    return false;
  }
}

export interface CanvasEvents {
  clickNode(node: string): void;
  doubleClickNode(node: string): void;
  hoverNode(node: string | null): void;
  hoverEdge(edge: string | null): void;
}

export type Renderer = Sigma<NodeAttrs, EdgeAttrs>;

export function createRenderer(graph: ViewGraph, container: HTMLElement, filters: () => Filters, on: CanvasEvents): Renderer {
  const big = graph.order > 1000;
  const renderer = new Sigma<NodeAttrs, EdgeAttrs>(graph, container, {
    customNodeState: { isActive: false },
    customEdgeState: { isActive: false },
    customGraphState: { hasActiveSubgraph: false },
    primitives: {
      depthLayers: ['edges', 'nodes', 'topEdges', 'topNodes'],
      edges: {
        // The dashes are drawn in white over the plain line; a typed edge has dashSize 0, so the layer is transparent.
        layers: [
          layerPlain(),
          layerDashed({
            dashSize: { attribute: 'dashSize', default: 0 },
            gapSize: { attribute: 'gapSize', default: 0 },
            dashColor: '#ffffff',
          }),
        ],
      },
    },
    styles: {
      nodes: [
        {
          x: { attribute: 'x' },
          y: { attribute: 'y' },
          size: { attribute: 'size', defaultValue: 5 },
          color: { attribute: 'color', defaultValue: '#6b7280' },
          label: { attribute: 'label' },
          labelColor: '#1b1f24',
          labelSize: 13,
          depth: 'nodes',
          cursor: 'pointer',
          visibility: (a: NodeAttrs) => (nodeVisible(a, filters()) ? 'visible' : 'hidden'),
        },
        {
          when: (_a: unknown, s: ItemState, g: ViewState) => g.hasActiveSubgraph && !s.isActive && !s.isHovered,
          then: { color: DIMMED_NODE, labelVisibility: 'hidden' },
        },
        { whenState: 'isActive', then: { labelVisibility: 'visible', depth: 'topNodes' } },
        { whenState: 'isHovered', then: { labelVisibility: 'visible', depth: 'topNodes' } },
      ],
      edges: [
        {
          size: { attribute: 'size', defaultValue: 1 },
          color: { attribute: 'color', defaultValue: '#c3cad4' },
          depth: { whenData: { typed: true }, then: 'topEdges', else: 'edges' },
          cursor: 'pointer',
          visibility: (a: EdgeAttrs) => (edgeAttrsVisible(a, filters()) ? 'visible' : 'hidden'),
        },
        { when: (_a: unknown, s: ItemState, g: ViewState) => g.hasActiveSubgraph && !s.isActive && !s.isHovered, then: { color: DIMMED_EDGE } },
        { whenState: 'isHovered', then: { color: '#111827', depth: 'topEdges' } },
      ],
    },
    settings: {
      enableEdgeEvents: true,
      // Node sizes in pixels, whatever the layout's coordinate scale.
      itemSizesReference: 'screen',
      labelDensity: 0.6,
      labelGridCellSize: 70,
      // Labels only where a node is drawn big enough to carry one: zoomed out, they go.
      labelRenderedSizeThreshold: 7,
      hideEdgesOnMove: big,
      hideLabelsOnMove: big,
    } as Record<string, unknown>,
  } as never);

  const light = (node: string | null) => {
    const active = node ? new Set([node, ...graph.neighbors(node)]) : new Set<string>();
    renderer.setNodesState(graph.nodes(), { isActive: false } as never);
    renderer.setEdgesState(graph.edges(), { isActive: false } as never);
    if (node) {
      renderer.setNodesState([...active], { isActive: true } as never);
      renderer.setEdgesState(graph.edges(node), { isActive: true } as never);
    }
    renderer.setGraphState({ hasActiveSubgraph: !!node } as never);
  };

  renderer.on('clickNode', ({ node }) => on.clickNode(node));
  renderer.on('doubleClickNode', (e) => {
    e.preventSigmaDefault();
    on.doubleClickNode(e.node);
  });
  renderer.on('enterNode', ({ node }) => {
    light(node);
    on.hoverNode(node);
  });
  renderer.on('leaveNode', () => {
    light(null);
    on.hoverNode(null);
  });
  renderer.on('enterEdge', ({ edge }) => on.hoverEdge(edge));
  renderer.on('leaveEdge', () => on.hoverEdge(null));
  return renderer;
}

/** The canvas as a PNG (white background), drawn right after a synchronous render so the WebGL buffer is there. */
export function renderPng(renderer: Renderer): Promise<Blob | null> {
  renderer.refresh();
  const stage = renderer.getStageCanvas();
  const out = document.createElement('canvas');
  out.width = stage.width;
  out.height = stage.height;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.resolve(null);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(stage, 0, 0);
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
