import type { LegalMention } from '../types';
import { caseCitationKey, findCaseCitations } from './case-citations';

// Every sentence here is invented for the test (names and numbers included); reporter abbreviations are facts.

const of = (text: string, kind?: string): LegalMention[] => findCaseCitations(text).filter((m) => !kind || m.attributes?.kind === kind);
const fulls = (text: string) => of(text, 'full').map((m) => m.key);

describe('findCaseCitations: full citations', () => {
  it.each([
    // federal
    ['See Alder v. Birch, 512 U.S. 101, 105 (1994).', '512 us 101'],
    ['Alder v. Birch, 114 S. Ct. 2001 (1994).', '114 sct 2001'],
    ['Alder v. Birch, 114 S.Ct. 2001 (1994).', '114 sct 2001'],
    ['Alder v. Birch, 129 L. Ed. 2d 44 (1994).', '129 led2d 44'],
    ['Alder v. Birch, 129 L.Ed.2d 44 (1994).', '129 led2d 44'],
    ['Alder v. Birch, 88 L. Ed. 412 (1944).', '88 led 412'],
    ['Cedar Co. v. Doyle, 290 F. 77 (2d Cir. 1923).', '290 f 77'],
    ['Cedar Co. v. Doyle, 900 F.2d 12 (5th Cir. 1990).', '900 f2d 12'],
    ['Cedar Co. v. Doyle, 301 F.3d 1000 (9th Cir. 2002).', '301 f3d 1000'],
    ['Cedar Co. v. Doyle, 5 F.4th 123 (1st Cir. 2021).', '5 f4th 123'],
    ['Cedar Co. v. Doyle, 812 F. Supp. 9 (D. Mass. 1993).', '812 fsupp 9'],
    ['Cedar Co. v. Doyle, 200 F. Supp. 2d 300 (S.D.N.Y. 2002).', '200 fsupp2d 300'],
    ['Cedar Co. v. Doyle, 300 F. Supp. 3d 12 (N.D. Tex. 2018).', '300 fsupp3d 12'],
    ['Cedar Co. v. Doyle, 300 F.Supp.3d 12 (N.D. Tex. 2018).', '300 fsupp3d 12'],
    ["Cedar Co. v. Doyle, 612 F. App'x 55 (3d Cir. 2015).", '612 fappx 55'],
    ['Cedar Co. v. Doyle, 612 Fed. Appx. 55 (3d Cir. 2015).', '612 fappx 55'],
    ['In re Elm Corp., 450 B.R. 77 (Bankr. D. Del. 2011).', '450 br 77'],
    ['Fir v. United States, 120 Fed. Cl. 300 (2015).', '120 fedcl 300'],
    ['Fir v. United States, 180 Ct. Cl. 40 (1967).', '180 ctcl 40'],
    ['Gale v. Commissioner, 140 T.C. 15 (2013).', '140 tc 15'],
    ['Hale v. McDonough, 30 Vet. App. 100 (2018).', '30 vetapp 100'],
    ['United States v. Ives, 75 M.J. 200 (C.A.A.F. 2016).', '75 mj 200'],
    ['Jones v. Keel, 300 F.R.D. 10 (D.D.C. 2014).', '300 frd 10'],
    ['Larch v. Maple, 25 F. Cas. 30 (C.C.D. Va. 1807).', '25 fcas 30'],
    ['Larch v. Maple, 385 U.S. App. D.C. 394 (D.C. Cir. 2009).', '385 usappdc 394'],
    // agencies
    ['Matter of Oak, 25 I&N Dec. 111 (BIA 2009).', '25 in dec 111'],
    ['Pine v. Commissioner, 40 B.T.A. 333 (1939).', '40 bta 333'],
    ['Quill Corp., 300 N.L.R.B. 50 (1990).', '300 nlrb 50'],
    // regional
    ['Reed v. Stone, 100 A. 10 (Pa. 1917).', '100 a 10'],
    ['Reed v. Stone, 500 A.2d 10 (Pa. 1985).', '500 a2d 10'],
    ['Reed v. Stone, 50 A.3d 10 (Pa. 2012).', '50 a3d 10'],
    ['Reed v. Stone, 90 N.E. 10 (Ill. 1909).', '90 ne 10'],
    ['Reed v. Stone, 500 N.E.2d 10 (Ill. 1986).', '500 ne2d 10'],
    ['Reed v. Stone, 50 N.E.3d 10 (Ind. 2016).', '50 ne3d 10'],
    ['Reed v. Stone, 90 N.W. 10 (Mich. 1902).', '90 nw 10'],
    ['Reed v. Stone, 900 N.W.2d 10 (N.D. 2017).', '900 nw2d 10'],
    ['Reed v. Stone, 90 P. 10 (Cal. 1907).', '90 p 10'],
    ['Reed v. Stone, 900 P.2d 10 (Colo. 1995).', '900 p2d 10'],
    ['Reed v. Stone, 400 P.3d 10 (Utah 2017).', '400 p3d 10'],
    ['Reed v. Stone, 90 S.E. 10 (Ga. 1916).', '90 se 10'],
    ['Reed v. Stone, 800 S.E.2d 10 (Va. 2017).', '800 se2d 10'],
    ['Reed v. Stone, 90 S.W. 10 (Tex. 1905).', '90 sw 10'],
    ['Reed v. Stone, 900 S.W.2d 10 (Tex. 1995).', '900 sw2d 10'],
    ['Reed v. Stone, 500 S.W.3d 10 (Tex. 2016).', '500 sw3d 10'],
    ['Reed v. Stone, 90 So. 10 (Fla. 1921).', '90 so 10'],
    ['Reed v. Stone, 900 So. 2d 10 (Fla. 2005).', '900 so2d 10'],
    ['Reed v. Stone, 200 So. 3d 10 (Fla. 2016).', '200 so3d 10'],
    ['Reed v. Stone, 200 So.3d 10 (Fla. 2016).', '200 so3d 10'],
    // official state reports
    ['People v. Rook, 40 Cal. 4th 100 (2007).', '40 cal4th 100'],
    ['People v. Rook, 10 Cal. 5th 100 (2020).', '10 cal5th 100'],
    ['People v. Rook, 150 Cal. App. 4th 100 (2007).', '150 calapp4th 100'],
    ['People v. Rook, 60 Cal. Rptr. 3d 100 (2007).', '60 calrptr3d 100'],
    ['People v. Rook, 200 Ill. 2d 100 (2002).', '200 ill2d 100'],
    ['People v. Rook, 344 Ill. App. 3d 334 (2003).', '344 illapp3d 334'],
    ['People v. Rook, 250 Ill. Dec. 100 (2002).', '250 illdec 100'],
    ['People v. Rook, 10 N.Y.3d 100 (2008).', '10 ny3d 100'],
    ['People v. Rook, 100 A.D.3d 200 (2d Dep’t 2012).', '100 ad3d 200'],
    ['People v. Rook, 30 Misc. 3d 100 (Sup. Ct. 2010).', '30 misc3d 100'],
    ['People v. Rook, 900 N.Y.S.2d 100 (2010).', '900 nys2d 100'],
    ['Commonwealth v. Sage, 450 Mass. 100 (2008).', '450 mass 100'],
    ['Commonwealth v. Sage, 70 Mass. App. Ct. 100 (2007).', '70 massappct 100'],
    ['Commonwealth v. Sage, 600 Pa. 100 (2009).', '600 pa 100'],
    ['Commonwealth v. Sage, 900 Pa. Super. 100 (2009).', '900 pasuper 100'],
    ['State v. Teal, 100 Ohio St. 3d 100 (2003).', '100 ohiost3d 100'],
    ['State v. Teal, 100 Ohio App. 3d 100 (1995).', '100 ohioapp3d 100'],
    ['State v. Teal, 300 Wis. 2d 100 (2007).', '300 wis2d 100'],
    ['State v. Teal, 160 Wash. 2d 100 (2007).', '160 wash2d 100'],
    ['State v. Teal, 160 Wn.2d 100 (2007).', '160 wash2d 100'],
    ['State v. Teal, 190 N.J. 100 (2007).', '190 nj 100'],
    ['State v. Teal, 390 N.J. Super. 100 (App. Div. 2007).', '390 njsuper 100'],
    ['State v. Teal, 300 Conn. 100 (2011).', '300 conn 100'],
    ['State v. Teal, 150 Conn. App. 100 (2014).', '150 connapp 100'],
    ['State v. Teal, 233 Ga. App. 873 (1998).', '233 gaapp 873'],
    ['State v. Teal, 300 N.C. App. 100 (2015).', '300 ncapp 100'],
    ['State v. Teal, 300 S.C. 100 (1990).', '300 sc 100'],
    ['State v. Teal, 200 W. Va. 100 (1997).', '200 wva 100'],
    ['State v. Teal, 100 Utah 100 (1940).', '100 utah 100'],
    ['State v. Teal, 300 Tenn. 100 (1970).', '300 tenn 100'],
    ['State v. Teal, 300 Mich. App. 100 (2013).', '300 michapp 100'],
    ['State v. Teal, 300 Md. App. 100 (2013).', '300 mdapp 100'],
  ])('%s', (sentence, key) => {
    expect(fulls(sentence)).toEqual([key]);
  });

  it('reads New York official style without periods as the same reporter', () => {
    expect(fulls('Matter of Vale v Wren, 128 AD3d 1021 [2d Dept 2015].')).toEqual(['128 ad3d 1021']);
    expect(fulls('Vale v Wren, 20 NY3d 100 [2012].')).toEqual(['20 ny3d 100']);
    expect(fulls('Vale v Wren, 276 AD2d 687 [2d Dept 2000].')).toEqual(['276 ad2d 687']);
    expect(fulls('Vale v Wren, 40 Misc 3d 200 [Sup Ct, Kings County 2013].')).toEqual(['40 misc3d 200']);
    expect(fulls('Vale v Wren, 900 NYS2d 100 [2010].')).toEqual(['900 nys2d 100']);
    expect(caseCitationKey('128 AD3d 1021')).toBe(caseCitationKey('128 A.D.3d 1021'));
  });

  it.each([
    ['Ash v. Bay, 2025 ND 80, ¶ 12.', '2025 nd 80'],
    ['Ash v. Bay, 2020 IL 124.', '2020 il 124'],
    ['In re Ash, 2012 IL App (2d) 111131, ¶ 9.', '2012 ilapp2d 111131'],
    ['Ash v. Bay, 2019 OK 12.', '2019 ok 12'],
    ['Ash v. Bay, 2018 UT 5.', '2018 ut 5'],
    ['Ash v. Bay, 2017 WI 56.', '2017 wi 56'],
    ['Ash v. Bay, 2021 Ark. 12.', '2021 ark 12'],
    ['State v. Ash, 2016-Ohio-5555.', '2016 ohio 5555'],
    ['State v. Ash, 2021-NMSC-007.', '2021 nmsc 7'],
    ['Ash v. Bay, 2019 VT 45.', '2019 vt 45'],
    ['Ash v. Bay, 2020 ME 12.', '2020 me 12'],
    ['Ash v. Bay, 2019 SD 3.', '2019 sd 3'],
    ['Ash v. Bay, 2018 MT 40.', '2018 mt 40'],
    ['Ash v. Bay, 2017 WY 12.', '2017 wy 12'],
    ['Ash v. Bay, 2021 NM 7.', '2021 nm 7'],
    ['Ash v. Bay, 2019 WL 123456, at *3 (S.D.N.Y. Jan. 5, 2019).', '2019 wl 123456'],
    ['Ash v. Bay, No. 18-cv-1, 2019 U.S. Dist. LEXIS 12345 (D. Del. 2019).', '2019 usdistlexis 12345'],
    ['Ash v. Bay, 2019 U.S. App. LEXIS 1234 (3d Cir. 2019).', '2019 usapplexis 1234'],
    ['Ash v. Bay, 2011 Tex. App. LEXIS 4972 (Tex. App. 2011).', '2011 texapplexis 4972'],
    ['Ash v. Bay, 2025 NY Slip Op 31486(U).', '2025 nyslipop 31486'],
  ])('neutral and database citation %s', (sentence, key) => {
    expect(fulls(sentence)).toEqual([key]);
  });

  it('takes any whitespace and line breaks between volume, reporter and page', () => {
    expect(fulls('Alder v. Birch, 512   U.S.   101 (1994).')).toEqual(['512 us 101']);
    expect(fulls('Alder v. Birch, 512\nU.S.\n101 (1994).')).toEqual(['512 us 101']);
    expect(fulls('Alder v. Birch, 200 F.\n      Supp. 3d 300 (D. Kan. 2016).')).toEqual(['200 fsupp3d 300']);
    expect(fulls('Alder v. Birch, 40 L.\nEd. 2d 9 (1974).')).toEqual(['40 led2d 9']);
  });

  it('parses volume, reporter, page, pin, court and year', () => {
    const [m] = of('See Cole v. Dunn, 123 F.3d 456, 460-61 (5th Cir. 2001).', 'full');
    expect(m.text).toBe('123 F.3d 456');
    expect(m.attributes).toMatchObject({ volume: '123', reporter: 'F.3d', page: '456', pin: '460-61', court: '5th Cir.', year: 2001 });
    const [n] = of('Cole v. Dunn, 99 F. Supp. 2d 10, 12 n.3 (N.D. Tex. Mar. 3, 1999).', 'full');
    expect(n.attributes).toMatchObject({ pin: '12 n.3', court: 'N.D. Tex.', year: 1999 });
    const [o] = of('Cole v. Dunn, 500 U.S. 20 (1991).', 'full');
    expect(o.attributes).toMatchObject({ pin: null, court: null, year: 1991 });
    const [p] = of('Cole v. Dunn, 2019 WL 123456, at *4 (E.D. Pa. 2019).', 'full');
    expect(p.attributes).toMatchObject({ pin: '*4', year: 2019 });
    expect(of('Cole v. Dunn, 123 F.3d 456, 460, 462 (5th Cir. 2001).', 'full')[0].attributes?.pin).toBe('460, 462');
  });

  it('keeps pins and parentheticals out of the span and the key', () => {
    const a = of('Cole v. Dunn, 123 F.3d 456, 460 (5th Cir. 2001).', 'full')[0];
    const b = of('Cole v. Dunn, 123 F.3d 456, 470 (5th Cir. 2001).', 'full')[0];
    expect(a.key).toBe(b.key);
    expect(a.text).toBe('123 F.3d 456');
  });

  it('groups parallel citations under the best-ranked reporter', () => {
    const ms = of('Roe v. Wade, 410 U.S. 113, 93 S. Ct. 705, 35 L. Ed. 2d 147 (1973).', 'full');
    expect(ms.map((m) => m.text)).toEqual(['410 U.S. 113', '93 S. Ct. 705', '35 L. Ed. 2d 147']);
    expect(new Set(ms.map((m) => m.key))).toEqual(new Set(['410 us 113']));
    expect(ms[1].attributes?.parallel).toEqual(['410 us 113', '93 sct 705', '35 led2d 147']);
    expect(ms.every((m) => m.attributes?.year === 1973)).toBe(true);
    // unofficial first, official later: the official reporter still gives the key
    expect(new Set(fulls('Ash v. Bay, 93 S. Ct. 705, 410 U.S. 113 (1973).'))).toEqual(new Set(['410 us 113']));
    // neutral before regional
    expect(new Set(fulls('Ash v. Bay, 2019 ND 12, 924 N.W.2d 123.'))).toEqual(new Set(['2019 nd 12']));
    // official state report before regional, with a pin in between
    expect(new Set(fulls('State v. Teal, 386 S.C. 339, 345, 688 S.E.2d 569, 572 (2009).'))).toEqual(new Set(['386 sc 339']));
    // Georgia style: the parallel in parentheses
    expect(new Set(fulls('Teal v. State, 233 Ga. App. 873, 874 (505 SE2d 228) (1998).'))).toEqual(new Set(['233 gaapp 873']));
  });

  it('does not group two cases of one string cite', () => {
    const keys = fulls('See Ash v. Bay, 100 F.3d 1 (1st Cir. 1996); Cole v. Dunn, 200 F.3d 2 (2d Cir. 1999).');
    expect(keys).toEqual(['100 f3d 1', '200 f3d 2']);
  });

  it.each([
    ['5 U.S. states joined the compact.'],
    ['It was 10 F. degrees outside.'],
    ['The hearing was held on June 5, 2019, in Fargo.'],
    ['Jurisdiction lies under 28 U.S.C. § 1331.'],
    ['See 17 C.F.R. § 240.10b-5 (2020).'],
    ['The rule appears at 85 Fed. Reg. 1234 (Jan. 1, 2020).'],
    ['Pub. L. No. 111-203, 124 Stat. 1376 (2010).'],
    ['She owned 3 A lots and 2 B lots.'],
    ['Chapter 11 Or 13 relief was sought.'],
    ['The years 1990 WL and 2000 WL were mentioned.'],
    ['In 1999 ND 5 officers retired.'],
  ])('finds no case citation in %s', (sentence) => {
    expect(of(sentence)).toEqual([]);
  });

  it('reports text equal to the span', () => {
    const text = 'Ash v. Bay, 512 U.S.\n101, 105 (1994); see id. at 106.';
    for (const m of findCaseCitations(text)) expect(text.slice(m.start, m.end)).toBe(m.text);
  });
});

