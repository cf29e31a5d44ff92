import { findLegalMentions } from '../legal-text';
import { normalizeSignal, signalBefore } from './signals';

const cited = (text: string) =>
  findLegalMentions(text)
    .filter((m) => (m.type === 'CASE' && m.attributes?.kind !== 'caption') || m.type === 'STATUTE')
    .map((m) => [m.text, m.attributes?.kind ?? m.type, m.attributes?.signal ?? null]);

describe('citation signals', () => {
  it('reads the signal before a citation and carries it through the string', () => {
    const text =
      'The duty is owed only to foreseeable plaintiffs. See, e.g., Marlowe v. Ostrander Grain Co., 412 F.3d 88, 91 (2d Cir. 2005); ' +
      'Pettibone v. Larch, 97 N.E.3d 1104, 1108 (Mass. 2018). But see Quayle v. Dunmore Mills, Inc., 233 P.3d 45 (Or. 2010).';
    expect(cited(text)).toEqual([
      ['Marlowe v. Ostrander Grain Co.', 'name', 'see, e.g.'],
      ['412 F.3d 88', 'full', 'see, e.g.'],
      ['Pettibone v. Larch', 'name', 'see, e.g.'],
      ['97 N.E.3d 1104', 'full', 'see, e.g.'],
      ['Quayle v. Dunmore Mills, Inc.', 'name', 'but see'],
      ['233 P.3d 45', 'full', 'but see'],
    ]);
  });

  it('gives a citation in a new sentence, or inside an explanatory parenthetical, no signal of its own', () => {
    const text =
      'The rule was adopted in Harrow v. Belden, 310 F.3d 12, 15 (1st Cir. 2002) (quoting Ives v. Tamsin, 201 F.2d 7, 9 (1st Cir. 1953)). ' +
      'Cf. Ormsby v. Pratt, 55 F.4th 301 (1st Cir. 2022). Harrow has not been questioned since.';
    const got = cited(text);
    expect(got.find((x) => x[0] === '310 F.3d 12')?.[2]).toBeNull();
    expect(got.find((x) => x[0] === '201 F.2d 7')?.[2]).toBeNull();
    expect(got.find((x) => x[0] === '55 F.4th 301')?.[2]).toBe('cf.');
  });

  it('reads "see also", "see generally", "accord", "compare … with" and signals before Id. and statutes', () => {
    const text =
      'The statute controls. See 42 U.S.C. § 1983; see also Vance v. Rudd, 19 F.4th 77 (3d Cir. 2021). ' +
      'The panel agreed. See id. at 80. Compare Lark v. Hume, 5 F.4th 9 (3d Cir. 2021), with Tobin v. Crane, 7 F.4th 11 (3d Cir. 2021).';
    const got = cited(text);
    expect(got.find((x) => x[0] === '42 U.S.C. § 1983')?.[2]).toBe('see');
    expect(got.find((x) => x[0] === '19 F.4th 77')?.[2]).toBe('see also');
    expect(got.find((x) => x[1] === 'id')?.[2]).toBe('see');
    expect(got.find((x) => x[0] === '5 F.4th 9')?.[2]).toBe('compare');
    expect(got.find((x) => x[0] === '7 F.4th 11')?.[2]).toBe('compare');
  });

  it('writes signals in lower case without the trailing comma', () => {
    expect(normalizeSignal('See, e.g.,')).toBe('see, e.g.');
    expect(normalizeSignal('But  Cf.')).toBe('but cf.');
    expect(signalBefore('as stated. See generally ', 'as stated. See generally '.length)).toBe('see generally');
    expect(signalBefore('accord ', 7)).toBe('accord');
    expect(signalBefore('E.g., ', 6)).toBe('e.g.');
    expect(signalBefore('we see no reason to depart from ', 32)).toBeUndefined();
  });
});
