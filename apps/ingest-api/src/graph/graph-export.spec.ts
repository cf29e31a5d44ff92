import { validate } from 'fast-xml-parser';
import { EXPORT_WRITERS, csvField, cypherString, xmlEscape } from './graph-export';
import { searchKey, snippet } from './graph.service';

const NASTY = `Smith & Sons <"Ltd"> 'o\u0001k' \\ end\nline`;

describe('export writers', () => {
  it('GraphML is well-formed XML with every special character escaped', () => {
    const w = EXPORT_WRITERS.graphml;
    const xml =
      w.header('p') +
      w.node({ kind: 'entity', id: 'e1', name: NASTY, type: 'ORG', mentionCount: 2 }, 'p') +
      w.node({ kind: 'document', id: 'd1', name: 'a&b.pdf', type: 'DOCUMENT', mentionCount: null }, 'p') +
      w.between() +
      w.edge({ id: 'r1', source: 'e1', target: 'd1', type: 'MENTIONED_IN', weight: 2, documentCount: 1 }) +
      w.footer();
    expect(validate(xml)).toBe(true);
    expect(xml).toContain('Smith &amp; Sons &lt;&quot;Ltd&quot;&gt; &apos;ok&apos;');
    expect(xml).toContain('directed="true"');
    expect(xmlEscape('a\ud800b')).toBe('ab'); // a lone surrogate is not XML
  });

  it('Cypher escapes string literals and writes only MERGE statements', () => {
    expect(cypherString(NASTY)).toBe(`'Smith & Sons <"Ltd"> \\'o\\u0001k\\' \\\\ end\\nline'`);
    const w = EXPORT_WRITERS.cypher;
    const node = w.node({ kind: 'entity', id: 'e1', name: NASTY, type: 'ORG', mentionCount: 2 }, 'p');
    expect(node).toMatch(/^MERGE \(n:Entity \{uuid: 'e1'\}\) SET .*n:ORG;\n$/);
    expect(node.split('\n')).toHaveLength(2); // one statement, one line
    expect(w.edge({ id: 'r', source: 'a', target: 'b', type: 'CO_OCCURS', weight: 1.5, documentCount: 2 })).toMatch(
      /^MATCH .* MERGE \(a\)-\[r:CO_OCCURS\]-\(b\) SET r.weight = 1.5/,
    );
  });

  it('CSV quotes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    const line = EXPORT_WRITERS.csv.node({ kind: 'entity', id: 'e', name: 'line\nbreak', type: 'ORG', mentionCount: 1 }, 'p');
    expect(line).toBe('node,e,entity,ORG,"line\nbreak",1,,,,\r\n');
  });
});

describe('read helpers', () => {
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
