import { SummaryContribution, SummaryMention, documentSummary } from './summary';

const m = (
  entityUuid: string,
  type: string,
  role: string | null,
  attributes: Record<string, unknown> | null,
  start: number,
  page = 1,
): SummaryMention => ({
  entityUuid,
  type,
  role,
  attributes,
  start,
  page,
});

describe('documentSummary', () => {
  const names = new Map([
    ['p1', { name: 'Harlow Marine Supply, Inc.', type: 'ORG' }],
    ['p2', { name: 'Doris P. Ketteridge', type: 'PERSON' }],
    ['j1', { name: 'Walcott', type: 'PERSON' }],
    ['j2', { name: 'Fennimore', type: 'PERSON' }],
    ['j3', { name: 'Rao', type: 'PERSON' }],
    ['c1', { name: 'Seventh Circuit', type: 'COURT' }],
    ['c2', { name: 'District Court', type: 'COURT' }],
    ['k0', { name: 'Harlow v. Ketteridge', type: 'CASE' }],
    ['k1', { name: 'Bell Atlantic Corp. v. Twombly', type: 'CASE' }],
    ['s1', { name: '42 U.S.C. § 1983', type: 'STATUTE' }],
  ]);

  it('reads parties with roles, judges of this case, courts, citations with signals and the own case', () => {
    const mentions = [
      m('c2', 'COURT', null, null, 900),
      m('c1', 'COURT', null, { caption: true }, 10),
      m('p2', 'PERSON', 'party', { party: 'Defendant-Appellee', side: 1 }, 300),
      m('p1', 'ORG', 'party', { party: 'Plaintiffs', side: 0 }, 100),
      m('k0', 'CASE', null, { kind: 'caption' }, 200),
      m('j1', 'PERSON', 'judge', { judgeRole: 'panel' }, 400),
      m('j2', 'PERSON', 'judge', { judgeRole: 'author' }, 450),
      m('j2', 'PERSON', 'judge', { judgeRole: 'panel' }, 420, 2),
      m('j3', 'PERSON', 'judge', { judgeRole: 'dissent', cited: true }, 800),
      m('k1', 'CASE', null, { kind: 'full', signal: 'see' }, 700, 3),
      m('k1', 'CASE', null, { kind: 'short' }, 750, 3),
    ];
    const edges: SummaryContribution[] = [
      { type: 'PARTY_TO', source: 'p1', target: 'k0', properties: { roles: ['appellant'] } },
      { type: 'CITES', source: 'doc', target: 's1', properties: { signals: ['cf.'], count: 1 } },
      { type: 'DECIDED_BY', source: 'k0', target: 'c1', properties: null },
    ];
    const s = documentSummary(mentions, edges, names);
    expect(s.parties.map((p) => [p.name, p.roles])).toEqual([
      ['Harlow Marine Supply, Inc.', ['appellant', 'plaintiff']],
      ['Doris P. Ketteridge', []],
    ]);
    expect(s.judges.map((j) => [j.name, j.roles, j.mentions, j.firstPage])).toEqual([
      ['Fennimore', ['author', 'panel'], 2, 2],
      ['Walcott', ['panel'], 1, 1],
    ]);
    expect(s.courts.map((c) => c.name)).toEqual(['Seventh Circuit', 'District Court']);
    expect(s.citations.map((c) => [c.name, c.roles, c.mentions])).toEqual([
      // An entity known only by an edge (no mention with offsets) comes after those the text places.
      ['Bell Atlantic Corp. v. Twombly', ['see'], 2],
      ['42 U.S.C. § 1983', ['cf.'], 0],
    ]);
    expect(s.cases.map((c) => c.name)).toEqual(['Harlow v. Ketteridge']);
  });

  it('leaves out an entity without a name in the project (rejected, or of another project)', () => {
    const s = documentSummary([m('ghost', 'PERSON', 'party', { party: 'plaintiff' }, 1)], [], names);
    expect(s.parties).toEqual([]);
  });
});
