import type { ExportFormat } from './graph.dto';

/** Rows the exporter reads in batches. */
export interface ExportNode {
  kind: 'entity' | 'document';
  id: string;
  name: string;
  /** Entity type; 'DOCUMENT' for documents. */
  type: string;
  mentionCount: number | null;
}

export interface ExportEdge {
  id: string;
  source: string;
  target: string;
  type: string;
  weight: number;
  documentCount: number;
}

/** Characters XML 1.0 does not allow at all (they are dropped), then the five that must be escaped. */
// eslint-disable-next-line no-control-regex -- matching the control characters XML 1.0 forbids is the point
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
export function xmlEscape(s: string): string {
  return s
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A Cypher single-quoted string literal. */
export function cypherString(s: string): string {
  return `'${s
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // eslint-disable-next-line no-control-regex -- escapes the control characters a Cypher string cannot hold raw
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/** An RFC 4180 field; text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvField(value: string | number | null, text = false): string {
  if (value === null) return '';
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(7))));

/**
 * The three export formats as header, node, edge and footer writers, so the
 * exporter can stream rows in batches.
 * - graphml: GraphML 1.0 (Gephi, yEd); undirected by default, MENTIONED_IN edges directed.
 * - cypher: one statement per line, every write a MERGE on a uuid (replaying the file is safe).
 * - csv: one table, `record` = node | edge.
 */
export interface ExportWriter {
  contentType: string;
  extension: string;
  header(projectUuid: string): string;
  node(n: ExportNode, projectUuid: string): string;
  /** Between the last node and the first edge. */
  between(): string;
  edge(e: ExportEdge): string;
  footer(): string;
}

const graphml: ExportWriter = {
  contentType: 'application/graphml+xml; charset=utf-8',
  extension: 'graphml',
  header: (projectUuid) =>
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n' +
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>\n' +
    '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>\n' +
    '  <key id="type" for="node" attr.name="type" attr.type="string"/>\n' +
    '  <key id="mentions" for="node" attr.name="mention_count" attr.type="int"/>\n' +
    '  <key id="rel" for="edge" attr.name="type" attr.type="string"/>\n' +
    '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n' +
    '  <key id="documents" for="edge" attr.name="document_count" attr.type="int"/>\n' +
    `  <graph id="${xmlEscape(projectUuid)}" edgedefault="undirected">\n`,
  node: (n) =>
    `    <node id="${xmlEscape(n.id)}"><data key="label">${xmlEscape(n.name)}</data><data key="kind">${n.kind}</data>` +
    `<data key="type">${xmlEscape(n.type)}</data>${n.mentionCount === null ? '' : `<data key="mentions">${n.mentionCount}</data>`}</node>\n`,
  between: () => '',
  edge: (e) =>
    `    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}"` +
    `${e.type === 'MENTIONED_IN' ? ' directed="true"' : ''}><data key="rel">${xmlEscape(e.type)}</data>` +
    `<data key="weight">${num(e.weight)}</data><data key="documents">${e.documentCount}</data></edge>\n`,
  footer: () => '  </graph>\n</graphml>\n',
};

const TYPE_LABEL = /^[A-Z_]+$/;
const cypher: ExportWriter = {
  contentType: 'application/x-cypher-query; charset=utf-8',
  extension: 'cypher',
  header: (projectUuid) =>
    `// CaseGraph project ${projectUuid}. Every write is a MERGE on a uuid: running this file again changes nothing.\n` +
    'CREATE CONSTRAINT casegraph_entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE;\n' +
    'CREATE CONSTRAINT casegraph_document_uuid IF NOT EXISTS FOR (n:Document) REQUIRE n.uuid IS UNIQUE;\n',
  node: (n, projectUuid) =>
    n.kind === 'entity'
      ? `MERGE (n:Entity {uuid: ${cypherString(n.id)}}) SET n.name = ${cypherString(n.name)}, n.type = ${cypherString(n.type)}, ` +
        `n.mentionCount = ${n.mentionCount ?? 0}, n.projectUuid = ${cypherString(projectUuid)}` +
        `${TYPE_LABEL.test(n.type) ? `, n:${n.type}` : ''};\n`
      : `MERGE (d:Document {uuid: ${cypherString(n.id)}}) SET d.name = ${cypherString(n.name)}, d.projectUuid = ${cypherString(projectUuid)};\n`,
  between: () => '',
  edge: (e) => {
    const target = e.type === 'MENTIONED_IN' ? 'Document' : 'Entity';
    const arrow = e.type === 'MENTIONED_IN' ? '->' : '-';
    const rel = TYPE_LABEL.test(e.type) ? e.type : 'RELATED';
    return (
      `MATCH (a:Entity {uuid: ${cypherString(e.source)}}), (b:${target} {uuid: ${cypherString(e.target)}}) ` +
      `MERGE (a)-[r:${rel}]${arrow}(b) SET r.weight = ${num(e.weight)}, r.documentCount = ${e.documentCount}, r.uuid = ${cypherString(e.id)};\n`
    );
  },
  footer: () => '',
};

const csv: ExportWriter = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  header: () => 'record,id,kind,type,name,mention_count,source,target,weight,document_count\r\n',
  node: (n) => ['node', n.id, n.kind, n.type, csvField(n.name, true), csvField(n.mentionCount), '', '', '', ''].join(',') + '\r\n',
  between: () => '',
  edge: (e) => ['edge', e.id, 'relationship', e.type, '', '', e.source, e.target, num(e.weight), String(e.documentCount)].join(',') + '\r\n',
  footer: () => '',
};

export const EXPORT_WRITERS: Record<ExportFormat, ExportWriter> = { graphml, cypher, csv };
