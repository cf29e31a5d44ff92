import fc from 'fast-check';
import { chunkText } from './chunker';

const para = (n: number, words = 12) =>
  Array.from({ length: n }, (_, i) => `Sentence ${i} of the agreement states ${'that the party shall comply '.repeat(words / 4)}fully.`).join(' ');

describe('chunkText', () => {
  it('returns one chunk for a short text and none for blank text', () => {
    expect(chunkText('  The Court so orders.  ', { size: 1000, overlap: 200 })).toEqual([
      { index: 0, start: 2, end: 22, text: 'The Court so orders.' },
    ]);
    expect(chunkText(' \n\n ', { size: 1000, overlap: 200 })).toEqual([]);
  });

  it('prefers a paragraph break, then a sentence end, as the chunk end', () => {
    const first = para(5); // ~630 chars
    const text = `${first}\n\n${para(8)}`;
    const chunks = chunkText(text, { size: 1000, overlap: 200 });
    expect(chunks[0].end).toBe(first.length);
    const noParagraphs = para(20);
    const c = chunkText(noParagraphs, { size: 1000, overlap: 200 });
    for (const chunk of c.slice(0, -1)) expect(chunk.text.endsWith('fully.')).toBe(true);
  });

  it('starts the next chunk at a sentence start inside the overlap window', () => {
    const text = para(30);
    const chunks = chunkText(text, { size: 1000, overlap: 200 });
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const overlap = chunks[i - 1].end - chunks[i].start;
      expect(overlap).toBeGreaterThan(0);
      expect(overlap).toBeLessThanOrEqual(200);
      expect(chunks[i].text.startsWith('Sentence ')).toBe(true);
    }
  });

  it('cuts a text without any break at the size limit', () => {
    const text = 'x'.repeat(2500);
    const chunks = chunkText(text, { size: 1000, overlap: 200 });
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 1000],
      [800, 1800],
      [1600, 2500],
    ]);
  });

  it('rejects an overlap that is not smaller than the size', () => {
    expect(() => chunkText('abc', { size: 100, overlap: 100 })).toThrow('overlap');
  });

  it('holds its invariants on arbitrary text (offsets, coverage, size, order)', () => {
    const word = fc.stringMatching(/^[A-Za-z]{1,12}$/);
    const sep = fc.constantFrom(' ', ' ', ' ', '. ', '.\n', '\n\n', ', ', '\n');
    const textArb = fc.array(fc.tuple(word, sep), { maxLength: 600 }).map((parts) => parts.map(([w, s]) => w + s).join(''));
    const optsArb = fc
      .integer({ min: 50, max: 1200 })
      .chain((size) => fc.record({ size: fc.constant(size), overlap: fc.integer({ min: 0, max: size - 1 }) }));
    fc.assert(
      fc.property(textArb, optsArb, (text, opts) => {
        const chunks = chunkText(text, opts);
        let covered = 0;
        chunks.forEach((c, i) => {
          expect(c.index).toBe(i);
          expect(c.text).toBe(text.slice(c.start, c.end));
          expect(c.text).toBe(c.text.trim());
          expect(c.end - c.start).toBeLessThanOrEqual(opts.size);
          if (i > 0) {
            expect(c.start).toBeGreaterThan(chunks[i - 1].start);
            expect(c.end).toBeGreaterThan(chunks[i - 1].end);
            expect(c.start).toBeLessThanOrEqual(chunks[i - 1].end + (text.slice(chunks[i - 1].end, c.start).trim() ? 0 : text.length));
          }
          // Nothing but white space between the covered prefix and this chunk.
          expect(text.slice(covered, Math.max(covered, c.start)).trim()).toBe('');
          covered = Math.max(covered, c.end);
        });
        expect(text.slice(covered).trim()).toBe('');
        expect(chunkText(text, opts)).toEqual(chunks);
      }),
      { numRuns: 300 },
    );
  });
});
