import fc from 'fast-check';
import { characterErrorRate, foldWhitespace, levenshtein } from './cer';

/** Textbook O(n·m) Levenshtein, the oracle for the banded version. */
function naive(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['same', 'same', 0],
  ])('%j vs %j = %d', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
  });

  it('equals the textbook algorithm on random strings, including far-apart ones (band doubling)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60, unit: fc.constantFrom('a', 'b', 'c', ' ') }),
        fc.string({ maxLength: 60, unit: fc.constantFrom('a', 'b', 'c', ' ') }),
        (a, b) => {
          expect(levenshtein(a, b)).toBe(naive(a, b));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('counts a few edits in a long text exactly', () => {
    const ref = 'The quick brown fox jumps over the lazy dog. '.repeat(500);
    const hyp = ref.slice(0, 1000) + 'X' + ref.slice(1001, 15000) + ref.slice(15002);
    expect(levenshtein(hyp, ref)).toBe(3);
  });
});

describe('characterErrorRate', () => {
  it('folds whitespace before comparing', () => {
    expect(foldWhitespace('  a\n\n b\t c  ')).toBe('a b c');
    expect(characterErrorRate('hello\n  world', 'hello world\n')).toBe(0);
  });

  it('is distance / reference length', () => {
    expect(characterErrorRate('abcd', 'abce')).toBeCloseTo(0.25);
    expect(characterErrorRate('', 'abcd')).toBe(1);
    expect(characterErrorRate('x', '')).toBe(1);
    expect(characterErrorRate('', '  ')).toBe(0);
  });
});
