import { findBates, parseBates, parseBatesRange } from './bates';

/**
 * The tuning set for findBates: page tails and heads, half stamped in different styles, half with look-alikes only
 * (citations, docket and case numbers, phone numbers, zip codes, dates, "Page 3 of 10"). Written before the rules;
 * the held-out set is bates-heldout.spec.ts.
 */
const TUNING: Array<{ text: string; expect: string | null }> = [
  // stamps at the foot
  { text: 'Thank you for your order.\n\nABC000123', expect: 'ABC000123' },
  { text: 'lorem ipsum\nABC-000124', expect: 'ABC-000124' },
  { text: 'lorem ipsum\n\nABC_000125\n', expect: 'ABC_000125' },
  { text: 'body text\nABC 000126', expect: 'ABC 000126' },
  { text: 'body text\nCONFIDENTIAL ABC000127', expect: 'ABC000127' },
  { text: 'body text\nCONFIDENTIAL - SUBJECT TO PROTECTIVE ORDER        PROD0000001', expect: 'PROD0000001' },
  { text: 'body text\nDEF-PROD-0000042\n', expect: 'DEF-PROD-0000042' },
  { text: 'the meeting is at noon\nSee you then\n\n\n   WIDGET00001234   ', expect: 'WIDGET00001234' },
  { text: 'page text\nPage 3 of 10\nA0001', expect: 'A0001' },
  { text: 'page text\nX1B000777', expect: 'X1B000777' },
  { text: 'line one\nline two\nline three\nline four\nHOUSE-001-000009', expect: 'HOUSE-001-000009' },
  { text: 'Exhibit 12\nABCD000000000001', expect: 'ABCD000000000001' },
  { text: 'text\nSMITH.000033\nprinted 2021-03-04', expect: 'SMITH.000033' },
  { text: 'Attorneys Eyes Only\tZZ00045\n', expect: 'ZZ00045' },
  { text: 'last page\nJD_PROD 0000812', expect: 'JD_PROD 0000812' },
  // stamps at the head
  { text: 'ABC000200\nMEMORANDUM\nTo: all staff\nFrom: HR\n...\nmore text\nsigned\nend', expect: 'ABC000200' },
  { text: 'CONFIDENTIAL                 QRS-00000310\nINVOICE\nqty 3\n...\nitems\ntotal\nthanks', expect: 'QRS-00000310' },
  { text: '\n\nLAW0010\nLetter\nbody\nbody\nbody\nbody', expect: 'LAW0010' },
  { text: 'B 000455\nNotes of the call\nx\ny\nz\nw', expect: 'B 000455' },
  { text: 'TRUST_00009999\nLedger\n1\n2\n3\n4', expect: 'TRUST_00009999' },
  // look-alikes, no stamp
  { text: 'Plaintiff sues under 28 U.S.C. 1983 and 42 U.S.C. § 1988.\n\n7', expect: null },
  { text: 'Case No. 21-1234\nIN THE UNITED STATES COURT OF APPEALS', expect: null },
  { text: 'argument\n\nPage 3 of 10', expect: null },
  { text: 'Call us at 555-123-4567\nor (415) 555-0100', expect: null },
  { text: 'Acme Corp.\n100 Main Street, Suite 1200\nSan Francisco, CA 94105', expect: null },
  { text: 'Dated: January 15, 2021\n2021-01-15\n01/15/2021', expect: null },
  { text: 'Docket No. CV-2021-1234\nSUPERIOR COURT OF CALIFORNIA', expect: null },
  { text: 'Cal. Civ. Code § 1714\nSection 2012 of the Act', expect: null },
  { text: 'Case 1:21-cv-01234-ABC Document 12 Filed 03/04/21 Page 2 of 9 PageID #: 3456', expect: null },
  { text: 'text\nECF No. 1234\nId. at 12', expect: null },
  { text: 'Copyright 2019\nAll rights reserved', expect: null },
  { text: 'text\nNEW YORK, NY 10001', expect: null },
  { text: 'text\nTel 2125551234', expect: null },
  { text: 'text\nSEC 1983\n', expect: null },
  { text: 'Filed 12/03/2019\nJANUARY 2020', expect: null },
  { text: 'the mark is 15 U.S.C. 1125(a)\nfootnote 3', expect: null },
  { text: 'text\nZIP 90210', expect: null },
  { text: 'Form 1099\nW-2 2021', expect: null },
  { text: 'middle of page ABC000999 is cited here\nnext line\nnext\nnext\nnext\nnext\nnext\nfoot', expect: null },
  { text: 'Exhibit A\nEX 1001', expect: null },
];

