/**
 * Case names written before a citation: "Ford v. Wainwright, 477 U.S. 399", "In re Gault, 387 U.S. 1",
 * "See also Bell Atl. Corp. v. Twombly, 550 U.S. 544", "Matter of Smith v Jones, 128 AD3d 1021".
 *
 * The name is found by a bounded backward scan from the comma before the citation, word by word: party words
 * are capitalised words, abbreviations ("Inc.", "Dep’t", "U.S.") and a few lower-case connectors ("of", "the",
 * "ex rel."); the scan stops at a signal ("See", "Cf."), a lower-case word (the end of the previous sentence or
 * clause), a number, a bracket, a semicolon or a section sign.
 */

export interface CaseName {
  start: number;
  end: number;
  /** The parties as written, whitespace joined ("Bell Atl. Corp.", "Twombly"); one for "In re X" forms. */
  parties: string[];
  /** True for "X v. Y" names, false for a short name ("Twombly") or a prefix form ("In re Gault"). */
  adversary: boolean;
}

const CONNECTORS = new Set([
  'of',
  'the',
  'and',
  '&',
  'for',
  'de',
  'del',
  'della',
  'la',
  'le',
  'du',
  'van',
  'von',
  'der',
  'ex',
  'rel.',
  'rel',
  'et',
  'al.',
  'al',
  'd/b/a',
  'a/k/a',
  'f/k/a',
  'n/k/a',
  'by',
  'through',
  'on',
  'behalf',
  'to',
  'das',
  'dos',
  'y',
  'a',
  'an',
]);

/** Lower-case words a second party may hold ("Sixth Judicial Dist. Court of Appeals at Texarkana"). */
const SECOND_CONNECTORS = new Set(['at', 'upon', 'under', 'in']);

