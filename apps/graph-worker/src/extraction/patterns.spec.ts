import type { EntityType } from '@casegraph/contracts';
import { matchPatterns } from './patterns';
import { resolveOverlaps } from './spans';

/** Non-overlapping pattern matches of one type, as text. */
function found(text: string, type: EntityType): string[] {
  const all = resolveOverlaps(matchPatterns(text), (m) => (m.type === 'ORG' || m.type === 'MONEY' ? 1 : 2));
  for (const m of all) expect(text.slice(m.start, m.end)).toBe(m.text);
  return all.filter((m) => m.type === type).map((m) => m.text);
}

describe('legal and contact patterns', () => {
  it('CASE_NUMBER: federal dockets, "No." numbers and state formats', () => {
    expect(found('Plaintiff filed Case No. 1:23-cv-04567 on Monday.', 'CASE_NUMBER')).toEqual(['1:23-cv-04567']);
    expect(found('See United States v. Doe, 2:19-cr-00123-JAK-1 (C.D. Cal.).', 'CASE_NUMBER')).toEqual(['2:19-cr-00123-JAK-1']);
    expect(found('The appeal, No. 21-1234, is fully briefed.', 'CASE_NUMBER')).toEqual(['21-1234']);
    expect(found('Removed from Case No. 2023-CV-001234 of the county court.', 'CASE_NUMBER')).toEqual(['2023-CV-001234']);
    expect(found('Index No. 654321/2020 was assigned.', 'CASE_NUMBER')).toEqual(['654321/2020']);
    expect(found('CIVIL NO. 18-5048 and NO.  4:21-CV-110-A, Case No. 2D15-1754, No. CV166711, No. 23-686V.', 'CASE_NUMBER')).toEqual([
      '18-5048',
      '4:21-CV-110-A',
      '2D15-1754',
      'CV166711',
      '23-686V',
    ]);
    // not dockets: an exhibit or ECF number, a decimal
    expect(found('See ECF No. 42 and Exhibit No. 7; growth was No. 3.5 in the table.', 'CASE_NUMBER')).toEqual([]);
    // not dockets: times, ratios, section numbers
    expect(found('The hearing starts at 10:30 and Section 12-3 applies; No. 5 is withdrawn.', 'CASE_NUMBER')).toEqual([]);
  });

  it('DATE: calendar dates, also when a double-spaced text wraps them over a blank line', () => {
    expect(found('He was to be executed on August\n\n30, 2000, at six.', 'DATE')).toEqual(['August\n\n30, 2000']);
    expect(found('Filed Sept. 9, 1993; decided 29 June 2007.', 'DATE')).toEqual(['Sept. 9, 1993', '29 June 2007']);
    // not calendar dates: no year, a modal "may", a paragraph break inside
    expect(found('On March 22 it may 5, 2019 rule. August\n\n\n30, 2000', 'DATE')).toEqual([]);
  });

  it('COURT: federal, appellate, supreme and state courts', () => {
    expect(found('Filed in the United States District Court for the Southern District of New York.', 'COURT')).toEqual([
      'United States District Court for the Southern District of New York',
    ]);
    expect(found('The United States Court of Appeals for the Ninth Circuit affirmed.', 'COURT')).toEqual([
      'United States Court of Appeals for the Ninth Circuit',
    ]);
    expect(found('Certiorari to the Supreme Court of the United States was denied.', 'COURT')).toEqual(['Supreme Court of the United States']);
    expect(found('The Supreme Court of Texas reversed.', 'COURT')).toEqual(['Supreme Court of Texas']);
    expect(found('The Delaware Court of Chancery declined.', 'COURT')).toEqual(['Delaware Court of Chancery']);
    expect(found('Venue lies in the Eastern District of Virginia.', 'COURT')).toEqual(['Eastern District of Virginia']);
    expect(found('The court of appeals agreed with the district court.', 'COURT')).toEqual([]);
  });

  it('COURT names may wrap across a line', () => {
    expect(found('in the United States District Court for the\nDistrict of Delaware', 'COURT')).toEqual([
      'United States District Court for the\nDistrict of Delaware',
    ]);
  });

  it('EMAIL, PHONE and URL', () => {
    expect(found('Write to jane.doe+filings@law-firm.co.uk or legal@acme.com.', 'EMAIL')).toEqual([
      'jane.doe+filings@law-firm.co.uk',
      'legal@acme.com',
    ]);
    expect(found('Call (212) 555-0123, 415-555-2671 ext. 204 or +1 650 723 9733.', 'PHONE')).toEqual([
      '(212) 555-0123',
      '415-555-2671 ext. 204',
      '+1 650 723 9733',
    ]);
    expect(found('Call London on +44 20 7946 0958.', 'PHONE')).toEqual(['+44 20 7946 0958']);
    expect(found('Dated 2020-01-15, SSN 123-45-6789, docket 1:23-cv-04567.', 'PHONE')).toEqual([]);
    expect(found('See <https://www.gnu.org/licenses/>. Also http://mozilla.org/MPL/2.0/.', 'URL')).toEqual([
      'https://www.gnu.org/licenses/',
      'http://mozilla.org/MPL/2.0/',
    ]);
    expect(found('Rules are at www.uscourts.gov, and (see https://en.wikipedia.org/wiki/Erie_(disambiguation)).', 'URL')).toEqual([
      'www.uscourts.gov',
      'https://en.wikipedia.org/wiki/Erie_(disambiguation)',
    ]);
  });

  it('MONEY forms the NLP libraries miss', () => {
    expect(found('The jury awarded $2.5 million, USD 10,000 and 250,000 dollars; costs were €1,200.50.', 'MONEY')).toEqual([
      '$2.5 million',
      'USD 10,000',
      '250,000 dollars',
      '€1,200.50',
    ]);
  });

  it('ORG by legal form or institution word, without sentence words, split at "and"', () => {
    expect(found('Contact Acme Holdings, Inc. today.', 'ORG')).toEqual(['Acme Holdings, Inc.']);
    expect(found('Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>', 'ORG')).toEqual(['Free Software Foundation, Inc.']);
    expect(found('We, the Free Software\nFoundation, use it.', 'ORG')).toEqual(['Free Software\nFoundation']);
    expect(found('Counsel for the Mozilla Foundation appeared.', 'ORG')).toEqual(['Mozilla Foundation']);
    expect(found('Google LLC and Apple Inc. filed a stipulation.', 'ORG')).toEqual(['Google LLC', 'Apple Inc.']);
    expect(found('The Securities and Exchange Commission sued Baker & McKenzie LLP.', 'ORG')).toEqual([
      'Securities and Exchange Commission',
      'Baker & McKenzie LLP',
    ]);
    expect(found('The Regents of the University of California moved.', 'ORG')).toEqual(['Regents of the University of California']);
    expect(found('The Company shall indemnify the Licensee.', 'ORG')).toEqual([]);
    // a name never runs across a sentence end, but keeps initials and dotted acronyms
    expect(found('It sued in Boston. Wells Fargo Bank answered.', 'ORG')).toEqual(['Wells Fargo Bank']);
    expect(found('Chevron U.S.A. Inc. appealed.', 'ORG')).toEqual(['Chevron U.S.A. Inc.']);
    // a party's role, a title or a heading in capitals before the name is not part of it
    expect(found('Appellees Great Lakes Tea Co., Inc. moved.', 'ORG')).toEqual(['Great Lakes Tea Co., Inc.']);
    expect(found('SUMMARY The State Building Commission held.', 'ORG')).toEqual(['State Building Commission']);
    expect(found('Executive Director State Building Commission', 'ORG')).toEqual(['State Building Commission']);
  });
});
