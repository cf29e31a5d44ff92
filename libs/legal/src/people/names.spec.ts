import { displayName, isPersonName, nameKey, stripPossessive } from './names';

describe('names', () => {
  it('puts names in capitals in normal case, keeping acronyms, numerals and initials', () => {
    expect(displayName('GARY L. JOHNSON')).toBe('Gary L. Johnson');
    expect(displayName('DEVIN TREVONE LAMAR III')).toBe('Devin Trevone Lamar III');
    expect(displayName('ACME HOLDINGS, LLC')).toBe('Acme Holdings, LLC');
    expect(displayName('UNITED STATES OF AMERICA')).toBe('United States of America');
    expect(displayName("PATRICK O'BRIEN-MCDONALD")).toBe("Patrick O'Brien-McDonald");
    expect(displayName('DAVID H. LILLARD, JR.')).toBe('David H. Lillard, Jr.');
    expect(displayName('RG Golf Warehouse, Inc.')).toBe('RG Golf Warehouse, Inc.');
    expect(displayName('In re TAMERA W.')).toBe('In re Tamera W.');
  });

  it('drops possessives', () => {
    expect(stripPossessive("Tennessee's")).toBe('Tennessee');
    expect(stripPossessive('Carnival’s')).toBe('Carnival');
    expect(stripPossessive("Jones'")).toBe('Jones');
    expect(displayName("TENNESSEE'S")).toBe('Tennessee');
  });

  it('keys a name the way the graph does: lower case, punctuation as space', () => {
    expect(nameKey('Gary L. Johnson')).toBe('gary l johnson');
    expect(nameKey('Roe & Doe, L.L.P.')).toBe('roe and doe l l p');
    expect(nameKey('José Neto')).toBe('jose neto');
  });

  it('tells a person from an organisation', () => {
    expect(isPersonName('Leola H.B. Zintl')).toBe(true);
    expect(isPersonName('Frank van Wulfen')).toBe(true);
    expect(isPersonName('Paxinosa School')).toBe(false);
    expect(isPersonName('Montmorency County')).toBe(false);
    expect(isPersonName('Tampa', 2)).toBe(false);
    expect(isPersonName('At Nashville, Tennessee')).toBe(false);
  });
});