/** Particles of surnames written in lower case ("al-Marri", "d’Amato", "van Houten" is a connector). */
const PARTICLE = /^(?:al|el|d|da|de|di|du|la|le|ibn|bin|mc|o)[-'’]?[A-Z]/;

/** Capitalised words that begin a sentence or a clause, not a party name. */
const STOPWORDS = new Set(
  (
    'See Cf. Cf But Accord Compare Contra E.g. E.g., Also And Or Under As In On At By From With Per Following Citing Quoting ' +
    'Like Unlike After Before Although Though While When Where Whereas Here There Then Thus Hence Indeed Similarly Likewise ' +
    'Finally Further Furthermore Additionally Accordingly Therefore Consequently Nevertheless Nonetheless However Moreover ' +
    'Notably Specifically Because Since If Yet So Even Only Instead Rather Recently Later Subsequently Previously We Our It ' +
    'Its This That These Those Such Id. Ibid. Supra Applying Relying Discussing Addressing Interpreting Construing Considering ' +
    'Accepting Rejecting Affirming Reversing Cited Cites Both Each Every Any Some Thereafter Nor Whether Until Unless Upon ' +
    'Within Without During Despite Regarding Concerning Note Notes Cmt. Comment Pursuant Given Accord, See, But, Compare, ' +
    'Cf., Also, Thus, Moreover, However, Similarly, Indeed, Further, Finally, Therefore, Accordingly, Additionally, Likewise, ' +
    'Here, Again, Again Generally Generally, First, Second, Third, Ultimately Ultimately, Importantly Importantly, e.g.'
  ).split(' '),
);

/** Abbreviations of four or more letters that end in a period inside party names (Bluebook T6, T10 and the like). */
const LONG_ABBREVIATIONS = new Set(
  (
    'Corp Bros Univ Educ Dept Indus Transp Distrib Telecomm Envtl Pharm Constr Maint Rehab Admin Mgmt Hosp Prods Servs ' +
    'Found Equip Mortg Enters Assocs Assoc Cnty Cmty Coll Comm Dist Guar Hous Invs Liab Mach Mktg Prop Props Regul Petrol ' +
    'Serv Tech Util Utils Whse Labs Auth Bldg Chem Condo Coop Devs Elec Engr Exch Indem Mfrs Info Inst Invest Prot Publ ' +
    'Corrs Corr Agric Ariz Calif Colo Conn Mass Mich Minn Miss Mont Okla Tenn Wash Wyo Penn Mgmt Fin Ltd Intl Natl Ests ' +
    'Dept Depts Bhd Commn Commrs Cos Fams Gaz Grps Hldgs Imps Ints Invs Lodg Mfrs Mgrs Offs Orgs Pubs Rels Sols Sups Supp ' +
    'Svcs Sys Terrs Trs Twps Wkrs Emps Eng Enter Entm Fed Gen Ins Mun Nat Sav Sch Soc Sur Tel Trans Cas Ctr Cir ' +
    'Auto Schs Glob Groc Acad Amer Bankr Cont Contr Corps Dists Divs Econ Empl Envt Facs Hist Hosps Immigr Indep Inds ' +
    'Juv Metro Prac Prof Psych Reprod Spec Stds Subcomm Treas Univs Vill Vols Cent Telegr Supt Dept Commc Wholesale Bhd ' +
    'Brdcst Broad Commcns Cmtys Gov Govt Hwy Mech Nav Petro Pros Rsch Ry Sci Transcon Transpt Urb Veh Vet Warr ' +
    'Litig Petrochem Pharms Telecomms Distribs Techs Deriv Consol Antitrust Practs Prac Liabs Contracts Secs'
  ).split(' '),
);

/**
 * Whether a word ending in a period ends the sentence before a name ("Amendment.", "Court.", "DUI.") rather than
 * abbreviating a word of it ("Corp.", "Transp.", "U.S.").
 */
function endsSentence(t: string, left: string | undefined): boolean {
  if (!t.endsWith('.') || t.length < 4) return false;
  const w = t.slice(0, -1);
  if (!/^[A-Za-z]+$/.test(w)) return false; // "U.S.", "Dep’t.", "S.E.C."
  if (/^[A-Z]+$/.test(w)) return w.length >= 3; // "DUI." (acronyms take no periods)
  if (w.length < 4 || LONG_ABBREVIATIONS.has(w)) return false;
  // a long word ("Amendment.") or one after a word of prose ("by Congress.", "this Court.")
  return w.length >= 6 || (left !== undefined && /^[a-z]+[,;]?$/.test(left) && !CONNECTORS.has(left));
}

/** Corporate and personal suffixes that follow a comma inside a party ("Smith, Inc.", "Jones, Jr."). */
const SUFFIXES =
  /^(?:Inc\.?|Ltd\.?|Co\.?|Corp\.?|LLC|L\.L\.C\.|L\.P\.|LP|LLP|L\.L\.P\.|N\.A\.|P\.C\.|P\.A\.|S\.A\.|PLC|Jr\.?|Sr\.?|II|III|IV|et|Esq\.?)[,]?$/;

const PREFIXES =
  /^(?:In the Matter of|Matter of|In re|Ex parte|In the Interest of|Interest of|In the Care and Treatment of|Care and Treatment of|Application of|Estate of|Petition of|Guardianship of|Adoption of|Marriage of|Appeal of|Will of|Succession of|Conservatorship of|Commitment of)\b/;

const HARD_STOP = /[;:()[\]§¶“”"{}<>]|^\d|^[*†‡]|\.\.|,,/;

interface Tok {
  s: number;
  e: number;
  t: string;
}

const WINDOW = 320;

/** Words of text[from, to), a hyphenated line break joined into one word ("Commis-\nsioner"). */
function tokens(text: string, from: number, to: number): Tok[] {
  const out: Tok[] = [];
  const re = /\S+/g;
  const w = text.slice(from, to);
  let m: RegExpExecArray | null;
  while ((m = re.exec(w))) {
    const s = from + m.index;
    const e = s + m[0].length;
    const prev = out[out.length - 1];
    if (prev && prev.t === 'v' && m[0] === '.') {
      prev.t = 'v.';
      prev.e = e;
    } else if (prev && /[a-z]-$/.test(prev.t) && /^[a-z]/.test(m[0]) && /\n/.test(text.slice(prev.e, s))) {
      prev.t = prev.t.slice(0, -1) + m[0];
      prev.e = e;
    } else out.push({ s, e, t: m[0] });
  }
  return out;
}

function isV(t: string): boolean {
  return t === 'v.' || t === 'v' || t === 'vs.' || t === 'vs' || t === 'V.';
}

/** Whether a word can be part of a party name, given the word to its right (already in the name). */
function partyWord(t: string, right: string | undefined, second = false, left?: string): boolean {
  const sentenceEnd = !second && right !== undefined && endsSentence(t, left);
  if (second && /^[$\d]/.test(t) && !/[;:()[\]§¶“”"]/.test(t)) return true; // "United States v. $183,791.00", "Local 32"
  if (HARD_STOP.test(t)) return false;
  // a comma inside a party: "Smith, Inc."; in the second party also "Dep’t of Transp., Bureau of Driver Licensing"
  if (t.endsWith(',') && !(right && (SUFFIXES.test(right) || (second && /^[A-Z]/.test(right) && !STOPWORDS.has(right))))) return false;
  const c = t.charCodeAt(0);
  const upper = (c >= 65 && c <= 90) || /^[A-ZÀ-Þ‘'’]/.test(t);
  if (upper) return !STOPWORDS.has(t) && !sentenceEnd;
  if (PARTICLE.test(t)) return true;
  return CONNECTORS.has(t) || (second && SECOND_CONNECTORS.has(t));
}

function joinWords(ts: Tok[]): string {
  return ts
    .map((x) => x.t)
    .join(' ')
    .replace(/,$/, '');
}

function looksLikeCaption(ts: Tok[]): boolean {
  const letters = ts.map((x) => x.t).join('');
  return !/[a-z]/.test(letters.replace(/\bvs?\.?/g, '')) && letters.replace(/[^A-Z]/g, '').length > 6;
}

/**
 * The case name that ends at `end` (the position of the comma before a citation), or undefined.
 * `allowShort`: a short name without "v." ("Twombly" before ", supra" or a short-form citation) is accepted.
 */
export function caseNameBefore(text: string, end: number, allowShort = false): CaseName | undefined {
  const ts = tokens(text, Math.max(0, end - WINDOW), end);
  if (!ts.length || ts[ts.length - 1].e !== end) return undefined;
  // Second party (or the whole name of a prefix form): up to the "v."
  let i = ts.length - 1;
  let vAt = -1;
  let count = 0;
  for (; i >= 0 && count < 24; i--, count++) {
    const t = ts[i].t;
    if (isV(t) && i < ts.length - 1) {
      vAt = i;
      break;
    }
    if ((t === 're' && i > 0 && /^In$/i.test(ts[i - 1].t)) || (t === 'parte' && i > 0 && /^Ex$/i.test(ts[i - 1].t))) {
      // "In re X", "Ex parte X": the name starts here
      i -= 2;
      break;
    }
    if (/^[([][A-Z]/.test(t) && !HARD_STOP.test(t.slice(1))) {
      // "(Kelly v Karsenty, 117 AD3d 912 …)": the name opens a parenthesis
      ts[i] = { s: ts[i].s + 1, e: ts[i].e, t: t.slice(1) };
      i -= 1;
      break;
    }
    if (!partyWord(t, ts[i + 1]?.t, true)) break;
  }
  if (vAt < 0) {
    // a prefix form ("In re X", "Matter of X") or a short name
    const words = ts.slice(i + 1);
    if (!words.length) return undefined;
    let k = 0;
    while (k < words.length && !/^[A-Z]/.test(words[k].t)) k++;
    const rest = words.slice(k);
    if (!rest.length || rest.some((x) => /^[$\d]/.test(x.t))) return undefined;
    const str = joinWords(rest);
    const pm = PREFIXES.exec(str);
    if (pm) {
      if (looksLikeCaption(rest)) return undefined;
      // "In the Care and Treatment of X": "In the" sits before the capitalised words
      const lead = /\bIn\s+the\s+$/.exec(text.slice(Math.max(0, rest[0].s - 12), rest[0].s));
      if (lead && !/^In\b/.test(str)) return { start: rest[0].s - lead[0].length, end, parties: [str.slice(pm[0].length).trim()], adversary: false };
      return { start: rest[0].s, end, parties: [str.slice(pm[0].length).trim()], adversary: false };
    }
    // "In re" after words we kept: find the prefix inside
    for (let j = 1; j < rest.length; j++) {
      const sub = joinWords(rest.slice(j));
      const m = PREFIXES.exec(sub);
      if (m) return { start: rest[j].s, end, parties: [sub.slice(m[0].length).trim()], adversary: false };
    }
    if (!allowShort || rest.length > 6) return undefined;
    if (looksLikeCaption(rest) && rest.length > 1) return undefined;
    return { start: rest[0].s, end, parties: [str], adversary: false };
  }
  const second = ts.slice(vAt + 1);
  if (!second.some((x) => /^[A-Z0-9]/.test(x.t))) return undefined;
  // First party
  let j = vAt - 1;
  count = 0;
  for (; j >= 0 && count < 14; j--, count++) {
    const t = ts[j].t;
    if (t === 're' && j > 0 && /^In$/i.test(ts[j - 1].t)) {
      j -= 1;
      continue;
    }
    if (t === 'parte' && j > 0 && /^Ex$/i.test(ts[j - 1].t)) {
      j -= 1;
      continue;
    }
    if (/^[([][A-Z]/.test(t) && !HARD_STOP.test(t.slice(1))) {
      ts[j] = { s: ts[j].s + 1, e: ts[j].e, t: t.slice(1) };
      j -= 1;
      break;
    }
    if (!partyWord(t, ts[j + 1]?.t, false, ts[j - 1]?.t) || isV(t)) break;
  }
  let first = ts.slice(j + 1, vAt);
  while (first.length && !/^[A-Z0-9‘'’]/.test(first[0].t) && !PARTICLE.test(first[0].t)) first = first.slice(1);
  if (!first.length) return undefined;
  const all = [...first, ...second];
  if (looksLikeCaption(all)) return undefined;
  let firstStr = joinWords(first);
  const pm = PREFIXES.exec(firstStr);
  if (pm) firstStr = firstStr.slice(pm[0].length).trim() || firstStr;
  return { start: first[0].s, end, parties: [firstStr, joinWords(second)], adversary: true };
}

/** Lower-case letters and digits of a party, for comparing names ("Bell Atl. Corp." -> "bellatlcorp"). */
export function nameKey(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const GENERIC_PARTY =
  /^(?:united states|united states of america|state|people|commonwealth|the people|people of the state of [a-z ]+|state of [a-z ]+|commissioner|the state|city of [a-z ]+|county of [a-z ]+)$/i;

/** Whether a short name ("Twombly", "Johnson v. Commissioner of Correction") refers to a case named `parties`. */
export function nameMatches(short: string, parties: string[]): boolean {
  const sk = nameKey(short);
  if (!sk) return false;
  if (nameKey(parties.join(' v ')) === sk || nameKey(parties.join(' ')) === sk) return true;
  const sParties = short.split(/\s+vs?\.?\s+/);
  if (sParties.length === 2 && parties.length === 2) {
    return nameKey(sParties[0]) === nameKey(parties[0]) && nameKey(sParties[1]) === nameKey(parties[1]);
  }
  for (const p of parties) {
    if (GENERIC_PARTY.test(p.trim())) continue;
    const pk = nameKey(p);
    if (pk === sk) return true;
    // "Twombly" for "Bell Atl. Corp. v. Twombly"; "Celotex" for "Celotex Corp."
    const words = p.split(/\s+/).map(nameKey).filter(Boolean);
    if (words[0] === sk) return true;
    if (sk.length >= 4 && pk.startsWith(sk)) return true;
  }
  return false;
}
