import type { LegalMention } from '../types';
import { findCourts } from '../courts/courts';
import type { LegalPeopleContext } from './context';
import { findParties, parseRole } from './parties';

const none: LegalPeopleContext = { courts: [], citations: [] };

function parties(text: string, context = none): LegalMention[] {
  return findParties(text, context).filter((m) => m.role === 'party' && m.confidence >= 0.85 && !m.attributes?.alias);
}

function names(text: string): string[] {
  return parties(text).map((m) => m.display ?? m.text);
}

describe('findParties: caption layouts', () => {
  it('reads a caption with a ) column, names over two lines and combined roles', () => {
    const text = [
      '          IN THE UNITED STATES COURT OF APPEALS',
      '                  FOR THE NINTH CIRCUIT',
      '',
      'NORTHWIND MARINE                  )',
      'SUPPLY, INC.,                     )',
      '                                  )     No. 24-5512',
      '      Plaintiff-Appellee,         )',
      '                                  )',
      'v.                                )',
      '                                  )',
      'HAROLD P. QUINCE,                 )',
      '                                  )',
      '      Defendant-Appellant.        )',
      '',
      '                       OPINION',
      '',
      'Harold P. Quince appeals the judgment entered against him after a bench trial on the contract claims.',
    ].join('\n');
    const found = parties(text);
    expect(found.map((m) => [m.type, m.display ?? m.text, m.attributes?.party, m.attributes?.appealRole])).toEqual([
      ['ORG', 'Northwind Marine Supply, Inc.', 'plaintiff', 'appellee'],
      ['PERSON', 'Harold P. Quince', 'defendant', 'appellant'],
    ]);
    expect(found[0].text).toContain('NORTHWIND MARINE');
    expect(found[0].key).toBe('northwind marine supply inc');
    expect(text.slice(found[1].start, found[1].end)).toBe('HAROLD P. QUINCE');
  });

  it('splits a party list into one mention per party and drops "et al."', () => {
    const text = [
      'JOHN DOE, JANE ROE, and ACME CORP.,',
      '',
      '                    Plaintiffs,',
      '',
      '               v.',
      '',
      'BRIGHTLINE LOGISTICS, LLC, et al.,',
      '',
      '                    Defendants.',
      '',
      'MEMORANDUM OPINION AND ORDER',
    ].join('\n');
    expect(names(text)).toEqual(['John Doe', 'Jane Roe', 'Acme Corp.', 'Brightline Logistics, LLC']);
    const acme = parties(text)[2];
    expect(acme.type).toBe('ORG');
    expect(acme.text).toBe('ACME CORP.');
  });

  it('keeps a capacity apart from the name and finds the department in it', () => {
    const text = [
      '                         No. 01-20417',
      '',
      'MARVIN LEE TOLLIVER,',
      '                                   Petitioner-Appellant,',
      '',
      '                            versus',
      '',
      'ROBERT T. MAXWELL, DIRECTOR,',
      'OHIO DEPARTMENT OF REHABILITATION,',
      'PAROLE DIVISION,',
      '                                   Respondent-Appellee.',
      '',
      'Appeal from the United States District Court for the Southern District of Ohio',
    ].join('\n');
    const found = findParties(text, none);
    const maxwell = found.find((m) => m.key === 'robert t maxwell')!;
    expect(maxwell.type).toBe('PERSON');
    expect(maxwell.display).toBe('Robert T. Maxwell');
    expect(maxwell.attributes).toMatchObject({
      party: 'respondent',
      appealRole: 'appellee',
      capacity: 'Director, Ohio Department of Rehabilitation, Parole Division',
    });
    const dept = found.find((m) => m.type === 'ORG')!;
    expect(dept.display).toBe('Ohio Department of Rehabilitation, Parole Division');
    expect(dept.role).toBeUndefined();
    expect(found.find((m) => m.key === 'marvin lee tolliver')?.attributes).toMatchObject({ party: 'petitioner', appealRole: 'appellant' });
  });

  it('reads "In re X, Debtor" and "In the Matter of X, Appellant."', () => {
    const debtor = parties('                 IN RE: THE GREAT EASTERN WIDGET COMPANY, INC., Debtor\n\n   OPINION\n');
    expect(debtor.map((m) => [m.type, m.display, m.attributes?.party])).toEqual([['ORG', 'The Great Eastern Widget Company, Inc.', 'debtor']]);
    const matter = parties(
      '     In the Matter of the Care and Treatment of Walter\n     Dean Prichard, Appellant.\n\n     Appellate Case No. 2019-000123\n',
    );
    expect(matter.map((m) => [m.type, m.display ?? m.text, m.attributes?.party])).toEqual([['PERSON', 'Walter Dean Prichard', 'appellant']]);
  });

  it('reads a state as plaintiff and appellee, and the individual as defendant and appellant', () => {
    const text = [
      '              IN THE SUPREME COURT',
      '              STATE OF NORTH DAKOTA',
      '',
      'State of North Dakota,                    Plaintiff and Appellee',
      '      v.',
      'John Doe,                              Defendant and Appellant',
      '',
      '                       No. 20240123',
      '',
      'The State argues that the district court did not err when it denied the motion to suppress the evidence.',
    ].join('\n');
    const found = findParties(text, none);
    const state = found.find((m) => m.text === 'State of North Dakota')!;
    expect(state).toMatchObject({ type: 'ORG', key: 'state of north dakota', role: 'party' });
    expect(state.attributes).toMatchObject({ party: 'plaintiff', appealRole: 'appellee', government: true });
    expect(found.find((m) => m.text === 'John Doe')?.attributes).toMatchObject({ party: 'defendant', appealRole: 'appellant' });
    // the later reference carries the state's key
    const later = found.find((m) => m.text === 'The State')!;
    expect(later).toMatchObject({ type: 'ORG', key: 'state of north dakota' });
  });

  it('reads "The People of the State of New York, Respondent, v. X, Appellant."', () => {
    const text = [
      'The People of the State of New York,',
      '                 Respondent,',
      '         v.',
      'Marcus Bell,',
      '                 Appellant.',
      '',
      'Judgment, Supreme Court, Bronx County, rendered May 1, 2023, convicting defendant of robbery in the second degree.',
    ].join('\n');
    const found = parties(text);
    expect(found.map((m) => [m.type, m.key, m.attributes?.party])).toEqual([
      ['ORG', 'people of the state of new york', 'respondent'],
      ['PERSON', 'marcus bell', 'appellant'],
    ]);
  });

  it('reads a one-line caption in capitals, "THE STATE" keyed to the court\'s state', () => {
    const text = 'Court of Appeals\nof the State of Georgia\n\nA24A0001. JANE ROE v. THE STATE.\n\n  Jane Roe appeals.\n';
    const found = parties(text);
    expect(found.map((m) => [m.type, m.display ?? m.text, m.key])).toEqual([
      ['PERSON', 'Jane Roe', 'jane roe'],
      ['ORG', 'the State', 'state of georgia'],
    ]);
  });

  it('reads a caption with roles to the right of the names, over a wide gap', () => {
    const text = [
      '          IN THE UNITED STATES DISTRICT COURT',
      '             WESTERN DISTRICT OF ARKANSAS',
      '',
      'LORETTA BEAMISH                                   PLAINTIFF',
      '',
      'v.                  CIVIL NO. 19-5111',
      '',
      'ANDREW M. SAUL, Commissioner',
      'Social Security Administration                    DEFENDANT',
      '',
      '                MEMORANDUM OPINION',
    ].join('\n');
    const found = findParties(text, none);
    expect(found.find((m) => m.key === 'loretta beamish')?.attributes?.party).toBe('plaintiff');
    const saul = found.find((m) => m.key === 'andrew m saul')!;
    expect(saul.attributes).toMatchObject({ party: 'defendant', capacity: 'Commissioner, Social Security Administration' });
    expect(found.some((m) => m.type === 'ORG' && m.text === 'Social Security Administration')).toBe(true);
  });

  it('reads pleading paper with line numbers down the margin', () => {
    const lines = [
      '',
      '',
      'UNITED STATES DISTRICT COURT',
      'EASTERN DISTRICT OF CALIFORNIA',
      '',
      'RAYMOND OKAFOR,             Case No. 1:24-cv-00100',
      '      Plaintiff,            ORDER DISMISSING',
      '  v.',
      'KELLER, DIAZ, and M. PRUITT,',
      '      Defendants.',
      '',
      'Raymond Okafor is a state prisoner proceeding pro se in this civil rights action under the statute.',
    ];
    const text = lines.map((l, i) => `${String(i + 1).padEnd(4)}${l}`).join('\n');
    expect(names(text)).toEqual(['Raymond Okafor', 'Keller', 'Diaz', 'M. Pruitt']);
  });

  it('gives a side with no role line the counterpart of the other side', () => {
    const text = [
      '    DAVID K. ORTEGA                     :   IN THE SUPERIOR COURT OF',
      '                                        :        PENNSYLVANIA',
      '                   Appellant            :',
      '              v.                        :',
      '    MELANIE R. STOUT                    :   No. 111 WDA 2024',
      '',
      '             Appeal from the Order Entered May 1, 2024',
    ].join('\n');
    const stout = parties(text).find((m) => m.key === 'melanie r stout')!;
    expect(stout.attributes).toMatchObject({ party: 'appellee', roleInferred: true });
  });

  it('links an alias to its party ("AKA", "dba")', () => {
    const text = [
      'OSCAR PELL, AKA Oscar Pellington,',
      '               Petitioner,',
      '  v.',
      'BLUE HERON LODGING CORP., dba Heron Inn,',
      '               Respondent.',
      '',
      'MEMORANDUM',
    ].join('\n');
    const all = findParties(text, none);
    expect(all.find((m) => m.text === 'Oscar Pellington')?.key).toBe('oscar pell');
    expect(all.find((m) => m.text === 'Heron Inn')?.key).toBe('blue heron lodging corp');
  });

  it('types the United States as ORG and keys its later references, not the country as a place', () => {
    const text = [
      'UNITED STATES OF AMERICA,',
      '                     Appellee,',
      '               v.',
      'PAOLO VIEIRA,',
      '                     Defendant, Appellant.',
      '',
      'Before the court is an appeal. Vieira brought workers into the United States for years. The United States argues that the',
      "sentence was reasonable, and the United States's brief says so.",
    ].join('\n');
    const found = findParties(text, none);
    const us = found.filter((m) => m.key === 'united states');
    expect(us.map((m) => m.text)).toEqual(['UNITED STATES OF AMERICA', 'United States', 'United States']);
    expect(us.every((m) => m.type === 'ORG')).toBe(true);
    expect(found.filter((m) => m.key === 'paolo vieira').map((m) => m.text)).toEqual(['PAOLO VIEIRA', 'Vieira']);
  });

  it('never gives a display name with a possessive', () => {
    const text = [
      'STATE OF TENNESSEE,',
      '              Appellee,',
      '     v.',
      'CALVIN REESE,',
      '              Appellant.',
      '',
      "OPINION\n\nThe State's proof at trial showed that Reese's car was at the scene of the crime on the night in question.",
    ].join('\n');
    const found = findParties(text, none);
    for (const m of found) expect(m.display ?? m.text).not.toMatch(/['’]s$/);
    expect(found.filter((m) => m.key === 'state of tennessee').length).toBe(2);
    expect(found.find((m) => m.text === 'Reese')?.key).toBe('calvin reese');
  });

  it('finds nothing in text with no caption', () => {
    expect(findParties('The parties dispute whether the contract was formed. We affirm.', none)).toEqual([]);
  });
});

describe('parseRole', () => {
  it('splits a combined role into the party role and the appeal role', () => {
    expect(parseRole('Plaintiff-Appellee,')).toEqual({ party: 'plaintiff', appealRole: 'appellee' });
    expect(parseRole('Petitioners, Appellants,')).toEqual({ party: 'petitioner', appealRole: 'appellant' });
    expect(parseRole('Defendants/Appellees.')).toEqual({ party: 'defendant', appealRole: 'appellee' });
    expect(parseRole('Plaintiff and Respondent')).toEqual({ party: 'plaintiff' });
    expect(parseRole('Appellant')).toEqual({ party: 'appellant' });
    expect(parseRole('Movant,')).toEqual({ party: 'movant' });
  });
});

describe('findParties: both sides on one line', () => {
  it('splits "A, Role, v. B, Role." into the two sides', () => {
    const text = 'JOHN DOE, Plaintiff-Appellant, v. ACME CORP., Defendant-Appellee.\n\nOPINION\n';
    expect(parties(text).map((m) => [m.display ?? m.text, m.attributes?.party, m.attributes?.appealRole])).toEqual([
      ['John Doe', 'plaintiff', 'appellant'],
      ['Acme Corp.', 'defendant', 'appellee'],
    ]);
  });
});

describe('findParties: ex rel.', () => {
  it('reads the government and its relator as two parties', () => {
    const text = 'UNITED STATES ex rel. NORA FINCH,\n            Plaintiff,\n   v.\nHALCYON LABS, INC.,\n            Defendant.\n\nORDER\n';
    const found = parties(text);
    expect(found.map((m) => [m.type, m.key, m.attributes?.party])).toEqual([
      ['ORG', 'united states', 'plaintiff'],
      ['PERSON', 'nora finch', 'relator'],
      ['ORG', 'halcyon labs inc', 'defendant'],
    ]);
  });
});

describe('findParties: a copy list when there is no caption', () => {
  it('reads "Appellee X" and "Attorney Y for Appellant X" lines', () => {
    const text = [
      'In re Larkspur Lane Subdivision Permit                Docket No. 12-3-45 Vtec',
      '',
      'The motion is denied.',
      '',
      'Copies sent to:',
      '  Attorney Mara K. Quill for Appellant Otto Brandt',
      '  Appellee Greta Lund',
      '  Attorney Sol Weiss for Interested Person Town of Alder',
    ].join('\n');
    const found = parties(text);
    expect(found.map((m) => [m.type, m.text, m.attributes?.party])).toEqual([
      ['PERSON', 'Otto Brandt', 'appellant'],
      ['PERSON', 'Greta Lund', 'appellee'],
      ['ORG', 'Town of Alder', 'interested person'],
    ]);
  });
});

describe('findParties: more layouts', () => {
  it('reads "-against-" between the sides', () => {
    const text = [
      '--------------------------------------X',
      'LENA MARKOVIC,                        :',
      '                    Plaintiff,        :   23 Civ. 4410',
      '                                      :',
      '          -against-                   :   OPINION AND ORDER',
      '                                      :',
      'QUARRY HILL BANK, N.A.,               :',
      '                    Defendant.        :',
      '--------------------------------------X',
    ].join('\n');
    expect(names(text)).toEqual(['Lena Markovic', 'Quarry Hill Bank, N.A.']);
  });

  it('keeps "a Person Coming Under the Juvenile Court Law" out of the names', () => {
    const found = parties('In re J.T., a Person Coming Under the Juvenile Court Law.\n\n   OPINION\n');
    expect(found.map((m) => [m.type, m.text])).toEqual([['PERSON', 'J.T.']]);
  });
});

/** A district court complaint's caption: a plaintiff company, and a defendant company and person with what they are. */
const oregonCaption = (defendant: string, body: string[]) =>
  [
    'IN THE UNITED STATES DISTRICT COURT',
    'FOR THE DISTRICT OF OREGON',
    '',
    'BRIARWOOD TIMBER COMPANY, an Oregon corporation,',
    '                                   Plaintiff,',
    '          v.',
    `${defendant}, a Delaware limited`,
    'liability company, and ODETTE LARSEN, an individual,',
    '                                   Defendants.',
    '',
    ...body,
  ].join('\n');

describe('findParties: what a party is', () => {
  it('reads "an Oregon corporation" and "an individual" as descriptions of the party before, not as parties', () => {
    const text = oregonCaption('CASCADE MILL SERVICES, LLC', ['COMPLAINT FOR BREACH OF CONTRACT']);
    const found = parties(text, { courts: findCourts(text), citations: [] });
    expect(found.map((m) => m.display ?? m.text)).toEqual(['Briarwood Timber Company', 'Cascade Mill Services, LLC', 'Odette Larsen']);
    expect(found.map((m) => m.attributes?.description)).toEqual(['an Oregon corporation', 'a Delaware limited liability company', 'an individual']);
  });
});

describe('findParties: later mentions in the body', () => {
  it('a surname that starts a company named after the person is the company, not the person', () => {
    const text = oregonCaption('LARSEN MILL SERVICES, LLC', [
      'COMPLAINT',
      '',
      'Defendants Larsen Mill Services, LLC ("Larsen Mill") and Odette Larsen are liable. Larsen Mill owes',
      'the debt, and Larsen guaranteed it.',
    ]);
    const found = findParties(text, { courts: findCourts(text), citations: [] }).filter((m) => m.start > text.indexOf('COMPLAINT'));
    const at = (needle: string, from = 0) => found.find((m) => m.start === text.indexOf(needle, from));
    const body = text.indexOf('are liable');
    expect(at('Larsen Mill owes', body)?.key).toBe(at('Larsen Mill Services, LLC', text.indexOf('COMPLAINT'))?.key);
    expect(at('Larsen guaranteed', body)?.type).toBe('PERSON');
    expect(found.filter((m) => m.type === 'PERSON').map((m) => text.slice(m.start, m.end))).toEqual(['Odette Larsen', 'Larsen']);
  });
});
