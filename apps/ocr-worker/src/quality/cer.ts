/**
 * Character error rate: the Levenshtein distance between a hypothesis and the
 * reference, divided by the reference length, after whitespace folding (every
 * run of whitespace becomes one space; both ends trimmed).
 *
 * The distance is computed exactly with Ukkonen's banded dynamic programme:
 * a band of half-width k around the diagonal gives the true distance whenever
 * that distance is ≤ k, so k is doubled until it is. Cost O(n·d) instead of
 * O(n·m): a 35,000-character licence compares in milliseconds.
 */
export function foldWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Levenshtein distance (insertions, deletions, substitutions; UTF-16 code units). */
export function levenshtein(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let k = Math.max(8, Math.abs(n - m));
  for (;;) {
    const d = banded(a, b, k);
    if (d <= k || k >= Math.max(n, m)) return d;
    k *= 2;
  }
}

function banded(a: string, b: string, k: number): number {
  const n = a.length;
  const m = b.length;
  const INF = 0x3fffffff;
  let prev = new Int32Array(m + 1).fill(INF);
  let cur = new Int32Array(m + 1).fill(INF);
  for (let j = 0; j <= Math.min(m, k); j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(m, i + k);
    cur.fill(INF, lo - 1, Math.min(m, hi + 1) + 1);
    cur[0] = i <= k ? i : INF;
    const ac = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      let v = prev[j - 1] + (ac === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      if (del < v) v = del;
      const ins = cur[j - 1] + 1;
      if (ins < v) v = ins;
      cur[j] = v;
    }
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[m], INF);
}

/** CER of `hypothesis` against `reference` after whitespace folding (0 = identical). */
export function characterErrorRate(hypothesis: string, reference: string): number {
  const ref = foldWhitespace(reference);
  const hyp = foldWhitespace(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  return levenshtein(hyp, ref) / ref.length;
}
