import type { ExtractedMention } from './entity-extractor';
import { CompromiseFinder } from './compromise.extractor';

const summary = (ms: ExtractedMention[]) => ms.map((m) => `${m.type}:${m.start}-${m.end}:${m.text}`);

// Invented text (names, numbers and places made up), sentences of every kind the filter has to judge.
const TEXT = [
  'In March 2020 the plaintiff, Dr. Jane Roe, moved to Chicago, Illinois.',
  'the court then considered whether the claim was timely and concluded that it was not.',
  'We agree with the trial court.',
  'Licensee shall pay fifty dollars and a pound of coffee.',
  'Judge Ann Smith signed the order on May 5, 2020, in Springfield.',
  'Acme Holdings, Inc. paid $2.5 million to Tomas Okafor.',
  'It follows that the appeal fails.',
  'the fee of 400usd fell due on 7-9-04 and again on march 3.',
  'see page 12, note 4, and section 5 of the rule.',
  'it was filed in 1993 and decided on the 5th.',
].join(' ');

describe('CompromiseFinder: tagging only the sentences that can hold a mention', () => {
  const finder = new CompromiseFinder();
  const everySentence = new CompromiseFinder({ tagEverySentence: true });

  it('finds what tagging every sentence finds', () => {
    const reference = summary(everySentence.find(TEXT));
    expect(reference).toEqual(expect.arrayContaining([expect.stringMatching(/^PERSON:.*Jane Roe$/), expect.stringMatching(/^DATE:.*May 5, 2020$/)]));
    expect(summary(finder.find(TEXT))).toEqual(reference);
  });

  it('finds nothing in sentences with no capitalised word (after an opener), date-like digit or currency', () => {
    const plain = 'the court then considered whether the claim was timely. We agree. See page 12, note 4, and section 5 of it.';
    expect(finder.find(plain)).toEqual([]);
    expect(everySentence.find(plain)).toEqual([]);
  });

  it('with taken spans: skips sentences whose every trigger word is taken, keeps the others whole', () => {
    const text = 'Judge Ann Smith signed it on May 5, 2020. Then Tomas Okafor paid $5,000.';
    const all = summary(finder.find(text));
    expect(all).toEqual(expect.arrayContaining([expect.stringMatching(/^PERSON:.*Tomas Okafor$/), expect.stringMatching(/^MONEY:.*\$5,000$/)]));
    // The first sentence's capitalised words and digits all lie in taken spans: nothing from it survives the caller.
    const first = text.indexOf('Then');
    const taken: Array<[number, number]> = [
      [0, 15],
      [29, 40],
    ];
    const found = finder.find(text, taken);
    expect(found.every((m) => m.start >= first)).toBe(true);
    expect(summary(found)).toEqual(all.filter((s) => Number(s.split(':')[1].split('-')[0]) >= first));
    // A taken span over part of a sentence's trigger words does not skip it.
    expect(summary(finder.find(text, [[0, 5]]))).toEqual(all);
  });
});
