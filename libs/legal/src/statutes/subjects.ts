/**
 * Subject-matter codes ("Cal. Bus. & Prof. Code", "Tex. Civ. Prac. & Rem. Code", "Code Civ. Proc.",
 * "Md. Code Ann., Cts. & Jud. Proc.", "N.Y. Vehicle and Traffic Law") are named by words from a small
 * vocabulary, abbreviated (Bluebook T6) or spelt out. Their code key is built from the words: each word
 * to its canonical abbreviation, "and" to "&", "of"/"the"/"Ann." dropped, "code" last:
 * "Code of Civil Procedure" = "Code Civ. Proc." = "Civ. Proc. Code" -> `civ proc code`.
 */

/** word (lower case, no dot) -> canonical abbreviation (lower case) */
const VOCAB: Record<string, string> = {};
const add = (canon: string, ...forms: string[]): void => {
  VOCAB[canon] = canon;
  for (const f of forms) VOCAB[f] = canon;
};
add('admin', 'administrative', 'adm');
add('agric', 'agriculture', 'agricultural', 'agr');
add('alco', 'alcoholic');
add('bev', 'beverage');
add('bus', 'business');
add('civ', 'civil');
add('com', 'commerce', 'commercial');
add('corp', 'corporations', 'corporation', 'corps');
add('crim', 'criminal', 'cr');
add('cts', 'courts', 'court', 'ct');
add('dist', 'district', 'districts');
add('educ', 'education', 'educational');
add('elec', 'elections', 'election');
add('envtl', 'environmental', 'environment', 'env');
add('est', 'estates', 'estate');
add('evid', 'evidence');
add('fam', 'family');
add('fin', 'financial', 'finance');
add('fish');
add('food');
add('game');
add('gen', 'general');
add('govt', "gov't", 'government', 'governmental', 'gov');
add('harb', 'harbors');
add('health');
add('high', 'highways', 'hy', 'hwy');
add('hum', 'human');
add('inst', 'institutions');
add('ins', 'insurance');
add('jud', 'judicial');
add('juv', 'juvenile');
add('lab', 'labor', 'labour');
add('law');
add('loc', 'local');
add('mil', 'military');
add('mun', 'municipal');
add('nat', 'natural');
add('nav', 'navigation');
add('occ', 'occupations', 'occupational');
add('orgs', 'organizations');
add('parks');
add('penal', 'pen');
add('prac', 'practice');
add('prob', 'probate');
add('proc', 'procedure', 'proceedings', 'procedures');
add('prof', 'professions', 'professional');
add('prop', 'property');
add('pub', 'public');
add('real');
add('regs', 'regulations', 'reg');
add('rem', 'remedies');
add('res', 'resources');
add('rev', 'revenue');
add('safety', 'saf');
add('spec', 'special');
add('sts', 'streets');
add('tax', 'taxation');
add('transp', 'transportation');
add('trusts');
add('unemp', 'unemployment');
add('util', 'utilities');
add('veh', 'vehicle', 'vehicles');
add('vet', 'veterans');
add('water', 'wat');
add('welf', 'welfare');
add('wild', 'wildlife');
add('cont', 'contract', 'contracts');
add('empl', 'employment');
add('st', 'state');
add('pers', 'personnel');
add('pens', 'pensions');
add('crimes');
add('traffic');
add('obligations', 'oblig');
add('construction', 'constr');
add('domestic', 'dom');
add('relations', 'rel');

const WORDS = Object.keys(VOCAB)
  .filter((w) => w !== 'law')
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/'/g, "['’]"));

/** One subject word (case-insensitive use), optionally abbreviated with a dot. */
export const SUBJ_WORD = `(?:${WORDS.join('|')})(?:\\.|(?![A-Za-z]))`;
/** One to five subject words joined by spaces, "&", "and", "of", "-". No capturing groups. */
export const SUBJ = `${SUBJ_WORD}(?:(?:\\s*&\\s*|\\s+and\\s+|\\s+of\\s+(?:the\\s+)?|\\s+|-)${SUBJ_WORD}){0,4}`;

