import {
  DOCUMENT_SOURCE_RELATIONSHIPS,
  DOCUMENT_TARGET_RELATIONSHIPS,
  type EdgeEvidence,
  type RelationshipType,
  UNDIRECTED_RELATIONSHIP_TYPES,
} from '@casegraph/contracts';
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
  /** The stored properties without documentCount and evidenceChunkUuids (roles, pins, signals, count…); {} when none. */
  properties: Record<string, unknown>;
  /** EdgeEvidence[] (≤ 20; the first one only, or none, when the export was asked so); null on an edge stored before evidence existed. */
  evidence: EdgeEvidence[] | null;
  /** How much evidence the edge has stored (may exceed evidence.length); evidence.length when not given. */
  evidenceCount?: number;
}

/**
 * Edge types whose source (CITES, RECEIVED, IN_REPLY_TO) or target (MENTIONED_IN, SENT, IN_REPLY_TO) is a document:
 * the contracts' lists, the ones the graph worker writes by (IN_REPLY_TO is document -> document).
 */
const DOCUMENT_SOURCE: ReadonlySet<string> = new Set(DOCUMENT_SOURCE_RELATIONSHIPS);
const DOCUMENT_TARGET: ReadonlySet<string> = new Set(DOCUMENT_TARGET_RELATIONSHIPS);

/** The properties every format writes as columns / attributes of their own; the others go in `properties` (JSON). */
export const NAMED_PROPERTIES = ['roles', 'pins', 'signals', 'count'] as const;

const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String) : typeof v === 'string' ? [v] : [];

/** Names the writers use themselves (or that are internal): a stored property of that name is not written. */
const RESERVED_KEYS = new Set(['documentCount', 'evidenceChunkUuids', 'uuid', 'weight', 'evidenceCount', 'snippet', 'evidence']);

/** The properties of `e` that have no column of their own. */
export function otherProperties(e: ExportEdge): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.properties ?? {})) {
    if (!(NAMED_PROPERTIES as readonly string[]).includes(k) && !RESERVED_KEYS.has(k)) rest[k] = v;
  }
  return rest;
}

const countOf = (e: ExportEdge): number | null => (typeof e.properties?.count === 'number' ? e.properties.count : null);
const evidenceOf = (e: ExportEdge): EdgeEvidence[] => (Array.isArray(e.evidence) ? e.evidence : []);
const evidenceCountOf = (e: ExportEdge): number => e.evidenceCount ?? evidenceOf(e).length;

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
 * - graphml: GraphML 1.0 (Gephi, yEd); undirected by default, every edge but CO_OCCURS and ADVERSE_TO directed.
 * - cypher: one statement per line, every write a MERGE on a uuid (replaying the file is safe).
 * - csv-nodes / csv-edges: the two files of Neo4j's `neo4j-admin database import` (`:ID`, `:LABEL`,
 *   `:START_ID`, `:END_ID`, `:TYPE`, typed columns, `;` between list items) that Gephi's spreadsheet import reads
 *   as well (`Id`, `Label`; `Source`, `Target`, `Type` = Directed | Undirected, `Weight`).
 * - csv: one table, `record` = node | edge (the layout before the two files; kept for the scripts that read it).
 */
export interface ExportWriter {
  contentType: string;
  extension: string;
  /** A writer of one of the two CSV files reads only its own rows. */
  only?: 'nodes' | 'edges';
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
    '  <key id="roles" for="edge" attr.name="roles" attr.type="string"/>\n' +
    '  <key id="pins" for="edge" attr.name="pins" attr.type="string"/>\n' +
    '  <key id="signals" for="edge" attr.name="signals" attr.type="string"/>\n' +
    '  <key id="count" for="edge" attr.name="count" attr.type="int"/>\n' +
    '  <key id="properties" for="edge" attr.name="properties" attr.type="string"/>\n' +
    '  <key id="evidence_count" for="edge" attr.name="evidence_count" attr.type="int"/>\n' +
    '  <key id="snippet" for="edge" attr.name="snippet" attr.type="string"/>\n' +
    '  <key id="evidence" for="edge" attr.name="evidence" attr.type="string"/>\n' +
    `  <graph id="${xmlEscape(projectUuid)}" edgedefault="undirected">\n`,
  node: (n) =>
    `    <node id="${xmlEscape(n.id)}"><data key="label">${xmlEscape(n.name)}</data><data key="kind">${n.kind}</data>` +
    `<data key="type">${xmlEscape(n.type)}</data>${n.mentionCount === null ? '' : `<data key="mentions">${n.mentionCount}</data>`}</node>\n`,
  between: () => '',
  edge: (e) => {
    const data = (key: string, value: string) => `<data key="${key}">${xmlEscape(value)}</data>`;
    const evidence = evidenceOf(e);
    const rest = otherProperties(e);
    const count = countOf(e);
    return (
      `    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}"` +
      `${UNDIRECTED_RELATIONSHIP_TYPES.includes(e.type as RelationshipType) ? '' : ' directed="true"'}>${data('rel', e.type)}` +
      `<data key="weight">${num(e.weight)}</data><data key="documents">${e.documentCount}</data>` +
      NAMED_PROPERTIES.filter((k) => k !== 'count' && stringList(e.properties?.[k]).length)
        .map((k) => data(k, stringList(e.properties[k]).join('; ')))
        .join('') +
      (count === null ? '' : `<data key="count">${num(count)}</data>`) +
      (Object.keys(rest).length ? data('properties', JSON.stringify(rest)) : '') +
      `<data key="evidence_count">${evidenceCountOf(e)}</data>` +
      (evidence.length ? data('snippet', evidence[0].snippet ?? '') + data('evidence', JSON.stringify(evidence)) : '') +
      '</edge>\n'
    );
  },
  footer: () => '  </graph>\n</graphml>\n',
};

