import { viewToGraphML, viewToJson, xmlEscape } from './export';
import { NO_FILTERS, edgeVisible, typesInView, visibleView } from './filter';
import { iterationsFor, settle } from './layout';
import { ApiEdge, ApiNode, createViewGraph, edgeKey, mergeIntoView } from './model';
import { edgeStyle, nodeColour } from './style';

const node = (id: string, type = 'PERSON', mentionCount: number | null = 3): ApiNode => ({ id, kind: 'entity', type, name: id, mentionCount });
const edge = (source: string, target: string, type = 'CO_OCCURS', weight = 1): ApiEdge => ({
  id: `${source}-${target}`,
  source,
  target,
  type,
  weight,
  documentCount: 1,
  properties: {},
  evidenceCount: 1,
  evidence: { documentUuid: 'd1', page: 2, start: 0, end: 5, snippet: `${source} and ${target}` },
});

describe('mergeIntoView', () => {
  it('adds new nodes and edges once, keeps positions of the nodes already in view, marks the anchor expanded', () => {
    const g = createViewGraph();
    mergeIntoView(g, [node('a'), node('b')], [edge('a', 'b')]);
    g.setNodeAttribute('a', 'x', 1000);
    g.setNodeAttribute('a', 'y', -500);
    const before = g.getNodeAttributes('b');
    const r = mergeIntoView(
      g,
      [node('a'), node('b'), node('c'), node('d', 'CASE')],
      [edge('a', 'b'), edge('a', 'c'), edge('d', 'a', 'PARTY_TO'), edge('a', 'd')],
      'a',
    );
    expect(r.added).toEqual(['c', 'd']);
    expect(r.addedEdges).toBe(3);
    expect(g.order).toBe(4);
    expect(g.size).toBe(4);
    expect([g.getNodeAttribute('b', 'x'), g.getNodeAttribute('b', 'y')]).toEqual([before.x, before.y]);
    expect(g.getNodeAttribute('a', 'expanded')).toBe(true);
    // New nodes land around the anchor, not around the origin.
    const mean = r.added.map((id) => g.getNodeAttributes(id)).reduce((m, a) => ({ x: m.x + a.x / 2, y: m.y + a.y / 2 }), { x: 0, y: 0 });
    expect(Math.hypot(mean.x - 1000, mean.y + 500)).toBeLessThan(Math.hypot(mean.x, mean.y));
  });

  it('keeps a typed edge and a co-occurrence between one pair apart, skips edges to nodes not in view and self loops', () => {
    const g = createViewGraph();
    mergeIntoView(g, [node('a'), node('b', 'CASE')], [edge('a', 'b', 'PARTY_TO'), edge('a', 'b'), edge('a', 'zzz'), edge('a', 'a')]);
    expect(g.size).toBe(2);
    expect(g.getEdgeAttribute(edgeKey({ type: 'PARTY_TO', source: 'a', target: 'b' }), 'typed')).toBe(true);
    expect(g.getEdgeAttribute(edgeKey({ type: 'CO_OCCURS', source: 'a', target: 'b' }), 'typed')).toBe(false);
  });

  it('takes the label from `label` (GET graph) or `name` (neighbourhood), hostile text as it is', () => {
    const g = createViewGraph();
    mergeIntoView(g, [{ id: 'x', kind: 'document', type: 'DOCUMENT', label: '<img src=x onerror=alert(1)>.pdf', mentionCount: null }], []);
    expect(g.getNodeAttribute('x', 'label')).toBe('<img src=x onerror=alert(1)>.pdf');
  });
});

