import { caseNameKey } from '../citations/case-citations';
import { findLegalMentions } from '../legal-text';
import type { LegalMention } from '../types';
import { citedName, inRePrefix } from './caption-case';

const captionOf = (ms: LegalMention[]) => ms.filter((m) => m.type === 'CASE' && m.attributes?.kind === 'caption');
const partiesOf = (ms: LegalMention[]) => ms.filter((m) => m.role === 'party' && m.confidence >= 0.85);
const overlaps = (a: LegalMention, b: LegalMention) => a.start < b.end && b.start < a.end;

describe('the caption case: a column caption', () => {
  const text = [
    '          IN THE UNITED STATES COURT OF APPEALS',
    '                  FOR THE NINTH CIRCUIT',
    '',
    'ORCHARD VALLEY GROWERS            )',
    'COOPERATIVE, INC.,                )',
    '                                  )     No. 25-3307',
    '      Plaintiff-Appellee,         )',
    '                                  )',
    'v.                                )',
    '                                  )',
    'MARGARET L. TOLLIVER,             )',
    '                                  )',
    '      Defendant-Appellant.        )',
    '',
    '                       OPINION',
    '',
    'TANAKA, Circuit Judge:',
    '',
    'Margaret L. Tolliver appeals the judgment entered against her on the cooperative’s claim for unpaid dues.',
  ].join('\n');
  const found = findLegalMentions(text);

  it('is one CASE on the "v." between the sides, named as a reporter cites it', () => {
    const [c] = captionOf(found);
    expect(captionOf(found)).toHaveLength(1);
    expect(c.text).toBe('v.');
    expect(c.display).toBe('Orchard Valley Growers Cooperative, Inc. v. Tolliver');
    expect(c.key).toBe(caseNameKey('Orchard Valley Growers Cooperative, Inc. v. Tolliver'));
    expect(c.method).toBe('legal:caption');
    expect(c.attributes).toMatchObject({ kind: 'caption', docket: '25-3307', courtId: 'us.ca9', captionIndex: 0 });
  });

  it('overlaps no party mention', () => {
    const [c] = captionOf(found);
    expect(found.filter((m) => m.role === 'party' && overlaps(m, c))).toEqual([]);
  });

  it('gives each party its side (0 the first, 1 the other) and the caption case’s key', () => {
    const [c] = captionOf(found);
    expect(partiesOf(found).map((m) => [m.display ?? m.text, m.attributes?.party, m.attributes?.side, m.attributes?.caseKey])).toEqual([
      ['Orchard Valley Growers Cooperative, Inc.', 'plaintiff', 0, c.key],
      ['Margaret L. Tolliver', 'defendant', 1, c.key],
    ]);
  });

  it('marks the caption’s court, once', () => {
    const courts = found.filter((m) => m.type === 'COURT');
    expect(courts.filter((m) => m.attributes?.caption).map((m) => m.attributes?.courtId)).toEqual(['us.ca9']);
  });

  it('keys the case as a later document citing it by name', () => {
    const later = findLegalMentions(
      'The panel relied on Orchard Valley Growers Cooperative, Inc. v. Tolliver, No. 25-3307, slip op. at 4 (9th Cir. 2026).',
    );
    const name = later.find((m) => m.type === 'CASE' && m.attributes?.kind === 'name');
    expect(name?.key).toBe(captionOf(found)[0].key);
  });
});

