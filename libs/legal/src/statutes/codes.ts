import { STATES, stateSource } from './states';

/**
 * The codes of the states, one entry per code: the forms courts write its name in (regex sources,
 * matched case-insensitively, no capturing groups), its jurisdiction and canonical code key.
 *
 * - `title`: where a title/chapter number goes: 'before' ("735 ILCS", "42 Pa.C.S."), 'tit'
 *   ("tit. 12, §"), 'ch' ("ch. 93A, §" / "c. 93A, §"), 'any' (before or tit.), undefined (none).
 * - `hyphen`: the code's section numbers contain hyphens ("28-01-46"), so "§§ 101-110" is not a range.
 * - `post`: the name may follow the section ("§ 516.120, RSMo"; "section 13-80-102, C.R.S.").
 * Subject-matter codes (Cal. Civ. Code, Tex. Penal Code, Md. Code, Cts. & Jud. Proc., N.Y. Penal Law)
 * are not listed one by one: subjects.ts builds their key from the words of the name.
 */
export interface CodeEntry {
  j: string;
  code: string;
  heads: string[];
  title?: 'before' | 'tit' | 'ch' | 'any';
  hyphen?: boolean;
  post?: string[];
  kind?: 'statute' | 'regulation' | 'rule';
  /** articles, not sections ("La. C.C. art. 2315") */
  art?: boolean;
  /** paragraphs ("Ill. Rev. Stat. 1991, ch. 110, par. 2-619") */
  par?: boolean;
}

const st = (j: string): string => {
  const s = STATES.find((x) => x.j === j);
  if (!s) throw new Error(`no state ${j}`);
  return `(?:${stateSource(s)})`;
};
const ANN = `(?:,?\\s*Ann(?:\\.|otated))?`;
const STAT = `Stat(?:\\.|utes)`;
const REV = `Rev(?:\\.|ised)`;
const GEN = `Gen(?:\\.|eral)`;
const COMP = `Comp(?:\\.|iled)`;
const CODE = `Code`;
const LAWS = `Laws`;

