import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EyeciteCitation } from '@casegraph/testing';
import type { ExtractedMention } from '../extraction/entity-extractor';
import {
  type LabelledWindow,
  type LegalLabel,
  captionFigures,
  formatCaptionFigures,
  formatEyeciteScores,
  formatLabelScores,
  keyOf,
  listDifferences,
  loadLegalLabels,
  mentionForCitation,
  scoreAgainstEyecite,
  scoreLabels,
  sha1,
} from './legal-evaluation';

// An invented opinion (names, numbers and courts made up; reporter abbreviations are facts).
const TEXT =
  'SUPREME COURT OF NORTH DAKOTA\n' +
  'Ann Brady, Plaintiff and Appellee, v. Cole Dunn, Defendant and Appellant.\n' +
  'Argued May 5, 2020. Justice Eva Frost wrote. See Hale v. Ives, 512 N.W.2d 101, 104 (N.D. 1994). ' +
  'Id. at 105. Dunn paid $1,500. Counsel: Gail Hart of Hart & Lowe LLP. Later text outside the window: Kim Lee.';
const at = (s: string, from = 0) => {
  const i = TEXT.indexOf(s, from);
  if (i < 0) throw new Error(`not in TEXT: ${s}`);
  return { start: i, end: i + s.length };
};
const WINDOW_END = TEXT.indexOf('Later text');
const label = (type: LegalLabel['type'], s: string, extra: Partial<LegalLabel> = {}, from = 0): LegalLabel => ({ type, ...at(s, from), ...extra });
const mention = (type: ExtractedMention['type'], s: string, extra: Partial<ExtractedMention> = {}, from = 0): ExtractedMention => ({
  type,
  text: s,
  ...at(s, from),
  confidence: 0.9,
  method: 'test',
  ...extra,
});

const labels: LegalLabel[] = [
  label('COURT', 'SUPREME COURT OF NORTH DAKOTA'),
  label('PERSON', 'Ann Brady', { role: 'party' }),
  label('PERSON', 'Cole Dunn', { role: 'party' }),
  label('DATE', 'May 5, 2020'),
  label('PERSON', 'Eva Frost', { role: 'judge' }),
  label('CASE', 'Hale v. Ives', { kind: 'name', ref: 6 }),
  label('CASE', '512 N.W.2d 101', { kind: 'full' }),
  label('CASE', 'Id. at 105', { kind: 'id', ref: 6 }),
  label('PERSON', 'Dunn', { role: 'party' }, TEXT.indexOf('Dunn paid')),
  label('MONEY', '$1,500'),
  label('PERSON', 'Gail Hart', { role: 'counsel' }),
  label('ORG', 'Hart & Lowe LLP', { role: 'law_firm' }),
];
const doc: LabelledWindow = { id: 'cl-test', window: [0, WINDOW_END], sha1: sha1(TEXT.slice(0, WINDOW_END)), labels };

const mentions: ExtractedMention[] = [
  mention('COURT', 'SUPREME COURT OF NORTH DAKOTA'),
  mention('PERSON', 'Ann Brady', { role: 'party' }),
  // Right span, wrong role: counts for PERSON, not for PERSON party.
  mention('PERSON', 'Cole Dunn', { role: 'counsel' }),
  // Boundary error: overlap only.
  mention('DATE', 'Argued May 5, 2020'),
  mention('PERSON', 'Eva Frost', { role: 'judge' }),
  mention('CASE', 'Hale v. Ives', { key: '512 nw2d 101', attributes: { kind: 'name' } }),
  mention('CASE', '512 N.W.2d 101', { key: '512 nw2d 101', attributes: { kind: 'full' } }),
  // Found, but with another key: not "one entity" with its full citation.
  mention('CASE', 'Id. at 105', { key: 'id', attributes: { kind: 'id' } }),
  // A false positive.
  mention('LOCATION', 'North Dakota'.toUpperCase(), {}, 14),
  mention('ORG', 'Plaintiff and Appellee'),
  mention('MONEY', '$1,500'),
  mention('PERSON', 'Gail Hart', { role: 'counsel' }),
  mention('ORG', 'Hart & Lowe LLP', { role: 'law_firm' }),
  // Outside the window: ignored.
  mention('PERSON', 'Kim Lee'),
];

