import { caseNameRank, displayForm, isBareIdForm, isoDate, moreInformative, normalizeEntity } from './normalizer';

describe('normalizeEntity', () => {
  it('ORG: case, punctuation, white space, leading "the", corporate suffixes', () => {
    const keys = [
      'Free Software Foundation, Inc.',
      'the Free Software Foundation',
      'THE FREE SOFTWARE FOUNDATION',
      'Free  Software\nFoundation',
      'Free Software Foundation Inc',
    ].map((t) => normalizeEntity('ORG', t));
    expect(new Set(keys)).toEqual(new Set(['free software foundation']));
    expect(normalizeEntity('ORG', 'Acme Holdings, L.L.C.')).toBe('acme holdings');
    expect(normalizeEntity('ORG', 'Siemens AG')).toBe('siemens');
    expect(normalizeEntity('ORG', 'Deutsche Bank GmbH')).toBe('deutsche bank');
    expect(normalizeEntity('ORG', 'Barclays Bank PLC')).toBe('barclays bank');
    expect(normalizeEntity('ORG', 'Acme Corp. Ltd.')).toBe('acme');
    expect(normalizeEntity('ORG', 'AT&T Inc.')).toBe('at and t');
    expect(normalizeEntity('ORG', 'Société Générale S.A.')).toBe('societe generale');
    // a legal form alone is kept rather than emptied
    expect(normalizeEntity('ORG', 'Inc.')).toBe('inc');
    // "Foundation" is part of the name, not a corporate form
    expect(normalizeEntity('ORG', 'Mozilla Foundation')).not.toBe(normalizeEntity('ORG', 'Mozilla Corporation'));
  });

  it('PERSON: honorifics and titles, possessives, "Esq."', () => {
    expect(normalizeEntity('PERSON', 'Hon. Sonia Sotomayor')).toBe('sonia sotomayor');
    expect(normalizeEntity('PERSON', 'Judge Sonia Sotomayor')).toBe('sonia sotomayor');
    expect(normalizeEntity('PERSON', 'Chief Justice John G. Roberts, Jr.')).toBe('john g roberts jr');
    expect(normalizeEntity('PERSON', 'Dr. Jane Roe')).toBe('jane roe');
    expect(normalizeEntity('PERSON', "Jane Roe's")).toBe('jane roe');
    expect(normalizeEntity('PERSON', 'Sarah Johnson, Esq.')).toBe('sarah johnson');
  });

  it('COURT and LOCATION', () => {
    expect(normalizeEntity('COURT', 'the U.S. District Court for the District of Delaware')).toBe(
      'united states district court for the district of delaware',
    );
    expect(normalizeEntity('LOCATION', 'the United Kingdom')).toBe('united kingdom');
  });

  it('DATE: one ISO key for every spelling of a date', () => {
    for (const t of ['29 June 2007', 'June 29, 2007', 'the 29th of June, 2007', 'Friday, June 29, 2007', '06/29/2007', '2007-06-29']) {
      expect(normalizeEntity('DATE', t)).toBe('2007-06-29');
    }
    expect(normalizeEntity('DATE', 'January 2004')).toBe('2004-01');
    expect(normalizeEntity('DATE', '2019')).toBe('2019');
    expect(isoDate('31/12/2020')).toBe('2020-12-31');
    expect(isoDate('February 30, 2021')).toBeUndefined();
    expect(normalizeEntity('DATE', 'sometime soon')).toBe('sometime soon');
  });

  it('MONEY, EMAIL, URL, PHONE, CASE_NUMBER, CITATION', () => {
    expect(normalizeEntity('MONEY', '$2.5 million')).toBe('usd 2500000');
    expect(normalizeEntity('MONEY', 'USD 2,500,000')).toBe('usd 2500000');
    expect(normalizeEntity('MONEY', '€1,200.50')).toBe('eur 1200.5');
    expect(normalizeEntity('EMAIL', 'Legal@Mozilla.org')).toBe('legal@mozilla.org');
    expect(normalizeEntity('URL', 'https://www.GNU.org/licenses/')).toBe('gnu.org/licenses');
    expect(normalizeEntity('URL', 'http://gnu.org/licenses')).toBe('gnu.org/licenses');
    expect(normalizeEntity('PHONE', '(212) 555-0123')).toBe(normalizeEntity('PHONE', '+1 212.555.0123'));
    expect(normalizeEntity('PHONE', '415-555-2671 ext. 204')).toBe('4155552671 x204');
    expect(normalizeEntity('CASE_NUMBER', '1:23-cv-04567-ABC')).toBe(normalizeEntity('CASE_NUMBER', '1:23-CV-4567'));
    expect(normalizeEntity('CITATION', '550 U.S. 544, 570 (2007)')).toBe(normalizeEntity('CITATION', '550 U.S. 544'));
    expect(normalizeEntity('CITATION', '42 U.S.C. § 1983')).toBe(normalizeEntity('CITATION', '42 USC 1983'));
  });
});

