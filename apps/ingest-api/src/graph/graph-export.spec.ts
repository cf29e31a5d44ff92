import {
  CSV_EDGE_COLUMNS,
  CSV_NODE_COLUMNS,
  EXPORT_WRITERS,
  type ExportEdge,
  type ExportNode,
  csvField,
  cypherString,
  xmlEscape,
} from './graph-export';
import { mergeProperties } from './graph-edges';
import { searchKey, snippet } from './graph.service';
import { parseCsv, parseGraphml, replayCypher } from './testing/export-readers';

const NASTY = `Smith & Sons <"Ltd"> 'o\u0001k' \\ end\nline`;

const NODES: ExportNode[] = [
  { kind: 'entity', id: 'e1', name: NASTY, type: 'ORG', mentionCount: 2 },
  { kind: 'entity', id: 'case', name: 'Hines v. State', type: 'CASE', mentionCount: 3 },
  { kind: 'entity', id: 'cited', name: '=Twombly, 550 U.S. 544', type: 'CASE', mentionCount: 4 },
  { kind: 'document', id: 'd1', name: 'a&b.pdf', type: 'DOCUMENT', mentionCount: null },
];
const EVIDENCE = [
  { documentUuid: 'd1', page: 2, start: 10, end: 30, snippet: 'See Twombly, 550 U.S. at 570 & "n.4"; cf. <x>' },
  { documentUuid: 'd1', page: null, start: 50, end: 60, snippet: 'Id. at 556.' },
];
const EDGES: ExportEdge[] = [
  { id: 'r1', source: 'e1', target: 'd1', type: 'MENTIONED_IN', weight: 2, documentCount: 1, properties: {}, evidence: null },
  {
    id: 'r2',
    source: 'd1',
    target: 'cited',
    type: 'CITES',
    weight: 2,
    documentCount: 1,
    properties: { count: 2, pins: ['570', '556;557'], signals: ['cf.', 'see'], extra: { nested: true }, 'odd key': 'v' },
    evidence: EVIDENCE,
  },
  {
    id: 'r3',
    source: 'e1',
    target: 'case',
    type: 'PARTY_TO',
    weight: 1,
    documentCount: 1,
    properties: { roles: ['appellant', 'plaintiff'] },
    evidence: [],
  },
  { id: 'r4', source: 'case', target: 'e1', type: 'CO_OCCURS', weight: 1.5, documentCount: 2, properties: {}, evidence: null },
];

const write = (format: keyof typeof EXPORT_WRITERS, nodes = NODES, edges = EDGES) => {
  const w = EXPORT_WRITERS[format];
  return w.header('p') + nodes.map((n) => w.node(n, 'p')).join('') + w.between() + edges.map((e) => w.edge(e)).join('') + w.footer();
};

