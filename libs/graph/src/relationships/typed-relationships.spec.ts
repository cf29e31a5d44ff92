import { GraphMention, partyRoleWord, typedContributions } from './typed-relationships';

const DOC = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

// An invented caption and a few lines of an opinion; the mentions are what the legal grammar states about them.
const TEXT = [
  'SUPREME COURT OF THE STATE OF WESTMARCH', // 0
  'ROSALIND TILLERY and OWEN TILLERY, Plaintiffs-Appellants,',
  'v.',
  'HOLLOWBROOK COUNTY, Defendant-Appellee.',
  'Priya Anand, Anand Legal Group, for Appellants.',
  'Marcus Webb, County Attorney, for Appellee.',
  'Before VOSS, Chief Justice, and KELLAN and ORTIZ, Justices.',
  'KELLAN, J., delivered the opinion of the Court.',
  'See Farrow v. Linden Mills, 88 W.3d 410, 415 (2019). Farrow, 88 W.3d at 417. Id. at 418. Cf. Beck v. Crane, supra, at 9 (Frost, J., concurring).',
  'The county relies on W. Code § 12-401. ORTIZ, J., dissenting. The Court of Claims had no jurisdiction.',
  'Judge Pemberton of the trial court found no notice; Justice Hale and Justice Moreau of the high court would have heard it.',
  'WE CONCUR:\n\n______________________\n    VOSS, C.J.\n\n______________________\n    KELLAN, J.',
].join('\n');

let seq = 0;
const mentions: GraphMention[] = [];
/** A mention of `entity` at the `nth` occurrence of `text` in TEXT. */
function mention(entity: string, type: string, text: string, attributes: Record<string, unknown> | null = null, role: string | null = null, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = TEXT.indexOf(text, at + 1);
  if (at < 0) throw new Error(`no ${text}`);
  mentions.push({
    canonicalUuid: entity,
    entityType: type,
    role,
    attributes,
    normalizedKey: `${entity}-key`,
    start: at,
    end: at + text.length,
    chunkUuid: `chunk-${seq++ % 2}`,
  });
  return { start: at, end: at + text.length };
}

const captionKey = 'case-tillery-key';
const court = mention('court-westmarch', 'COURT', 'SUPREME COURT OF THE STATE OF WESTMARCH', { courtId: 'wm.sup', caption: true });
const rosalind = mention(
  'p-rosalind',
  'PERSON',
  'ROSALIND TILLERY',
  { party: 'plaintiff', appealRole: 'appellant', side: 0, caseKey: captionKey },
  'party',
);
mention('p-owen', 'PERSON', 'OWEN TILLERY', { party: 'plaintiff', appealRole: 'appellant', side: 0, caseKey: captionKey }, 'party');
mention('case-tillery', 'CASE', 'v.', { kind: 'caption', captionIndex: 0, courtId: 'wm.sup' }, null, 0);
mention('p-county', 'ORG', 'HOLLOWBROOK COUNTY', { party: 'defendant', appealRole: 'appellee', side: 1, caseKey: captionKey }, 'party');
const anand = mention('c-anand', 'PERSON', 'Priya Anand', { for: 'appellant' }, 'counsel');
mention('f-anand', 'ORG', 'Anand Legal Group', { for: 'appellant' }, 'law_firm');
mention('c-webb', 'PERSON', 'Marcus Webb', { for: 'appellee' }, 'counsel');
mention('j-voss', 'PERSON', 'VOSS', { judgeRole: 'panel' }, 'judge');
mention('j-kellan', 'PERSON', 'KELLAN', { judgeRole: 'panel' }, 'judge');
mention('j-ortiz', 'PERSON', 'ORTIZ', null, 'judge');
mention('j-kellan', 'PERSON', 'KELLAN', { judgeRole: 'author' }, 'judge', 1);
const farrowName = mention('case-farrow', 'CASE', 'Farrow v. Linden Mills', { kind: 'name', signal: 'see' });
const farrowFull = mention('case-farrow', 'CASE', '88 W.3d 410', { kind: 'full', pin: '415' });
mention('case-farrow', 'CASE', 'Farrow', { kind: 'shortname' }, null, 1);
mention('case-farrow', 'CASE', '88 W.3d at 417', { kind: 'short', pin: '417' });
mention('case-farrow', 'CASE', 'Id. at 418', { kind: 'id', pin: 418 });
mention('case-beck', 'CASE', 'Beck v. Crane', { kind: 'name', signal: 'cf.' });
mention('case-beck', 'CASE', 'supra, at 9', { kind: 'supra', pin: '9' });
mention('j-frost', 'PERSON', 'Frost', { judgeRole: 'concurrence', cited: true }, 'judge');
mention('statute-12-401', 'STATUTE', 'W. Code § 12-401', { kind: 'statute' });
mention('j-ortiz', 'PERSON', 'ORTIZ', { judgeRole: 'dissent' }, 'judge', 1);
mention('court-claims', 'COURT', 'Court of Claims', { courtId: 'wm.claims' });
mention('j-pemberton', 'PERSON', 'Pemberton', { judgeRole: 'panel', courtId: 'wm.sup' }, 'judge');
mention('j-hale', 'PERSON', 'Hale', { judgeRole: 'panel', courtId: 'us.scotus' }, 'judge');
mention('j-moreau', 'PERSON', 'Moreau', { judgeRole: 'panel', courtId: 'us.scotus' }, 'judge');
// the signature block at the end: two panel mentions separated by signature lines
mention('j-voss', 'PERSON', 'VOSS', { judgeRole: 'panel' }, 'judge', 1);
mention('j-kellan', 'PERSON', 'KELLAN', { judgeRole: 'panel' }, 'judge', 2);
// the case key of the caption mention is what the parties' caseKey names
mentions.find((m) => m.canonicalUuid === 'case-tillery')!.normalizedKey = captionKey;
// an unlinked stray: no role, no attributes
mention('p-stray', 'PERSON', 'Marcus Webb', null, null);