describe('findCaseCitations: case names', () => {
  const names = (text: string) => of(text, 'name').map((m) => [m.text, m.key]);

  it.each([
    ['Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['See Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['See also Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['Cf. Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['But see Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['accord Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['See, e.g., Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['The court agreed. Ford vs. Wainwright, 477 U.S. 399 (1986).', 'Ford vs. Wainwright'],
    ['The court relied on Ford v. Wainwright, 477 U.S. 399 (1986).', 'Ford v. Wainwright'],
    ['In re Gault, 387 U.S. 1 (1967).', 'In re Gault'],
    ['See Ex parte Young, 209 U.S. 123 (1908).', 'Ex parte Young'],
    ['Matter of Quince, 25 I&N Dec. 111 (BIA 2009).', 'Matter of Quince'],
    ['Application of Rowan, 300 F.2d 1 (2d Cir. 1962).', 'Application of Rowan'],
    ['Estate of Sorrel, 100 Cal. App. 4th 1 (2002).', 'Estate of Sorrel'],
    ['State v. Tamsin, 2019 ND 12, 924 N.W.2d 123.', 'State v. Tamsin'],
    ['People v. Umber, 10 N.Y.3d 100 (2008).', 'People v. Umber'],
    ['United States v. Vetch, 500 F.3d 1 (1st Cir. 2007).', 'United States v. Vetch'],
    ['Commonwealth v. Wold, 450 Mass. 100 (2008).', 'Commonwealth v. Wold'],
    ['Bell Atl. Corp. v. Twombly, 550 U.S. 544 (2007).', 'Bell Atl. Corp. v. Twombly'],
    ['Acme Widgets, Inc. v. Baker & Sons Co., 100 F.3d 1 (1st Cir. 1996).', 'Acme Widgets, Inc. v. Baker & Sons Co.'],
    ['Yarrow v. Dep’t of Transp., Bureau of Licensing, 957 A.2d 807 (Pa. Cmwlth. 2008).', 'Yarrow v. Dep’t of Transp., Bureau of Licensing'],
    ['United States ex rel. Zinn v. Acme Corp., 100 F.3d 1 (1st Cir. 1996).', 'United States ex rel. Zinn v. Acme Corp.'],
    ['Sledge v. Astor, No. 08-0089, 2008 WL 4816675 (W.D. Mo. Nov. 4, 2008).', 'Sledge v. Astor'],
    ['(Kell v Karsten, 117 AD3d 912, 912 [2d Dept 2014]).', 'Kell v Karsten'],
    ['In Astor v Abram (92 AD3d 436 [1st Dept 2012]) the court held.', 'Astor v Abram'],
    ['see also al-Nasr v. Rumson, 360 F.3d 707 (4th Cir. 2004).', 'al-Nasr v. Rumson'],
    ['See Tern Co. v. Citizens for a Better Env’t, 523 U.S. 83 (1998).', 'Tern Co. v. Citizens for a Better Env’t'],
    [
      'State ex rel. Yule v. Sixth Judicial Dist. Court of Appeals at Texarkana, 236 S.W.3d 207 (Tex. Crim. App. 2007).',
      'State ex rel. Yule v. Sixth Judicial Dist. Court of Appeals at Texarkana',
    ],
    ['(quoting In the Care and Treatment of Marlow, 345 S.C. 638 (2001)).', 'In the Care and Treatment of Marlow'],
    ['In the Interest of J.Q., 5 A.3d 1 (Pa. 2010).', 'In the Interest of J.Q.'],
    ['See Stone v . Martin-Vila, 118 S. Ct. 1618 (1998).', 'Stone v . Martin-Vila'],
  ])('%s', (sentence, name) => {
    const ns = names(sentence);
    expect(ns.map((n) => n[0])).toEqual([name]);
    expect(ns[0][1]).toBe(fulls(sentence)[0]);
  });

  it('follows a name across a line break and shows it on one line', () => {
    const text = 'See Meadow v. Commis-\nsioner of Correction,\n  300 Conn. 100 (2011).';
    const [n] = of(text, 'name');
    expect(n.text).toBe('Meadow v. Commis-\nsioner of Correction');
    expect(n.display).toBe('Meadow v. Commissioner of Correction');
  });

  it('does not take the words of the sentence before the name', () => {
    expect(names('As the Supreme Court held in Ford v. Wainwright, 477 U.S. 399 (1986), it is so.').map((n) => n[0])).toEqual(['Ford v. Wainwright']);
    expect(names('We affirm. 477 U.S. 399 (1986).')).toEqual([]);
    expect(names('Moreover, Ford v. Wainwright, 477 U.S. 399 (1986).').map((n) => n[0])).toEqual(['Ford v. Wainwright']);
    expect(names('Id. at 5 (quoting Ford v. Wainwright, 477 U.S. 399 (1986)).').map((n) => n[0])).toEqual(['Ford v. Wainwright']);
  });

  it('leaves captions in capitals alone', () => {
    expect(names('JOHN ALDER v. ACME WIDGETS CORPORATION, 100 F.3d 1 (1st Cir. 1996).')).toEqual([]);
  });
});

describe('findCaseCitations: short forms, Id., supra', () => {
  const base = 'Bell Atl. Corp. v. Twombly, 550 U.S. 544, 127 S. Ct. 1955 (2007). Ashcroft v. Iqbal, 556 U.S. 662 (2009). ';

  it('resolves a short form to the earlier full citation with its volume and reporter', () => {
    const ms = of(base + 'See Twombly, 550 U.S. at 570.', 'short');
    expect(ms.map((m) => [m.text, m.key])).toEqual([['550 U.S. at 570', '550 us 544']]);
    expect(ms[0].attributes?.pin).toBe('570');
    const sn = of(base + 'See Twombly, 550 U.S. at 570.', 'shortname');
    expect(sn.map((m) => [m.text, m.key])).toEqual([['Twombly', '550 us 544']]);
  });

  it('resolves a short form of a parallel member to the group', () => {
    expect(of(base + 'Twombly, 127 S. Ct. at 1965.', 'short').map((m) => m.key)).toEqual(['550 us 544']);
    expect(of(base + 'Twombly, 550 U.S., at 570.', 'short').map((m) => m.key)).toEqual(['550 us 544']);
    expect(of(base + 'Twombly, 550 U.S. at 570 n.14.', 'short').map((m) => m.attributes?.pin)).toEqual(['570 n.14']);
  });

  it('picks among cases of one volume by name and page', () => {
    const text = 'Anders v. Lobby, 477 U.S. 242 (1986); Celo Corp. v. Catt, 477 U.S. 317 (1986). ';
    expect(of(text + 'See Anders, 477 U.S. at 248.', 'short').map((m) => m.key)).toEqual(['477 us 242']);
    expect(of(text + 'See 477 U.S. at 250.', 'short').map((m) => m.key)).toEqual(['477 us 242']);
    expect(of(text + 'See 477 U.S. at 322.', 'short').map((m) => m.key)).toEqual(['477 us 317']);
  });

  it('drops a short form with nothing to refer to', () => {
    expect(of('See Tigue, 312 F.3d at 76.')).toEqual([]);
  });

  it('resolves Id. to the immediately preceding case', () => {
    const ms = findCaseCitations(base + 'Id. at 678. The claim fails. See id. Ibid. Id. at 680 n.2.');
    const ids = ms.filter((m) => m.attributes?.kind === 'id');
    expect(ids.map((m) => [m.text, m.key])).toEqual([
      ['Id. at 678', '556 us 662'],
      ['id.', '556 us 662'],
      ['Ibid.', '556 us 662'],
      ['Id. at 680 n.2', '556 us 662'],
    ]);
    expect(ids[0].attributes?.pin).toBe('678');
  });

  it('passes over citations inside an explanatory parenthetical', () => {
    const text = 'Quill v. Rush, 900 F.3d 10, 12 (2d Cir. 2018) (quoting Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009)). Id. at 13.';
    expect(of(text, 'id').map((m) => m.key)).toEqual(['900 f3d 10']);
  });

  it('follows an Id. after a short form and after another Id.', () => {
    const ms = of(base + 'Twombly, 550 U.S. at 555. Id. at 556. Id.', 'id');
    expect(ms.map((m) => m.key)).toEqual(['550 us 544', '550 us 544']);
  });

  it('drops an Id. when a statute was cited in between, and record Ids', () => {
    expect(of(base + 'The statute, 42 U.S.C. § 1983, applies. Id. § 1983(a).', 'id')).toEqual([]);
    expect(of(base + 'See Cal. Civ. Code § 1714. Id.', 'id')).toEqual([]);
    expect(of('The witness was sworn. Id. at 4.', 'id')).toEqual([]);
    expect(of(base + 'Compl. ¶ 4. Id. ¶ 5.', 'id')).toEqual([]);
  });

  it('resolves supra by the name of the case', () => {
    const text = base + 'Twombly, supra, at 555. Iqbal, supra.';
    const ms = of(text, 'supra');
    expect(ms.map((m) => [m.text, m.key])).toEqual([
      ['supra, at 555', '550 us 544'],
      ['supra', '556 us 662'],
    ]);
    expect(ms[0].attributes?.pin).toBe('555');
    expect(of(text, 'shortname').map((m) => m.text)).toEqual(['Twombly', 'Iqbal']);
  });

  it('resolves the Connecticut supra with a pin citation', () => {
    const text =
      'Jorgen v. Commissioner of Correction, 330 Conn. 520, 180 A.3d 1 (2019). Later: Jorgen v. Commissioner of Correction, supra, 330 Conn. 538.';
    const ms = of(text, 'supra');
    expect(ms.map((m) => [m.text, m.key])).toEqual([['supra, 330 Conn. 538', '330 conn 520']]);
    expect(of(text, 'full').map((m) => m.text)).toEqual(['330 Conn. 520', '180 A.3d 1']);
  });

  it('drops note-only and unmatched supras', () => {
    expect(of(base + 'Smith, supra note 3, at 5.', 'supra')).toEqual([]);
    expect(of(base + 'Jones, supra, at 5.', 'supra')).toEqual([]);
  });
});

describe('caseCitationKey', () => {
  it.each([
    ['550 U.S. 544, 570 (2007)', '550 us 544'],
    ['550 U. S. 544', '550 us 544'],
    ['127 S.Ct. 1955', '127 sct 1955'],
    ['127 S. Ct. 1955', '127 sct 1955'],
    ['167 L.Ed.2d 929', '167 led2d 929'],
    ['167 L. Ed. 2d 929', '167 led2d 929'],
    ['300 F. Supp. 3d 12', '300 fsupp3d 12'],
    ['128 A.D.3d 1021', '128 ad3d 1021'],
    ['2016-Ohio-5555', '2016 ohio 5555'],
    ['25 I. & N. Dec. 111', '25 in dec 111'],
  ])('%s -> %s', (text, key) => {
    expect(caseCitationKey(text)).toBe(key);
  });

  it('is undefined for what is not a case citation', () => {
    expect(caseCitationKey('28 U.S.C. § 1331')).toBeUndefined();
    expect(caseCitationKey('Ford v. Wainwright')).toBeUndefined();
    expect(caseCitationKey('550 U.S. at 570')).toBeUndefined();
  });
});

describe('findCaseCitations: paragraph-numbered opinions and sentence ends', () => {
  it('reads ¶ pins of neutral citations and Id. ¶ after them', () => {
    const text = 'Ash v. Bay, 2019 ND 12, ¶ 7, 924 N.W.2d 123. The rule is settled. Id. ¶ 9.';
    const [m] = of(text, 'full');
    expect(m.attributes?.pin).toBe('¶ 7');
    expect(of(text, 'id').map((x) => [x.text, x.key, x.attributes?.pin])).toEqual([['Id. ¶ 9', '2019 nd 12', '¶ 9']]);
  });

  it('drops Id. ¶ after a reporter citation: it is the record', () => {
    expect(of('Ash v. Bay, 100 F.3d 1 (1st Cir. 1996). The complaint says so. Id. ¶ 9.', 'id')).toEqual([]);
  });

  it('ends a name at the end of the previous sentence', () => {
    const names = (t: string) => of(t, 'name').map((m) => m.text);
    expect(names('This right arises under the Fourteenth Amendment. Bounds v. Smith, 430 U.S. 817 (1977).')).toEqual(['Bounds v. Smith']);
    expect(names('He was arrested for DUI. Marten v. Dep’t of Transp., 881 A.2d 30 (Pa. Cmwlth. 2005).')).toEqual(['Marten v. Dep’t of Transp.']);
    expect(names('Acme Widgets Corp. v. Dunn, 100 F.3d 1 (1st Cir. 1996).')).toEqual(['Acme Widgets Corp. v. Dunn']);
    expect(names('See Lake Hills Schs. v. Bank of N.Y. Mellon, 353 F. Supp. 3d 745 (N.D. Ind. 2018).')).toEqual([
      'Lake Hills Schs. v. Bank of N.Y. Mellon',
    ]);
  });

  it('keeps a hyphen of a name that breaks across lines before a capital', () => {
    const [n] = of('Vine v. Parham-\nLindsey Grocery Co., 100 S.W.2d 1 (Tenn. 1937).', 'name');
    expect(n.display).toBe('Vine v. Parham-Lindsey Grocery Co.');
  });
});

describe('findCaseCitations: names used again without a citation', () => {
  const text =
    'Judge Harlow presided. The Court decided Quince v. Ravensworth, 510 U.S. 20 (1994). ' +
    'Later, Quince v.\nRavensworth held otherwise. In Ravensworth, the Court said more. Harlow v. Smith, 20 F.3d 1 (1st Cir. 1994). ' +
    'Harlow agreed. Smith v. Jones was argued. See Ohio v. Tarn, 500 U.S. 1 (1991). Ohio sued.';
  const ms = findCaseCitations(text);

  it('links a full name written again to the cited case', () => {
    const again = ms.filter((m) => m.attributes?.kind === 'name' && m.start > text.indexOf('Later'));
    expect(again.map((m) => [m.text, m.key, m.display])).toContainEqual(['Quince v.\nRavensworth', '510 us 20', 'Quince v. Ravensworth']);
  });

  it('links a distinctive short name used alone', () => {
    const short = ms.filter((m) => m.attributes?.kind === 'shortname');
    expect(short.map((m) => [m.text, m.key])).toEqual([['Ravensworth', '510 us 20']]);
  });

  it('leaves surnames that occur before the citation, generic parties and uncited names alone', () => {
    const texts = ms.map((m) => m.text);
    expect(texts).not.toContain('Harlow');
    expect(texts).not.toContain('Ohio');
    expect(texts).not.toContain('Smith v. Jones');
  });
});

describe('caseCitationKey: search input', () => {
  it('takes citations typed without periods', () => {
    expect(caseCitationKey('550 US 544')).toBe('550 us 544');
    expect(caseCitationKey('300 F Supp 3d 12')).toBe('300 fsupp3d 12');
  });

  it('reads Tax Court memorandum opinions', () => {
    expect(fulls('Ash v. Commissioner, T.C. Memo. 2019-12, at *4.')).toEqual(['2019 tcmemo 12']);
  });
});

describe('findCaseCitations: long texts', () => {
  it('stays linear on a text dense with citations of one volume', () => {
    const unit = 'Ash v. Bay, 5 F.3d 1 (1990). Bay, 5 F.3d at 2. Id. ';
    const ms = findCaseCitations(unit.repeat(2000));
    expect(ms.filter((m) => m.attributes?.kind === 'short')).toHaveLength(2000);
    expect(ms.filter((m) => m.attributes?.kind === 'id')).toHaveLength(2000);
  });
});

describe('findCaseCitations: names with a docket number only', () => {
  it('finds a name written before its docket number', () => {
    const ms = of('The case is captioned Roe v. Acme Holdings, Inc., No. 1:21-cv-01234-JPO.', 'name');
    expect(ms.map((m) => [m.text, m.key])).toEqual([['Roe v. Acme Holdings, Inc.', 'name roe v acme holdings inc']]);
    const order = of('See Order at 1, SSM Litig. Grp. v. EPA, No. 23-1267 (D.C. Cir. Mar. 4, 2025).', 'name');
    expect(order.map((m) => m.text)).toEqual(['SSM Litig. Grp. v. EPA']);
  });

  it('gives it the key of the same case cited in full', () => {
    const text = 'Dale v. Fenn, No. 20-1, 2021 WL 55555 (D. Del. 2021). Later, Dale v. Fenn, No. 20-1, was dismissed.';
    expect(of(text, 'name').map((m) => m.key)).toEqual(['2021 wl 55555', '2021 wl 55555']);
  });

  it('starts a prefix name after the words before it', () => {
    expect(of('Respondent relies on Hale, 196 Ill. 2d at\n367, and In re J.Q., 316 Ill. App. 3d 652 (2000).', 'name').map((m) => m.text)).toEqual([
      'In re J.Q.',
    ]);
  });
});

describe('findCaseCitations: Id. after a rule named in prose', () => {
  it('keeps an Id. whose pin is a page of the case', () => {
    const text = 'Celo Corp. v. Catt, 477 U.S. 317, 322 (1986). Under Rule 56, the movant must show more. Id. at 323.';
    expect(of(text, 'id').map((m) => m.key)).toEqual(['477 us 317']);
  });

  it('drops a bare Id. after a statute', () => {
    expect(of('Celo Corp. v. Catt, 477 U.S. 317, 322 (1986). See 42 U.S.C. § 1983. Id.', 'id')).toEqual([]);
  });
});

describe('findCaseCitations: OCR', () => {
  it('reads "Id, at 5" as Id. at 5', () => {
    expect(of('Ash v. Bay, 100 F.3d 1 (1st Cir. 1996). See Id, at 5.', 'id').map((m) => [m.text, m.key])).toEqual([['Id, at 5', '100 f3d 1']]);
    expect(of('Ash v. Bay, 100 F.3d 1 (1st Cir. 1996). Boise, Id, is far.', 'id')).toEqual([]);
  });
});

describe('findCaseCitations: Id. after subsequent history and record pages', () => {
  it('refers Id. past a subsequent-history citation to the case', () => {
    const text = 'Jorgen v. Warden, 330 Conn. 520, 180 A.3d 1 (2019), cert. denied, 139 S. Ct. 788 (2019). Id., 551.';
    expect(of(text, 'id').map((m) => m.key)).toEqual(['330 conn 520']);
    const sub = 'Jorgen v. Warden, 330 Conn. 520 (2019), cert. denied sub nom. Jorgen v. Semple, 139 S. Ct. 788 (2019). Id., 552.';
    expect(of(sub, 'id').map((m) => m.key)).toEqual(['330 conn 520']);
  });

  it('drops an Id. whose page comes before the case begins (a transcript page)', () => {
    expect(of('Hale v. Dep’t of Transp., 965 A.2d 349 (Pa. Cmwlth. 2009). The trooper testified. Id. at 9.', 'id')).toEqual([]);
  });
});

describe('findCaseCitations: Id. after database citations', () => {
  it('keeps "Id. at 3" after a Westlaw or slip opinion number', () => {
    expect(of('Ash v. Bay, 2019 WL 123456, at *2 (D. Del. 2019). Id. at 3.', 'id').map((m) => m.key)).toEqual(['2019 wl 123456']);
    expect(of('Ash v. Bay, 2019 WL 123456, at *2 (D. Del. 2019). Id. at *3.', 'id').map((m) => m.key)).toEqual(['2019 wl 123456']);
  });
});