describe('edge and node styles', () => {
  it('draws typed edges solid, thicker and coloured, co-occurrence thin, light and dashed', () => {
    const typed = edgeStyle('PARTY_TO', 1);
    const co = edgeStyle('CO_OCCURS', 1);
    expect(typed).toMatchObject({ typed: true, dashSize: 0 });
    expect(co).toMatchObject({ typed: false });
    expect(co.dashSize).toBeGreaterThan(0);
    expect(typed.size).toBeGreaterThan(co.size);
    expect(typed.color).not.toBe(co.color);
    expect(edgeStyle('CO_OCCURS', 1000).size).toBeLessThan(typed.size);
  });

  it('colours nodes by type, with a fallback for a type it does not know', () => {
    expect(nodeColour('PERSON')).not.toBe(nodeColour('CASE'));
    expect(nodeColour('SOMETHING_NEW')).toMatch(/^#/);
  });
});

describe('filters', () => {
  it('hides nodes of an unticked type with their edges, and edges of an unticked relationship', () => {
    const g = createViewGraph();
    mergeIntoView(g, [node('a'), node('b', 'CASE'), node('c', 'ORG')], [edge('a', 'b', 'PARTY_TO'), edge('a', 'c'), edge('b', 'c')]);
    expect(visibleView(g, NO_FILTERS).nodes).toHaveLength(3);
    const noOrg = visibleView(g, { hiddenTypes: new Set(['ORG']), hiddenRelationships: new Set() });
    expect(noOrg.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(noOrg.edges.map((e) => e.relType)).toEqual(['PARTY_TO']);
    const noCo = visibleView(g, { hiddenTypes: new Set(), hiddenRelationships: new Set(['CO_OCCURS']) });
    expect(noCo.edges.map((e) => e.relType)).toEqual(['PARTY_TO']);
    expect(edgeVisible(g, edgeKey({ type: 'PARTY_TO', source: 'a', target: 'b' }), NO_FILTERS)).toBe(true);
    const types = typesInView(g);
    expect(Object.fromEntries(types.entityTypes)).toEqual({ PERSON: 1, CASE: 1, ORG: 1 });
    expect(Object.fromEntries(types.relationshipTypes)).toEqual({ PARTY_TO: 1, CO_OCCURS: 2 });
  });
});

describe('export', () => {
  it('writes the visible view as JSON and as well-formed GraphML with hostile names escaped', () => {
    const g = createViewGraph();
    mergeIntoView(g, [node('a&b'), { ...node('c'), name: "O'Neil <script>alert(1)</script>\u0001" }], [edge('a&b', 'c', 'REPRESENTS')]);
    const view = visibleView(g, NO_FILTERS);
    const json = JSON.parse(viewToJson(view)) as { nodes: unknown[]; edges: Array<{ type: string }> };
    expect([json.nodes.length, json.edges[0].type]).toEqual([2, 'REPRESENTS']);
    const xml = viewToGraphML(view);
    expect(xml).toContain('<node id="a&amp;b">');
    expect(xml).toContain('O&apos;Neil &lt;script&gt;alert(1)&lt;/script&gt;</data>');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
    expect(xmlEscape('"x"')).toBe('&quot;x&quot;');
  });
});

describe('layout', () => {
  it('moves only the new nodes after an expansion', () => {
    const g = createViewGraph();
    mergeIntoView(
      g,
      ['a', 'b', 'c'].map((id) => node(id)),
      [edge('a', 'b'), edge('b', 'c')],
    );
    settle(g);
    const fixed = ['a', 'b', 'c'].map((id) => [g.getNodeAttribute(id, 'x'), g.getNodeAttribute(id, 'y')]);
    const r = mergeIntoView(g, [node('d'), node('e')], [edge('a', 'd'), edge('a', 'e')], 'a');
    const placed = r.added.map((id) => [g.getNodeAttribute(id, 'x'), g.getNodeAttribute(id, 'y')]);
    settle(g, r.added);
    expect(['a', 'b', 'c'].map((id) => [g.getNodeAttribute(id, 'x'), g.getNodeAttribute(id, 'y')])).toEqual(fixed);
    expect(r.added.map((id) => [g.getNodeAttribute(id, 'x'), g.getNodeAttribute(id, 'y')])).not.toEqual(placed);
    expect(iterationsFor(5000)).toBeLessThan(iterationsFor(100));
  });

  it('measures a merge + layout step at 5,000 nodes (reported, not asserted on time)', () => {
    const g = createViewGraph();
    const N = 5000;
    const seedNodes = Array.from({ length: N - 150 }, (_, i) => node(`n${i}`, i % 3 ? 'PERSON' : 'ORG', i % 50));
    const seedEdges = seedNodes.slice(1).map((n, i) => edge(`n${Math.floor(i / 3)}`, n.id));
    // The seed keeps its spiral placement: a full ForceAtlas2 run on it is not what an expansion costs.
    let t = performance.now();
    mergeIntoView(g, seedNodes, seedEdges);
    const first = performance.now() - t;
    const more = Array.from({ length: 150 }, (_, i) => node(`m${i}`, 'CASE'));
    t = performance.now();
    const r = mergeIntoView(
      g,
      [node('n7'), ...more],
      more.map((n) => edge('n7', n.id, 'PARTY_TO')),
      'n7',
    );
    const merge = performance.now() - t;
    settle(g, r.added);
    const step = performance.now() - t;
    expect(g.order).toBe(N);
    expect(r.added).toHaveLength(150);
    g.forEachNode((_, a) => {
      expect(Number.isFinite(a.x) && Number.isFinite(a.y)).toBe(true);
    });

    console.info(
      `graph view at ${N} nodes: first merge ${first.toFixed(0)} ms; expand (+150) merge + layout ${step.toFixed(0)} ms (merge ${merge.toFixed(0)} ms)`,
    );
  });
});