const TYPE_LABEL = /^[A-Z_]+$/;

/** A Cypher map key: bare when it is an identifier, else in backticks. */
const cypherKey = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `\`${k.replace(/`/g, '``')}\``);

/**
 * A property value Neo4j can store: numbers, booleans, strings and homogeneous lists of them; anything else
 * (objects, mixed lists) as its JSON text. null and empty lists are left out (Neo4j has no null property).
 */
function cypherValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? num(v) : null;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return cypherString(v);
  if (Array.isArray(v)) {
    if (!v.length) return null;
    if (v.every((x) => typeof x === 'string')) return `[${v.map((x: string) => cypherString(x)).join(', ')}]`;
    if (v.every((x) => typeof x === 'number' && Number.isFinite(x))) return `[${v.map((x: number) => num(x)).join(', ')}]`;
  }
  return cypherString(JSON.stringify(v));
}

/** `{k: v, ...}` of the entries whose value Neo4j can hold. */
function cypherMap(entries: Array<[string, unknown]>): string {
  const parts = entries.flatMap(([k, v]) => {
    const value = cypherValue(v);
    return value === null ? [] : [`${cypherKey(k)}: ${value}`];
  });
  return `{${parts.join(', ')}}`;
}

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
    const source = DOCUMENT_SOURCE.has(e.type) ? 'Document' : 'Entity';
    const target = DOCUMENT_TARGET.has(e.type) ? 'Document' : 'Entity';
    const arrow = UNDIRECTED_RELATIONSHIP_TYPES.includes(e.type as RelationshipType) ? '-' : '->';
    const rel = TYPE_LABEL.test(e.type) ? e.type : 'RELATED';
    const evidence = evidenceOf(e);
    const props = cypherMap([
      ['weight', e.weight],
      ['documentCount', e.documentCount],
      ...NAMED_PROPERTIES.map((k): [string, unknown] => [k, k === 'count' ? countOf(e) : stringList(e.properties?.[k])]),
      ...Object.entries(otherProperties(e)),
      ['evidenceCount', evidenceCountOf(e)],
      ['snippet', evidence[0]?.snippet ?? null],
      ['evidence', evidence.length ? JSON.stringify(evidence) : null],
    ]);
    return (
      `MATCH (a:${source} {uuid: ${cypherString(e.source)}}), (b:${target} {uuid: ${cypherString(e.target)}}) ` +
      `MERGE (a)-[r:${rel} {uuid: ${cypherString(e.id)}}]${arrow}(b) SET r += ${props};\n`
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

/** A list cell of neo4j-admin import (`;` between items; an item's own `;` would split it, so it becomes `,`). */
const csvList = (v: unknown) =>
  csvField(
    stringList(v)
      .map((x) => x.replace(/;/g, ','))
      .join(';'),
    true,
  );

export const CSV_NODE_COLUMNS = ['Id', 'Label', 'kind', 'type', 'mentionCount:int', ':ID', ':LABEL'];
export const CSV_EDGE_COLUMNS = [
  'Id',
  'Source',
  'Target',
  'Type',
  'Label',
  'Weight',
  ':START_ID',
  ':END_ID',
  ':TYPE',
  'weight:double',
  'documentCount:int',
  'roles:string[]',
  'pins:string[]',
  'signals:string[]',
  'count:int',
  'evidenceCount:int',
  'snippet',
  'evidence',
  'properties',
];

const csvNodes: ExportWriter = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'nodes.csv',
  only: 'nodes',
  header: () => CSV_NODE_COLUMNS.join(',') + '\r\n',
  node: (n) =>
    [
      n.id,
      csvField(n.name, true),
      n.kind,
      n.type,
      csvField(n.mentionCount),
      n.id,
      n.kind === 'entity' ? (TYPE_LABEL.test(n.type) ? `Entity;${n.type}` : 'Entity') : 'Document',
    ].join(',') + '\r\n',
  between: () => '',
  edge: () => '',
  footer: () => '',
};

const csvEdges: ExportWriter = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'edges.csv',
  only: 'edges',
  header: () => CSV_EDGE_COLUMNS.join(',') + '\r\n',
  node: () => '',
  between: () => '',
  edge: (e) => {
    const evidence = evidenceOf(e);
    const rest = otherProperties(e);
    const count = countOf(e);
    return (
      [
        e.id,
        e.source,
        e.target,
        UNDIRECTED_RELATIONSHIP_TYPES.includes(e.type as RelationshipType) ? 'Undirected' : 'Directed',
        csvField(e.type, true),
        num(e.weight),
        e.source,
        e.target,
        TYPE_LABEL.test(e.type) ? e.type : 'RELATED',
        num(e.weight),
        String(e.documentCount),
        csvList(e.properties?.roles),
        csvList(e.properties?.pins),
        csvList(e.properties?.signals),
        count === null ? '' : num(count),
        String(evidenceCountOf(e)),
        csvField(evidence[0]?.snippet ?? '', true),
        evidence.length ? csvField(JSON.stringify(evidence)) : '',
        Object.keys(rest).length ? csvField(JSON.stringify(rest)) : '',
      ].join(',') + '\r\n'
    );
  },
  footer: () => '',
};

export const EXPORT_WRITERS: Record<ExportFormat, ExportWriter> = {
  graphml,
  cypher,
  'csv-nodes': csvNodes,
  'csv-edges': csvEdges,
  csv,
};
