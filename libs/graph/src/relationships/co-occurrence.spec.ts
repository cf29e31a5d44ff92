import { documentContributions } from './co-occurrence';

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
    expect(out).toEqual([
      { source: 'a', target: 'b', type: 'CO_OCCURS', weight: 2, evidence: ['c1', 'c2'] },
      { source: 'a', target: DOC, type: 'MENTIONED_IN', weight: 3, evidence: ['c1', 'c2'] },
      { source: 'b', target: DOC, type: 'MENTIONED_IN', weight: 2, evidence: ['c1', 'c2'] },
      { source: 'c', target: DOC, type: 'MENTIONED_IN', weight: 1, evidence: ['c1'] },
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
      { source: 'a', target: 'b', type: 'CO_OCCURS', weight: 1, evidence: ['c1'] },
      { source: 'a', target: DOC, type: 'MENTIONED_IN', weight: 2, evidence: ['c1'] },
      { source: 'b', target: DOC, type: 'MENTIONED_IN', weight: 1, evidence: ['c1'] },
      { source: 'x', target: DOC, type: 'MENTIONED_IN', weight: 1, evidence: ['c9'] },
    ]);
  });
});
