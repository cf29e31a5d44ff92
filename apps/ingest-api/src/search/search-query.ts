/**
 * The search box's web-search syntax, read into terms; and those terms as a tsquery built in SQL.
 *
 *  - `mandamus ruling`: words, all required, English-stemmed (`ruling` finds `ruled`);
 *  - `"writ of mandamus"`: an exact phrase (the exact, weight-A half of the page vector: no stemming);
 *  - `410 U.S. 113`, `§ 1983`, `42 U.S.C. § 1983`, `F.3d`, `F. Supp. 2d`: citations, read as exact phrases unquoted;
 *  - `a or b`: either; `-word`, `-"a phrase"`: not.
 * Like websearch_to_tsquery, nothing is a syntax error: unbalanced quotes end at the end, a stray `-` or `or` is
 * ignored, punctuation is left to PostgreSQL's parser. The SQL is made of fixed fragments and bind parameters only.
 */

export interface SearchTerm {
  /** words: English-stemmed; exact: a weight-A phrase of the exact words. */
  kind: 'words' | 'exact';
  text: string;
  negated: boolean;
}

/** Terms in AND-groups of alternatives: `a b or c` is [[a], [b, c]]. */
export interface ParsedQuery {
  groups: SearchTerm[][];
}

/** Terms read from one query; the rest is ignored (a query is at most 500 characters anyway). */
export const MAX_QUERY_TERMS = 32;

interface Token {
  text: string;
  quoted: boolean;
  negated: boolean;
}

const SECTION_RE = /^(?:§+|¶+)$/;
const NUMBER_RE = /^\d[\w().:–-]*$/;
/** `Supp.`, `Ct.`, `F.` (capitalised, short: a reporter's, not a sentence's end); `U.S.`, `F.3d`, `U.S.C.`; `2d`, `3d`, `4th`; `§1983`. */
const ABBREVIATION_RE = /^(?:[A-Z][A-Za-z]{0,4}\.|[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+\.?|\d+(?:d|nd|rd|th|st)|[§¶]+\d[\w().:–-]*)$/;
/** A single token that is exact by itself: an inner dot (`F.3d`, `U.S.C.`) or a glued section sign (`§1983`). */
const EXACT_ALONE_RE = /^(?:[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+\.?|[§¶]+\d[\w().:–-]*)$/;

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let negated = false;
    if (ch === '-' && i + 1 < q.length && !/\s/.test(q[i + 1])) {
      negated = true;
      i++;
    }
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      const stop = end < 0 ? q.length : end;
      out.push({ text: q.slice(i + 1, stop), quoted: true, negated });
      i = stop + 1;
      continue;
    }
    let j = i;
    while (j < q.length && !/\s/.test(q[j]) && q[j] !== '"') j++;
    out.push({ text: q.slice(i, j), quoted: false, negated });
    i = j;
  }
  return out;
}

const isOr = (t: Token) => !t.quoted && !t.negated && t.text.toLowerCase() === 'or';
const citationPart = (t: Token) => !t.quoted && !t.negated && (SECTION_RE.test(t.text) || NUMBER_RE.test(t.text) || ABBREVIATION_RE.test(t.text));
const citationMark = (t: Token) => SECTION_RE.test(t.text) || ABBREVIATION_RE.test(t.text);

/** Reads a query; an empty result (no terms) matches nothing. */
export function parseSearchQuery(q: string): ParsedQuery {
  const tokens = tokenize(q).filter((t) => t.text.trim().length > 0 || t.quoted);
  // Terms with the operator before each: bare runs of citation tokens become one exact term.
  const items: Array<{ term: SearchTerm; or: boolean }> = [];
  let pendingOr = false;
  for (let i = 0; i < tokens.length && items.length < MAX_QUERY_TERMS; i++) {
    const t = tokens[i];
    if (isOr(t)) {
      pendingOr = items.length > 0;
      continue;
    }
    let term: SearchTerm;
    if (t.quoted) {
      term = { kind: 'exact', text: t.text, negated: t.negated };
    } else if (citationPart(t)) {
      let j = i;
      while (j + 1 < tokens.length && citationPart(tokens[j + 1])) j++;
      const run = tokens.slice(i, j + 1);
      if (run.some(citationMark) && (run.length > 1 || EXACT_ALONE_RE.test(t.text))) {
        term = { kind: 'exact', text: run.map((r) => r.text).join(' '), negated: false };
        i = j;
      } else {
        term = { kind: 'words', text: t.text, negated: false };
      }
    } else {
      term = { kind: EXACT_ALONE_RE.test(t.text) ? 'exact' : 'words', text: t.text, negated: t.negated };
    }
    if (term.text.trim().length === 0) continue;
    items.push({ term, or: pendingOr });
    pendingOr = false;
  }
  const groups: SearchTerm[][] = [];
  for (const it of items) {
    if (it.or && groups.length) groups[groups.length - 1].push(it.term);
    else groups.push([it.term]);
  }
  return { groups };
}

/**
 * tsquery SQL expressions: what a page must match; what it is ranked by (the match, or-ed with the exact form of
 * each positive word, so `ruling` ranks a page saying "ruling" above one saying "ruled"); what ts_headline marks
 * (it parses the page with the english config).
 */
export interface SearchSql {
  match: string;
  rank: string;
  headline: string;
}

/**
 * The parsed query as SQL: `bind(value)` adds a bind parameter and returns its placeholder (`$3`). Groups are AND-ed
 * (`&&`), alternatives OR-ed (`||`), negations `!!`; a term with no lexemes (a stop word) drops out as in
 * websearch_to_tsquery. The headline query has the positive terms only, each phrase parsed the way ts_headline
 * parses the page (english), so the stemmed page words of an exact hit are marked.
 */
export function searchSql(parsed: ParsedQuery, bind: (value: string) => string): SearchSql {
  const EMPTY = `''::tsquery`;
  const highlights: string[] = [];
  const boosts: string[] = [];
  const groups = parsed.groups.map((group) => {
    const alternatives = group.map((term) => {
      const p = bind(term.text);
      const q = term.kind === 'exact' ? `casegraph_exact_query(${p})` : `plainto_tsquery('english'::regconfig, casegraph_search_text(${p}))`;
      if (!term.negated && term.kind === 'words') {
        // Not for a stop word: its exact form would rank every page that has one.
        boosts.push(`CASE WHEN numnode(${q}) > 0 THEN casegraph_exact_query(${p}) ELSE ${EMPTY} END`);
      }
      if (!term.negated) {
        highlights.push(term.kind === 'exact' ? `phraseto_tsquery('english'::regconfig, casegraph_search_text(${p}))` : q);
      }
      return term.negated ? `(!! ${q})` : q;
    });
    return `(${alternatives.join(' || ')})`;
  });
  const match = groups.length ? `(${groups.join(' && ')})` : EMPTY;
  return {
    match,
    rank: boosts.length ? `(${match} || ${boosts.join(' || ')})` : match,
    headline: highlights.length ? `(${highlights.join(' || ')})` : EMPTY,
  };
}
