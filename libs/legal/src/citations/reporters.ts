/**
 * The reporter table: every reporter, neutral (public-domain) citation form and database the case-citation
 * grammar knows, with its canonical abbreviation, the written variants, what kind of source it is, its rank for
 * parallel citations and its jurisdiction.
 *
 * Written forms are matched after normalisation: dots, spaces, line breaks and apostrophes are removed, so
 * "S.Ct.", "S. Ct." and "S.\nCt." are one form, as are "A.D.3d", "AD3d" and "A. D. 3d" (New York's official
 * style). Letters keep their case ("So." is a reporter, "SO" is not).
 */

export type ReporterKind = 'federal' | 'regional' | 'state' | 'agency' | 'neutral' | 'database';

export interface Reporter {
  /** The Bluebook abbreviation ("F. Supp. 3d"). */
  canonical: string;
  /** Other spellings beyond what normalisation already joins ("Fed. Appx." for "F. App'x"). */
  variants: string[];
  kind: ReporterKind;
  /**
   * Rank in a parallel group: the member with the lowest rank gives the group its key.
   * 1 = neutral or official (U.S., state official reports, F., F. Supp.), 2 = regional, 3 = unofficial
   * (S. Ct., L. Ed., N.Y.S., Cal. Rptr.), 4 = databases (WL, LEXIS).
   */
  rank: number;
  /** "us" for federal reporters, the state's postal code for state ones, "regional" for the regional reporters. */
  jurisdiction: string;
  /** The reporter part of the CASE key ("fsupp3d"). */
  key: string;
  /** Neutral and database forms: the volume is a year. */
  yearVolume?: boolean;
  /** May be written without any period ("Utah", "AD", "WL"); otherwise a form without a period is not taken. */
  bare?: boolean;
}

interface Spec {
  c: string;
  v?: string[];
  k: ReporterKind;
  r: number;
  j: string;
  key?: string;
  year?: boolean;
  bare?: boolean;
}

const ORD = ['2d', '3d', '4th', '5th'];

/** "Cal." with series 2..n: "Cal.", "Cal. 2d", "Cal. 3d"… */
function series(base: string, n: number, rest: Omit<Spec, 'c'>, sep = ' '): Spec[] {
  const out: Spec[] = [{ ...rest, c: base }];
  for (let i = 0; i < n - 1; i++) out.push({ ...rest, c: `${base}${sep}${ORD[i]}`, v: rest.v?.map((x) => `${x}${sep}${ORD[i]}`) });
  return out;
}

const FED = (c: string, r = 1, extra: Partial<Spec> = {}): Spec => ({ c, k: 'federal', r, j: 'us', ...extra });
const REG = (c: string): Spec => ({ c, k: 'regional', r: 2, j: 'regional' });
const ST = (j: string, c: string, r = 1, extra: Partial<Spec> = {}): Spec => ({ c, k: 'state', r, j, ...extra });
const NEU = (j: string, c: string, extra: Partial<Spec> = {}): Spec => ({ c, k: 'neutral', r: 1, j, year: true, bare: true, ...extra });