describe('export writers', () => {
  it('GraphML parses as XML: every edge type with its properties, evidence and direction, escaped', () => {
    const xml = write('graphml');
    const g = parseGraphml(xml);
    const nodeIds = new Set(g.nodes.map((n) => n.id));
    expect(nodeIds).toEqual(new Set(['e1', 'case', 'cited', 'd1']));
    expect(g.nodes.find((n) => n.id === 'e1')!.data).toMatchObject({ label: NASTY.replace('\u0001', ''), type: 'ORG', mentions: '2' });
    for (const e of g.edges) expect(nodeIds.has(e.source) && nodeIds.has(e.target)).toBe(true);
    const edge = (id: string) => g.edges.find((e) => e.id === id)!;
    expect(edge('r1')).toMatchObject({ directed: true, data: { rel: 'MENTIONED_IN', evidence_count: '0' } });
    expect(edge('r2')).toMatchObject({
      source: 'd1',
      directed: true,
      data: { rel: 'CITES', count: '2', pins: '570; 556;557', signals: 'cf.; see', evidence_count: '2', snippet: EVIDENCE[0].snippet },
    });
    expect(JSON.parse(edge('r2').data.evidence)).toEqual(EVIDENCE);
    expect(JSON.parse(edge('r2').data.properties)).toEqual({ extra: { nested: true }, 'odd key': 'v' });
    expect(edge('r3')).toMatchObject({ directed: true, data: { rel: 'PARTY_TO', roles: 'appellant; plaintiff' } });
    expect(edge('r3').data.evidence).toBeUndefined();
    expect(edge('r4')).toMatchObject({ directed: false, data: { rel: 'CO_OCCURS', weight: '1.5', documents: '2' } }); // no direction
    expect(g.keys.get('evidence')).toEqual({ for: 'edge', name: 'evidence', type: 'string' });
    expect(xml).toContain('Smith &amp; Sons &lt;&quot;Ltd&quot;&gt; &apos;ok&apos;');
    expect(xmlEscape('a\ud800b')).toBe('ab'); // a lone surrogate is not XML
  });

  it('Cypher escapes string literals and writes only MERGE statements', () => {
    expect(cypherString(NASTY)).toBe(`'Smith & Sons <"Ltd"> \\'o\\u0001k\\' \\\\ end\\nline'`);
    const w = EXPORT_WRITERS.cypher;
    const node = w.node(NODES[0], 'p');
    expect(node).toMatch(/^MERGE \(n:Entity \{uuid: 'e1'\}\) SET .*n:ORG;\n$/);
    expect(node.split('\n')).toHaveLength(2); // one statement, one line
    expect(w.edge(EDGES[3])).toMatch(
      /^MATCH .* MERGE \(a\)-\[r:CO_OCCURS \{uuid: 'r4'\}\]-\(b\) SET r \+= \{weight: 1.5, documentCount: 2, evidenceCount: 0\};\n$/,
    );
    expect(w.edge(EDGES[1])).toMatch(
      /^MATCH \(a:Document \{uuid: 'd1'\}\), \(b:Entity \{uuid: 'cited'\}\) MERGE \(a\)-\[r:CITES \{uuid: 'r2'\}\]->\(b\)/,
    );
  });

  it('Cypher: the e-mail edges match their document ends as :Document (SENT target, RECEIVED source, IN_REPLY_TO both)', () => {
    const nodes: ExportNode[] = [
      { kind: 'entity', id: 'jane', name: 'Jane Doe', type: 'PERSON', mentionCount: 2 },
      { kind: 'entity', id: 'mail', name: 'jane@example.com', type: 'EMAIL', mentionCount: 2 },
      { kind: 'document', id: 'm1', name: 'first.eml', type: 'DOCUMENT', mentionCount: null },
      { kind: 'document', id: 'm2', name: 'reply.eml', type: 'DOCUMENT', mentionCount: null },
    ];
    const edge = (id: string, type: string, source: string, target: string, properties: Record<string, unknown> = {}): ExportEdge => ({
      id,
      source,
      target,
      type,
      weight: 1,
      documentCount: 1,
      properties,
      evidence: null,
    });
    const edges = [
      edge('s', 'SENT', 'jane', 'm1'),
      edge('r', 'RECEIVED', 'm2', 'jane', { roles: ['cc', 'to'] }),
      edge('i', 'IN_REPLY_TO', 'm2', 'm1'),
      edge('h', 'HAS_ADDRESS', 'jane', 'mail'),
    ];
    const text = write('cypher', nodes, edges);
    const graph = replayCypher(text);
    expect([...graph.relationships.values()].map((r) => `${r.type} ${r.from}->${r.to} ${r.directed}`)).toEqual([
      'SENT jane->m1 true',
      'RECEIVED m2->jane true',
      'IN_REPLY_TO m2->m1 true',
      'HAS_ADDRESS jane->mail true',
    ]);
    expect(text).toContain("MATCH (a:Entity {uuid: 'jane'}), (b:Document {uuid: 'm1'}) MERGE (a)-[r:SENT");
    expect(text).toContain("MATCH (a:Document {uuid: 'm2'}), (b:Entity {uuid: 'jane'}) MERGE (a)-[r:RECEIVED");
    expect(text).toContain("MATCH (a:Document {uuid: 'm2'}), (b:Document {uuid: 'm1'}) MERGE (a)-[r:IN_REPLY_TO");
    expect(text).toContain("MATCH (a:Entity {uuid: 'jane'}), (b:Entity {uuid: 'mail'}) MERGE (a)-[r:HAS_ADDRESS");
    expect(graph.relationships.get('r')!.props.roles).toEqual(['cc', 'to']);
    const g = parseGraphml(write('graphml', nodes, edges));
    expect(g.edges.map((e) => [e.id, e.directed, e.data.roles ?? null])).toEqual([
      ['s', true, null],
      ['r', true, 'cc; to'],
      ['i', true, null],
      ['h', true, null],
    ]);
  });

  it('Cypher replays in order on an empty graph: every MATCH finds nodes MERGEd before it; typed properties as maps', () => {
    const graph = replayCypher(write('cypher'));
    expect([...graph.nodes.keys()].sort()).toEqual(['case', 'cited', 'd1', 'e1']);
    expect(graph.nodes.get('e1')).toMatchObject({ label: 'Entity', props: { name: NASTY, type: 'ORG', mentionCount: 2 } });
    expect(graph.nodes.get('d1')).toMatchObject({ label: 'Document', props: { name: 'a&b.pdf' } });
    const cites = graph.relationships.get('r2')!;
    expect(cites).toMatchObject({ type: 'CITES', from: 'd1', to: 'cited', directed: true });
    expect(cites.props).toEqual({
      weight: 2,
      documentCount: 1,
      count: 2,
      pins: ['570', '556;557'],
      signals: ['cf.', 'see'],
      extra: JSON.stringify({ nested: true }),
      'odd key': 'v',
      evidenceCount: 2,
      snippet: EVIDENCE[0].snippet,
      evidence: JSON.stringify(EVIDENCE),
    });
    expect(graph.relationships.get('r3')!.props).toMatchObject({ roles: ['appellant', 'plaintiff'], evidenceCount: 0 });
    expect(graph.relationships.get('r4')).toMatchObject({ type: 'CO_OCCURS', directed: false });
    // An edge whose end was not written first is what replayCypher refuses.
    expect(() => replayCypher(EXPORT_WRITERS.cypher.edge(EDGES[2]))).toThrow(/no Entity e1/);
  });

  it('CSV nodes and edges files: the headers of neo4j-admin import and Gephi, every edge end a node', () => {
    const nodes = parseCsv(write('csv-nodes'));
    const edges = parseCsv(write('csv-edges'));
    expect(nodes[0]).toEqual(CSV_NODE_COLUMNS);
    expect(edges[0]).toEqual(CSV_EDGE_COLUMNS);
    expect(nodes).toHaveLength(NODES.length + 1);
    expect(edges).toHaveLength(EDGES.length + 1);
    for (const r of [...nodes, ...edges])
      expect(r.length).toBe(r === nodes[0] || nodes.includes(r) ? CSV_NODE_COLUMNS.length : CSV_EDGE_COLUMNS.length);
    const col = (header: string[], name: string) => header.indexOf(name);
    const ids = new Set(nodes.slice(1).map((r) => r[col(CSV_NODE_COLUMNS, ':ID')]));
    for (const e of edges.slice(1)) {
      expect(ids.has(e[col(CSV_EDGE_COLUMNS, ':START_ID')]) && ids.has(e[col(CSV_EDGE_COLUMNS, ':END_ID')])).toBe(true);
      expect(e[col(CSV_EDGE_COLUMNS, 'Source')]).toBe(e[col(CSV_EDGE_COLUMNS, ':START_ID')]);
    }
    const byId = new Map(edges.slice(1).map((r) => [r[0], Object.fromEntries(CSV_EDGE_COLUMNS.map((c, i) => [c, r[i]]))]));
    expect(byId.get('r2')).toMatchObject({
      ':TYPE': 'CITES',
      Type: 'Directed',
      'count:int': '2',
      'pins:string[]': '570;556,557', // an item's own ';' would split it in neo4j-admin
      'signals:string[]': 'cf.;see',
      'evidenceCount:int': '2',
      snippet: EVIDENCE[0].snippet,
    });
    expect(JSON.parse(byId.get('r2')!.evidence)).toEqual(EVIDENCE);
    expect(byId.get('r3')).toMatchObject({ ':TYPE': 'PARTY_TO', 'roles:string[]': 'appellant;plaintiff', evidence: '' });
    expect(byId.get('r4')).toMatchObject({ Type: 'Undirected', Weight: '1.5', 'weight:double': '1.5' });
    const label = new Map(nodes.slice(1).map((r) => [r[0], r[col(CSV_NODE_COLUMNS, ':LABEL')]]));
    expect(label.get('e1')).toBe('Entity;ORG');
    expect(label.get('d1')).toBe('Document');
    expect(nodes.find((r) => r[0] === 'cited')![1]).toBe("'=Twombly, 550 U.S. 544"); // a formula defused
    // Each file writes only its own rows.
    expect(EXPORT_WRITERS['csv-nodes'].edge(EDGES[0])).toBe('');
    expect(EXPORT_WRITERS['csv-edges'].node(NODES[0], 'p')).toBe('');
  });

  it('CSV (one table) quotes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    const line = EXPORT_WRITERS.csv.node({ kind: 'entity', id: 'e', name: 'line\nbreak', type: 'ORG', mentionCount: 1 }, 'p');
    expect(line).toBe('node,e,entity,ORG,"line\nbreak",1,,,,\r\n');
  });
});