describe('parseBates', () => {
  it.each([
    ['ABC000123', 'ABC', 123, 6],
    ['ABC-000123', 'ABC', 123, 6],
    ['ABC_000123', 'ABC', 123, 6],
    ['ABC 000123', 'ABC', 123, 6],
    ['ABC.000123', 'ABC', 123, 6],
    ['abc000123', 'ABC', 123, 6],
    ['DEF-PROD-0000042', 'DEFPROD', 42, 7],
    ['HOUSE-001-000009', 'HOUSE001', 9, 6],
    ['X1B000777', 'X1B', 777, 6],
    ['A0001', 'A', 1, 4],
    ['ABCD000000000001', 'ABCD', 1, 12],
  ])('%s → prefix %s, seq %d, %d digits', (s, prefix, seq, digits) => {
    expect(parseBates(s)).toEqual({ bates: s, prefix, seq, digits });
  });

  it.each(['', '000123', 'ABC123', 'ABC0000000000001', 'ABCDEFGHIJKLM000123', 'ABC000123X', 'ABC--000123', '21-1234', 'ABC 000123 000124'])(
    'refuses %p',
    (s) => {
      expect(parseBates(s)).toBeNull();
    },
  );

  it('trims surrounding white space and keeps the number as written', () => {
    expect(parseBates('  ABC-000123\n')).toEqual({ bates: 'ABC-000123', prefix: 'ABC', seq: 123, digits: 6 });
  });
});

describe('parseBatesRange', () => {
  it.each(['ABC000120-ABC000130', 'ABC000120 - ABC000130', 'ABC000120 through ABC000130', 'ABC000120 to ABC000130', 'ABC000120–ABC000130'])(
    '%s',
    (s) => {
      const r = parseBatesRange(s);
      expect(r && { from: r.from.bates, to: r.to.bates, prefix: r.from.prefix, seqs: [r.from.seq, r.to.seq] }).toEqual({
        from: 'ABC000120',
        to: 'ABC000130',
        prefix: 'ABC',
        seqs: [120, 130],
      });
    },
  );

  it('reads a range whose numbers use a dash separator', () => {
    const r = parseBatesRange('ABC-000120 - ABC-000130');
    expect(r && [r.from.bates, r.to.bates]).toEqual(['ABC-000120', 'ABC-000130']);
  });

  it('accepts a single number as a range of one', () => {
    const r = parseBatesRange('ABC000120');
    expect(r && [r.from.seq, r.to.seq]).toEqual([120, 120]);
  });

  it.each(['ABC000130-ABC000120', 'ABC000120-DEF000130', 'ABC000120-', 'nonsense', 'ABC000120 through'])('refuses %p', (s) => {
    expect(parseBatesRange(s)).toBeNull();
  });
});

describe('findBates on the tuning set', () => {
  it.each(TUNING.map((c) => [c.expect ?? '(none)', c.text, c.expect] as const))('%s in %p', (_label, text, expected) => {
    expect(findBates(text)?.bates ?? null).toBe(expected);
  });

  it('returns the parsed number', () => {
    expect(findBates('text\n\nABC-000124')).toEqual({ bates: 'ABC-000124', prefix: 'ABC', seq: 124, digits: 6 });
  });

  it('prefers the foot when head and foot both carry a number', () => {
    expect(findBates('ABC000001\nbody\nbody\nbody\nbody\nABC000002')?.bates).toBe('ABC000002');
  });

  it('finds nothing in an empty or blank page', () => {
    expect(findBates('')).toBeNull();
    expect(findBates('\n \n\t\n')).toBeNull();
  });

  it('stays bounded on a huge single line', () => {
    expect(findBates(`${'A1 '.repeat(200_000)}\nABC000123`)?.bates).toBe('ABC000123');
  });
});
