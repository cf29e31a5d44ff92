import { parse, validate } from 'fast-xml-parser';
/**
 * Strict readers of the export formats, for the tests: an RFC 4180 CSV parser and a replayer of the Cypher
 * export that applies its statements in order to an empty in-memory graph, the way Neo4j would, and throws on
 * anything it does not understand or that would fail there (a MATCH of a node not created before, a MERGE
 * before its constraint, a malformed literal). Not a Cypher implementation: the grammar is exactly the writer's.
 */

/** A minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF rows). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

type Value = string | number | boolean | Value[] | { [k: string]: Value };

class Reader {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new Error(`expected ${what} at ${this.pos}: ${this.s.slice(this.pos, this.pos + 40)}`);
  }
  lit(t: string): void {
    if (!this.s.startsWith(t, this.pos)) this.fail(JSON.stringify(t));
    this.pos += t.length;
  }
  peek(t: string): boolean {
    return this.s.startsWith(t, this.pos);
  }
  ident(): string {
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)+`)/.exec(this.s.slice(this.pos));
    if (!m) this.fail('an identifier');
    this.pos += m[0].length;
    return m[0].startsWith('`') ? m[0].slice(1, -1).replace(/``/g, '`') : m[0];
  }
  string(): string {
    this.lit("'");
    let out = '';
    for (;;) {
      const c = this.s[this.pos++];
      if (c === undefined) this.fail('the end of a string');
      if (c === "'") return out;
      if (c === '\n' || c === '\r') this.fail('an escaped line break');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.pos++];
      if (e === 'u') {
        const hex = this.s.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-f]{4}$/i.test(hex)) this.fail('four hex digits');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 4;
      } else if (e in ESCAPES) out += ESCAPES[e];
      else this.fail('a known escape');
    }
  }
  value(): Value {
    if (this.peek("'")) return this.string();
    if (this.peek('[')) {
      this.lit('[');
      const items: Value[] = [];
      while (!this.peek(']')) {
        if (items.length) this.lit(', ');
        items.push(this.value());
      }
      this.lit(']');
      return items;
    }
    if (this.peek('{')) return this.map();
    if (this.peek('true')) return (this.lit('true'), true);
    if (this.peek('false')) return (this.lit('false'), false);
    const m = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/.exec(this.s.slice(this.pos));
    if (!m) this.fail('a value');
    this.pos += m[0].length;
    return Number(m[0]);
  }
  map(): { [k: string]: Value } {
    this.lit('{');
    const out: { [k: string]: Value } = {};
    while (!this.peek('}')) {
      if (Object.keys(out).length) this.lit(', ');
      const k = this.ident();
      this.lit(': ');
      out[k] = this.value();
    }
    this.lit('}');
    return out;
  }
  end(): void {
    this.lit(';');
    if (this.pos !== this.s.length) this.fail('the end of the statement');
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", n: '\n', r: '\r', t: '\t', '"': '"' };

export interface ReplayedGraph {
  nodes: Map<string, { label: string; labels: Set<string>; props: Record<string, Value> }>;
  relationships: Map<string, { type: string; from: string; to: string; directed: boolean; props: Record<string, Value> }>;
}

/** Applies the Cypher export's statements, one a line, in order, to an empty graph. */
export function replayCypher(text: string): ReplayedGraph {
  const graph: ReplayedGraph = { nodes: new Map(), relationships: new Map() };
  const constrained = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('//')) continue;
    const constraint = /^CREATE CONSTRAINT \w+ IF NOT EXISTS FOR \(n:(\w+)\) REQUIRE n\.uuid IS UNIQUE;$/.exec(line);
    if (constraint) {
      constrained.add(constraint[1]);
      continue;
    }
    const r = new Reader(line);
    if (line.startsWith('MERGE (')) {
      r.lit('MERGE (');
      const v = r.ident();
      r.lit(':');
      const label = r.ident();
      if (!constrained.has(label)) throw new Error(`MERGE of a ${label} before its uniqueness constraint`);
      r.lit(' {uuid: ');
      const uuid = r.string();
      r.lit('}) SET ');
      const node = graph.nodes.get(uuid) ?? { label, labels: new Set([label]), props: { uuid } };
      if (node.label !== label) throw new Error(`${uuid} is a ${node.label}, not a ${label}`);
      for (let first = true; !r.peek(';'); first = false) {
        if (!first) r.lit(', ');
        if (r.ident() !== v) r.fail(`the variable ${v}`);
        if (r.peek(':')) {
          r.lit(':');
          node.labels.add(r.ident());
        } else {
          r.lit('.');
          const k = r.ident();
          r.lit(' = ');
          node.props[k] = r.value();
        }
      }
      r.end();
      graph.nodes.set(uuid, node);
      continue;
    }
    r.lit('MATCH ');
    const ends: string[] = [];
    for (const v of ['a', 'b']) {
      if (v === 'b') r.lit(', ');
      r.lit(`(${v}:`);
      const label = r.ident();
      r.lit(' {uuid: ');
      const uuid = r.string();
      r.lit('})');
      if (graph.nodes.get(uuid)?.label !== label) throw new Error(`MATCH finds no ${label} ${uuid}`);
      ends.push(uuid);
    }
    r.lit(' MERGE (a)-[r:');
    const type = r.ident();
    r.lit(' {uuid: ');
    const uuid = r.string();
    r.lit('}]');
    const directed = r.peek('->');
    r.lit(directed ? '->(b) SET r += ' : '-(b) SET r += ');
    const props = r.map();
    r.end();
    const existing = graph.relationships.get(uuid);
    if (existing && (existing.from !== ends[0] || existing.to !== ends[1] || existing.type !== type)) {
      throw new Error(`relationship ${uuid} merged twice with other ends`);
    }
    graph.relationships.set(uuid, { type, from: ends[0], to: ends[1], directed, props: { ...existing?.props, ...props } });
  }
  return graph;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-f]+));/gi, (m, name: string, dec?: string, hex?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (XML_ENTITIES[name] ?? m),
  );