describe('canonical name choice', () => {
  it('prefers mixed case, then the longer form, then code-point order', () => {
    expect(moreInformative('Free Software Foundation, Inc.', 'Free Software Foundation')).toBe(true);
    expect(moreInformative('Free Software Foundation', 'FREE SOFTWARE FOUNDATION, INC.')).toBe(true);
    // same case and length: code-point order decides, either way round
    expect(moreInformative('Acme Corp', 'Acme Inc.')).toBe(true);
    expect(moreInformative('Acme Inc.', 'Acme Corp')).toBe(false);
    expect(moreInformative('Acme Corp.', 'Acme Inc.')).toBe(true);
  });

  it("names a case by its name, then its citation, never by a short form or 'Id.'", () => {
    expect(moreInformative('Teague v. Lane', '109 S. Ct. 1060', 'CASE')).toBe(true);
    expect(moreInformative('109 S. Ct. 1060', 'Teague v. Lane', 'CASE')).toBe(false);
    expect(moreInformative('489 U.S. 288', '109 S. Ct. 1060', 'CASE')).toBe(false);
    expect(moreInformative('489 U.S. 288', '62 F.3d at 3 and more', 'CASE')).toBe(true);
    expect(moreInformative('In re Estate of Smith', '12 A.3d 45', 'CASE')).toBe(true);
    expect(moreInformative('489 U.S. 288', 'Teague', 'CASE')).toBe(true);
    expect(moreInformative('489 U.S. 288', 'Id. at 310', 'CASE')).toBe(true);
    // other types keep the plain order: longer wins
    expect(moreInformative('109 S. Ct. 1060', 'Teague v. Lane')).toBe(true);
    expect(caseNameRank('Smith vs. Jones')).toBe(2);
    expect(caseNameRank('Id.')).toBe(0);
    expect(caseNameRank('489 U.S. at 312')).toBe(0);
    expect(caseNameRank('489 U.S. 288')).toBe(1);
    expect(isBareIdForm('Id. at 4')).toBe(true);
    expect(isBareIdForm('Idaho Power Co. v. Smith')).toBe(false);
  });

  it('display forms collapse white space and drop a leading "the"', () => {
    expect(displayForm('the Free Software\n  Foundation')).toBe('Free Software Foundation');
    expect(displayForm('The Hague')).toBe('The Hague');
  });

  it('display forms never end in a possessive ("Tennessee\'s" names Tennessee)', () => {
    expect(displayForm('Tennessee’s')).toBe('Tennessee');
    expect(displayForm("the State of Ohio's")).toBe('State of Ohio');
    expect(displayForm('Acme Holdings')).toBe('Acme Holdings');
    expect(displayForm("O's")).toBe("O's"); // too short to be a possessive of a name
    // an organisation's "'s" is usually its name
    expect(displayForm("Lowe's", 'ORG')).toBe("Lowe's");
    expect(displayForm("Tennessee's", 'LOCATION')).toBe('Tennessee');
    expect(displayForm("Tennessee's", 'ORG')).toBe('Tennessee');
    expect(displayForm("the State Commission's", 'ORG')).toBe('State Commission');
  });
});
