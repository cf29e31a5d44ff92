/**
 * The court table: federal courts (Supreme Court, courts of appeals, all 94 district courts and their
 * bankruptcy courts, the specialised courts, BAPs), every state's highest and intermediate appellate
 * courts (with their numbered districts and departments), and the agencies whose decisions opinions
 * review. State trial courts are a pattern family (kind + county + state) built by `trialCourt`.
 */

export type CourtLevel = 'supreme' | 'appellate' | 'trial' | 'bankruptcy' | 'specialised' | 'agency';

export interface Court {
  /** Stable id: `us.ca5`, `us.dist.nd-tex`, `nd.sup`, `us.bia`, `ca.super.los-angeles` … */
  id: string;
  /** Full name: "United States Court of Appeals for the Fifth Circuit". */
  name: string;
  /** Citation form: "5th Cir.", "N.D. Tex.", "N.D." */
  citation: string;
  /** `US` or a state's postal code. */
  jurisdiction: string;
  level: CourtLevel;
  /** Every citation form (the first is `citation`). */
  citations: string[];
  /** Other names the court goes by ("Fifth Circuit", "Board of Immigration Appeals", "BIA"). */
  aliases: string[];
}

export interface StateInfo {
  postal: string;
  name: string;
  /** Bluebook abbreviation: "Tex.", "N.D.", "W. Va." */
  abbr: string;
}

/** States, D.C. and the territories with federal district courts. */
export const STATES: StateInfo[] = [
  ['AL', 'Alabama', 'Ala.'],
  ['AK', 'Alaska', 'Alaska'],
  ['AZ', 'Arizona', 'Ariz.'],
  ['AR', 'Arkansas', 'Ark.'],
  ['CA', 'California', 'Cal.'],
  ['CO', 'Colorado', 'Colo.'],
  ['CT', 'Connecticut', 'Conn.'],
  ['DE', 'Delaware', 'Del.'],
  ['DC', 'District of Columbia', 'D.C.'],
  ['FL', 'Florida', 'Fla.'],
  ['GA', 'Georgia', 'Ga.'],
  ['HI', 'Hawaii', 'Haw.'],
  ['ID', 'Idaho', 'Idaho'],
  ['IL', 'Illinois', 'Ill.'],
  ['IN', 'Indiana', 'Ind.'],
  ['IA', 'Iowa', 'Iowa'],
  ['KS', 'Kansas', 'Kan.'],
  ['KY', 'Kentucky', 'Ky.'],
  ['LA', 'Louisiana', 'La.'],
  ['ME', 'Maine', 'Me.'],
  ['MD', 'Maryland', 'Md.'],
  ['MA', 'Massachusetts', 'Mass.'],
  ['MI', 'Michigan', 'Mich.'],
  ['MN', 'Minnesota', 'Minn.'],
  ['MS', 'Mississippi', 'Miss.'],
  ['MO', 'Missouri', 'Mo.'],
  ['MT', 'Montana', 'Mont.'],
  ['NE', 'Nebraska', 'Neb.'],
  ['NV', 'Nevada', 'Nev.'],
  ['NH', 'New Hampshire', 'N.H.'],
  ['NJ', 'New Jersey', 'N.J.'],
  ['NM', 'New Mexico', 'N.M.'],
  ['NY', 'New York', 'N.Y.'],
  ['NC', 'North Carolina', 'N.C.'],
  ['ND', 'North Dakota', 'N.D.'],
  ['OH', 'Ohio', 'Ohio'],
  ['OK', 'Oklahoma', 'Okla.'],
  ['OR', 'Oregon', 'Or.'],
  ['PA', 'Pennsylvania', 'Pa.'],
  ['RI', 'Rhode Island', 'R.I.'],
  ['SC', 'South Carolina', 'S.C.'],
  ['SD', 'South Dakota', 'S.D.'],
  ['TN', 'Tennessee', 'Tenn.'],
  ['TX', 'Texas', 'Tex.'],
  ['UT', 'Utah', 'Utah'],
  ['VT', 'Vermont', 'Vt.'],
  ['VA', 'Virginia', 'Va.'],
  ['WA', 'Washington', 'Wash.'],
  ['WV', 'West Virginia', 'W. Va.'],
  ['WI', 'Wisconsin', 'Wis.'],
  ['WY', 'Wyoming', 'Wyo.'],
  ['PR', 'Puerto Rico', 'P.R.'],
  ['GU', 'Guam', 'Guam'],
  ['VI', 'Virgin Islands', 'V.I.'],
  ['MP', 'Northern Mariana Islands', 'N. Mar. I.'],
].map(([postal, name, abbr]) => ({ postal, name, abbr }));

