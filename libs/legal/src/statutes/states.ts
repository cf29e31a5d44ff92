/**
 * The states (and D.C., Puerto Rico and territories) as statute citations name them: the Bluebook
 * table T1/T10 abbreviation, the full name, and the jurisdiction key (postal code, lower case).
 */
export interface StateName {
  /** jurisdiction key: postal code, lower case */
  j: string;
  /** Bluebook abbreviation(s) as written ("N.D.", "Cal.", "W. Va.") */
  abbr: string[];
  /** full name(s) */
  full: string[];
}

export const STATES: StateName[] = [
  { j: 'al', abbr: ['Ala.'], full: ['Alabama'] },
  { j: 'ak', abbr: ['Alaska'], full: ['Alaska'] },
  { j: 'az', abbr: ['Ariz.'], full: ['Arizona'] },
  { j: 'ar', abbr: ['Ark.'], full: ['Arkansas'] },
  { j: 'ca', abbr: ['Cal.', 'Calif.'], full: ['California'] },
  { j: 'co', abbr: ['Colo.'], full: ['Colorado'] },
  { j: 'ct', abbr: ['Conn.'], full: ['Connecticut'] },
  { j: 'de', abbr: ['Del.'], full: ['Delaware'] },
  { j: 'dc', abbr: ['D.C.'], full: ['District of Columbia'] },
  { j: 'fl', abbr: ['Fla.'], full: ['Florida'] },
  { j: 'ga', abbr: ['Ga.'], full: ['Georgia'] },
  { j: 'hi', abbr: ['Haw.'], full: ['Hawaii', 'Hawai‘i', "Hawai'i"] },
  { j: 'id', abbr: ['Idaho'], full: ['Idaho'] },
  { j: 'il', abbr: ['Ill.'], full: ['Illinois'] },
  { j: 'in', abbr: ['Ind.'], full: ['Indiana'] },
  { j: 'ia', abbr: ['Iowa'], full: ['Iowa'] },
  { j: 'ks', abbr: ['Kan.', 'Kans.'], full: ['Kansas'] },
  { j: 'ky', abbr: ['Ky.'], full: ['Kentucky'] },
  { j: 'la', abbr: ['La.'], full: ['Louisiana'] },
  { j: 'me', abbr: ['Me.'], full: ['Maine'] },
  { j: 'md', abbr: ['Md.'], full: ['Maryland'] },
  { j: 'ma', abbr: ['Mass.'], full: ['Massachusetts'] },
  { j: 'mi', abbr: ['Mich.'], full: ['Michigan'] },
  { j: 'mn', abbr: ['Minn.'], full: ['Minnesota'] },
  { j: 'ms', abbr: ['Miss.'], full: ['Mississippi'] },
  { j: 'mo', abbr: ['Mo.'], full: ['Missouri'] },
  { j: 'mt', abbr: ['Mont.'], full: ['Montana'] },
  { j: 'ne', abbr: ['Neb.', 'Nebr.'], full: ['Nebraska'] },
  { j: 'nv', abbr: ['Nev.'], full: ['Nevada'] },
  { j: 'nh', abbr: ['N.H.'], full: ['New Hampshire'] },
  { j: 'nj', abbr: ['N.J.'], full: ['New Jersey'] },
  { j: 'nm', abbr: ['N.M.'], full: ['New Mexico'] },
  { j: 'ny', abbr: ['N.Y.'], full: ['New York'] },
  { j: 'nc', abbr: ['N.C.'], full: ['North Carolina'] },
  { j: 'nd', abbr: ['N.D.'], full: ['North Dakota'] },
  { j: 'oh', abbr: ['Ohio'], full: ['Ohio'] },
  { j: 'ok', abbr: ['Okla.'], full: ['Oklahoma'] },
  { j: 'or', abbr: ['Or.', 'Ore.'], full: ['Oregon'] },
  { j: 'pa', abbr: ['Pa.'], full: ['Pennsylvania'] },
  { j: 'ri', abbr: ['R.I.'], full: ['Rhode Island'] },
  { j: 'sc', abbr: ['S.C.'], full: ['South Carolina'] },
  { j: 'sd', abbr: ['S.D.'], full: ['South Dakota'] },
  { j: 'tn', abbr: ['Tenn.'], full: ['Tennessee'] },
  { j: 'tx', abbr: ['Tex.'], full: ['Texas'] },
  { j: 'ut', abbr: ['Utah'], full: ['Utah'] },
  { j: 'vt', abbr: ['Vt.'], full: ['Vermont'] },
  { j: 'va', abbr: ['Va.'], full: ['Virginia'] },
  { j: 'wa', abbr: ['Wash.'], full: ['Washington'] },
  { j: 'wv', abbr: ['W. Va.', 'W.Va.'], full: ['West Virginia'] },
  { j: 'wi', abbr: ['Wis.', 'Wisc.'], full: ['Wisconsin'] },
  { j: 'wy', abbr: ['Wyo.'], full: ['Wyoming'] },
  { j: 'pr', abbr: ['P.R.'], full: ['Puerto Rico'] },
  { j: 'gu', abbr: ['Guam'], full: ['Guam'] },
  { j: 'vi', abbr: ['V.I.'], full: ['Virgin Islands'] },
];

/** Regex source for a literal abbreviation: dots optional-space tolerant ("N.D." ~ "N. D."). */
export function abbrSource(abbr: string): string {
  let out = '';
  for (let i = 0; i < abbr.length; i++) {
    const c = abbr[i];
    if (c === '.') out += /[A-Za-z]/.test(abbr[i + 1] ?? '') ? '\\.\\s*' : '\\.';
    else if (c === ' ') out += '\\s*';
    else if (/[*+?^${}()|[\]\\]/.test(c)) out += '\\' + c;
    else out += c;
  }
  return out;
}

/** Regex source matching any name of a state (abbreviations and full names), longest first. */
export function stateSource(s: StateName): string {
  const names = [...s.full, ...s.abbr].sort((a, b) => b.length - a.length);
  return names.map(abbrSource).join('|');
}

/** All states: one regex source with no capturing groups. */
export const ANY_STATE_SOURCE = STATES.flatMap((s) => [...s.full, ...s.abbr])
  .sort((a, b) => b.length - a.length)
  .map(abbrSource)
  .join('|');

const BY_NAME = new Map<string, string>();
for (const s of STATES) {
  for (const n of [...s.abbr, ...s.full]) BY_NAME.set(squash(n), s.j);
}

function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '');
}

/** The jurisdiction key of a state name as written ("N. D." -> "nd", "California" -> "ca"). */
export function stateOf(name: string): string | undefined {
  return BY_NAME.get(squash(name));
}