const SPECS: Spec[] = [
  // Federal
  FED('U.S.'),
  FED('S. Ct.', 3),
  FED('L. Ed.', 3),
  FED('L. Ed. 2d', 3),
  FED('F.'),
  FED('F.2d'),
  FED('F.3d'),
  FED('F.4th'),
  FED('F. Supp.'),
  FED('F. Supp. 2d'),
  FED('F. Supp. 3d'),
  FED("F. App'x", 1, { v: ['Fed. Appx.', 'Fed. App’x', "Fed. App'x", 'F. Appx.', 'F. Appx', 'Fed.Appx.'] }),
  FED('F. Cas.'),
  FED('B.R.'),
  FED('Bankr. Ct. Dec.', 3),
  FED('Fed. Cl.'),
  FED('Ct. Cl.'),
  FED('Cl. Ct.'),
  FED('T.C.'),
  FED('B.T.A.'),
  FED('Vet. App.'),
  FED('M.J.'),
  FED('C.M.A.'),
  FED('C.M.R.'),
  FED('F.R.D.'),
  FED('Ct. Int’l Trade', 1, { v: ["Ct. Int'l Trade"] }),
  FED('C.C.P.A.'),
  FED('U.S. App. D.C.', 3),
  FED('U.S.P.Q.', 3),
  FED('U.S.L.W.', 3),
  FED('T.C.M.', 3),
  FED('Cust. Ct.'),
  FED('Ct. Cust. App.'),
  FED('C.I.T.'),
  FED('A.F.T.R.2d', 3),
  FED('Fed. R. Serv. 3d', 3),
  FED('Bankr. Ct. Rep.', 3),
  FED('U.S.P.Q.2d', 3),
  // Early United States Reports by reporter name
  FED('Dall.', 1),
  FED('Cranch', 1, { bare: true }),
  FED('Wheat.', 1),
  FED('Pet.', 1),
  FED('How.', 1),
  FED('Wall.', 1),
  // Agencies
  { c: 'I&N Dec.', k: 'agency', r: 1, j: 'us', key: 'in dec', v: ['I. & N. Dec.', 'I & N Dec.'] },
  { c: 'N.L.R.B.', k: 'agency', r: 1, j: 'us' },
  { c: 'M.S.P.R.', k: 'agency', r: 1, j: 'us' },
  { c: 'F.C.C.', k: 'agency', r: 1, j: 'us' },
  { c: 'FCC Rcd.', k: 'agency', r: 1, j: 'us', v: ['F.C.C.R.'], bare: true },
  { c: 'F.E.R.C.', k: 'agency', r: 1, j: 'us' },
  { c: 'S.E.C.', k: 'agency', r: 1, j: 'us' },
  { c: 'Comp. Gen.', k: 'agency', r: 1, j: 'us' },
  { c: 'Op. O.L.C.', k: 'agency', r: 1, j: 'us' },
  { c: 'B.I.A.', k: 'agency', r: 1, j: 'us' },
  // Regional
  ...['A.', 'A.2d', 'A.3d', 'N.E.', 'N.E.2d', 'N.E.3d', 'N.W.', 'N.W.2d', 'N.W.3d', 'P.', 'P.2d', 'P.3d'].map(REG),
  ...['S.E.', 'S.E.2d', 'S.W.', 'S.W.2d', 'S.W.3d', 'So.', 'So. 2d', 'So. 3d'].map(REG),
  // California
  ...series('Cal.', 5, { k: 'state', r: 1, j: 'ca' }),
  ...series('Cal. App.', 5, { k: 'state', r: 1, j: 'ca' }),
  ST('ca', 'Cal. App. Supp.'),
  ...series('Cal. Rptr.', 3, { k: 'state', r: 3, j: 'ca' }),
  // Illinois
  ...series('Ill.', 2, { k: 'state', r: 1, j: 'il' }),
  ...series('Ill. App.', 3, { k: 'state', r: 1, j: 'il' }),
  ST('il', 'Ill. Dec.', 3),
  ST('il', 'Ill. Ct. Cl.'),
  // New York (the official style without periods is joined by normalisation: NY3d, AD3d, Misc 3d, NYS2d)
  ...series('N.Y.', 3, { k: 'state', r: 1, j: 'ny', bare: true }, ''),
  ...series('A.D.', 3, { k: 'state', r: 1, j: 'ny', bare: true }, ''),
  ...series('Misc.', 3, { k: 'state', r: 1, j: 'ny', bare: true }),
  ...series('N.Y.S.', 3, { k: 'state', r: 3, j: 'ny', bare: true }, ''),
  ST('ny', 'Barb.'),
  // Massachusetts, Pennsylvania, Ohio
  ST('ma', 'Mass.'),
  ST('ma', 'Mass. App. Ct.'),
  ST('ma', 'Mass. App. Div.'),
  ST('ma', 'Mass. Supp.'),
  ST('pa', 'Pa.'),
  ST('pa', 'Pa. Super.', 1, { v: ['Pa. Super. Ct.', 'Pa.Super.'] }),
  ST('pa', 'Pa. Commw.', 1, { v: ['Pa. Cmwlth.', 'Pa. Commw. Ct.'] }),
  ST('pa', 'Pa. D. & C.'),
  ...['2d', '3d', '4th', '5th'].map((o) => ST('pa', `Pa. D. & C.${o}`)),
  ...series('Ohio St.', 3, { k: 'state', r: 1, j: 'oh' }),
  ...series('Ohio App.', 3, { k: 'state', r: 1, j: 'oh' }),
  ...series('Ohio Misc.', 2, { k: 'state', r: 1, j: 'oh' }),
  ST('oh', 'Ohio Op.', 3),
  // The other states
  ...series('Wis.', 2, { k: 'state', r: 1, j: 'wi' }),
  ...series('Wash.', 2, { k: 'state', r: 1, j: 'wa', v: ['Wn.'] }),
  ...series('Wash. App.', 2, { k: 'state', r: 1, j: 'wa', v: ['Wn. App.'] }),
  ST('nj', 'N.J.'),
  ST('nj', 'N.J. Super.'),
  ST('nj', 'N.J. Eq.'),
  ST('nj', 'N.J.L.'),
  ST('nj', 'N.J. Tax'),
  ST('mi', 'Mich.'),
  ST('mi', 'Mich. App.'),
  ST('mn', 'Minn.'),
  ST('tx', 'Tex.'),
  ST('tx', 'Tex. Crim.'),
  ST('tx', 'Tex. Civ. App.'),
  ST('ga', 'Ga.'),
  ST('ga', 'Ga. App.'),
  ST('nc', 'N.C.'),
  ST('nc', 'N.C. App.'),
  ST('va', 'Va.'),
  ST('va', 'Va. App.'),
  ST('md', 'Md.'),
  ST('md', 'Md. App.'),
  ST('ct', 'Conn.'),
  ST('ct', 'Conn. App.'),
  ST('ct', 'Conn. Supp.'),
  ST('az', 'Ariz.'),
  ST('az', 'Ariz. App.'),
  ST('co', 'Colo.'),
  ST('co', 'Colo. App.'),
  ST('ks', 'Kan.'),
  ...series('Kan. App.', 2, { k: 'state', r: 1, j: 'ks' }),
  ST('ky', 'Ky.'),
  ST('ky', 'Ky. App.'),
  ST('la', 'La.'),
  ST('la', 'La. Ann.'),
  ST('la', 'La. App.'),
  ST('mo', 'Mo.'),
  ST('mo', 'Mo. App.'),
  ST('ne', 'Neb.'),
  ST('ne', 'Neb. App.', 1, { v: ['Neb. Ct. App.'] }),
  ST('nv', 'Nev.'),
  ST('or', 'Or.'),
  ST('or', 'Or. App.'),
  ST('or', 'Or. Tax'),
  ST('sc', 'S.C.'),
  ST('tn', 'Tenn.'),
  ST('tn', 'Tenn. App.'),
  ST('tn', 'Tenn. Crim. App.'),
  ...series('Utah', 2, { k: 'state', r: 1, j: 'ut', bare: true }),
  ST('vt', 'Vt.'),
  ST('ia', 'Iowa', 1, { bare: true }),
  ST('in', 'Ind.'),
  ST('in', 'Ind. App.'),
  ST('hi', 'Haw.'),
  ST('hi', 'Haw. App.'),
  ST('id', 'Idaho', 1, { bare: true }),
  ST('mt', 'Mont.'),
  ST('nh', 'N.H.'),
  ST('nm', 'N.M.'),
  ST('nd', 'N.D.'),
  ST('sd', 'S.D.'),
  ST('wv', 'W. Va.'),
  ST('wy', 'Wyo.'),
  ST('ak', 'Alaska', 1, { bare: true }),
  ST('ar', 'Ark.'),
  ST('ar', 'Ark. App.'),
  ST('al', 'Ala.'),
  ST('al', 'Ala. App.'),
  ST('de', 'Del.'),
  ST('de', 'Del. Ch.'),
  ST('fl', 'Fla.'),
  ST('fl', 'Fla. Supp.'),
  ...series('Fla. L. Weekly', 1, { k: 'state', r: 3, j: 'fl' }),
  ST('me', 'Me.'),
  ST('ms', 'Miss.'),
  ST('ok', 'Okla.'),
  ST('ok', 'Okla. Crim.'),
  ST('ri', 'R.I.'),
  ST('dc', 'App. D.C.'),
  ST('vi', 'V.I.'),
  ST('ia', 'Iowa App.', 1, { bare: true }),
  ST('ma', 'Mass. L. Rptr.', 3),
  ST('tx', 'Tex. Sup. Ct. J.', 3),
  ST('ca', 'Cal. Unrep.'),
  ST('ny', 'N.Y. Sup. Ct.'),
  ST('ny', 'How. Pr.'),
  ST('nj', 'N.J. Misc.'),
  ST('de', 'Del. Super.'),
  ST('pr', 'P.R.R.'),
  ST('pr', 'P.R. Offic. Trans.'),
  // Public-domain neutral citations ("2025 ND 80", "2020 IL 124", "2012 IL App (2d) 111131")
  NEU('nd', 'ND'),
  NEU('il', 'IL'),
  NEU('il', 'IL App (1st)', { key: 'ilapp1st' }),
  NEU('il', 'IL App (2d)', { key: 'ilapp2d' }),
  NEU('il', 'IL App (3d)', { key: 'ilapp3d' }),
  NEU('il', 'IL App (4th)', { key: 'ilapp4th' }),
  NEU('il', 'IL App (5th)', { key: 'ilapp5th' }),
  NEU('ok', 'OK'),
  NEU('ok', 'OK CIV APP'),
  NEU('ok', 'OK CR'),
  NEU('ut', 'UT'),
  NEU('ut', 'UT App'),
  NEU('wi', 'WI'),
  NEU('wi', 'WI App'),
  NEU('vt', 'VT'),
  NEU('me', 'ME'),
  NEU('sd', 'SD'),
  NEU('mt', 'MT'),
  NEU('wy', 'WY'),
  NEU('nm', 'NM'),
  NEU('nm', 'NMSC'),
  NEU('nm', 'NMCA'),
  NEU('co', 'CO'),
  NEU('co', 'COA'),
  NEU('pa', 'PA Super'),
  NEU('gu', 'Guam'),
  NEU('ny', 'NY Slip Op'),
  // Databases
  { c: 'WL', k: 'database', r: 4, j: 'us', year: true, bare: true },
  { c: 'U.S. Dist. LEXIS', k: 'database', r: 4, j: 'us', year: true, bare: true },
  { c: 'U.S. App. LEXIS', k: 'database', r: 4, j: 'us', year: true, bare: true },
  { c: 'U.S. LEXIS', k: 'database', r: 4, j: 'us', year: true, bare: true },
  { c: 'Bankr. LEXIS', k: 'database', r: 4, j: 'us', year: true, bare: true },
  { c: 'U.S. Claims LEXIS', k: 'database', r: 4, j: 'us', year: true, bare: true },
  { c: 'Vet. App. LEXIS', k: 'database', r: 4, j: 'us', year: true, bare: true },
  { c: 'Tax Ct. Memo LEXIS', k: 'database', r: 4, j: 'us', year: true, bare: true },
];