export const STATE_BY_POSTAL = new Map(STATES.map((s) => [s.postal, s]));
export const STATE_BY_NAME = new Map(STATES.map((s) => [s.name.toLowerCase(), s]));

/** Federal judicial districts: N(orthern) S(outhern) E(astern) W(estern) M(iddle) C(entral), D = the one district. */
const DISTRICTS: Record<string, string> = {
  AL: 'NMS', AK: 'D', AZ: 'D', AR: 'EW', CA: 'NECS', CO: 'D', CT: 'D', DE: 'D', DC: 'D', FL: 'NMS',
  GA: 'NMS', HI: 'D', ID: 'D', IL: 'NCS', IN: 'NS', IA: 'NS', KS: 'D', KY: 'EW', LA: 'EMW', ME: 'D',
  MD: 'D', MA: 'D', MI: 'EW', MN: 'D', MS: 'NS', MO: 'EW', MT: 'D', NE: 'D', NV: 'D', NH: 'D', NJ: 'D',
  NM: 'D', NY: 'NSEW', NC: 'EMW', ND: 'D', OH: 'NS', OK: 'NEW', OR: 'D', PA: 'EMW', RI: 'D', SC: 'D',
  SD: 'D', TN: 'EMW', TX: 'NSEW', UT: 'D', VT: 'D', VA: 'EW', WA: 'EW', WV: 'NS', WI: 'EW', WY: 'D',
  PR: 'D', GU: 'D', VI: 'D', MP: 'D',
}; // prettier-ignore

export const DIRECTIONS: Record<string, string> = {
  N: 'Northern',
  S: 'Southern',
  E: 'Eastern',
  W: 'Western',
  M: 'Middle',
  C: 'Central',
};

export const ORDINALS = [
  'zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth',
  'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth',
  'nineteenth', 'twentieth',
]; // prettier-ignore
const ORDINAL_NUMERIC = (n: number): string => (n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : n > 3 && n < 21 ? `${n}th` : `${n}th`);
export const ordinalNumeric = ORDINAL_NUMERIC;
const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

function court(id: string, name: string, citations: string[], jurisdiction: string, level: CourtLevel, aliases: string[] = []): Court {
  return { id, name, citation: citations[0] ?? '', citations, jurisdiction, level, aliases };
}

