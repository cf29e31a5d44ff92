import { citationTails, findLegalMentions } from './legal-text';

describe('citationTails', () => {
  const tails = (text: string) => citationTails(text, findLegalMentions(text)).map(([a, b]) => text.slice(a, b));

  it('gives a citation its pin cites and its court-and-year parenthetical', () => {
    expect(tails('See Hale v. Marsh, 512 F.3d 77, 80-81 (5th Cir. 1986).')).toEqual([', 80-81 (5th Cir. 1986)']);
    expect(tails('Dunn v. Roe, 410 U.S. 113 (1973), controls.')).toEqual([' (1973)']);
    expect(tails('Id. at 83 (quoting the record).')).toEqual([]);
    expect(tails('Hale v. Marsh, 512 F.3d 77, 80 & n.4 (5th Cir. 2007).')).toEqual([', 80 & n.4 (5th Cir. 2007)']);
    expect(tails('Hale v. Marsh, 512 F.3d 77, 80 nn.3-4 (5th Cir. 2007).')).toEqual([', 80 nn.3-4 (5th Cir. 2007)']);
  });

  it('stops at the sentence: a later number or parenthetical is not the citation’s', () => {
    expect(tails('Dunn v. Roe, 410 U.S. 113. In 1973 (a long year) it held.')).toEqual([]);
  });
});