describe('the caption case: one-line, government and "In re" captions', () => {
  it('reads "MARTIN HINES v. THE STATE." as Hines v. State', () => {
    const text = [
      'In the Supreme Court of Georgia',
      '',
      'Decided: March 4, 2026',
      '',
      'S25A0999. DELROY QUARTERMAN v. THE STATE.',
      '',
      'PETERSON, Justice.',
      '',
      'Delroy Quarterman appeals his convictions for burglary and theft, arguing that the evidence was insufficient.',
    ].join('\n');
    const found = findLegalMentions(text);
    const [c] = captionOf(found);
    expect(c?.display).toBe('Quarterman v. State');
    expect(c.text).toBe('v.');
    expect(c.key).toBe('name quarterman v state');
    expect(c.attributes?.courtId).toBe('ga.sup');
    expect(found.filter((m) => m.role === 'party' && overlaps(m, c))).toEqual([]);
  });

  it('names the United States and the People by their short forms', () => {
    expect(citedName({ type: 'ORG', display: 'United States of America', key: 'united states', government: true })).toBe('United States');
    expect(citedName({ type: 'ORG', display: 'the People of the State of Illinois', key: 'people of the state of illinois', government: true })).toBe(
      'People',
    );
    expect(citedName({ type: 'ORG', display: 'State of Ohio', key: 'state of ohio', government: true })).toBe('State');
    expect(citedName({ type: 'PERSON', display: 'Arnold T. Whitcombe, Jr.', key: 'arnold t whitcombe jr' })).toBe('Whitcombe');
    expect(citedName({ type: 'ORG', display: 'The Lumen Foundation', key: 'the lumen foundation' })).toBe('Lumen Foundation');
    expect(citedName({ type: 'PERSON', display: 'Pieter Van Roekel', key: 'pieter van roekel' })).toBe('Van Roekel');
    expect(citedName({ type: 'PERSON', display: 'De Santis', key: 'de santis' })).toBe('De Santis');
    expect(citedName({ type: 'PERSON', display: 'Jonas van Roekel', key: 'jonas van roekel' })).toBe('Van Roekel');
    expect(citedName({ type: 'PERSON', display: 'Marisa K.', key: 'marisa k' })).toBe('Marisa K.');
  });

  it('reads "In re" captions on the "In re" words', () => {
    const text = [
      'IN THE COURT OF APPEALS OF IOWA',
      '',
      'No. 25-0412',
      '',
      'IN RE THE ESTATE OF HAROLD J. WINTERBOURNE, Deceased.',
      '',
      'Appeal from the Iowa District Court for Polk County, the Honorable Lena Varga, Judge.',
      '',
      'The executor appeals the order that allowed a late claim against the estate of the decedent.',
    ].join('\n');
    const found = findLegalMentions(text);
    const [c] = captionOf(found);
    expect(c?.text).toBe('IN RE');
    expect(c.display).toBe('In re Estate of Winterbourne');
    expect(c.key).toBe('name in re estate of winterbourne');
    expect(c.attributes?.docket).toBe('25-0412');
    expect(c.attributes?.courtId).toBe('ia.app');
    expect(found.filter((m) => m.role === 'party' && overlaps(m, c))).toEqual([]);
  });

  it('writes "In the Matter of" as a reporter does', () => {
    expect(inRePrefix('IN THE MATTER OF THE ADOPTION OF ')).toBe('In re Adoption of');
    expect(inRePrefix('Matter of ')).toBe('Matter of');
    expect(inRePrefix('Ex parte ')).toBe('Ex parte');
    expect(inRePrefix('In re: ')).toBe('In re');
    expect(inRePrefix('In the Matter of the Care and Treatment of ')).toBe('In re Care and Treatment of');
  });
});

