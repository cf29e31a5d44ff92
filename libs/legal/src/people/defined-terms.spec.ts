import type { LegalMention } from '../types';
import { findParties } from './parties';

const none = { courts: [], citations: [] };

function byKey(found: LegalMention[], key: string): string[] {
  return found.filter((m) => m.key === key).map((m) => m.text);
}

describe('defined short names', () => {
  it("gives the short name and its later uses the full name's key and type", () => {
    const text =
      'Louisville Gas and Electric Company (“LG&E”) filed the application. The Commission granted it, and LG&E appealed.\n' +
      'Bell Atlantic Corporation ("Bell Atlantic") intervened; Bell Atlantic argues the rate is too low.\n';
    const found = findParties(text, none);
    expect(byKey(found, 'louisville gas and electric company')).toEqual(['Louisville Gas and Electric Company', 'LG&E', 'LG&E']);
    expect(found.filter((m) => m.key === 'louisville gas and electric company').every((m) => m.type === 'ORG')).toBe(true);
    expect(byKey(found, 'bell atlantic corporation')).toEqual(['Bell Atlantic Corporation', 'Bell Atlantic', 'Bell Atlantic']);
  });

  it('links "(hereinafter “Smith”)" to the person', () => {
    const text = 'The complaint was filed by Harriet Smith (hereinafter “Smith”) in May. Smith later amended it.\n';
    const found = findParties(text, none);
    expect(byKey(found, 'harriet smith')).toEqual(['Harriet Smith', 'Smith', 'Smith']);
    expect(found.find((m) => m.text === 'Harriet Smith')?.type).toBe('PERSON');
  });

  it("links a caption party's short name to the party", () => {
    const text = [
      'KESTREL AVIATION, INC.,',
      '            Plaintiff,',
      '   v.',
      'ORLA MEEHAN,',
      '            Defendant.',
      '',
      'ORDER',
      '',
      'Plaintiff Kestrel Aviation, Inc. (“Kestrel”) sued its former pilot. Kestrel seeks damages for the breach.',
    ].join('\n');
    const found = findParties(text, none);
    const kestrel = found.filter((m) => m.text === 'Kestrel');
    expect(kestrel).toHaveLength(2);
    expect(kestrel.every((m) => m.key === 'kestrel aviation inc' && m.role === 'party' && m.attributes?.party === 'plaintiff')).toBe(true);
  });

  it('skips generic role words, courts and statutes', () => {
    const text =
      'Against Ridgeway Mills and Norton Freight (collectively, “Defendants”), the Board of Immigration Appeals (“BIA”) ' +
      'and the Freedom of Information Act (“FOIA”) were cited; Ridgeway Mills, Inc. (the "Company") answered. ' +
      'The Defendants, the BIA and FOIA appear later.\n';
    const found = findParties(text, none);
    expect(found.map((m) => m.text)).toEqual([]);
  });
});

describe('defined short names of a caption party', () => {
  it('keys an acronym to the whole party name, not to the words it spells', () => {
    const text = [
      '          IN RE: THE NORTHERN LAKES & PRAIRIE RAIL',
      '          COMPANY, INC. SECURITIES LITIGATION',
      '',
      'Ivo Stahl; Mina Porter,',
      '                                     Appellants',
      '',
      'OPINION',
      '',
      'The class bought shares of The Northern Lakes & Prairie Rail Company (“NL&P”) in 2001. NL&P restated its results.',
    ].join('\n');
    const found = findParties(text, none);
    expect(byKey(found, 'the northern lakes and prairie rail company inc')).toEqual([
      'THE NORTHERN LAKES & PRAIRIE RAIL\n          COMPANY, INC.',
      'Northern Lakes & Prairie Rail Company',
      'NL&P',
      'NL&P',
    ]);
  });
});