describe('legal evaluation: scoring against hand labels', () => {
  const s = scoreLabels([{ doc, mentions }]);
  const row = (name: string) => s.rows.find((r) => r.name === name)!;

  it('scores per type: exact and overlap, only mentions inside the window, unlabelled types ignored', () => {
    expect(row('PERSON')).toMatchObject({ labels: 5, found: 4, exact: 4, overlap: 4 });
    expect(row('PERSON').recall).toBeCloseTo(4 / 5);
    expect(row('DATE')).toMatchObject({ labels: 1, found: 1, exact: 0, overlap: 1, precision: 0, overlapRecall: 1 });
    expect(row('ORG')).toMatchObject({ labels: 1, found: 2, exact: 1 });
    expect(row('ORG').precision).toBeCloseTo(0.5);
    expect(row('MONEY')).toMatchObject({ labels: 1, found: 1, exact: 1, f1: 1 });
    expect(row('ALL')).toMatchObject({ labels: 12, found: 12, exact: 10, overlap: 11 });
  });

  it('scores roles only when the role is the label role', () => {
    expect(row('PERSON party')).toMatchObject({ labels: 3, found: 1, exact: 1 });
    expect(row('PERSON counsel')).toMatchObject({ labels: 1, found: 2, exact: 1 });
    expect(row('PERSON judge')).toMatchObject({ labels: 1, found: 1, exact: 1 });
    expect(row('ORG law_firm')).toMatchObject({ labels: 1, found: 1, exact: 1 });
  });

  it('scores CASE kinds, and whether names, short forms and Id. carry their full citation key', () => {
    expect(row('CASE name')).toMatchObject({ labels: 1, found: 1, exact: 1 });
    expect(row('CASE full')).toMatchObject({ labels: 1, found: 1, exact: 1 });
    expect(row('CASE id')).toMatchObject({ labels: 1, found: 1, exact: 1 });
    expect(s.oneEntity).toMatchObject({ labels: 2, same: 1, share: 0.5, byKind: { name: { labels: 1, same: 1 }, id: { labels: 1, same: 0 } } });
  });

  it('prints one line per row, with a legend, and "-" for a share of nothing', () => {
    const out = formatLabelScores('invented', s).split('\n');
    expect(out[0]).toBe('invented (1 opinions)');
    expect(out.find((l) => l.startsWith('PERSON (people)'))).toMatch(/\b5\s+4\s+4\s+100%\s+80%\s+89%/);
    expect(out.find((l) => l.startsWith('  short forms'))).toMatch(/0\s+0\s+0\s+-\s+-\s+-/);
    expect(out[out.length - 1]).toBe(
      'CASE as one entity: 1 of 2 (50%) names, short forms, Id. and supra carry the key of the full citation they refer to (name 1/1, id 0/1)',
    );
  });

  it('uses the key the extractor gives, else the worker normaliser', () => {
    expect(keyOf(mention('CASE', 'Hale v. Ives', { key: 'x' }))).toBe('x');
    expect(keyOf(mention('PERSON', 'Justice Eva Frost'.slice(8)))).toBe('eva frost');
  });
});

describe('legal evaluation: loading labels', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'legal-eval-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (d: LabelledWindow) => {
    const path = join(dir, `${Math.random()}.json`);
    writeFileSync(path, JSON.stringify({ documents: [d] }));
    return path;
  };

  it('reads the text of each labelled opinion and checks its window by SHA-1', () => {
    const { set, texts } = loadLegalLabels(write(doc), () => TEXT);
    expect(set.documents).toHaveLength(1);
    expect(texts.get('cl-test')).toBe(TEXT);
    expect(() => loadLegalLabels(write(doc), () => TEXT.replace('Brady', 'Bradi'))).toThrow(/SHA-1/);
  });

  it('rejects labels outside the window and refs to anything but a full citation', () => {
    expect(() => loadLegalLabels(write({ ...doc, labels: [label('PERSON', 'Kim Lee')] }), () => TEXT)).toThrow(/not inside its window/);
    expect(() => loadLegalLabels(write({ ...doc, labels: [label('CASE', 'Id. at 105', { kind: 'id', ref: 0 }), labels[0]] }), () => TEXT)).toThrow(
      /not a full citation/,
    );
  });
});

