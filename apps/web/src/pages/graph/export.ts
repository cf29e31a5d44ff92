/** The view as a file: JSON (what the API gave, for scripts) or GraphML (Gephi, yEd), with positions and colours. */
import type { VisibleView } from './filter';

export function viewToJson(view: VisibleView): string {
  return JSON.stringify(
    {
      nodes: view.nodes.map((n) => ({
        id: n.id,
        label: n.label,
        kind: n.kind,
        type: n.entityType,
        mentionCount: n.mentionCount,
        x: n.x,
        y: n.y,
      })),
      edges: view.edges.map((e) => ({
        source: e.source,
        target: e.target,
        type: e.relType,
        weight: e.weight,
        documentCount: e.documentCount,
        properties: e.properties,
        evidence: e.evidence,
      })),
    },
    null,
    2,
  );
}

// XML 1.0 cannot carry most control characters at all, escaped or not: they are dropped.
// eslint-disable-next-line no-control-regex -- the characters XML forbids
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(s: string): string {
  return s.replace(XML_INVALID, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function viewToGraphML(view: VisibleView): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="type" for="node" attr.name="type" attr.type="string"/>',
    '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>',
    '  <key id="mentionCount" for="node" attr.name="mentionCount" attr.type="int"/>',
    '  <key id="x" for="node" attr.name="x" attr.type="double"/>',
    '  <key id="y" for="node" attr.name="y" attr.type="double"/>',
    '  <key id="color" for="node" attr.name="color" attr.type="string"/>',
    '  <key id="relType" for="edge" attr.name="type" attr.type="string"/>',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
    '  <key id="snippet" for="edge" attr.name="snippet" attr.type="string"/>',
    '  <graph id="view" edgedefault="directed">',
  ];
  const data = (key: string, value: string | number | null | undefined) =>
    value === null || value === undefined ? '' : `<data key="${key}">${xmlEscape(String(value))}</data>`;
  for (const n of view.nodes) {
    out.push(
      `    <node id="${xmlEscape(n.id)}">${data('label', n.label)}${data('type', n.entityType)}${data('kind', n.kind)}${data('mentionCount', n.mentionCount)}` +
        `${data('x', n.x)}${data('y', n.y)}${data('color', n.color)}</node>`,
    );
  }
  view.edges.forEach((e, i) => {
    out.push(
      `    <edge id="e${i}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}">${data('relType', e.relType)}${data('weight', e.weight)}` +
        `${data('snippet', e.evidence?.snippet)}</edge>`,
    );
  });
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}