/** Removes what writers vary: dots, whitespace, apostrophes. Case is kept. */
export function normalizeReporterForm(s: string): string {
  return s.replace(/[.\s'’()]/g, '');
}

function keyOf(canonical: string): string {
  return canonical.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const ALL: Reporter[] = [];
const BY_FORM = new Map<string, Reporter[]>();

for (const s of SPECS) {
  const r: Reporter = {
    canonical: s.c,
    variants: s.v ?? [],
    kind: s.k,
    rank: s.r,
    jurisdiction: s.j,
    key: s.key ?? keyOf(s.c),
    yearVolume: s.year,
    bare: s.bare ?? !/\./.test(s.c),
  };
  ALL.push(r);
  for (const form of [r.canonical, ...r.variants]) {
    const n = normalizeReporterForm(form);
    const list = BY_FORM.get(n) ?? [];
    if (!list.includes(r)) list.push(r);
    BY_FORM.set(n, list);
  }
}

/** Every reporter of the table. */
export const REPORTERS: readonly Reporter[] = ALL;

/** Longest number of written tokens of any form ("Tenn. Crim. App." = 3; "Tax Ct. Memo LEXIS" = 4). */
export const MAX_REPORTER_TOKENS = 6;

const LEXIS_GENERIC = new Map<string, Reporter>();

/**
 * The reporter of a written form ("S.Ct." -> S. Ct.), or undefined. `raw` is the form as written (to check that
 * abbreviations which need a period have one); `normalized` is normalizeReporterForm(raw).
 */
export function lookupReporter(normalized: string, raw: string, lenient = false): Reporter | undefined {
  const dotted = lenient || raw.includes('.') || /\d/.test(normalized);
  // "ND" (neutral) and "N.D." (North Dakota Reports) normalise alike: take the first that may be written so
  let r = BY_FORM.get(normalized)?.find((x) => x.bare || dotted);
  if (!r && normalized.length > 5 && normalized.endsWith('LEXIS')) {
    // "2019 Tex. App. LEXIS 123", "2020 N.Y. Misc. LEXIS 45": a state's LEXIS series.
    r = LEXIS_GENERIC.get(normalized);
    if (!r) {
      const canonical = raw.replace(/\s+/g, ' ').trim();
      r = { canonical, variants: [], kind: 'database', rank: 4, jurisdiction: 'us', key: keyOf(canonical), yearVolume: true, bare: true };
      LEXIS_GENERIC.set(normalized, r);
    }
  }
  return r;
}

/** The reporter whose canonical form or a variant is `form` (any spacing/periods), or undefined. */
export function reporterOf(form: string): Reporter | undefined {
  return lookupReporter(normalizeReporterForm(form), form);
}
