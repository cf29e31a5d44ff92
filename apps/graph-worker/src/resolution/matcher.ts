import type { EntityType } from '@casegraph/contracts';
import { isFuzzyKey } from './normalizer';
import { jaroWinkler, trigramSimilarity } from './similarity';

/** Default trigram similarity a candidate needs (RESOLUTION_FUZZY_THRESHOLD). */
export const DEFAULT_FUZZY_THRESHOLD = 0.55;
/** Two tokens are "the same word" (a typo or OCR slip apart) at this Jaro-Winkler score. */
export const TOKEN_MATCH = 0.9;

const numbersOf = (key: string) =>
  key
    .split(' ')
    .filter((t) => /\d/.test(t))
    .sort()
    .join(' ');

/**
 * Whether two different normalised keys of one type name the same entity. The
 * trigram similarity (the measure pg_trgm indexes) must reach `threshold`, the
 * numbers in them must be equal, the token counts may differ by at most one, and
 * every token of the shorter key must match a distinct token of the longer one at
 * Jaro-Winkler >= 0.9 — so "free softwre foundation" matches "free software foundation"
 * but "apache software foundation" does not, nor "southern district of new york"
 * vs "eastern district of new york", nor "john smith" vs "jane smith". For PERSON
 * the last names must match, and first names must match or be an initial of each other.
 */
export function isFuzzyMatch(type: EntityType, a: string, b: string, threshold = DEFAULT_FUZZY_THRESHOLD, similarity?: number): boolean {
  if (a === b) return true;
  if (!isFuzzyKey(type, a) || !isFuzzyKey(type, b)) return false;
  const sim = similarity ?? trigramSimilarity(a, b);
  if (sim < threshold) return false;
  if (numbersOf(a) !== numbersOf(b)) return false;
  const ta = a.split(' ');
  const tb = b.split(' ');
  if (Math.abs(ta.length - tb.length) > 1) return false;
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  if (type === 'PERSON') {
    if (jaroWinkler(short[short.length - 1], long[long.length - 1]) < TOKEN_MATCH) return false;
    const f1 = short[0];
    const f2 = long[0];
    const initial = (x: string, y: string) => x.length === 1 && y.startsWith(x);
    if (short.length > 1 && !(initial(f1, f2) || initial(f2, f1) || jaroWinkler(f1, f2) >= TOKEN_MATCH)) return false;
  }
  const used = new Array<boolean>(long.length).fill(false);
  for (const t of short) {
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < long.length; i++) {
      if (used[i]) continue;
      const s = t === long[i] ? 1 : jaroWinkler(t, long[i]);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    if (best < 0 || bestScore < TOKEN_MATCH) return false;
    used[best] = true;
  }
  return true;
}

/**
 * Order on the normalised keys of one entity that picks its canonical key: more tokens beat
 * fewer, then more characters, then code-point order. "halvorsen marine logistics" beats
 * "halvorsen marine", "seattle washington" beats "washington". It uses nothing but the two
 * keys (no counts, no arrival order), so the key an entity ends up with is the maximum over
 * the variants that joined it, whatever order they came in. Mirrored in SQL by
 * MORE_INFORMATIVE_KEY_SQL.
 */
export function moreInformativeKey(a: string, b: string): boolean {
  const na = a.split(' ').length;
  const nb = b.split(' ').length;
  if (na !== nb) return na > nb;
  const la = [...a].length;
  const lb = [...b].length;
  if (la !== lb) return la > lb;
  return a < b;
}

/** The most informative of keys (see moreInformativeKey). */
export function mostInformativeKey(keys: Iterable<string>): string {
  let best: string | undefined;
  for (const k of keys) if (best === undefined || moreInformativeKey(k, best)) best = k;
  if (best === undefined) throw new Error('mostInformativeKey: no keys');
  return best;
}

/** SQL of moreInformativeKey(a, b) for two text expressions (keys are single-space separated, never empty). */
export const moreInformativeKeySql = (a: string, b: string) =>
  `((array_length(string_to_array(${a}, ' '), 1), char_length(${a})) > (array_length(string_to_array(${b}, ' '), 1), char_length(${b}))
    OR ((array_length(string_to_array(${a}, ' '), 1), char_length(${a})) = (array_length(string_to_array(${b}, ' '), 1), char_length(${b}))
        AND ${a} COLLATE "C" < ${b} COLLATE "C"))`;

/**
 * Groups the new keys of one document and type: the groups are the connected components
 * of isFuzzyMatch over the keys (a key that matches any member joins the group, and a key
 * that matches two groups joins them), and each group is represented by its most
 * informative key (moreInformativeKey). Neither depends on the order of `keys` or on the
 * counts, so "united states", "united states district" and "united states district judge"
 * are one group however the document lists them. Returns key -> representative key.
 */
export function clusterKeys(
  type: EntityType,
  keys: Array<{ key: string; count?: number }>,
  threshold = DEFAULT_FUZZY_THRESHOLD,
): Map<string, string> {
  const list = [...new Set(keys.map((k) => k.key))].sort();
  const parent = list.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  if (list.some((k) => isFuzzyKey(type, k))) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        if (find(i) !== find(j) && isFuzzyMatch(type, list[i], list[j], threshold)) parent[find(j)] = find(i);
      }
    }
  }
  const members = new Map<number, string[]>();
  list.forEach((k, i) => members.set(find(i), [...(members.get(find(i)) ?? []), k]));
  const out = new Map<string, string>();
  for (const group of members.values()) {
    const rep = mostInformativeKey(group);
    for (const k of group) out.set(k, rep);
  }
  return out;
}
