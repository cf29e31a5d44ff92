import nlp from 'compromise';
import { compromiseBulkMatch, fastBulkMatch } from './compromise-sweep';

type World = { methods: { one: { bulkMatch: unknown } } };
const world = nlp.world() as unknown as World;

/** Every term's text and sorted tags after compromise's whole tagger, with the given bulkMatch installed. */
function tagsWith(bulkMatch: unknown, text: string): string[] {
  const before = world.methods.one.bulkMatch;
  world.methods.one.bulkMatch = bulkMatch;
  try {
    const doc = nlp(text) as unknown as { docs: Array<Array<{ text: string; tags: Set<string> }>> };
    return doc.docs.flat().map((t) => `${t.text}:${[...t.tags].sort().join(',')}`);
  } finally {
    world.methods.one.bulkMatch = before;
  }
}

// Invented text in the styles the worker sees: licences, filings, opinions (names and numbers made up).
const TEXTS = [
  'In March 2020 the plaintiff, Dr. Jane Roe, moved to Chicago, Illinois, and paid $5,000 to Acme Holdings, Inc.',
  "Justice Anthony Kennedy wrote the opinion; the Court didn't reach the question, and we won't either.",
  'Before: SMITH, JONES, and BROWN, Circuit Judges. Appeal from the United States District Court for the Northern District of Texas.',
  'See Halvorsen v. Quill Corp., 512 F.3d 901, 905 (8th Cir. 2009); id. at 907. The motion was filed on June 29, 2007.',
  'Licensee shall pay Licensor fifty dollars within 30 days. This License is governed by the laws of the State of New York.',
  'He was walking quickly to the store, but she said the red car would be sold for a pound and two pence.',
  'Pursuant to 42 U.S.C. § 1983, Mr. Tomas Okafor sued the City of Brookhaven and Officer Lee Park on 7-9-2004.',
];

describe('fastBulkMatch', () => {
  it.each(TEXTS)('tags every term as compromise itself does: %s', (text) => {
    const reference = tagsWith(compromiseBulkMatch, text);
    expect(tagsWith(fastBulkMatch, text)).toEqual(reference);
    // The rules changed something: tags are not just the lexicon's.
    expect(reference.length).toBeGreaterThan(5);
  });

  it('returns the same matches in the same order as compromise, and only the first with matchOne', () => {
    type Args = Parameters<typeof fastBulkMatch>;
    const strip = (rs: unknown[]) => rs.map((r) => JSON.stringify({ ...(r as object), regs: undefined }));
    let calls = 0;
    const before = world.methods.one.bulkMatch;
    // Called by compromise's postTagger with its own net: compare both on the very same input.
    world.methods.one.bulkMatch = (...args: Args) => {
      calls++;
      const [document, net, methods] = args;
      const reference = compromiseBulkMatch(document, net, methods);
      expect(strip(fastBulkMatch(document, net, methods))).toEqual(strip(reference));
      expect(strip(fastBulkMatch(document, net, methods, { matchOne: true }))).toEqual(strip(reference.slice(0, 1)));
      return compromiseBulkMatch(...args);
    };
    try {
      for (const text of TEXTS) nlp(text);
    } finally {
      world.methods.one.bulkMatch = before;
    }
    expect(calls).toBeGreaterThanOrEqual(TEXTS.length);
  });
});