export const CODES: CodeEntry[] = [
  { j: 'al', code: 'code', hyphen: true, heads: [`${st('al')}\\s*${CODE}(?:\\s*(?:of\\s+)?1975)?${ANN}`, `Code\\s+of\\s+Alabama(?:,?\\s+1975)?`] },
  { j: 'ak', code: 'stat', heads: [`${st('ak')}\\s*${STAT}${ANN}`, `AS(?=\\s+\\d\\d\\.\\d\\d\\.\\d)`] },
  { j: 'az', code: 'rev stat', hyphen: true, heads: [`${st('az')}\\s*${REV}\\s*${STAT}${ANN}`, `A\\.\\s*R\\.\\s*S\\.`] },
  { j: 'ar', code: 'code', hyphen: true, heads: [`${st('ar')}\\s*${CODE}${ANN}`] },
  {
    j: 'co',
    code: 'rev stat',
    hyphen: true,
    heads: [`${st('co')}\\s*${REV}\\s*${STAT}${ANN}`, `C\\.\\s*R\\.\\s*S\\.(?:\\s+A\\.)?`],
    post: [`C\\.\\s*R\\.\\s*S\\.`],
  },
  {
    j: 'ct',
    code: 'gen stat',
    hyphen: true,
    heads: [`${st('ct')}\\s*${GEN}\\s*${STAT}${ANN}`, `General\\s+Statutes(?:\\s+\\(Rev\\.\\s+to\\s+\\d{4}\\))?`, `C\\.\\s*G\\.\\s*S\\.`],
  },
  {
    j: 'de',
    code: 'code',
    title: 'any',
    heads: [`${st('de')}\\s*${CODE}${ANN}`, `Del\\.\\s*C\\.(?:\\s+Ann\\.)?`],
  },
  { j: 'dc', code: 'code', hyphen: true, heads: [`${st('dc')}\\s*(?:Official\\s+)?${CODE}${ANN}`] },
  { j: 'fl', code: 'stat', heads: [`${st('fl')}\\s*${STAT}${ANN}`], post: [`Fla\\.\\s*Stat\\.`, `Florida\\s+Statutes`] },
  {
    j: 'ga',
    code: 'code',
    hyphen: true,
    heads: [`${st('ga')}\\s*${CODE}${ANN}`, `O\\.?\\s*C\\.?\\s*G\\.?\\s*A\\.?`, `Official\\s+Code\\s+of\\s+Georgia${ANN}`],
  },
  { j: 'hi', code: 'rev stat', hyphen: true, heads: [`${st('hi')}\\s*${REV}\\s*${STAT}${ANN}`, `HRS(?=\\s*§?\\s*\\d+[A-Z]?-\\d)`] },
  {
    j: 'id',
    code: 'code',
    hyphen: true,
    heads: [`${st('id')}\\s*${CODE}${ANN}`, `I\\.\\s*C\\.(?!\\s*§\\s*\\d+(?:\\.\\d+)?-\\d+(?:\\.\\d+)?-\\d+(?:\\.\\d+)?-\\d)(?=\\s*§\\s*\\d+-\\d)`],
  },
  {
    j: 'il',
    code: 'comp stat',
    title: 'before',
    heads: [`${st('il')}\\s*${COMP}\\s*${STAT}${ANN}`, `ILCS`, `I\\.L\\.C\\.S\\.`],
  },
  {
    j: 'in',
    code: 'code',
    hyphen: true,
    heads: [`${st('in')}\\s*${CODE}${ANN}`, `I\\.\\s*C\\.(?=\\s*§\\s*\\d+(?:\\.\\d+)?-\\d+(?:\\.\\d+)?-\\d+(?:\\.\\d+)?-\\d)`],
  },
  { j: 'il', code: 'rev stat', title: 'ch', par: true, hyphen: true, heads: [`Ill\\.\\s*Rev\\.\\s*Stat\\.(?:\\s*\\d{4},?)?`] },
  { j: 'ia', code: 'code', heads: [`${st('ia')}\\s*${CODE}${ANN}`] },
  { j: 'ks', code: 'stat', hyphen: true, heads: [`${st('ks')}\\s*${STAT}${ANN}`, `K\\.\\s*S\\.\\s*A\\.(?:\\s+\\d{4}\\s+Supp\\.)?`] },
  { j: 'ky', code: 'rev stat', heads: [`${st('ky')}\\s*${REV}\\s*${STAT}${ANN}`, `KRS(?=\\s*§?\\s*\\d+[A-Z]?\\.\\d)`, `K\\.R\\.S\\.`] },
  { j: 'la', code: 'rev stat', heads: [`${st('la')}\\s*${REV}\\s*${STAT}${ANN}`, `La\\.\\s*R\\.\\s*S\\.`] },
  { j: 'la', code: 'civ code', art: true, heads: [`${st('la')}\\s*Civ(?:\\.|il)\\s*Code${ANN}`, `La\\.\\s*C\\.\\s*C\\.(?!\\s*[PC])`] },
  {
    j: 'la',
    code: 'civ proc code',
    art: true,
    heads: [`${st('la')}\\s*Code\\s+(?:of\\s+)?Civ(?:\\.|il)\\s*Proc(?:\\.|edure)${ANN}`, `La\\.\\s*C\\.\\s*C\\.\\s*P\\.`],
  },
  {
    j: 'la',
    code: 'crim proc code',
    art: true,
    heads: [`${st('la')}\\s*Code\\s+(?:of\\s+)?Crim(?:\\.|inal)\\s*Proc(?:\\.|edure)${ANN}`, `La\\.\\s*C\\.\\s*Cr\\.\\s*P\\.`],
  },
  {
    j: 'me',
    code: 'rev stat',
    title: 'any',
    heads: [`${st('me')}\\s*(?:${REV}\\s*)?${STAT}${ANN}`, `M\\.\\s*R\\.\\s*S\\.(?:\\s*A\\.)?`],
  },
  { j: 'ma', code: 'gen laws', title: 'ch', heads: [`${st('ma')}\\s*${GEN}\\s*${LAWS}${ANN}`, `M\\.\\s*G\\.\\s*L\\.(?:\\s*A\\.)?`, `G\\.\\s*L\\.`] },
  { j: 'mi', code: 'comp laws', heads: [`${st('mi')}\\s*${COMP}\\s*${LAWS}${ANN}`, `M\\.?C\\.?L\\.?(?:A\\.?)?(?=\\s*§?\\s*\\d+[a-z]?\\.\\d)`] },
  { j: 'mn', code: 'stat', heads: [`${st('mn')}\\s*${STAT}${ANN}`] },
  { j: 'ms', code: 'code', hyphen: true, heads: [`${st('ms')}\\s*${CODE}${ANN}`] },
  {
    j: 'mo',
    code: 'rev stat',
    heads: [`${st('mo')}\\s*(?:${REV}\\s*|Ann\\.\\s+)${STAT}${ANN}`, `Revised\\s+Statutes\\s+of\\s+Missouri`, `RSMo`, `R\\.S\\.Mo\\.`],
    post: [`RSMo(?:\\.?\\s*(?:Supp\\.\\s+)?\\d{4})?`],
  },
  { j: 'mt', code: 'code', hyphen: true, heads: [`${st('mt')}\\s*${CODE}${ANN}`], post: [`MCA`] },
  { j: 'ne', code: 'rev stat', hyphen: true, heads: [`${st('ne')}\\s*${REV}\\s*${STAT}${ANN}`] },
  { j: 'nv', code: 'rev stat', heads: [`${st('nv')}\\s*${REV}\\s*${STAT}${ANN}`, `NRS(?=\\s*§?\\s*\\d+[A-Z]?\\.\\d)`, `N\\.R\\.S\\.`] },
  { j: 'nh', code: 'rev stat', heads: [`${st('nh')}\\s*${REV}\\s*${STAT}${ANN}`, `RSA(?=\\s*§?\\s*\\d+(?:-[A-Z])?:\\d)`] },
  { j: 'nj', code: 'stat', hyphen: true, heads: [`${st('nj')}\\s*${STAT}${ANN}`, `N\\.\\s*J\\.\\s*S\\.\\s*A\\.`, `N\\.\\s*J\\.\\s*S\\.`] },
  { j: 'nm', code: 'stat', hyphen: true, heads: [`${st('nm')}\\s*${STAT}${ANN}(?:\\s+1978)?`, `NMSA(?:\\s+1978)?`, `N\\.M\\.S\\.A\\.(?:\\s+1978)?`] },
  { j: 'nc', code: 'gen stat', hyphen: true, heads: [`${st('nc')}\\s*${GEN}\\s*${STAT}${ANN}`, `N\\.\\s*C\\.\\s*G\\.\\s*S\\.`] },
  {
    j: 'nd',
    code: 'cent code',
    hyphen: true,
    heads: [`${st('nd')}\\s*Cent(?:\\.|ury)\\s*Code${ANN}`, `N\\.\\s*D\\.\\s*C\\.\\s*C\\.`, `NDCC`],
    post: [`N\\.\\s*D\\.\\s*C\\.\\s*C\\.`],
  },
  { j: 'oh', code: 'rev code', heads: [`${st('oh')}\\s*${REV}\\s*Code${ANN}`, `(?:Ohio\\s+|O\\.)?R\\.\\s*C\\.(?=\\s*§?\\s*\\d+\\.\\d)`] },
  { j: 'oh', code: 'admin code', kind: 'regulation', heads: [`Ohio\\s*Adm(?:in)?\\.\\s*Code`] },
  { j: 'ok', code: 'stat', title: 'any', heads: [`${st('ok')}\\s*${STAT}${ANN}`, `O\\.\\s*S\\.(?:\\s*\\d{4})?`] },
  { j: 'or', code: 'rev stat', heads: [`${st('or')}\\s*${REV}\\s*${STAT}${ANN}`, `ORS(?=\\s*§?\\s*\\d+[A-Z]?\\.\\d)`, `O\\.R\\.S\\.`] },
  {
    j: 'pa',
    code: 'cons stat',
    title: 'before',
    heads: [`${st('pa')}\\s*Cons(?:\\.|olidated)\\s*${STAT}${ANN}`, `Pa\\.\\s*C\\.\\s*S\\.(?:\\s*A\\.)?`],
  },
  { j: 'pa', code: 'stat', title: 'any', heads: [`${st('pa')}\\s*${STAT}\\s+Ann\\.`, `P\\.\\s*S\\.(?=\\s*§)`] },
  { j: 'ri', code: 'gen laws', hyphen: true, heads: [`${st('ri')}\\s*${GEN}\\s*${LAWS}${ANN}`] },
  { j: 'sc', code: 'code', hyphen: true, heads: [`${st('sc')}\\s*${CODE}(?:\\s+of\\s+Laws)?${ANN}`] },
  { j: 'sd', code: 'codified laws', hyphen: true, heads: [`${st('sd')}\\s*Codified\\s*${LAWS}${ANN}`, `SDCL`] },
  { j: 'tn', code: 'code', hyphen: true, heads: [`${st('tn')}\\s*${CODE}${ANN}`, `T\\.\\s*C\\.\\s*A\\.`] },
  {
    j: 'tx',
    code: 'rev civ stat',
    art: true,
    heads: [
      `Tex\\.\\s*Rev\\.\\s*Civ\\.\\s*Stat\\.(?:\\s*Ann\\.)?`,
      `Vernon['’]s\\s+(?:Ann\\.\\s+)?(?:Tex(?:\\.|as)\\s+)?Civ(?:il|\\.)\\s+Stat(?:utes|\\.)(?:\\s+Ann(?:\\.|otated))?`,
    ],
    post: [`Vernon['’]s\\s+(?:Ann\\.\\s+)?(?:Tex(?:\\.|as)\\s+)?Civ(?:il|\\.)\\s+Stat(?:utes|\\.)(?:\\s+Ann(?:\\.|otated))?`],
  },
  { j: 'ut', code: 'code', hyphen: true, heads: [`${st('ut')}\\s*${CODE}${ANN}`] },
  { j: 'vt', code: 'stat', title: 'any', heads: [`${st('vt')}\\s*${STAT}${ANN}`, `V\\.\\s*S\\.\\s*A\\.`] },
  { j: 'va', code: 'code', hyphen: true, heads: [`${st('va')}\\s*${CODE}${ANN}`, `Code\\s+of\\s+Virginia${ANN}`] },
  {
    j: 'wa',
    code: 'rev code',
    heads: [`${st('wa')}\\s*${REV}\\s*Code${ANN}`, `Revised\\s+Code\\s+of\\s+Washington`, `RCW(?=\\s*§?\\s*\\d+[A-Z]?\\.\\d)`],
  },
  { j: 'wv', code: 'code', hyphen: true, heads: [`${st('wv')}\\s*${CODE}${ANN}`] },
  { j: 'wi', code: 'stat', heads: [`${st('wi')}\\s*${STAT}${ANN}`] },
  { j: 'wy', code: 'stat', hyphen: true, heads: [`${st('wy')}\\s*${STAT}${ANN}`] },
  { j: 'pr', code: 'laws', title: 'any', heads: [`${st('pr')}\\s*${LAWS}${ANN}`, `L\\.\\s*P\\.\\s*R\\.\\s*A\\.`] },
  { j: 'gu', code: 'code', title: 'any', heads: [`Guam\\s*Code${ANN}`, `G\\.\\s*C\\.\\s*A\\.`] },
  { j: 'vi', code: 'code', title: 'any', heads: [`V\\.\\s*I\\.\\s*Code${ANN}`] },
  // New York: CPLR and the other acronyms of consolidated laws (names: subjects.ts)
  { j: 'ny', code: 'cplr', heads: [`(?:N\\.\\s*Y\\.\\s*)?C\\.?\\s*P\\.?\\s*L\\.?\\s*R\\.?(?:\\s+Rule)?`] },
  { j: 'ny', code: 'crim proc law', heads: [`CPL(?=\\s*§?\\s*\\d+\\.\\d)`] },
  { j: 'ny', code: 'est powers & trusts law', hyphen: true, heads: [`EPTL`] },
  { j: 'ny', code: 'surr ct proc act', heads: [`SCPA`] },
  { j: 'ny', code: 'real prop actions & proc law', heads: [`RPAPL`] },
  { j: 'ny', code: 'comp codes r & regs', kind: 'regulation', title: 'any', heads: [`NYCRR`, `N\\.Y\\.C\\.R\\.R\\.`] },
  // court rules with a state's own abbreviation
  { j: 'mi', code: 'ct r', kind: 'rule', heads: [`MCR(?=\\s*\\d)`] },
  { j: 'mi', code: 're', kind: 'rule', heads: [`MRE(?=\\s*\\d)`] },
  { j: 'co', code: 'rcp', kind: 'rule', heads: [`C\\.\\s*R\\.\\s*C\\.\\s*P\\.`] },
  { j: 'co', code: 'rap', kind: 'rule', heads: [`C\\.\\s*A\\.\\s*R\\.(?=\\s*\\d)`] },
  { j: 'co', code: 're', kind: 'rule', heads: [`C\\.\\s*R\\.\\s*E\\.(?=\\s*\\d)`] },
  { j: 'ct', code: 'practice book', kind: 'rule', hyphen: true, heads: [`Practice\\s+Book`] },
  { j: 'nj', code: 'ct r', kind: 'rule', hyphen: true, heads: [`R\\.(?=\\s*\\d:\\d+-\\d)`] },
  // California and Texas regulations
  {
    j: 'ca',
    code: 'code regs',
    kind: 'regulation',
    title: 'any',
    heads: [`Cal(?:\\.|ifornia)\\s*Code\\s+(?:of\\s+)?Regs?(?:\\.|ulations)`, `C\\.C\\.R\\.`],
  },
  { j: 'tx', code: 'admin code', kind: 'regulation', title: 'any', heads: [`Tex(?:\\.|as)\\s*Admin(?:\\.|istrative)\\s*Code`, `T\\.A\\.C\\.`] },
];