describe('legal evaluation: against eyecite-ts', () => {
  const ci = (type: string, s: string, resolvedTo: string | null = null, zero = false): EyeciteCitation => {
    const { start, end } = at(s);
    return { type, key: s, span: zero ? [start + 2, start + 2] : [start, end], resolvedTo };
  };
  const citations = [
    ci('case', '512 N.W.2d 101'),
    ci('id', 'Id. at 105', '512 N.W.2d 101'),
    ci('journal', 'Argued'),
    ci('statute', 'Counsel', null, true),
  ];

  it('finds a citation by overlap, or near a zero-length span by its digits', () => {
    const legal = mentions.filter((m) => m.type === 'CASE');
    expect(mentionForCitation(citations[0], legal)?.text).toBe('512 N.W.2d 101');
    const zero: EyeciteCitation = { type: 'case', key: '512 N.W.2d 101', span: [at('512').start - 30, at('512').start - 30], resolvedTo: null };
    expect(mentionForCitation(zero, legal)?.text).toBe('512 N.W.2d 101');
    expect(mentionForCitation({ ...zero, key: '513 N.W.2d 101' }, legal)).toBeUndefined();
    // far from a wrong offset: any mention with those digits
    expect(mentionForCitation({ ...zero, span: [0, 0] }, legal)?.text).toBe('512 N.W.2d 101');
  });

  it('counts recall by kind and split, and resolution by key', () => {
    const s = scoreAgainstEyecite([
      { split: 'tuning', mentions, citations },
      {
        split: 'heldout',
        mentions: mentions.map((m) => (m.text === 'Id. at 105' ? { ...m, key: '512 nw2d 101' } : m)),
        citations,
      },
    ]);
    expect(s.recall).toEqual(
      expect.arrayContaining([
        { kind: 'case', split: 'tuning', citations: 1, found: 1, recall: 1 },
        { kind: 'case (known reporter)', split: 'tuning', citations: 1, found: 1, recall: 1 },
        { kind: 'id', split: 'tuning', citations: 1, found: 1, recall: 1 },
        { kind: 'statute', split: 'heldout', citations: 1, found: 0, recall: 0 },
      ]),
    );
    expect(s.resolution).toEqual([
      { kind: 'id', split: 'tuning', resolved: 1, same: 0, accuracy: 0 },
      { kind: 'id', split: 'heldout', resolved: 1, same: 1, accuracy: 1 },
    ]);
    expect(s.notCounted).toEqual({ journal: 2 });
    const out = formatEyeciteScores('eyecite', s).split('\n');
    expect(out.find((l) => l.startsWith('case'))).toMatch(/^case\s+1\/1 100%\s+1\/1 100%$/);
    expect(out.find((l) => l.startsWith('id') && l.includes('0/1'))).toMatch(/^id\s+0\/1 0%\s+1\/1 100%$/);
  });
});

describe('legal evaluation: the document’s own case', () => {
  const caption = mention('CASE', 'v.', { key: 'name brady v dunn', attributes: { kind: 'caption', docket: '20200123', courtId: 'nd.sup' } });
  const withCaption = [...mentions, caption];

  it('never scores the caption case as a CASE citation (the labels do not mark it)', () => {
    const a = scoreLabels([{ doc, mentions }]);
    const b = scoreLabels([{ doc, mentions: withCaption }]);
    expect(b.rows.find((r) => r.name === 'CASE')).toEqual(a.rows.find((r) => r.name === 'CASE'));
    expect(b.rows.find((r) => r.name === 'ALL')).toEqual(a.rows.find((r) => r.name === 'ALL'));
    expect(listDifferences(doc, TEXT, withCaption, []).some((l) => l.includes('"v."'))).toBe(false);
  });

  it('counts caption cases, caption courts, authors, sides, counsel’s parties and signals per opinion', () => {
    const court = mention('COURT', 'SUPREME COURT OF NORTH DAKOTA', { attributes: { caption: true } });
    const author = mention('PERSON', 'Eva Frost', { role: 'judge', attributes: { judgeRole: 'author' } });
    const party = mention('PERSON', 'Ann Brady', { role: 'party', attributes: { party: 'plaintiff', side: 0, caseKey: 'name brady v dunn' } });
    const cite = mention('CASE', '512 N.W.2d 101', { attributes: { kind: 'full', signal: 'see' } });
    const lawyer = mention('PERSON', 'Gail Hart', { role: 'counsel', attributes: { for: 'appellee', forParty: 'ann brady' } });
    const f = captionFigures([{ mentions: [caption, court, author, party, cite, lawyer] }, { mentions: [] }]);
    expect(f).toMatchObject({
      opinions: 2,
      withCaptionCase: 1,
      captionCases: 1,
      withDocket: 1,
      withCourt: 1,
      withCaptionCourt: 1,
      withAuthor: 1,
      judgeRoles: { author: 1 },
      sidedParties: 1,
      partiesWithCase: 1,
      citations: 1,
      signals: { see: 1 },
      counsel: 1,
      counselWithFor: 1,
      counselWithParty: 1,
    });
    expect(formatCaptionFigures('invented', f)).toContain('caption case: 1 of 2 opinions');
  });
});

describe('legal evaluation: differences for a reviewer', () => {
  it('lists missed labels, boundary errors, wrong roles and unmarked mentions, quoting the text', () => {
    const lines = listDifferences(doc, TEXT, mentions, []);
    expect(lines).toEqual(
      expect.arrayContaining([
        'cl-test wrong role  PERSON party "Cole Dunn" (role counsel, marked party)',
        'cl-test boundary    DATE "May 5, 2020" -> found DATE "Argued May 5, 2020"',
        'cl-test missed      PERSON party "Dunn"',
        'cl-test not marked  ORG "Plaintiff and Appellee"',
      ]),
    );
    const typed = listDifferences(doc, TEXT, [mention('ORG', 'Eva Frost')], []);
    expect(typed).toContain('cl-test other type  PERSON judge "Eva Frost" -> found ORG "Eva Frost"');
    expect(lines.some((l) => l.includes('Kim Lee'))).toBe(false);
  });

  it('refuses a held-out opinion', () => {
    expect(() => listDifferences(doc, TEXT, mentions, ['cl-test'])).toThrow(/held-out/);
  });
});