describe('read helpers', () => {
  it('mergeProperties sums counts and merges lists of the edges read as one', () => {
    expect(mergeProperties([{ count: 2, pins: ['570'], signals: ['see'] }])).toEqual({ count: 2, pins: ['570'], signals: ['see'] });
    expect(
      mergeProperties([
        { count: 2, pins: ['570', '556'], signals: ['see'], documentCount: 1 },
        { count: 1, pins: ['556'], signals: ['cf.'], documentCount: 1, other: 'x' },
      ]),
    ).toEqual({ count: 3, pins: ['556', '570'], signals: ['cf.', 'see'], documentCount: 2, other: 'x' });
    expect(mergeProperties([])).toEqual({});
  });

  it('searchKey normalises like the worker', () => {
    expect(searchKey('  Free-Software   Foundation, INC. ')).toBe('free software foundation inc');
    expect(searchKey('Société')).toBe('societe');
  });

  it('snippet takes code points around the mention from its chunk', () => {
    const chunk = '😀 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>';
    // chunk starts at code point 100 of the document; "Free" is at code point 100 + 21
    expect(snippet(chunk, 100, 121, 151, 5)).toBe('…2007 Free Software Foundation, Inc. <htt…');
    expect(snippet(null, null, 1, 2)).toBe('');
    // Unknown offsets (an old mention): no snippet, whatever the chunk.
    expect(snippet(chunk, 100, null, null)).toBe('');
    expect(snippet(chunk, 100, 121, null)).toBe('');
  });
});