// the document's text between two offsets (no astral characters here: code points = UTF-16 indexes)
const between = (start: number, end: number) => TEXT.slice(start, end);
const edges = (type: string, list = typedContributions(DOC, mentions, { between })) =>
  list.filter((c) => c.type === type).map((c) => ({ source: c.source, target: c.target, weight: c.weight, ...c.properties }));

describe('typedContributions', () => {
  const all = typedContributions(DOC, mentions, { between });

  it('PARTY_TO: each caption party -> the caption case, with its roles', () => {
    expect(edges('PARTY_TO', all)).toEqual([
      { source: 'p-county', target: 'case-tillery', weight: 1, roles: ['appellee', 'defendant'] },
      { source: 'p-owen', target: 'case-tillery', weight: 1, roles: ['appellant', 'plaintiff'] },
      { source: 'p-rosalind', target: 'case-tillery', weight: 1, roles: ['appellant', 'plaintiff'] },
    ]);
  });

  it('ADVERSE_TO: parties on opposite sides only, once per pair with source < target', () => {
    expect(edges('ADVERSE_TO', all)).toEqual([
      { source: 'p-county', target: 'p-owen', weight: 1 },
      { source: 'p-county', target: 'p-rosalind', weight: 1 },
    ]);
    // the evidence span covers both caption names when they are close
    const e = all.find((c) => c.type === 'ADVERSE_TO' && c.target === 'p-rosalind')!;
    expect(e.occurrences).toEqual([{ start: rosalind.start, end: TEXT.indexOf('HOLLOWBROOK COUNTY') + 'HOLLOWBROOK COUNTY'.length }]);
  });

  it('REPRESENTS: counsel and firm -> every party of the side they appear for', () => {
    expect(edges('REPRESENTS', all)).toEqual([
      { source: 'c-anand', target: 'p-owen', weight: 1, roles: ['appellant'] },
      { source: 'c-anand', target: 'p-rosalind', weight: 1, roles: ['appellant'] },
      { source: 'c-webb', target: 'p-county', weight: 1, roles: ['appellee'] },
      { source: 'f-anand', target: 'p-owen', weight: 1, roles: ['appellant'] },
      { source: 'f-anand', target: 'p-rosalind', weight: 1, roles: ['appellant'] },
    ]);
    expect(all.find((c) => c.type === 'REPRESENTS' && c.source === 'c-anand')!.occurrences).toEqual([anand]);
  });

  it("JUDGE_OF: every judge -> the caption case, roles merged per judge (panel by default); not a cited case's judge", () => {
    expect(edges('JUDGE_OF', all)).toEqual([
      { source: 'j-kellan', target: 'case-tillery', weight: 3, roles: ['author', 'panel'] },
      { source: 'j-ortiz', target: 'case-tillery', weight: 2, roles: ['dissent', 'panel'] },
      { source: 'j-voss', target: 'case-tillery', weight: 2, roles: ['panel'] }, // the bench list and the signatures
    ]);
  });

  it('DECIDED_BY: the caption case -> the caption court, not a court named in the body', () => {
    expect(edges('DECIDED_BY', all)).toEqual([{ source: 'case-tillery', target: 'court-westmarch', weight: 1 }]);
    expect(all.find((c) => c.type === 'DECIDED_BY')!.occurrences).toEqual([court]);
  });

  it('CITES: the document -> each cited case once (every form counted as citations) and the statute; never its own case', () => {
    expect(edges('CITES', all)).toEqual([
      { source: DOC, target: 'case-beck', weight: 1, count: 1, pins: ['9'], signals: ['cf.'] },
      { source: DOC, target: 'case-farrow', weight: 3, count: 3, pins: ['415', '417', '418'], signals: ['see'] },
      { source: DOC, target: 'statute-12-401', weight: 1, count: 1 },
    ]);
    // "Farrow v. Linden Mills, 88 W.3d 410" is one citation, one evidence span
    const farrow = all.find((c) => c.type === 'CITES' && c.target === 'case-farrow')!;
    expect(farrow.occurrences[0]).toEqual({ start: farrowName.start, end: farrowFull.end });
    expect(farrow.occurrences).toHaveLength(3); // the full cite, "Farrow, 88 W.3d at 417", "Id. at 418"
    expect(all.some((c) => c.target === 'case-tillery' && c.type === 'CITES')).toBe(false);
    expect(farrow.evidence).toEqual(['chunk-0', 'chunk-1']);
  });

  it('JUDGE_OF: a judge only named in the text, or of another court, is no judge of the case; without the text every one is', () => {
    const named = ['j-pemberton', 'j-hale', 'j-moreau'];
    expect(all.filter((c) => c.type === 'JUDGE_OF' && named.includes(c.source))).toEqual([]);
    const blind = edges('JUDGE_OF', typedContributions(DOC, mentions)).map((e) => e.source);
    expect(blind).toEqual(expect.arrayContaining(named));
  });

  it('makes nothing of a mention with no role (the stray person)', () => {
    expect(all.some((c) => c.source === 'p-stray' || c.target === 'p-stray')).toBe(false);
  });

  it('keeps at most five occurrences per contribution, in document order', () => {
    for (const c of all) {
      expect(c.occurrences.length).toBeLessThanOrEqual(5);
      expect([...c.occurrences].sort((a, b) => a.start - b.start)).toEqual(c.occurrences);
    }
  });

  it('gives no caption edges without a caption case, and degrades without sides to opposite role words', () => {
    const noCaption = mentions
      .filter((m) => m.canonicalUuid !== 'case-tillery')
      .map((m) => (m.role === 'party' ? { ...m, attributes: { party: m.attributes!.party } } : m));
    const out = typedContributions(DOC, noCaption, { between });
    expect(edges('PARTY_TO', out)).toEqual([]);
    expect(edges('JUDGE_OF', out)).toEqual([]);
    expect(edges('DECIDED_BY', out)).toEqual([]);
    // plaintiff vs defendant: still adverse; the two plaintiffs are not
    expect(edges('ADVERSE_TO', out).map((e) => `${e.source}-${e.target}`)).toEqual(['p-county-p-owen', 'p-county-p-rosalind']);
    // without a caption, the document's own case is no longer known: nothing else changes for CITES
    expect(edges('CITES', out).map((e) => e.target)).toEqual(['case-beck', 'case-farrow', 'statute-12-401']);
  });

  it('REPRESENTS: a named party (forParty) wins over the role; a role nobody has gives no edge', () => {
    const named = mentions.map((m) =>
      m.canonicalUuid === 'c-anand'
        ? { ...m, attributes: { for: 'appellant', forParty: 'p-owen-key' } }
        : m.canonicalUuid === 'c-webb'
          ? { ...m, attributes: { for: 'intervenor' } }
          : m,
    );
    const out = edges('REPRESENTS', typedContributions(DOC, named, { between }));
    expect(out.filter((e) => e.source === 'c-anand')).toEqual([{ source: 'c-anand', target: 'p-owen', weight: 1, roles: ['appellant'] }]);
    expect(out.filter((e) => e.source === 'c-webb')).toEqual([]);
  });

  it('DECIDED_BY falls back to the COURT with the caption court id, then to the first court near the top', () => {
    const unmarked = mentions.map((m) => (m.entityType === 'COURT' ? { ...m, attributes: { courtId: m.attributes!.courtId } } : m));
    expect(edges('DECIDED_BY', typedContributions(DOC, unmarked, { between }))).toEqual([
      { source: 'case-tillery', target: 'court-westmarch', weight: 1 },
    ]);
    const noIds = mentions.map((m) => (m.entityType === 'COURT' ? { ...m, attributes: null } : m));
    expect(edges('DECIDED_BY', typedContributions(DOC, noIds, { between }))).toEqual([
      { source: 'case-tillery', target: 'court-westmarch', weight: 1 },
    ]);
  });

  it('is a function of the mention set, not of the order given', () => {
    expect(typedContributions(DOC, [...mentions].reverse(), { between })).toEqual(all);
  });
});

describe('partyRoleWord', () => {
  it.each([
    ['Plaintiffs', 'plaintiff'],
    ['appellee', 'appellee'],
    ['Cross Appellant', 'cross-appellant'],
    ['cross-appellees', 'cross-appellee'],
    ['third party defendant', 'third-party defendant'],
    ['amicus', 'amicus'],
    ['Intervenors', 'intervenor'],
    ['lawyer', undefined],
    [undefined, undefined],
    [3, undefined],
  ])('%s -> %s', (raw, expected) => {
    expect(partyRoleWord(raw)).toBe(expected);
  });
});
