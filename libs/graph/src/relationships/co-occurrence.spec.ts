import { canCoOccur, documentContributions } from './co-occurrence';

const DOC = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const m = (canonicalUuid: string, start: number, chunkUuid = 'c1') => ({ canonicalUuid, start, end: start + 3, chunkUuid });

describe('documentContributions', () => {
  it('counts mentions per entity and pairs only within a sentence', () => {
    const sentences = [
      { start: 0, end: 100 },
      { start: 100, end: 200 },
      { start: 200, end: 300 },
    ];
    const out = documentContributions(DOC, [m('a', 10), m('b', 20), m('a', 30), m('c', 110), m('a', 210, 'c2'), m('b', 220, 'c2')], sentences);
    const at = (start: number, end = start + 3) => ({ start, end });
    expect(out).toEqual([
      // occurrences: the pair's first mentions in each sentence they share
      { source: 'a', target: 'b', type: 'CO_OCCURS', weight: 2, evidence: ['c1', 'c2'], occurrences: [at(10, 23), at(210, 223)] },
      { source: 'a', target: DOC, type: 'MENTIONED_IN', weight: 3, evidence: ['c1', 'c2'], occurrences: [at(10), at(30), at(210)] },
      { source: 'b', target: DOC, type: 'MENTIONED_IN', weight: 2, evidence: ['c1', 'c2'], occurrences: [at(20), at(220)] },
      { source: 'c', target: DOC, type: 'MENTIONED_IN', weight: 1, evidence: ['c1'], occurrences: [at(110)] },
    ]);
  });

  it('does not pair every entity of the document (no quadratic growth)', () => {
    // 200 distinct entities, one per sentence: 200 MENTIONED_IN edges and no pairs.
    const mentions = Array.from({ length: 200 }, (_, i) => m(`e${String(i).padStart(3, '0')}`, i * 100 + 5));
    const sentences = Array.from({ length: 200 }, (_, i) => ({ start: i * 100, end: i * 100 + 90 }));
    const out = documentContributions(DOC, mentions, sentences);
    expect(out.filter((e) => e.type === 'CO_OCCURS')).toHaveLength(0);
    expect(out.filter((e) => e.type === 'MENTIONED_IN')).toHaveLength(200);
  });

  it('caps the entities taken from one sentence', () => {
    const mentions = Array.from({ length: 50 }, (_, i) => m(`e${String(i).padStart(2, '0')}`, i * 4));
    const out = documentContributions(DOC, mentions, [{ start: 0, end: 400 }], { maxEntitiesPerWindow: 5, maxEvidence: 20 });
    expect(out.filter((e) => e.type === 'CO_OCCURS')).toHaveLength(10);
  });

  it('counts a mention with unknown offsets for MENTIONED_IN only, never in a sentence pair', () => {
    const unknown = (canonicalUuid: string, chunkUuid: string | null = 'c9') => ({ canonicalUuid, start: null, end: null, chunkUuid });
    // 'x' has only an unknown-offset mention; 'a' has a placed one and an unknown one.
    const out = documentContributions(DOC, [unknown('x'), m('a', 10), m('b', 20), unknown('a', null)], [{ start: 0, end: 100 }]);
    expect(out).toEqual([
      { source: 'a', target: 'b', type: 'CO_OCCURS', weight: 1, evidence: ['c1'], occurrences: [{ start: 10, end: 23 }] },
      { source: 'a', target: DOC, type: 'MENTIONED_IN', weight: 2, evidence: ['c1'], occurrences: [{ start: 10, end: 13 }] },
      { source: 'b', target: DOC, type: 'MENTIONED_IN', weight: 1, evidence: ['c1'], occurrences: [{ start: 20, end: 23 }] },
      // no placed mention: counted, but no occurrence to show
      { source: 'x', target: DOC, type: 'MENTIONED_IN', weight: 1, evidence: ['c9'], occurrences: [] },
    ]);
  });

  it('keeps at most MAX_EVIDENCE_PER_DOCUMENT occurrences per edge, the first ones', () => {
    const mentions = Array.from({ length: 8 }, (_, i) => m('a', i * 10));
    const [mentioned] = documentContributions(DOC, mentions, []);
    expect(mentioned.weight).toBe(8);
    expect(mentioned.occurrences.map((o) => o.start)).toEqual([0, 10, 20, 30, 40]);
  });

  it('pairs DATE, MONEY, URL, EMAIL and PHONE only with PERSON, ORG and CASE', () => {
    const typed = (canonicalUuid: string, entityType: string, start: number) => ({ ...m(canonicalUuid, start), entityType });
    const out = documentContributions(
      DOC,
      [
        typed('d1', 'DATE', 0),
        typed('d2', 'DATE', 10),
        typed('court', 'COURT', 20),
        typed('money', 'MONEY', 30),
        typed('law', 'STATUTE', 40),
        typed('p', 'PERSON', 50),
      ],
      [{ start: 0, end: 100 }],
    );
    const pairs = out.filter((e) => e.type === 'CO_OCCURS').map((e) => `${e.source}-${e.target}`);
    // leaves pair with the person only; COURT and STATUTE (neither leaf nor anchor) pair with each other and the person
    expect(pairs.sort()).toEqual(['court-law', 'court-p', 'd1-p', 'd2-p', 'law-p', 'money-p']);
  });
});

describe('canCoOccur', () => {
  it.each([
    ['DATE', 'DATE', false],
    ['DATE', 'COURT', false],
    ['MONEY', 'STATUTE', false],
    ['EMAIL', 'URL', false],
    ['PHONE', undefined, false],
    ['DATE', 'PERSON', true],
    ['ORG', 'MONEY', true],
    ['CASE', 'DATE', true],
    ['COURT', 'STATUTE', true],
    ['PERSON', 'ORG', true],
    [undefined, undefined, true],
  ] as const)('%s with %s: %s', (a, b, expected) => {
    expect(canCoOccur(a, b)).toBe(expected);
    expect(canCoOccur(b, a)).toBe(expected);
  });
});