/** "D." + "N.J." -> "D.N.J."; "N.D." + "Tex." -> "N.D. Tex." */
function districtCitation(dir: string, abbr: string): string {
  const head = dir === 'D' ? 'D.' : `${dir}.D.`;
  return /^[A-Z]\.[A-Z]\./.test(abbr) ? `${head}${abbr}` : `${head} ${abbr}`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function buildFederal(): Court[] {
  const out: Court[] = [];
  out.push(
    court('us.scotus', 'Supreme Court of the United States', ['U.S.', 'S. Ct.'], 'US', 'supreme', [
      'United States Supreme Court',
      'U.S. Supreme Court',
      'US Supreme Court',
    ]),
  );
  for (let n = 1; n <= 11; n++) {
    const ord = cap(ORDINALS[n]);
    out.push(
      court(`us.ca${n}`, `United States Court of Appeals for the ${ord} Circuit`, [`${ORDINAL_NUMERIC(n)} Cir.`, `CA${n}`], 'US', 'appellate', [
        `${ord} Circuit`,
        `${ORDINAL_NUMERIC(n)} Circuit`,
        `${ord} Circuit Court of Appeals`,
      ]),
    );
  }
  out.push(
    court('us.cadc', 'United States Court of Appeals for the District of Columbia Circuit', ['D.C. Cir.', 'CADC'], 'US', 'appellate', [
      'D.C. Circuit',
      'District of Columbia Circuit',
    ]),
    court('us.cafc', 'United States Court of Appeals for the Federal Circuit', ['Fed. Cir.', 'CAFC'], 'US', 'appellate', ['Federal Circuit']),
    court('us.cofc', 'United States Court of Federal Claims', ['Fed. Cl.', 'Ct. Fed. Cl.'], 'US', 'specialised', ['Court of Federal Claims']),
    court('us.claims', 'United States Court of Claims', ['Ct. Cl.'], 'US', 'specialised', ['Court of Claims']),
    court('us.tax', 'United States Tax Court', ['T.C.', 'Tax Ct.'], 'US', 'specialised', ['Tax Court']),
    court('us.cit', 'United States Court of International Trade', ['Ct. Int’l Trade', "Ct. Int'l Trade", 'CIT'], 'US', 'specialised', [
      'Court of International Trade',
    ]),
    court('us.cavc', 'United States Court of Appeals for Veterans Claims', ['Vet. App.'], 'US', 'specialised', [
      'Court of Appeals for Veterans Claims',
      'Veterans Court',
    ]),
    court('us.caaf', 'United States Court of Appeals for the Armed Forces', ['C.A.A.F.'], 'US', 'specialised', [
      'Court of Appeals for the Armed Forces',
    ]),
    court('us.jpml', 'Judicial Panel on Multidistrict Litigation', ['J.P.M.L.'], 'US', 'specialised', [
      'JPML',
      'United States Judicial Panel on Multidistrict Litigation',
    ]),
  );
  for (const n of [1, 2, 6, 8, 9, 10]) {
    const ord = cap(ORDINALS[n]);
    out.push(
      court(
        `us.bap${n}`,
        `United States Bankruptcy Appellate Panel for the ${ord} Circuit`,
        [`B.A.P. ${ORDINAL_NUMERIC(n)} Cir.`, `${ORDINAL_NUMERIC(n)} Cir. BAP`, `${ORDINAL_NUMERIC(n)} Cir. B.A.P.`],
        'US',
        'bankruptcy',
        [`Bankruptcy Appellate Panel for the ${ord} Circuit`, `${ord} Circuit Bankruptcy Appellate Panel`],
      ),
    );
  }
  for (const s of STATES) {
    for (const dir of DISTRICTS[s.postal] ?? '') {
      const district = dir === 'D' ? `District of ${s.name}` : `${DIRECTIONS[dir]} District of ${s.name}`;
      const cite = districtCitation(dir, s.abbr);
      const idPart = `${dir === 'D' ? 'd' : `${dir.toLowerCase()}d`}-${s.postal.toLowerCase()}`;
      out.push(
        court(`us.dist.${idPart}`, `United States District Court for the ${district}`, [cite], 'US', 'trial', [district]),
        court(`us.bankr.${idPart}`, `United States Bankruptcy Court for the ${district}`, [`Bankr. ${cite}`], 'US', 'bankruptcy', []),
      );
    }
  }
  return out;
}

function buildAgencies(): Court[] {
  const a = (id: string, name: string, cites: string[], aliases: string[]): Court => court(`us.${id}`, name, cites, 'US', 'agency', aliases);
  return [
    a('bia', 'Board of Immigration Appeals', ['BIA', 'B.I.A.'], ['BIA']),
    a('nlrb', 'National Labor Relations Board', ['NLRB', 'N.L.R.B.'], ['NLRB']),
    a('mspb', 'Merit Systems Protection Board', ['MSPB', 'M.S.P.B.'], ['MSPB']),
    a('bva', 'Board of Veterans’ Appeals', ['BVA', 'Bd. Vet. App.'], ["Board of Veterans' Appeals", 'Board of Veterans Appeals', 'BVA']),
    a('ptab', 'Patent Trial and Appeal Board', ['PTAB', 'P.T.A.B.'], ['PTAB']),
    a('ttab', 'Trademark Trial and Appeal Board', ['TTAB', 'T.T.A.B.'], ['TTAB']),
    a('bpai', 'Board of Patent Appeals and Interferences', ['BPAI', 'B.P.A.I.'], ['BPAI']),
    a('flra', 'Federal Labor Relations Authority', ['FLRA', 'F.L.R.A.'], ['FLRA']),
    a('oshrc', 'Occupational Safety and Health Review Commission', ['OSHRC', 'O.S.H.R.C.'], ['OSHRC']),
    a('ecab', 'Employees’ Compensation Appeals Board', ['ECAB', 'E.C.A.B.'], ["Employees' Compensation Appeals Board", 'ECAB']),
    a('brb', 'Benefits Review Board', ['BRB', 'Ben. Rev. Bd.'], ['BRB']),
    a('asbca', 'Armed Services Board of Contract Appeals', ['ASBCA', 'A.S.B.C.A.'], ['ASBCA']),
    a('cbca', 'Civilian Board of Contract Appeals', ['CBCA', 'C.B.C.A.'], ['CBCA']),
    a('ij', 'Immigration Court', ['IJ'], []),
    a('ssa.ac', 'Social Security Appeals Council', ['Appeals Council'], ['Appeals Council']),
  ];
}

/** One intermediate court; `units` are its numbered districts/departments/circuits/divisions. */
interface StateCourtSpec {
  id: string;
  name: string;
  cites: string[];
  level: CourtLevel;
  aliases?: string[];
  /** Unit word ("District", "Appellate District", "Department", "Circuit", "Division") and how many. */
  units?: { word: string; count: number; roman?: boolean; names?: string[] };
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV'];

/** Highest and intermediate courts that do not follow the common pattern. */
const STATE_SPECIAL: Record<string, StateCourtSpec[]> = {
  NY: [
    { id: 'ny.ca', name: 'New York Court of Appeals', cites: ['N.Y.'], level: 'supreme', aliases: ['Court of Appeals of New York', 'Court of Appeals of the State of New York'] },
    { id: 'ny.appdiv', name: 'Appellate Division of the Supreme Court of New York', cites: ['N.Y. App. Div.', 'App. Div.', 'AD'], level: 'appellate', aliases: ['Appellate Division', 'New York Appellate Division'], units: { word: 'Department', count: 4 } },
    { id: 'ny.supct', name: 'Supreme Court of the State of New York', cites: ['N.Y. Sup. Ct.'], level: 'trial', aliases: ['New York Supreme Court'] },
    { id: 'ny.appterm', name: 'Appellate Term of the Supreme Court of New York', cites: ['N.Y. App. Term', 'App. Term'], level: 'appellate', aliases: ['Appellate Term'] },
  ],
  MD: [
    { id: 'md.sup', name: 'Supreme Court of Maryland', cites: ['Md.'], level: 'supreme', aliases: ['Maryland Supreme Court', 'Court of Appeals of Maryland', 'Maryland Court of Appeals'] },
    { id: 'md.app', name: 'Appellate Court of Maryland', cites: ['Md. App.', 'Md. Ct. Spec. App.'], level: 'appellate', aliases: ['Maryland Appellate Court', 'Court of Special Appeals of Maryland', 'Maryland Court of Special Appeals', 'Court of Special Appeals'] },
  ],
  MA: [
    { id: 'ma.sjc', name: 'Supreme Judicial Court of Massachusetts', cites: ['Mass.'], level: 'supreme', aliases: ['Massachusetts Supreme Judicial Court', 'Supreme Judicial Court'] },
    { id: 'ma.app', name: 'Appeals Court of Massachusetts', cites: ['Mass. App. Ct.'], level: 'appellate', aliases: ['Massachusetts Appeals Court'] },
  ],
  ME: [
    { id: 'me.sjc', name: 'Supreme Judicial Court of Maine', cites: ['Me.'], level: 'supreme', aliases: ['Maine Supreme Judicial Court', 'Maine Law Court'] },
  ],
  WV: [
    { id: 'wv.sup', name: 'Supreme Court of Appeals of West Virginia', cites: ['W. Va.'], level: 'supreme', aliases: ['West Virginia Supreme Court of Appeals', 'West Virginia Supreme Court', 'Supreme Court of West Virginia'] },
    { id: 'wv.app', name: 'Intermediate Court of Appeals of West Virginia', cites: ['W. Va. Ct. App.'], level: 'appellate', aliases: ['West Virginia Intermediate Court of Appeals'] },
  ],
  TX: [
    { id: 'tx.sup', name: 'Supreme Court of Texas', cites: ['Tex.'], level: 'supreme', aliases: ['Texas Supreme Court'] },
    { id: 'tx.cca', name: 'Texas Court of Criminal Appeals', cites: ['Tex. Crim. App.'], level: 'supreme', aliases: ['Court of Criminal Appeals of Texas', 'Texas Court of Criminal Appeals'] },
    { id: 'tx.app', name: 'Court of Appeals of Texas', cites: ['Tex. App.'], level: 'appellate', aliases: ['Texas Court of Appeals'], units: { word: 'District', count: 15 } },
  ],
  OK: [
    { id: 'ok.sup', name: 'Supreme Court of Oklahoma', cites: ['Okla.'], level: 'supreme', aliases: ['Oklahoma Supreme Court'] },
    { id: 'ok.cca', name: 'Oklahoma Court of Criminal Appeals', cites: ['Okla. Crim. App.'], level: 'supreme', aliases: ['Court of Criminal Appeals of Oklahoma'] },
    { id: 'ok.civapp', name: 'Oklahoma Court of Civil Appeals', cites: ['Okla. Civ. App.'], level: 'appellate', aliases: ['Court of Civil Appeals of Oklahoma'] },
  ],
  AL: [
    { id: 'al.sup', name: 'Supreme Court of Alabama', cites: ['Ala.'], level: 'supreme', aliases: ['Alabama Supreme Court'] },
    { id: 'al.civapp', name: 'Alabama Court of Civil Appeals', cites: ['Ala. Civ. App.'], level: 'appellate', aliases: ['Court of Civil Appeals of Alabama'] },
    { id: 'al.crimapp', name: 'Alabama Court of Criminal Appeals', cites: ['Ala. Crim. App.'], level: 'appellate', aliases: ['Court of Criminal Appeals of Alabama'] },
  ],
  TN: [
    { id: 'tn.sup', name: 'Supreme Court of Tennessee', cites: ['Tenn.'], level: 'supreme', aliases: ['Tennessee Supreme Court'] },
    { id: 'tn.app', name: 'Court of Appeals of Tennessee', cites: ['Tenn. Ct. App.'], level: 'appellate', aliases: ['Tennessee Court of Appeals'] },
    { id: 'tn.crimapp', name: 'Court of Criminal Appeals of Tennessee', cites: ['Tenn. Crim. App.'], level: 'appellate', aliases: ['Tennessee Court of Criminal Appeals'] },
  ],
  DC: [
    { id: 'dc.ca', name: 'District of Columbia Court of Appeals', cites: ['D.C.'], level: 'supreme', aliases: ['D.C. Court of Appeals', 'Court of Appeals for the District of Columbia'] },
  ],
  PA: [
    { id: 'pa.sup', name: 'Supreme Court of Pennsylvania', cites: ['Pa.'], level: 'supreme', aliases: ['Pennsylvania Supreme Court'] },
    { id: 'pa.super', name: 'Superior Court of Pennsylvania', cites: ['Pa. Super. Ct.', 'Pa. Super.'], level: 'appellate', aliases: ['Pennsylvania Superior Court'] },
    { id: 'pa.commw', name: 'Commonwealth Court of Pennsylvania', cites: ['Pa. Commw. Ct.', 'Pa. Cmwlth.'], level: 'appellate', aliases: ['Pennsylvania Commonwealth Court', 'Commonwealth Court'] },
  ],
  NJ: [
    { id: 'nj.sup', name: 'Supreme Court of New Jersey', cites: ['N.J.'], level: 'supreme', aliases: ['New Jersey Supreme Court'] },
    { id: 'nj.appdiv', name: 'Superior Court of New Jersey, Appellate Division', cites: ['N.J. Super. Ct. App. Div.', 'N.J. Super.'], level: 'appellate', aliases: ['New Jersey Appellate Division', 'Superior Court, Appellate Division'] },
  ],
  CA: [
    { id: 'ca.sup', name: 'Supreme Court of California', cites: ['Cal.'], level: 'supreme', aliases: ['California Supreme Court'] },
    { id: 'ca.app', name: 'Court of Appeal of California', cites: ['Cal. Ct. App.', 'Cal. App.'], level: 'appellate', aliases: ['California Court of Appeal'], units: { word: 'Appellate District', count: 6 } },
  ],
  IL: [
    { id: 'il.sup', name: 'Supreme Court of Illinois', cites: ['Ill.'], level: 'supreme', aliases: ['Illinois Supreme Court'] },
    { id: 'il.app', name: 'Appellate Court of Illinois', cites: ['Ill. App. Ct.', 'Ill. App.'], level: 'appellate', aliases: ['Illinois Appellate Court'], units: { word: 'District', count: 5 } },
  ],
  FL: [
    { id: 'fl.sup', name: 'Supreme Court of Florida', cites: ['Fla.'], level: 'supreme', aliases: ['Florida Supreme Court'] },
    { id: 'fl.dca', name: 'District Court of Appeal of Florida', cites: ['Fla. Dist. Ct. App.'], level: 'appellate', aliases: ['Florida District Court of Appeal'], units: { word: 'District', count: 6 } },
  ],
  LA: [
    { id: 'la.sup', name: 'Supreme Court of Louisiana', cites: ['La.'], level: 'supreme', aliases: ['Louisiana Supreme Court'] },
    { id: 'la.app', name: 'Court of Appeal of Louisiana', cites: ['La. Ct. App.', 'La. App.'], level: 'appellate', aliases: ['Louisiana Court of Appeal'], units: { word: 'Circuit', count: 5 } },
  ],
  OH: [
    { id: 'oh.sup', name: 'Supreme Court of Ohio', cites: ['Ohio'], level: 'supreme', aliases: ['Ohio Supreme Court'] },
    { id: 'oh.app', name: 'Court of Appeals of Ohio', cites: ['Ohio Ct. App.', 'Ohio App.'], level: 'appellate', aliases: ['Ohio Court of Appeals'], units: { word: 'District', count: 12 } },
  ],
  CT: [
    { id: 'ct.sup', name: 'Supreme Court of Connecticut', cites: ['Conn.'], level: 'supreme', aliases: ['Connecticut Supreme Court'] },
    { id: 'ct.app', name: 'Appellate Court of Connecticut', cites: ['Conn. App. Ct.', 'Conn. App.'], level: 'appellate', aliases: ['Connecticut Appellate Court'] },
  ],
  HI: [
    { id: 'hi.sup', name: 'Supreme Court of Hawaii', cites: ['Haw.'], level: 'supreme', aliases: ['Hawaii Supreme Court'] },
    { id: 'hi.app', name: 'Intermediate Court of Appeals of Hawaii', cites: ['Haw. Ct. App.', 'Haw. App.'], level: 'appellate', aliases: ['Hawaii Intermediate Court of Appeals'] },
  ],
  MO: [
    { id: 'mo.sup', name: 'Supreme Court of Missouri', cites: ['Mo.'], level: 'supreme', aliases: ['Missouri Supreme Court'] },
    { id: 'mo.app', name: 'Missouri Court of Appeals', cites: ['Mo. Ct. App.', 'Mo. App.'], level: 'appellate', aliases: ['Court of Appeals of Missouri'], units: { word: 'District', count: 3, names: ['Eastern', 'Western', 'Southern'] } },
  ],
  WA: [
    { id: 'wa.sup', name: 'Supreme Court of Washington', cites: ['Wash.'], level: 'supreme', aliases: ['Washington Supreme Court'] },
    { id: 'wa.app', name: 'Court of Appeals of Washington', cites: ['Wash. Ct. App.', 'Wash. App.'], level: 'appellate', aliases: ['Washington Court of Appeals'], units: { word: 'Division', count: 3, roman: true } },
  ],
  WI: [
    { id: 'wi.sup', name: 'Supreme Court of Wisconsin', cites: ['Wis.'], level: 'supreme', aliases: ['Wisconsin Supreme Court'] },
    { id: 'wi.app', name: 'Court of Appeals of Wisconsin', cites: ['Wis. Ct. App.'], level: 'appellate', aliases: ['Wisconsin Court of Appeals'], units: { word: 'District', count: 4, roman: true } },
  ],
  DE: [
    { id: 'de.sup', name: 'Supreme Court of Delaware', cites: ['Del.'], level: 'supreme', aliases: ['Delaware Supreme Court'] },
    { id: 'de.ch', name: 'Court of Chancery of Delaware', cites: ['Del. Ch.'], level: 'trial', aliases: ['Delaware Court of Chancery', 'Court of Chancery'] },
    { id: 'de.super', name: 'Superior Court of Delaware', cites: ['Del. Super. Ct.'], level: 'trial', aliases: ['Delaware Superior Court'] },
  ],
  VA: [
    { id: 'va.sup', name: 'Supreme Court of Virginia', cites: ['Va.'], level: 'supreme', aliases: ['Virginia Supreme Court'] },
    { id: 'va.app', name: 'Court of Appeals of Virginia', cites: ['Va. Ct. App.'], level: 'appellate', aliases: ['Virginia Court of Appeals'] },
  ],
  VT: [
    { id: 'vt.sup', name: 'Vermont Supreme Court', cites: ['Vt.'], level: 'supreme', aliases: ['Supreme Court of Vermont'] },
    { id: 'vt.super', name: 'Vermont Superior Court', cites: ['Vt. Super. Ct.'], level: 'trial', aliases: ['Superior Court of Vermont'] },
  ],
  PR: [
    { id: 'pr.sup', name: 'Supreme Court of Puerto Rico', cites: ['P.R.'], level: 'supreme', aliases: ['Puerto Rico Supreme Court'] },
    { id: 'pr.app', name: 'Court of Appeals of Puerto Rico', cites: ['P.R. Cir.'], level: 'appellate', aliases: ['Puerto Rico Court of Appeals'] },
  ],
}; // prettier-ignore

/** States whose Superior Court is one statewide trial court (elsewhere superior courts are county courts). */
const STATEWIDE_SUPERIOR = new Set(['CT', 'NJ', 'DE', 'VT', 'ME', 'MA', 'NH', 'RI', 'DC', 'AK']);

/** States with no intermediate appellate court. */
const NO_INTERMEDIATE = new Set(['DE', 'ME', 'MT', 'NH', 'RI', 'SD', 'VT', 'WY', 'GU', 'VI', 'MP']);

function buildStates(): Court[] {
  const out: Court[] = [];
  for (const s of STATES) {
    if (s.postal === 'GU' || s.postal === 'VI' || s.postal === 'MP') continue;
    const specs: StateCourtSpec[] = [...(STATE_SPECIAL[s.postal] ?? [])];
    if (!STATE_SPECIAL[s.postal])
      specs.push(
        {
          id: `${s.postal.toLowerCase()}.sup`,
          name: `Supreme Court of ${s.name}`,
          cites: [s.abbr],
          level: 'supreme',
          aliases: [`${s.name} Supreme Court`],
        },
        ...(NO_INTERMEDIATE.has(s.postal)
          ? []
          : [
              {
                id: `${s.postal.toLowerCase()}.app`,
                name: `Court of Appeals of ${s.name}`,
                cites: [`${s.abbr} Ct. App.`, `${s.abbr} App.`],
                level: 'appellate' as CourtLevel,
                aliases: [`${s.name} Court of Appeals`],
              },
            ]),
      );
    if (STATEWIDE_SUPERIOR.has(s.postal) && !specs.some((x) => x.id === `${s.postal.toLowerCase()}.super`)) {
      specs.push({
        id: `${s.postal.toLowerCase()}.super`,
        name: s.postal === 'DC' ? 'Superior Court of the District of Columbia' : `Superior Court of ${s.name}`,
        cites: [`${s.abbr} Super. Ct.`],
        level: 'trial',
        aliases: [`${s.name} Superior Court`, ...(s.postal === 'DC' ? ['D.C. Superior Court'] : [])],
      });
    }
    for (const spec of specs) {
      out.push(court(spec.id, spec.name, spec.cites, s.postal, spec.level, spec.aliases ?? []));
      const units = spec.units;
      if (!units) continue;
      for (let n = 1; n <= units.count; n++) {
        const label = units.names
          ? `${units.names[n - 1]} ${units.word}`
          : units.roman
            ? `${units.word} ${ROMAN[n]}`
            : `${cap(ORDINALS[n])} ${units.word}`;
        out.push(court(`${spec.id}.${n}`, `${spec.name}, ${label}`, spec.cites, s.postal, spec.level, []));
      }
    }
  }
  return out;
}

export const COURTS: Court[] = [...buildFederal(), ...buildAgencies(), ...buildStates()];
export const COURT_BY_ID = new Map(COURTS.map((c) => [c.id, c]));

/** The one unit court of `parentId` numbered `n` (Texas Fifth District: `tx.app.5`). */
export function unitCourt(parentId: string, n: number): Court | undefined {
  return COURT_BY_ID.get(`${parentId}.${n}`);
}

/** Kinds of state trial courts, by the word that names them. */
export const TRIAL_KINDS: Record<string, { id: string; name: string }> = {
  superior: { id: 'super', name: 'Superior Court' },
  circuit: { id: 'cir', name: 'Circuit Court' },
  district: { id: 'dist', name: 'District Court' },
  'common pleas': { id: 'cp', name: 'Court of Common Pleas' },
  chancery: { id: 'ch', name: 'Chancery Court' },
  supreme: { id: 'supct', name: 'Supreme Court' },
  county: { id: 'county', name: 'County Court' },
  probate: { id: 'probate', name: 'Probate Court' },
  family: { id: 'family', name: 'Family Court' },
  surrogate: { id: 'surr', name: 'Surrogate’s Court' },
  municipal: { id: 'muni', name: 'Municipal Court' },
  juvenile: { id: 'juv', name: 'Juvenile Court' },
  criminal: { id: 'crim', name: 'Criminal Court' },
  civil: { id: 'civ', name: 'Civil Court' },
};

const trialCache = new Map<string, Court>();

/**
 * A state trial court of the pattern family: kind ("superior", "circuit", "district", "common pleas",
 * "supreme" for New York), the county or numbered district ("Los Angeles", "61st"), and the state.
 * Id `ca.super.los-angeles`; name "Superior Court of Los Angeles County, California".
 */
export function trialCourt(kind: string, place: string, state: StateInfo, numbered = false): Court | undefined {
  const k = TRIAL_KINDS[kind.toLowerCase()];
  if (!k) return undefined;
  const placeName = place
    .toLowerCase()
    .split(/\s+/)
    .map((w) => (w === 'of' || w === 'and' ? w : cap(w)))
    .join(' ');
  const id = `${state.postal.toLowerCase()}.${k.id}.${slug(placeName)}`;
  const hit = trialCache.get(id);
  if (hit) return hit;
  const name = numbered
    ? `${placeName} ${k.name}, ${state.name}`
    : kind.toLowerCase() === 'common pleas'
      ? `Court of Common Pleas of ${placeName} County, ${state.name}`
      : `${k.name} of ${placeName} County, ${state.name}`;
  const c = court(id, name, [], state.postal, 'trial', []);
  trialCache.set(id, c);
  return c;
}
