import { MAX_QUERY_TERMS, ParsedQuery, parseSearchQuery, searchSql } from './search-query';

const w = (text: string, negated = false) => ({ kind: 'words', text, negated });
const x = (text: string, negated = false) => ({ kind: 'exact', text, negated });
const groups = (q: string) => parseSearchQuery(q).groups;

describe('parseSearchQuery', () => {
  it('reads words as stemmed terms, all required', () => {
    expect(groups('writ of mandamus')).toEqual([[w('writ')], [w('of')], [w('mandamus')]]);
  });

  it('reads quoted phrases as exact; an unbalanced quote ends at the end', () => {
    expect(groups('"writ of mandamus" denied')).toEqual([[x('writ of mandamus')], [w('denied')]]);
    expect(groups('denied "writ of')).toEqual([[w('denied')], [x('writ of')]]);
    expect(groups('""')).toEqual([]);
  });

  it('reads bare citations as exact phrases', () => {
    expect(groups('410 U.S. 113')).toEqual([[x('410 U.S. 113')]]);
    expect(groups('claim under 42 U.S.C. § 1983')).toEqual([[w('claim')], [w('under')], [x('42 U.S.C. § 1983')]]);
    expect(groups('§ 1983 claims')).toEqual([[x('§ 1983')], [w('claims')]]);
    expect(groups('§1983')).toEqual([[x('§1983')]]);
    expect(groups('F.3d')).toEqual([[x('F.3d')]]);
    expect(groups('123 F. Supp. 2d 456')).toEqual([[x('123 F. Supp. 2d 456')]]);
    expect(groups('F. Supp. 2d')).toEqual([[x('F. Supp. 2d')]]);
    // A number alone, or a word with a full stop alone, is not a citation.
    expect(groups('1983 ruled.')).toEqual([[w('1983')], [w('ruled.')]]);
  });

  it('reads or between terms as alternatives, and -term as negation', () => {
    expect(groups('mandamus or certiorari denied')).toEqual([[w('mandamus'), w('certiorari')], [w('denied')]]);
    expect(groups('mandamus -certiorari')).toEqual([[w('mandamus')], [w('certiorari', true)]]);
    expect(groups('-"writ of" -F.3d')).toEqual([[x('writ of', true)], [x('F.3d', true)]]);
    expect(groups('"410 U.S. 113" OR "§ 1983"')).toEqual([[x('410 U.S. 113'), x('§ 1983')]]);
  });

  it('never fails: stray operators and syntax characters are left to PostgreSQL as text', () => {
    expect(groups('or')).toEqual([]);
    // Lone dashes are words with no lexemes: they drop out in SQL.
    expect(groups('- or -')).toEqual([[w('-'), w('-')]]);
    expect(groups("a & b | !c <-> 'd':* (")).toEqual([[w('a')], [w('&')], [w('b')], [w('|')], [w('!c')], [w('<->')], [w("'d':*")], [w('(')]]);
    expect(groups('')).toEqual([]);
    const many = parseSearchQuery(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '));
    expect(many.groups).toHaveLength(MAX_QUERY_TERMS);
  });
});

describe('searchSql', () => {
  const build = (parsed: ParsedQuery) => {
    const params: string[] = [];
    const sql = searchSql(parsed, (v) => {
      params.push(v);
      return `$${params.length}`;
    });
    return { ...sql, params };
  };

  it('puts every term in a bind parameter and combines them with tsquery operators', () => {
    const s = build(parseSearchQuery(`mandamus or "410 U.S. 113" -denied'); DROP TABLE x; --`));
    expect(s.params).toEqual(['mandamus', '410 U.S. 113', "denied');", 'DROP', 'TABLE', 'x;', '-']);
    expect(s.match).toBe(
      "((plainto_tsquery('english'::regconfig, casegraph_search_text($1)) || casegraph_exact_query($2)) && " +
        "((!! plainto_tsquery('english'::regconfig, casegraph_search_text($3)))) && " +
        "(plainto_tsquery('english'::regconfig, casegraph_search_text($4))) && (plainto_tsquery('english'::regconfig, casegraph_search_text($5))) && " +
        "(plainto_tsquery('english'::regconfig, casegraph_search_text($6))) && ((!! plainto_tsquery('english'::regconfig, casegraph_search_text($7)))))",
    );
    for (const p of s.params) expect(s.match).not.toContain(p);
    // The highlight query has the positive terms, phrases parsed as ts_headline parses the page.
    expect(s.headline).toContain("phraseto_tsquery('english'::regconfig, casegraph_search_text($2))");
    expect(s.headline).not.toContain('$3');
    // Ranked by the match or the exact form of each positive word (not of a negated one).
    expect(s.rank.startsWith(`(${s.match} || CASE WHEN numnode(plainto_tsquery('english'::regconfig, casegraph_search_text($1))) > 0`)).toBe(true);
    expect(s.rank).toContain('casegraph_exact_query($1)');
    expect(s.rank).not.toContain('casegraph_exact_query($3)');
  });

  it('an empty query matches nothing', () => {
    expect(build(parseSearchQuery('or'))).toEqual({ match: "''::tsquery", rank: "''::tsquery", headline: "''::tsquery", params: [] });
  });
});
