import { basicNormalize, entitySearchKey, normalizeEntity } from './entity-key';

describe('entity keys: one normaliser for the worker (stored keys) and the API (search)', () => {
  it('reads apostrophes, case and possessives one way', () => {
    for (const text of ['Smith', 'Smith’s', "SMITH'S", 'smith‘s', ' Smith`s ']) {
      expect([text, basicNormalize(text)]).toEqual([text, 'smith']);
      expect([text, entitySearchKey(text)]).toEqual([text, 'smith']);
      expect([text, normalizeEntity('PERSON', text)]).toEqual([text, 'smith']);
    }
  });

  it('a search key is a substring of the stored key of the name it means', () => {
    const stored = normalizeEntity('PERSON', 'Judge John Smith');
    expect(stored).toBe('john smith');
    for (const q of ['Smith’s', 'SMITH', 'John Smith’s', 'Judge Smith']) {
      expect([q, stored.includes(entitySearchKey(q, 'PERSON'))]).toEqual([q, true]);
    }
    expect(entitySearchKey('Smith, J.')).toBe('smith j');
  });

  it('drops diacritics and compatibility forms', () => {
    expect(entitySearchKey('Société Générale')).toBe('societe generale');
    expect(entitySearchKey('Müller & Söhne')).toBe('muller and sohne');
    expect(entitySearchKey('Ｓｍｉｔｈ')).toBe('smith');
    expect(normalizeEntity('ORG', 'Société Générale S.A.')).toBe('societe generale');
  });

  it("with a type, applies that type's rules as the worker does", () => {
    expect(entitySearchKey('Acme Corp.', 'ORG')).toBe(normalizeEntity('ORG', 'Acme Inc.'));
    expect(entitySearchKey('June 29, 2007', 'DATE')).toBe('2007-06-29');
    expect(entitySearchKey('$2.5 million', 'MONEY')).toBe('usd 2500000');
  });

  it("CASE and STATUTE: the legal grammar's keys; a bare section searches every code that has it", () => {
    expect(entitySearchKey('550 U.S. 544, 570 (2007)', 'CASE')).toBe('550 us 544');
    expect(entitySearchKey('42 U.S.C. § 1983(a)', 'STATUTE')).toBe('us usc 42 1983(a)');
    expect('us usc 42 1983(a)'.includes(entitySearchKey('§ 1983', 'STATUTE'))).toBe(true);
    expect(normalizeEntity('CASE', 'Bell Atlantic Corp. v. Twombly')).toBe('name bell atlantic corp v twombly');
  });

  it('is empty when there is no letter or digit (whatever the type)', () => {
    expect(entitySearchKey(' … ')).toBe('');
    expect(entitySearchKey('!!!', 'EMAIL')).toBe('');
  });
});
