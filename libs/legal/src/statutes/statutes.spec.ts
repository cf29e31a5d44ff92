import type { LegalMention } from '../types';
import { CODES } from './codes';
import { STATES } from './states';
import { findStatutes, statuteKey } from './statutes';

// Every sentence here is written for these tests (invented facts; real code names).

function keys(text: string): string[] {
  return findStatutes(text).map((m) => m.key);
}
function texts(text: string): string[] {
  return findStatutes(text).map((m) => m.text);
}
function one(text: string): LegalMention {
  const ms = findStatutes(text);
  expect(ms).toHaveLength(1);
  return ms[0];
}

describe('findStatutes: mentions', () => {
  it('returns STATUTE mentions whose text is the span of the input', () => {
    const text = 'The claim arises under 42 U.S.C. § 1983 and Fed. R. Civ. P. 12(b)(6) governs.';
    const ms = findStatutes(text);
    expect(ms).toHaveLength(2);
    for (const m of ms) {
      expect(m.type).toBe('STATUTE');
      expect(m.method).toBe('legal:statute');
      expect(m.text).toBe(text.slice(m.start, m.end));
      expect(m.confidence).toBeGreaterThan(0);
      expect(m.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('carries jurisdiction, code, title, section, subsections, sectionKey and kind', () => {
    const m = one('Jurisdiction is proper under 8 U.S.C. § 1101(a)(43)(F).');
    expect(m.text).toBe('8 U.S.C. § 1101(a)(43)(F)');
    expect(m.key).toBe('us usc 8 1101(a)(43)(f)');
    expect(m.attributes).toMatchObject({
      jurisdiction: 'us',
      code: 'usc',
      title: '8',
      section: '1101',
      subsections: ['a', '43', 'F'],
      sectionKey: 'us usc 8 1101',
      kind: 'statute',
    });
  });

  it('returns nothing for text without statutes', () => {
    expect(findStatutes('')).toEqual([]);
    expect(findStatutes('The parties met on March 3, 2020 to discuss the lease.')).toEqual([]);
  });
});

describe('federal statutes and regulations', () => {
  it.each([
    ['Plaintiff sues under 42 U.S.C. § 1983.', '42 U.S.C. § 1983', 'us usc 42 1983'],
    ['The court has jurisdiction, 28 USC 1331.', '28 USC 1331', 'us usc 28 1331'],
    ['See 42 U.S.C.A. § 1983.', '42 U.S.C.A. § 1983', 'us usc 42 1983'],
    ['See 18 U.S.C.S. § 924(c).', '18 U.S.C.S. § 924(c)', 'us usc 18 924(c)'],
    ['See 42 U.S.C § 1983.', '42 U.S.C § 1983', 'us usc 42 1983'],
    ['The regulation is 17 C.F.R. § 240.10b-5.', '17 C.F.R. § 240.10b-5', 'us cfr 17 240.10b-5'],
    ['See 20 CFR 404.1567(b).', '20 CFR 404.1567(b)', 'us cfr 20 404.1567(b)'],
    ['The Board acts under 8 C.F.R. pt. 1003.', '8 C.F.R. pt. 1003', 'us cfr 8 pt 1003'],
    ['The rule was published at 85 Fed. Reg. 12345 (Mar. 3, 2020).', '85 Fed. Reg. 12345', 'us fed reg 85 12345'],
    ['The rule appears at 82 Fed. Reg. 13,209.', '82 Fed. Reg. 13,209', 'us fed reg 82 13209'],
    ['See 124 Stat. 1376.', '124 Stat. 1376', 'us stat 124 1376'],
    ['The Act, Pub. L. No. 111-203, was signed.', 'Pub. L. No. 111-203', 'us pub l 111-203'],
    ['See U.S.S.G. § 2B1.1(b)(1).', 'U.S.S.G. § 2B1.1(b)(1)', 'us ussg 2b1.1(b)(1)'],
    ['He received a reduction under USSG §3E1.1.', 'USSG §3E1.1', 'us ussg 3e1.1'],
  ])('%s', (sentence, text, key) => {
    const m = one(sentence);
    expect(m.text).toBe(text);
    expect(m.key).toBe(key);
  });

  it('states "et seq." as an attribute; the span ends at the section', () => {
    const m = one('Title VII, 42 U.S.C. § 2000e et seq., forbids it.');
    expect(m.text).toBe('42 U.S.C. § 2000e');
    expect(m.key).toBe('us usc 42 2000e');
    expect(m.attributes?.etSeq).toBe(true);
  });

  it('gives kinds: regulation, session_law, guideline', () => {
    const ms = findStatutes('See 17 C.F.R. § 240.10b-5; 124 Stat. 1376; U.S.S.G. § 2B1.1; 85 Fed. Reg. 12345.');
    expect(ms.map((m) => m.attributes?.kind)).toEqual(['regulation', 'session_law', 'guideline', 'regulation']);
  });

  it('reads citations broken over lines and padded with spaces', () => {
    const m = one('The petition was filed under  28\nU.S.C.                §\n   2254(d)(1).');
    expect(m.key).toBe('us usc 28 2254(d)(1)');
    expect(m.text.startsWith('28')).toBe(true);
  });

  it('reads a Public Law section as part of that law', () => {
    const ms = findStatutes('See the Act of 2002, Pub. L. No. 107-347, § 205, 116 Stat. 2899.');
    expect(ms.map((m) => m.key)).toEqual(['us pub l 107-347', 'us pub l 107-347 205', 'us stat 116 2899']);
  });
});

describe('subsections, roll-up and siblings', () => {
  it('keeps sibling subsections apart and rolls them up to one section', () => {
    const [f, g] = findStatutes('The offense falls under 8 U.S.C. § 1101(a)(43)(F) and § 1101(a)(43)(G).');
    expect(f.key).toBe('us usc 8 1101(a)(43)(f)');
    expect(g.key).toBe('us usc 8 1101(a)(43)(g)');
    expect(f.key).not.toBe(g.key);
    expect(f.attributes?.sectionKey).toBe(g.attributes?.sectionKey);
  });

  it('"§ 1983" and "§ 1983(a)" share the section key', () => {
    const ms = findStatutes('Claims under 42 U.S.C. § 1983 and 42 U.S.C. § 1983(a) differ.');
    expect(ms.map((m) => m.key)).toEqual(['us usc 42 1983', 'us usc 42 1983(a)']);
    expect(ms[0].attributes?.sectionKey).toBe('us usc 42 1983');
    expect(ms[1].attributes?.sectionKey).toBe('us usc 42 1983');
  });

  it('never takes a year parenthetical for a subsection', () => {
    const m = one('See 42 U.S.C. § 1983 (2018) and nothing else.');
    expect(m.text).toBe('42 U.S.C. § 1983');
    expect(m.attributes?.subsections).toEqual([]);
    const n = one('See 28 U.S.C. § 2254(d) (2000).');
    expect(n.key).toBe('us usc 28 2254(d)');
  });

  it('keeps a trailing subsection at the end of a sentence', () => {
    expect(keys('The statute is 8 U.S.C. § 1101(a)(43)(G).')).toEqual(['us usc 8 1101(a)(43)(g)']);
  });

  it('reads bracketed and spaced subsections', () => {
    expect(keys('See CPLR 511[a] and OCGA § 5-6-35 (a) (5).')).toEqual(['ny cplr 511(a)', 'ga code 5-6-35(a)(5)']);
  });

  it('reads "subd." subsections of California codes', () => {
    expect(keys('(See Code Civ. Proc., § 128, subd. (a)(8).) The California court agreed.')).toEqual(['ca civ proc code 128(a)(8)']);
  });
});

describe('lists and ranges', () => {
  it('"§§ 1983 and 1985": one mention per section, the later one spans its number', () => {
    const ms = findStatutes('Plaintiffs sue under 42 U.S.C. §§ 1983 and 1985.');
    expect(ms.map((m) => [m.text, m.key])).toEqual([
      ['42 U.S.C. §§ 1983', 'us usc 42 1983'],
      ['1985', 'us usc 42 1985'],
    ]);
  });

  it('"§§ 78j(b), 78t(a)"', () => {
    expect(keys('The claims arise under 15 U.S.C. §§ 78j(b), 78t(a).')).toEqual(['us usc 15 78j(b)', 'us usc 15 78t(a)']);
  });

  it('sibling subsections after a comma replace the last level', () => {
    const ms = findStatutes('The offenses are listed in S.C. Code Ann. § 44-48-30(2)(d), (i), (k) (2018).');
    expect(ms.map((m) => [m.text, m.key])).toEqual([
      ['S.C. Code Ann. § 44-48-30(2)(d)', 'sc code 44-48-30(2)(d)'],
      ['(i)', 'sc code 44-48-30(2)(i)'],
      ['(k)', 'sc code 44-48-30(2)(k)'],
    ]);
  });

  it('siblings align on the level of the same kind', () => {
    expect(keys('Records are exempt under 5 U.S.C. § 552(b)(5), (7)(C).')).toEqual(['us usc 5 552(b)(5)', 'us usc 5 552(b)(7)(c)']);
    expect(keys('See 8 U.S.C. § 1182(a)(1), (b).')).toEqual(['us usc 8 1182(a)(1)', 'us usc 8 1182(b)']);
  });

  it('"§§ 2254(d)(1)-(2)": one mention with the last subsection of the range', () => {
    const m = one('Relief is barred by 28 U.S.C. §§ 2254(d)(1)-(2).');
    expect(m.key).toBe('us usc 28 2254(d)(1)');
    expect(m.attributes?.throughSubsections).toEqual(['d', '2']);
  });

  it('"§§ 101-110": one mention, the first section, with through', () => {
    const m = one('Definitions appear in 11 U.S.C. §§ 101-110.');
    expect(m.key).toBe('us usc 11 101');
    expect(m.attributes?.through).toBe('110');
  });

  it('ranges written with "to" and a partial end', () => {
    const m = one('The Act is codified at S.C. Code Ann. § 44-48-10 to -170 (2018).');
    expect(m.key).toBe('sc code 44-48-10');
    expect(m.attributes?.through).toBe('44-48-170');
    const t = one('See Tex. Civ. Prac. & Rem. Code §§ 154.021–.073.');
    expect(t.attributes?.through).toBe('154.073');
  });

  it('a later list item may repeat only the end of the first ("§§ 12-341, -341.01(A)")', () => {
    expect(keys('Fees are awarded under A.R.S. §§ 12-341, -341.01(A).')).toEqual(['az rev stat 12-341', 'az rev stat 12-341.01(a)']);
  });

  it("a session law's section is not a code section", () => {
    expect(keys('See OCGA § 9-11-12; Ga. L. 2005, p. 1, § 2.')).toEqual(['ga code 9-11-12']);
  });

  it('a hyphenated state section is one section, not a range', () => {
    const m = one('The limitation is in N.D.C.C. § 28-01-46.');
    expect(m.key).toBe('nd cent code 28-01-46');
    expect(m.attributes?.through).toBeUndefined();
  });

  it('a number after "and" that does not look like a section is not one', () => {
    expect(keys('It sued under 10 Del. C. § 564 and 3 other statutes.')).toEqual(['de code 10 564']);
  });

  it('a list ends before the next citation', () => {
    expect(keys('See 42 U.S.C. § 1983, 28 U.S.C. § 1343.')).toEqual(['us usc 42 1983', 'us usc 28 1343']);
  });
});

describe('constitutions', () => {
  it.each([
    ['U.S. Const. amend. XIV, § 1', 'us const amend 14 1'],
    ['U.S. Const. art. III, § 2, cl. 1', 'us const art 3 2 cl 1'],
    ['U.S. CONST. amend. V', 'us const amend 5'],
    ['U.S. Const. am. XI', 'us const amend 11'],
    ['N.D. Const. art. I, § 12', 'nd const art 1 12'],
    ['Cal. Const. art. I, § 7', 'ca const art 1 7'],
    ['Ky. Const. § 2', 'ky const 2'],
  ])('%s', (cite, key) => {
    const m = one(`The guarantee is found in ${cite}. It applies.`);
    expect(m.text).toBe(cite);
    expect(m.key).toBe(key);
    expect(m.attributes?.kind).toBe('constitution');
  });

  it('roll-up of a constitution is its article or amendment', () => {
    expect(one('See U.S. Const. amend. XIV, § 1.').attributes?.sectionKey).toBe('us const amend 14');
  });

  it.each([
    ['the Fourteenth Amendment', 'Fourteenth Amendment', 'us const amend 14'],
    ['the Eighth Amendment', 'Eighth Amendment', 'us const amend 8'],
    ['the First Amendment', 'First Amendment', 'us const amend 1'],
    ['the 14th Amendment', '14th Amendment', 'us const amend 14'],
    ['the Twenty-First Amendment', 'Twenty-First Amendment', 'us const amend 21'],
  ])('ordinal amendment: %s', (phrase, text, key) => {
    const m = one(`The claim rests on ${phrase} alone.`);
    expect(m.text).toBe(text);
    expect(m.key).toBe(key);
  });

  it('"the Fifth and Fourteenth Amendments" are two amendments', () => {
    expect(keys('Due process under the Fifth and Fourteenth Amendments is the same.')).toEqual(['us const amend 5', 'us const amend 14']);
  });

  it('"Article I, Section 8, Clause 3 of the United States Constitution"', () => {
    expect(keys('Article I, Section 8, Clause 3 of the United States Constitution grants the power.')).toEqual(['us const art 1 8 cl 3']);
  });

  it('"Ky. Const. §§ 14, 54": one mention per section', () => {
    expect(keys('See KRS 342.0011; Ky. Const. §§ 14, 54.')).toEqual(['ky rev stat 342.0011', 'ky const 14', 'ky const 54']);
  });

  it('"Article III of the Constitution" and a state article', () => {
    expect(keys('Article III of the Constitution limits the courts.')).toEqual(['us const art 3']);
    expect(keys('Section 6 of Article VIII of the Texas Constitution forbids it.')).toEqual(['tx const art 8 6']);
  });

  it('"First Amendment of the United States Constitution" is one', () => {
    expect(keys('No claim under the First Amendment of the United States Constitution is made.')).toEqual(['us const amend 1']);
  });

  it('decided: contract amendments and organisations are not the Constitution', () => {
    expect(findStatutes('Amendment No. 2 to the contract changed the price.')).toEqual([]);
    expect(findStatutes('The Second Amendment to the Lease extended the term.')).toEqual([]);
    expect(findStatutes('The First Amendment Institute filed a brief.')).toEqual([]);
  });
});

describe('court rules', () => {
  it.each([
    ['Fed. R. Civ. P. 12(b)(6)', 'us frcp 12(b)(6)'],
    ['Fed. R. Crim. P. 11', 'us frcrp 11'],
    ['Fed. R. App. P. 4(a)', 'us frap 4(a)'],
    ['Fed. R. Evid. 702', 'us fre 702'],
    ['Fed. R. Bankr. P. 3001', 'us frbp 3001'],
    ['Fed.R.Civ.P. 56(c)', 'us frcp 56(c)'],
    ['Federal Rule of Civil Procedure 56', 'us frcp 56'],
    ['Federal Rule of Evidence 403', 'us fre 403'],
    ['Sup. Ct. R. 10', 'us sup ct r 10'],
    ['N.D.R.Civ.P. 56', 'nd rcp 56'],
    ['N.D.R.App.P. 35', 'nd rap 35'],
    ['Tex. R. Civ. P. 91a', 'tx rcp 91a'],
    ['TEX. R. APP. P. 52.8(d)', 'tx rap 52.8(d)'],
    ['Ill. S. Ct. R. 402', 'il sup ct r 402'],
    ['9th Cir. R. 36-3', 'us 9th cir r 36-3'],
  ])('%s', (cite, key) => {
    const m = one(`The motion is governed by ${cite}, as the court held.`);
    expect(m.text).toBe(cite);
    expect(m.key).toBe(key);
    expect(m.attributes?.kind).toBe('rule');
  });

  it('"Rule 12(b)(6)" takes the rule set the document cited', () => {
    const ms = findStatutes('Defendants move under Fed. R. Civ. P. 12(b)(6). A Rule 12(b)(6) motion tests the complaint.');
    expect(ms.map((m) => m.key)).toEqual(['us frcp 12(b)(6)', 'us frcp 12(b)(6)']);
  });

  it('"Rule 702" takes the set that cites rule 702', () => {
    const ms = findStatutes('See Fed. R. Civ. P. 56(a) and Fed. R. Evid. 702. Under Rule 702 the expert may testify.');
    expect(ms.map((m) => m.key)).toEqual(['us frcp 56(a)', 'us fre 702', 'us fre 702']);
  });

  it('a set named by "of the Rules Governing" serves the later bare rule', () => {
    expect(keys('Under Rule 4 of the Rules Governing § 2254 Cases, the judge screens it. Rule 4 applies here.')).toEqual([
      'us habeas 2254 r 4',
      'us habeas 2254 r 4',
    ]);
  });

  it('"Rule N of the Federal Rules of X" names its set', () => {
    expect(keys('Under Rule 22(b) of the Federal Rules of Appellate Procedure, no certificate issues.')).toEqual(['us frap 22(b)']);
  });

  it('a bare Rule with subsections and no rule set cited is kept unresolved', () => {
    const m = one('A Rule 12(b)(6) motion tests the pleading.');
    expect(m.key).toBe('rule 12(b)(6)');
    expect(m.attributes?.jurisdiction).toBeNull();
  });

  it('capitals: FED. R. CIV. P. 56(a)', () => {
    expect(keys('See FED. R. CIV. P. 56(a); TEX. PENAL CODE ANN. § 22.01.')).toEqual(['us frcp 56(a)', 'tx penal code 22.01']);
  });

  it('a docket number in a caption column is not a section', () => {
    expect(findStatutes('Movant, § CIVIL ACTION\nv. § 4:21-CV-110-A\nUNITED STATES §')).toEqual([]);
  });

  it('decided: a bare Rule with no rule set cited, "Rule of law", "<Name> Rule" are dropped', () => {
    expect(findStatutes('Rule 12 of the club says members pay dues.')).toEqual([]);
    expect(findStatutes('The rule of law requires it. The Rule of Law applies.')).toEqual([]);
    expect(keys('See Fed. R. Civ. P. 56. The Appellate Rule 4 deadline passed.')).toEqual(['us frcp 56']);
  });

  it('decided: "Rule 10b-5" is the regulation, local rules are local', () => {
    expect(keys('They state a claim under Rule 10b-5.')).toEqual(['us cfr 17 240.10b-5']);
    expect(keys('Counsel ignored Local Rule 56.1(a).')).toEqual(['local rule 56.1(a)']);
  });

  it('"CPLR 3211(a)(7)" is New York practice law', () => {
    expect(keys('The motion under CPLR 3211(a)(7) was denied.')).toEqual(['ny cplr 3211(a)(7)']);
  });
});

describe('Restatements (decided: kept, kind secondary)', () => {
  it('Restatement (Second) of Torts § 402A', () => {
    const m = one('Strict liability follows Restatement (Second) of Torts § 402A in this state.');
    expect(m.key).toBe('restatement second torts 402a');
    expect(m.attributes?.kind).toBe('secondary');
  });
});

describe('state codes', () => {
  it.each([
    ['N.D.C.C. § 28-01-46', 'nd cent code 28-01-46'],
    ['N.D. Cent. Code § 12.1-32-02', 'nd cent code 12.1-32-02'],
    ['Cal. Civ. Code § 1714', 'ca civ code 1714'],
    ['Cal. Penal Code § 187', 'ca penal code 187'],
    ['Cal. Bus. & Prof. Code § 17200', 'ca bus & prof code 17200'],
    ['Ky. Rev. Stat. § 342.0011', 'ky rev stat 342.0011'],
    ['KRS 342.0011', 'ky rev stat 342.0011'],
    ['Tex. Penal Code Ann. § 22.01', 'tx penal code 22.01'],
    ['Tex. Civ. Prac. & Rem. Code § 16.003', 'tx civ prac & rem code 16.003'],
    ['N.Y. Penal Law § 125.25', 'ny penal law 125.25'],
    ['N.Y. CPLR 214', 'ny cplr 214'],
    ['Fla. Stat. § 768.81', 'fl stat 768.81'],
    ['735 ILCS 5/2-619', 'il comp stat 735 5/2-619'],
    ['720 Ill. Comp. Stat. 5/9-1', 'il comp stat 720 5/9-1'],
    ['Ohio Rev. Code Ann. § 2305.10', 'oh rev code 2305.10'],
    ['R.C. 2305.10', 'oh rev code 2305.10'],
    ['Mich. Comp. Laws § 600.5805', 'mi comp laws 600.5805'],
    ['MCL 600.5805', 'mi comp laws 600.5805'],
    ['Mass. Gen. Laws ch. 93A, § 2', 'ma gen laws 93a 2'],
    ['G.L. c. 93A, § 2', 'ma gen laws 93a 2'],
    ['42 Pa. Cons. Stat. § 5524', 'pa cons stat 42 5524'],
    ['42 Pa.C.S. § 5524', 'pa cons stat 42 5524'],
    ['N.J. Stat. Ann. § 2A:14-2', 'nj stat 2a:14-2'],
    ['N.J.S.A. 2A:14-2', 'nj stat 2a:14-2'],
    ['Va. Code Ann. § 8.01-243', 'va code 8.01-243'],
    ['Ga. Code Ann. § 9-3-33', 'ga code 9-3-33'],
    ['O.C.G.A. § 9-3-33', 'ga code 9-3-33'],
    ['Wis. Stat. § 893.54', 'wi stat 893.54'],
    ['Minn. Stat. § 541.05', 'mn stat 541.05'],
    ['Mo. Rev. Stat. § 516.120', 'mo rev stat 516.120'],
    ['RSMo § 516.120', 'mo rev stat 516.120'],
    ['La. Rev. Stat. Ann. § 9:2800', 'la rev stat 9:2800'],
    ['La. C.C. art. 2315', 'la civ code 2315'],
    ['Ariz. Rev. Stat. § 12-542', 'az rev stat 12-542'],
    ['A.R.S. § 12-542', 'az rev stat 12-542'],
    ['Colo. Rev. Stat. § 13-80-102', 'co rev stat 13-80-102'],
    ['C.R.S. § 13-80-102', 'co rev stat 13-80-102'],
    ['Wash. Rev. Code § 4.16.080', 'wa rev code 4.16.080'],
    ['RCW 4.16.080', 'wa rev code 4.16.080'],
    ['Or. Rev. Stat. § 12.110', 'or rev stat 12.110'],
    ['ORS 12.110', 'or rev stat 12.110'],
    ['Nev. Rev. Stat. § 11.190', 'nv rev stat 11.190'],
    ['NRS 11.190', 'nv rev stat 11.190'],
    ['Tenn. Code Ann. § 28-3-104', 'tn code 28-3-104'],
    ['Ind. Code § 34-11-2-4', 'in code 34-11-2-4'],
    ['Iowa Code § 614.1', 'ia code 614.1'],
    ['Kan. Stat. Ann. § 60-513', 'ks stat 60-513'],
    ['K.S.A. 60-513', 'ks stat 60-513'],
    ['Neb. Rev. Stat. § 25-207', 'ne rev stat 25-207'],
    ['S.C. Code Ann. § 15-3-530', 'sc code 15-3-530'],
    ['N.C. Gen. Stat. § 1-52', 'nc gen stat 1-52'],
    ['Ala. Code § 6-2-38', 'al code 6-2-38'],
    ['Miss. Code Ann. § 15-1-49', 'ms code 15-1-49'],
    ['Ark. Code Ann. § 16-56-105', 'ar code 16-56-105'],
    ['Okla. Stat. tit. 12, § 95', 'ok stat 12 95'],
    ['12 O.S. § 95', 'ok stat 12 95'],
    ['Conn. Gen. Stat. § 52-577', 'ct gen stat 52-577'],
    ['General Statutes § 52-577', 'ct gen stat 52-577'],
    ['Md. Code Ann., Cts. & Jud. Proc. § 5-101', 'md cts & jud proc code 5-101'],
    ['Del. Code Ann. tit. 10, § 8119', 'de code 10 8119'],
    ['10 Del. C. § 8119', 'de code 10 8119'],
    ['Haw. Rev. Stat. § 657-7', 'hi rev stat 657-7'],
    ['Idaho Code § 5-219', 'id code 5-219'],
    ['Mont. Code Ann. § 27-2-204', 'mt code 27-2-204'],
    ['N.M. Stat. Ann. § 37-1-8', 'nm stat 37-1-8'],
    ['Utah Code Ann. § 78B-2-307', 'ut code 78b-2-307'],
    ['Vt. Stat. Ann. tit. 12, § 512', 'vt stat 12 512'],
    ['12 V.S.A. § 512', 'vt stat 12 512'],
    ['Wyo. Stat. Ann. § 1-3-105', 'wy stat 1-3-105'],
    ['W. Va. Code § 55-2-12', 'wv code 55-2-12'],
    ['Alaska Stat. § 09.10.070', 'ak stat 09.10.070'],
    ['Me. Rev. Stat. tit. 14, § 752', 'me rev stat 14 752'],
    ['14 M.R.S. § 752', 'me rev stat 14 752'],
    ['N.H. Rev. Stat. Ann. § 508:4', 'nh rev stat 508:4'],
    ['RSA 508:4', 'nh rev stat 508:4'],
    ['R.I. Gen. Laws § 9-1-14', 'ri gen laws 9-1-14'],
    ['S.D. Codified Laws § 15-2-14', 'sd codified laws 15-2-14'],
    ['SDCL 15-2-14', 'sd codified laws 15-2-14'],
    ['D.C. Code § 12-301', 'dc code 12-301'],
    ['P.R. Laws Ann. tit. 31, § 5141', 'pr laws 31 5141'],
    ['31 L.P.R.A. § 5141', 'pr laws 31 5141'],
    ['Tex. Code Crim. Proc. Ann. art. 46.04', 'tx crim proc code 46.04'],
    ['Tex. Fam. Code § 153.002', 'tx fam code 153.002'],
    ['Cal. Welf. & Inst. Code § 300', 'ca welf & inst code 300'],
    ['N.Y. Gen. Oblig. Law § 5-1401', 'ny gen obligations law 5-1401'],
    ['Vehicle and Traffic Law § 1192', 'ny veh & traffic law 1192'],
    ['75 Pa.C.S. § 1547(b)(1)(i)', 'pa cons stat 75 1547(b)(1)(i)'],
  ])('%s', (cite, key) => {
    const m = one(`The court applied ${cite} to the facts.`);
    expect(m.text).toBe(cite);
    expect(m.key).toBe(key);
    expect(m.attributes?.kind).toBe('statute');
  });

  it('full names and abbreviations of one code share the key', () => {
    expect(keys('See North Dakota Century Code § 28-01-46.')).toEqual(['nd cent code 28-01-46']);
    expect(keys('See Tennessee Code Annotated section 48-217-101.')).toEqual(['tn code 48-217-101']);
    expect(keys('See Business and Professions Code section 17200 in a California case.')).toEqual(['ca bus & prof code 17200']);
    expect(keys('See the Texas Code of Criminal Procedure, Article 46.04.')).toEqual(['tx crim proc code 46.04']);
  });

  it('California official style: "Pen. Code, § 187", "Health & Saf. Code"', () => {
    expect(keys('In California the jury was instructed on Pen. Code, § 187 and Health & Saf. Code, § 11350.')).toEqual([
      'ca penal code 187',
      'ca health & safety code 11350',
    ]);
  });

  it('codes written after the section', () => {
    expect(keys('See section 28-01-46, N.D.C.C.')).toEqual(['nd cent code 28-01-46']);
    expect(keys('See section 516.120, RSMo 2016.')).toEqual(['mo rev stat 516.120']);
    expect(keys('See section 13-80-102, C.R.S. (2019).')).toEqual(['co rev stat 13-80-102']);
    expect(keys('See § 768.81, Fla. Stat. (2018).')).toEqual(['fl stat 768.81']);
  });

  it('"Section N of the Vehicle Code" in a Pennsylvania opinion is a title of Pa.C.S.', () => {
    expect(keys('Pennsylvania suspended the licence under Section 1547(b)(1)(i) of the Vehicle Code.')).toEqual(['pa cons stat 75 1547(b)(1)(i)']);
  });
});

describe('more state forms', () => {
  it.each([
    ['Ill. Rev. Stat. 1991, ch. 110, par. 2-619', 'il rev stat 110 2-619'],
    ['Minn. Stat. § 541.05, subd. 1(5)', 'mn stat 541.05(1)(5)'],
    ['N.D.C.C. ch. 32-12.2', 'nd cent code ch 32-12.2'],
    ['Md. Code, Crim. Law § 3-202', 'md crim law code 3-202'],
    ["Tex. Gov't Code Ann. § 311.021", 'tx govt code 311.021'],
    ['Louisiana Civil Code article 2315', 'la civ code 2315'],
    ['I.C. § 5-219', 'id code 5-219'],
    ['22 NYCRR 202.8-b', 'ny comp codes r & regs 22 202.8-b'],
    ['Cal. Code Regs., tit. 15, § 3000', 'ca code regs 15 3000'],
    ['I.C. § 34-11-2-4', 'in code 34-11-2-4'],
    ['N.Y. Const., art. I, § 6', 'ny const art 1 6'],
    ['Ohio Constitution, Article I, Section 16', 'oh const art 1 16'],
    ['Art. I, § 12 of the North Dakota Constitution', 'nd const art 1 12'],
  ])('%s', (cite, key) => {
    const m = one(`The court applied ${cite} to the facts.`);
    expect(m.text).toBe(cite);
    expect(m.key).toBe(key);
  });

  it.each([
    ['Pa.R.C.P. No. 1035.2', 'pa rcp 1035.2'],
    ['Cal. Rules of Court, rule 8.500(b)', 'ca rules of court 8.500(b)'],
    ['Md. Rule 2-501', 'md rule 2-501'],
    ['FRCP 12(b)(6)', 'us frcp 12(b)(6)'],
    ['N.D.R.Ct. 3.2', 'nd rct 3.2'],
    ['Rule 59(e), SCRCP', 'sc rcp 59(e)'],
    ['Civ.R. 56(C)', 'oh rcp 56(c)'],
    ['Crim.R. 32.1', 'oh rcrp 32.1'],
    ['MCR 2.116(C)(10)', 'mi ct r 2.116(c)(10)'],
    ['MRE 702', 'mi re 702'],
    ['C.R.C.P. 12(b)(5)', 'co rcp 12(b)(5)'],
    ['Practice Book § 23-24', 'ct practice book 23-24'],
    ['R. 4:46-2(c)', 'nj ct r 4:46-2(c)'],
  ])('rule %s', (cite, key) => {
    const m = one(`The motion is governed by ${cite} here.`);
    expect(m.text).toBe(cite);
    expect(m.key).toBe(key);
  });

  it('Virginia writes its code as "Code § N"', () => {
    expect(keys('In Virginia the period is set by Code § 8.01-243(A). Virginia courts agree.')).toEqual(['va code 8.01-243(a)']);
  });

  it('an act section followed by its code cite takes the code key', () => {
    const ms = findStatutes('Under section 2-619 of the Code of Civil Procedure (735 ILCS 5/2-619 (West 2016)), it was dismissed.');
    expect(ms.map((m) => [m.text, m.key])).toEqual([
      ['section 2-619 of the Code of Civil Procedure', 'il comp stat 735 5/2-619'],
      ['735 ILCS 5/2-619', 'il comp stat 735 5/2-619'],
    ]);
  });

  it('a bare guideline section is a guideline', () => {
    expect(keys('He got U.S.S.G. § 3E1.1(a); § 2B1.1(b)(1) also applies.')).toEqual(['us ussg 3e1.1(a)', 'us ussg 2b1.1(b)(1)']);
  });

  it('"Amendment XIV"', () => {
    expect(keys('Amendment XIV protects it.')).toEqual(['us const amend 14']);
  });

  it('pleading line numbers inside a rule cite', () => {
    expect(keys('dismiss it under Fed. R. Civ. 19 P. 41 without prejudice')).toEqual(['us frcp 41']);
  });
});

describe('DATE-looking statutes are one STATUTE', () => {
  it.each(['N.D.C.C. § 28-01-46', 'Ga. Code Ann. § 9-3-33', 'Ind. Code § 34-11-2-4', 'Ala. Code § 6-2-38', 'W. Va. Code § 5-12-2004'])(
    '%s',
    (cite) => {
      const m = one(`The period ran under ${cite} in that year.`);
      expect(m.text).toBe(cite);
    },
  );
});

describe('bare sections', () => {
  it('"§ 1983" after a U.S.C. cite takes its title', () => {
    const ms = findStatutes('He sued under 42 U.S.C. § 1983. A § 1983 claim needs a state actor.');
    expect(ms.map((m) => m.key)).toEqual(['us usc 42 1983', 'us usc 42 1983']);
  });

  it('a bare section takes the only code the document cites', () => {
    expect(keys('Relief under 28 U.S.C. § 2254 is limited. The period of § 2244(d)(1) applies.')).toEqual(['us usc 28 2254', 'us usc 28 2244(d)(1)']);
  });

  it('with several codes and no same-section cite the key is "section N"', () => {
    expect(keys('See 42 U.S.C. § 1983 and 28 U.S.C. § 1331. Then § 1915(g) bars it.')).toEqual([
      'us usc 42 1983',
      'us usc 28 1331',
      'section 1915(g)',
    ]);
  });

  it('"id. § N" takes the code of the statute cited just before; "id." is not in the span', () => {
    expect(texts('See Tex. Civ. Prac. & Rem. Code § 154.053; id. § 154.073.')[1]).toBe('§ 154.073');
    expect(texts('See TEX. R. APP. P. 52.3; id. R. 52.3(k).')).toEqual(['TEX. R. APP. P. 52.3', 'R. 52.3(k)']);
    expect(keys('See TEX. R. APP. P. 52.3; id. R. 52.3(k).')).toEqual(['tx rap 52.3', 'tx rap 52.3(k)']);
    expect(keys('See Tex. Civ. Prac. & Rem. Code § 154.053; id. § 154.073.')).toEqual([
      'tx civ prac & rem code 154.053',
      'tx civ prac & rem code 154.073',
    ]);
  });

  it('"section N of title M"', () => {
    expect(keys('See 28 U.S.C. § 1291; see also section 1292(b) of title 28.')).toEqual(['us usc 28 1291', 'us usc 28 1292(b)']);
  });

  it('decided: sections of documents are not statutes', () => {
    expect(findStatutes('Section 5 of the Agreement governs termination.')).toEqual([]);
    expect(findStatutes('See Smith Decl. § 4; Am. Compl. § 12; Lease § 3.')).toEqual([]);
    expect(keys('See 42 U.S.C. § 1983. Under § 4.2 of the Purchase Agreement, notice was due.')).toEqual(['us usc 42 1983']);
    expect(findStatutes('Section 7 of the contract and § 9 of this Lease govern.')).toEqual([]);
    expect(findStatutes('See 42 U.S.C. § 1983; Smith Decl. at § 10.').map((m) => m.key)).toEqual(['us usc 42 1983']);
  });

  it('named acts: "INA § 212" and "Section 20(a) of the Exchange Act"', () => {
    expect(keys('Inadmissibility under INA § 212(a)(3)(B) was found.')).toEqual(['us ina 212(a)(3)(b)']);
    expect(keys('Liability under Section 20(a) of the Exchange Act is derivative. Section 20(a) requires control.')).toEqual([
      'us exchange act 20(a)',
      'us exchange act 20(a)',
    ]);
  });
});

describe('statuteKey', () => {
  it.each([
    ['42 U.S.C. § 1983(a)', 'us usc 42 1983(a)'],
    ['8 U.S.C. § 1101(a)(43)(F)', 'us usc 8 1101(a)(43)(f)'],
    ['N.D.C.C. § 28-01-46', 'nd cent code 28-01-46'],
    ['Cal. Civ. Code § 1714', 'ca civ code 1714'],
    ['U.S. Const. amend. XIV, § 1', 'us const amend 14 1'],
    ['Eighth Amendment', 'us const amend 8'],
    ['Fed. R. Civ. P. 12(b)(6)', 'us frcp 12(b)(6)'],
    ['U.S.S.G. § 2B1.1', 'us ussg 2b1.1'],
    ['17 C.F.R. § 240.10b-5', 'us cfr 17 240.10b-5'],
    ['Pub. L. No. 111-203', 'us pub l 111-203'],
    ['124 Stat. 1376', 'us stat 124 1376'],
  ])('%s -> %s', (text, key) => {
    expect(statuteKey(text)).toBe(key);
  });

  it('is undefined for text that is no statute', () => {
    expect(statuteKey('Bell Atlantic Corp. v. Twombly')).toBeUndefined();
    expect(statuteKey('')).toBeUndefined();
  });
});

describe('the code table', () => {
  it('has a code for every state, D.C. and Puerto Rico', () => {
    const have = new Set(CODES.map((c) => c.j));
    const subjectOnly = new Set(['ca', 'tx', 'md', 'ny']); // subject-matter codes, built from their words
    for (const s of STATES) {
      if (s.j === 'gu' || s.j === 'vi') continue;
      if (subjectOnly.has(s.j)) continue;
      expect([s.j, have.has(s.j)]).toEqual([s.j, true]);
    }
  });

  it('every head compiles alone and has no capturing group', () => {
    for (const c of CODES)
      for (const h of c.heads) {
        const re = new RegExp(`(?:${h})|`);
        expect(re.exec('')!.length).toBe(1);
      }
  });
});

describe('texts', () => {
  it('spans of a mixed paragraph', () => {
    expect(texts('Under N.D.C.C. § 28-01-46 and N.D.R.Civ.P. 56, and the Fourteenth Amendment, the claim fails; cf. KRS 342.0011.')).toEqual([
      'N.D.C.C. § 28-01-46',
      'N.D.R.Civ.P. 56',
      'Fourteenth Amendment',
      'KRS 342.0011',
    ]);
  });
});
