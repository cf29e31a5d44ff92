import { MAX_ALIASES } from '@casegraph/contracts';

/**
 * The one rule for an entity's aliases, in the two places that write them: the distinct non-blank forms, in
 * code-point order (COLLATE "C"), at most MAX_ALIASES. The graph worker's resolution merges them in SQL
 * (mergedAliasesSql), the API's curation in TypeScript (mergeAliases).
 */

/** Aliases as resolution keeps them: distinct, non-blank, white space collapsed, in code-point order, at most `max`. */
export function mergeAliases(lists: string[][], max: number = MAX_ALIASES): string[] {
  const all = new Set<string>();
  for (const l of lists) for (const a of l) if (a && a.trim()) all.add(a.replace(/\s+/g, ' ').trim());
  return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, max);
}

/**
 * SQL of an entity's aliases (jsonb) from a text[] of candidate forms (`forms`: an SQL expression): the
 * distinct strings, in code-point order, at most MAX_ALIASES, as a jsonb array. Stored aliases are read through
 * casegraph_aliases() (migration 1764700000000): an old row's jsonb may hold anything (NULL, '{}', numbers),
 * and only its strings take part. Unlike mergeAliases it takes the strings as they are (no white-space folding).
 */
export const mergedAliasesSql = (forms: string) =>
  `(SELECT coalesce(to_jsonb((array_agg(a ORDER BY a COLLATE "C"))[1:${MAX_ALIASES}]), '[]'::jsonb)
      FROM (SELECT DISTINCT a FROM unnest(${forms}) AS a WHERE a IS NOT NULL) AS s)`;
