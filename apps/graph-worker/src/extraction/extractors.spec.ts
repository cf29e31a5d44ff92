import type { EntityType } from '@casegraph/contracts';
import type { EntityExtractor } from './entity-extractor';
import { CompromiseFinder } from './compromise.extractor';
import { createEntityExtractor } from './extractor.factory';
import { WinkFinder } from './wink.extractor';

const pairs = async (ex: EntityExtractor, text: string) => {
  const found = await ex.extract(text);
  for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.text);
  for (let i = 1; i < found.length; i++) expect(found[i].start).toBeGreaterThanOrEqual(found[i - 1].end);
  return found.map((m) => [m.type, m.text] as [EntityType, string]);
};

describe('CompromiseFinder (general types)', () => {
  const finder = new CompromiseFinder();
  const find = (t: string) => finder.find(t).map((m) => [m.type, m.text, t.slice(m.start, m.end) === m.text]);

  it('finds people without their honorifics, places and money', () => {
    expect(find('In March 2020 the plaintiff, Dr. Jane Roe, moved to Chicago, Illinois.')).toEqual(
      expect.arrayContaining([
        ['DATE', 'March 2020', true],
        ['PERSON', 'Jane Roe', true],
        ['LOCATION', 'Chicago, Illinois', true],
      ]),
    );
    expect(find('Justice Anthony Kennedy wrote the opinion.')).toContainEqual(['PERSON', 'Anthony Kennedy', true]);
    expect(find('Mr. David Park appeared.')).toContainEqual(['PERSON', 'David Park', true]);
  });

  it('keeps calendar dates, drops durations and the modal "may"', () => {
    const dates = (t: string) =>
      finder
        .find(t)
        .filter((m) => m.type === 'DATE')
        .map((m) => m.text);
    expect(dates('Version 2.0, January 2004')).toEqual(['January 2004']);
    expect(dates('It was signed on June 29, 2007 and on 03/15/2021.')).toEqual(['June 29, 2007', '03/15/2021']);
    expect(dates('Within 30 days you may cure the breach.')).toEqual([]);
  });

  it('does not take statute names for people', () => {
    expect(find('Claims under the Sherman Act and the Clayton Act.').filter(([t]) => t === 'PERSON')).toEqual([]);
  });
});

describe('WinkFinder (general types)', () => {
  it('finds dates and money with exact offsets', () => {
    const text = 'On 29 June 2007 the foundation paid $5,000 to the author.';
    expect(new WinkFinder().find(text).map((m) => [m.type, m.text, text.slice(m.start, m.end)])).toEqual([
      ['DATE', '29 June 2007', '29 June 2007'],
      ['MONEY', '$5,000', '$5,000'],
    ]);
  });
});

describe('offline extractor (compromise + patterns)', () => {
  const offline = createEntityExtractor('offline');

  it('combines the NLP types with the legal patterns, without overlaps', async () => {
    expect(
      await pairs(
        offline,
        'Plaintiff Jane Roe sued Acme Holdings, Inc. in the United States District Court for the Southern District of New York on March 3, 2021.',
      ),
    ).toEqual([
      ['PERSON', 'Jane Roe'],
      ['ORG', 'Acme Holdings, Inc.'],
      ['COURT', 'United States District Court for the Southern District of New York'],
      ['DATE', 'March 3, 2021'],
    ]);
    expect(await pairs(offline, 'See Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009); 42 U.S.C. § 1983.')).toEqual([
      ['CASE', 'Ashcroft v. Iqbal'],
      ['CASE', '556 U.S. 662'],
      ['STATUTE', '42 U.S.C. § 1983'],
    ]);
  });

  it('types citations as CASE or STATUTE, never DATE, PERSON or LOCATION', async () => {
    const legal = async (text: string) => (await pairs(offline, text)).filter(([t]) => t === 'CASE' || t === 'STATUTE' || t === 'DATE');
    expect(await legal('Claims arise under 42 U.S.C. § 1983 and 28 U.S.C. §§ 1331.')).toEqual([
      ['STATUTE', '42 U.S.C. § 1983'],
      ['STATUTE', '28 U.S.C. §§ 1331'],
    ]);
    expect(await legal('Rule 10b-5, 17 C.F.R. 240.10b-5, prohibits fraud.')).toEqual([
      ['STATUTE', 'Rule 10b-5'],
      ['STATUTE', '17 C.F.R. 240.10b-5'],
    ]);
    expect(await legal('See 129 S. Ct. 1937 and 5 F.4th 123 (2d Cir. 2021).')).toEqual([
      ['CASE', '129 S. Ct. 1937'],
      ['CASE', '5 F.4th 123'],
    ]);
    expect(await legal('Dismissal under Fed. R. Civ. P. 12(b)(6) is denied.')).toEqual([['STATUTE', 'Fed. R. Civ. P. 12(b)(6)']]);
    expect(await legal('The statute, 29 U.S.C. § 1132(a)(1)(B), controls.')).toEqual([['STATUTE', '29 U.S.C. § 1132(a)(1)(B)']]);
    expect(await legal('The limit is set by N.D.C.C. § 28-01-46 as amended.')).toEqual([['STATUTE', 'N.D.C.C. § 28-01-46']]);
    // a citation's pin cite and parenthetical are its own: no DATE, no COURT in them
    expect(await pairs(offline, 'Hale v. Marsh, 512 F.3d 77, 80-81 (5th Cir. 1986), was decided on May 2, 1986.')).toEqual([
      ['CASE', 'Hale v. Marsh'],
      ['CASE', '512 F.3d 77'],
      ['DATE', 'May 2, 1986'],
    ]);
    // "U.S." in prose, a page count, a year are not citations
    expect(await legal('The U.S. economy grew 3 percent over 12 pages and 5 U.S. states.')).toEqual([]);
  });

  it('finds the fixture facts: dates, the FSF, URLs', async () => {
    const text = '                       Version 3, 29 June 2007\n\n Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>';
    expect(await pairs(offline, text)).toEqual([
      ['DATE', '29 June 2007'],
      ['ORG', 'Free Software Foundation, Inc.'],
      ['URL', 'https://fsf.org/'],
    ]);
  });

  it('processes a long text in segments with document-absolute offsets', async () => {
    const sentence = 'On 1 January 2019 Barclays Bank PLC paid $2.5 million to Jane Roe in London. ';
    const text = sentence.repeat(300); // > 20 kB: several segments
    const found = await offline.extract(text);
    expect(found.filter((m) => m.type === 'ORG')).toHaveLength(300);
    for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.text);
    // ~25 kB through compromise: about a second on an idle core, several under a loaded CI run.
  }, 60_000);

  it('wink and patterns extractors are selectable and offline too', async () => {
    expect(await pairs(createEntityExtractor('wink'), 'On 29 June 2007 Google LLC paid $5,000.')).toEqual([
      ['DATE', '29 June 2007'],
      ['ORG', 'Google LLC'],
      ['MONEY', '$5,000'],
    ]);
    expect(await pairs(createEntityExtractor('patterns'), 'On 29 June 2007 Google LLC paid $5,000.')).toEqual([
      ['DATE', '29 June 2007'],
      ['ORG', 'Google LLC'],
      ['MONEY', '$5,000'],
    ]);
  });
});