/** The code key of a subject-code name: "Bus. & Prof. Code" -> "bus & prof code". */
export function subjectKey(name: string): string {
  const words = name
    .toLowerCase()
    .replace(/[’]/g, "'")
    .replace(/&/g, ' & ')
    .split(/[\s.,\-–()]+/)
    .filter(Boolean);
  const out: string[] = [];
  let code = false;
  for (const w of words) {
    if (w === 'of' || w === 'the' || w === 'ann' || w === 'annotated' || w === 'article' || w === "mckinney's") continue;
    if (w === 'code' || w === 'codes') {
      code = true;
      continue;
    }
    if (w === 'and' || w === '&') {
      if (out.length && out[out.length - 1] !== '&') out.push('&');
      continue;
    }
    out.push(VOCAB[w] ?? w);
  }
  while (out.length && out[out.length - 1] === '&') out.pop();
  if (code) out.push('code');
  return out.join(' ');
}

/**
 * New York's consolidated laws, cited "Penal Law § 125.25", "N.Y. Gen. Oblig. Law § 5-1401",
 * "McKinney's Vehicle and Traffic Law § 1192". Regex source (case-sensitive), no capturing groups.
 */
const NY_LAWS = [
  'Agriculture and Markets',
  'Alcoholic Beverage Control',
  'Arts and Cultural Affairs',
  'Banking',
  'Business Corporation',
  'Civil Practice Law and Rules',
  'Civil Rights',
  'Civil Service',
  'Correction',
  'County',
  'Criminal Procedure',
  'Debtor and Creditor',
  'Domestic Relations',
  'Economic Development',
  'Education',
  'Election',
  'Eminent Domain Procedure',
  'Energy',
  'Environmental Conservation',
  'Estates, Powers and Trusts',
  'Executive',
  'General Business',
  'General City',
  'General Construction',
  'General Municipal',
  'General Obligations',
  'Highway',
  'Insurance',
  'Judiciary',
  'Labor',
  'Lien',
  'Limited Liability Company',
  'Mental Hygiene',
  'Military',
  'Multiple Dwelling',
  'Multiple Residence',
  'Navigation',
  'Not-for-Profit Corporation',
  'Parks, Recreation and Historic Preservation',
  'Partnership',
  'Penal',
  'Personal Property',
  'Private Housing Finance',
  'Public Authorities',
  'Public Health',
  'Public Housing',
  'Public Lands',
  'Public Officers',
  'Public Service',
  'Real Property Actions and Proceedings',
  'Real Property Tax',
  'Real Property',
  'Retirement and Social Security',
  'Social Services',
  'State Finance',
  'State Technology',
  'State',
  'Tax',
  'Town',
  'Transportation',
  'Uniform Commercial Code',
  'Vehicle and Traffic',
  'Vehicle & Traffic',
  'Village',
  'Volunteer Firefighters Benefit',
  "Workers' Compensation",
  'Workers’ Compensation',
  'Gen. Oblig.',
  'Gen. Bus.',
  'Gen. Mun.',
  'Gen. Constr.',
  'Dom. Rel.',
  'Exec.',
  'Educ.',
  'Ins.',
  'Lab.',
  'Jud.',
  'Soc. Serv.',
  'Pub. Health',
  'Pub. Off.',
  'Real Prop.',
  'Real Prop. Acts.',
  'Real Prop. Tax',
  'Veh. & Traf.',
  'Bus. Corp.',
  'Civ. Rights',
  'Civ. Serv.',
  'Crim. Proc.',
  'Envtl. Conserv.',
  'Est. Powers & Trusts',
  'Mental Hyg.',
  'Ltd. Liab. Co.',
  "Workers' Comp.",
];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
export const NY_LAW_NAMES = NY_LAWS.sort((a, b) => b.length - a.length)
  .map(esc)
  .join('|');

const NY_KEYS: Record<string, string> = {
  'veh & traf': 'veh & traffic',
  'gen oblig': 'gen obligations',
  'gen constr': 'gen construction',
  'dom rel': 'domestic relations',
  'soc serv': 'social services',
  'civ serv': 'civ service',
  'envtl conserv': 'envtl conservation',
  'mental hyg': 'mental hygiene',
  'real prop acts': 'real prop actions & proc',
  'pub off': 'pub officers',
  'ltd liab co': 'limited liability company',
  "workers' comp": "workers' compensation",
};

/** The code key of a New York law name: "Vehicle and Traffic" -> "veh & traffic law". */
export function nyLawKey(name: string): string {
  let k = subjectKey(name.replace(/\s(?:Law|Act)$/, ''));
  k = NY_KEYS[k] ?? k;
  return `${k} law`;
}