export interface ParsedGraphml {
  /** key id -> what it is for (node | edge) and its attr.name. */
  keys: Map<string, { for: string; name: string; type: string }>;
  directedDefault: boolean;
  nodes: Array<{ id: string; data: Record<string, string> }>;
  edges: Array<{ id: string; source: string; target: string; directed: boolean; data: Record<string, string> }>;
}

/**
 * GraphML through an XML parser (fast-xml-parser, after its validator), entities decoded; throws when the file is
 * not well-formed or a <data> uses an undeclared key or one declared for the other kind of element.
 */
export function parseGraphml(xml: string): ParsedGraphml {
  const valid = validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = parse(xml, {
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseNodeValue: false,
    parseAttributeValue: false,
    trimValues: false,
    arrayMode: (tag: string) => ['key', 'node', 'edge', 'data'].includes(tag),
    tagValueProcessor: (v: string) => decodeXml(v),
    attrValueProcessor: (v: string) => decodeXml(v),
  });
  const root = doc.graphml;
  const keys = new Map<string, { for: string; name: string; type: string }>(
    (root.key ?? []).map((k: Record<string, string>) => [k.id, { for: k.for, name: k['attr.name'], type: k['attr.type'] }]),
  );
  const graph = root.graph;
  const data = (kind: string, list: Array<Record<string, string>> | undefined) => {
    const out: Record<string, string> = {};
    for (const d of list ?? []) {
      if (keys.get(d.key)?.for !== kind) throw new Error(`<data key="${d.key}"> is not declared for ${kind}s`);
      const text: unknown = d['#text'];
      out[d.key] = Array.isArray(text) ? text.join('') : typeof text === 'string' ? text : '';
    }
    return out;
  };
  const directedDefault = graph.edgedefault === 'directed';
  return {
    keys,
    directedDefault,
    nodes: (graph.node ?? []).map((n: Record<string, unknown>) => ({ id: n.id as string, data: data('node', n.data as never) })),
    edges: (graph.edge ?? []).map((e: Record<string, unknown>) => ({
      id: e.id as string,
      source: e.source as string,
      target: e.target as string,
      directed: e.directed === undefined ? directedDefault : e.directed === 'true',
      data: data('edge', e.data as never),
    })),
  };
}

/** A supertest `.parse()` that collects a streamed export as one string (`.buffer(true).parse(textBody)`). */
export function textBody(res: unknown, cb: (err: Error | null, body: string) => void): void {
  const stream = res as NodeJS.ReadableStream;
  let data = '';
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => (data += c));
  stream.on('end', () => cb(null, data));
}