describe('the caption case: consolidated captions', () => {
  it('is one case per caption, each party on its own caption’s side', () => {
    const text = [
      'UNITED STATES DISTRICT COURT',
      'DISTRICT OF MINNESOTA',
      '',
      'BELLWETHER FREIGHT, LLC,',
      '',
      '                    Plaintiff,',
      '',
      '          v.                                   Civil No. 24-1187',
      '',
      'NORDSTRAND TRUCKING CO.,',
      '',
      '                    Defendant.',
      '',
      'PETRA ALVANG,',
      '',
      '                    Plaintiff,',
      '',
      '          v.                                   Civil No. 24-1302',
      '',
      'BELLWETHER FREIGHT, LLC,',
      '',
      '                    Defendant.',
      '',
      'MEMORANDUM OPINION AND ORDER',
      '',
      'These two actions arise from one collision on an interstate highway and were consolidated for discovery.',
    ].join('\n');
    const found = findLegalMentions(text);
    const cases = captionOf(found);
    expect(cases.map((c) => [c.display, c.attributes?.docket, c.attributes?.captionIndex])).toEqual([
      ['Bellwether Freight, LLC v. Nordstrand Trucking Co.', '24-1187', 0],
      ['Alvang v. Bellwether Freight, LLC', '24-1302', 1],
    ]);
    const sides = partiesOf(found).map((m) => [m.display ?? m.text, m.attributes?.side, m.attributes?.caseKey]);
    expect(sides).toEqual([
      ['Bellwether Freight, LLC', 0, cases[0].key],
      ['Nordstrand Trucking Co.', 1, cases[0].key],
      ['Petra Alvang', 0, cases[1].key],
      ['Bellwether Freight, LLC', 1, cases[1].key],
    ]);
  });
});

describe('the caption case: captions whose column gaps were lost (text read back from a PDF)', () => {
  const captionOfText = (lines: string[]) => {
    const found = findLegalMentions(lines.join('\n'));
    return {
      cases: captionOf(found).map((c) => c.display),
      parties: partiesOf(found)
        .filter((m) => !m.attributes?.alias)
        .map((m) => [m.display ?? m.text, m.attributes?.party, m.attributes?.side]),
    };
  };

  it('reads a name and its role on one line, and a docket number after the "v."', () => {
    expect(
      captionOfText([
        'IN THE UNITED STATES DISTRICT COURT',
        'WESTERN DISTRICT OF OKLAHOMA',
        '',
        'LORETTA M. QUIGLEY PLAINTIFF',
        '',
        'v. CIVIL NO. 25-0417',
        '',
        'ARMAND T. VESELY, Acting Warden DEFENDANT',
        '',
        'MEMORANDUM OPINION',
        'The plaintiff asks the court to review the decision that denied her request for a transfer.',
      ]),
    ).toEqual({
      cases: ['Quigley v. Vesely'],
      parties: [
        ['Loretta M. Quigley', 'plaintiff', 0],
        ['Armand T. Vesely', 'defendant', 1],
      ],
    });
  });

  it('reads a role line with the docket beside it, and skips right-column lines between the sides', () => {
    expect(
      captionOfText([
        'IN THE COURT OF APPEAL OF THE STATE OF CALIFORNIA',
        'FOURTH APPELLATE DISTRICT',
        '',
        'HOLLIS BRANDT, D081234',
        '(San Diego County',
        'Plaintiff and Respondent, Super. Ct. No. 37-2021-0044)',
        '',
        'v.',
        '',
        'MIRABEL ESTATES HOMEOWNERS ASSOCIATION,',
        '',
        'Defendant and Appellant.',
        '',
        'The association appeals from a judgment entered after a bench trial on the owner’s claims.',
      ]),
    ).toEqual({
      cases: ['Brandt v. Mirabel Estates Homeowners Association'],
      parties: [
        ['Hollis Brandt', 'plaintiff', 0],
        ['Mirabel Estates Homeowners Association', 'defendant', 1],
      ],
    });
    expect(
      captionOfText([
        'UNITED STATES DISTRICT COURT',
        'DISTRICT OF NEBRASKA',
        '',
        'Prairie Line Seed Company, Case No. 24-cv-0311 (ABC/DEF)',
        '',
        'Plaintiff,',
        'ORDER',
        'v.',
        '',
        'Harlan Grain Elevators, LLC,',
        '',
        'Defendant.',
        '',
        'This contract dispute is before the Court on the parties’ cross motions for summary judgment.',
      ]).cases,
    ).toEqual(['Prairie Line Seed Company v. Harlan Grain Elevators, LLC']);
  });
});
