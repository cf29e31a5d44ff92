import type { AttributeValue, LegalMention } from '../types';
import { caseNameBefore, nameKey, nameMatches, type CaseName } from './case-names';
import { lookupReporter, MAX_REPORTER_TOKENS, type Reporter } from './reporters';
import { basicNormalize } from '../normalize';

/**
 * Case citations as a lawyer reads them: full citations ("550 U.S. 544, 570 (2007)", any whitespace or line
 * break between volume, reporter and page), parallel groups ("410 U.S. 113, 93 S. Ct. 705, 35 L. Ed. 2d 147"),
 * neutral and database citations ("2025 ND 80", "2016-Ohio-5555", "2019 WL 123456"), short forms
 * ("550 U.S. at 570"), "Id."/"Ibid.", "supra", and the case names written before full citations.
 *
 * Keys (see DESIGN): `<volume> <reporter key> <page>`; every member of a parallel group, every short form, Id.
 * and supra that refers to it, and its name carry the key of the group's best-ranked member. Short forms, Id.
 * and supra that cannot be resolved to a full citation of the same text are dropped.
 */

const METHOD = 'legal:citation';

/** A raw citation "volume reporter page" or "volume reporter at pin" found by the scanner. */
interface RawCite {
  start: number;
  /** End of "volume reporter page" (or of the short form's pin). */
  end: number;
  volume: string;
  reporter: Reporter;
  page: string;
  short: boolean;
  /** Short forms: the pin after "at". */
  shortPin?: string;
}

interface FullCite extends RawCite {
  key: string;
  pin?: string;
  /** End of the pin cites (>= end). */
  pinEnd: number;
  court?: string;
  year?: number;
  group: Group;
}

interface Group {
  members: FullCite[];
  key: string;
  name?: CaseName;
}

// "volume" then whitespace then a capital (or "(" for nothing): the prefilter of every full or short citation.
const VOLUME = /(?<![\w.§$/\\'’-])(?<!\d,)(\d{1,4}|_{2,12})\s+(?=[A-Z])/g;
// "2016-Ohio-5555", "2021-NMSC-007"
const DASH_NEUTRAL = /(?<![\w-])((?:19|20)\d\d)-(Ohio|NMSC|NMCA|NMCERT)-(\d{1,6})(?![\w-])|T\.\s?C\.\s?Memo\.?\s+((?:19|20)\d\d)-(\d{1,4})(?!\d)/g;
const ID =
  /(?<![\w.])(?:[Ii]d\.|[Ii]bid\.?|[Ii]d(?=,\s+at\s+\d))(?:(,?\s+at\s+|,\s*|[ \t]+(?=¶))((?:¶¶?\s*)?\*?\d+(?:\s*[-–—]\s*\*?\d+)?(?:\s*(?:n|nn)\.\s*\d+)?)(?![\w]))?/g;
const SUPRA = /(?<![\w.])supra\b/g;
const PIN =
  /,?\s*(?:at\s+)?((?:¶¶?\s*)?\*?\d+(?:\s*[-–—]\s*\*?\d+)?(?:\s*(?:&|and)\s*\d+)?(?:\s*,?\s*(?:n|nn)\.\s*\d+(?:\s*[-–—&]\s*\d+)?)?)(?![\w])/y;
const PAREN = /\)?\s*[([]([^()[\]]{0,120}?)((?:1[6-9]|20)\d\d)[)\]]/y;
const HISTORY =
  /(?:cert\.\s*(?:denied|granted|dismissed)|aff['’]d|rev['’]d|vacated|appeal\s+dis-?\s*missed|appeal\s+denied|reh['’]g(?:\s+en\s+banc)?\s+denied|review\s+denied|modified|remanded|abrogated(?:\s+on\s+other\s+grounds)?(?:\s+by)?|overruled(?:\s+on\s+other\s+grounds)?(?:\s+by)?)(?:\s+in\s+part)?(?:\s+sub\s+nom\.)?,?\s*$/;
const STATUTE_HINT =
  /\bU\.\s?S\.\s?C\b|\bC\.\s?F\.\s?R\b|\bStat\.|\bConst\.|\bFed\.\s?R\.|\bR\.\s?(?:Civ|Crim|App|Evid)\.|\bRules?\s+\d|\bCode\b|\bCodes\b|\bAnn\.|\bG\.\s?L\.|\bPub\.\s?L\./;

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 160;
}

function skipSpace(text: string, i: number, max = 40): number {
  let n = 0;
  while (i < text.length && isSpace(text.charCodeAt(i)) && n < max) {
    i++;
    n++;
  }
  return i;
}

const ORDINAL = /\d(?:d|nd|rd|th|st)(?![A-Za-z])|\((?:1st|2d|3d|4th|5th)\)/y;

/**
 * After "volume ", reads the reporter token by token and returns the longest reporter form followed by a page
 * (or "at pin" for a short form).
 */
function readCite(text: string, volStart: number, volume: string, p: number, lenient = false): RawCite | undefined {
  let best: RawCite | undefined;
  let norm = '';
  let i = p;
  for (let n = 0; n < MAX_REPORTER_TOKENS && i < text.length; n++) {
    const c = text.charCodeAt(i);
    let j = i;
    if (isUpper(c) || (c === 38 && n > 0)) {
      j++;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (isUpper(d) || isLower(d) || d === 38 /* & */ || d === 39 || d === 0x2019) j++;
        else break;
      }
    } else if (isDigit(c) || c === 40 /* ( */) {
      ORDINAL.lastIndex = i;
      const m = ORDINAL.exec(text);
      if (!m) break;
      j = i + m[0].length;
    } else break;
    let tokNorm = text.slice(i, j).replace(/['’]/g, '');
    if (tokNorm.startsWith('(')) tokNorm = tokNorm.slice(1, -1);
    norm += tokNorm;
    let dot = false;
    if (text.charCodeAt(j) === 46 /* . */) {
      j++;
      dot = true;
    }
    const raw = text.slice(p, j);
    const rep = norm.length <= 24 ? lookupReporter(norm, raw, lenient) : undefined;
    if (rep) {
      const r = readPage(text, volStart, volume, rep, j, dot);
      if (r) best = r;
    }
    // next token: after whitespace, or glued after a period, or a glued ordinal ("AD3d", "F.3d")
    const k = skipSpace(text, j);
    if (k === j && !dot) {
      const d = text.charCodeAt(j);
      if (!isDigit(d)) break;
    }
    if (k >= text.length) break;
    const d = text.charCodeAt(k);
    if (!(isUpper(d) || isDigit(d) || d === 40 || d === 38)) break;
    // a page number is not a token: stop when digits are not an ordinal
    if (isDigit(d)) {
      ORDINAL.lastIndex = k;
      if (!ORDINAL.test(text)) break;
    }
    i = k;
  }
  return best;
}

function readPage(text: string, volStart: number, volume: string, rep: Reporter, j: number, dot: boolean): RawCite | undefined {
  if (rep.yearVolume) {
    const y = Number(volume);
    if (volume.length !== 4 || y < 1900 || y > 2099) return undefined;
  }
  // "5 U.S. (1 Cranch) 137"
  let k = skipSpace(text, j);
  if (!dot && k === j) return undefined;
  const m = /\(\d{1,3}\s+[A-Z][A-Za-z.]{1,12}\)\s*/y;
  m.lastIndex = k;
  if (rep.key === 'us' && m.test(text)) k = m.lastIndex;
  const c = text.charCodeAt(k);
  if (isDigit(c)) {
    let e = k;
    while (e < text.length && isDigit(text.charCodeAt(e)) && e - k < 8) e++;
    const after = text.charCodeAt(e);
    if (isDigit(after) || isUpper(after) || isLower(after)) return undefined;
    if (after === 44 /* , */ && isDigit(text.charCodeAt(e + 1)) && e - k <= 3) return undefined; // "1,234"
    let end = e;
    if (text.startsWith('(U)', e)) end = e + 3; // New York slip opinions
    // "in 1999 ND 5 officers": a neutral citation is not followed by a word of the sentence
    if (rep.kind === 'neutral' && /^\s+[a-z]/.test(text.slice(end, end + 3)) && !/^\s+(?:at|n|nn)\b/.test(text.slice(end, end + 5))) return undefined;
    return { start: volStart, end, volume, reporter: rep, page: text.slice(k, e), short: false };
  }
  if (c === 95 /* _ */ || (c === 45 && text.charCodeAt(k + 1) === 45)) {
    let e = k;
    while (e < text.length && (text.charCodeAt(e) === 95 || text.charCodeAt(e) === 45) && e - k < 20) e++;
    if (e - k < 2) return undefined;
    return { start: volStart, end: e, volume, reporter: rep, page: '___', short: false };
  }
  // short form "550 U.S. at 570", "539 U.S., at 306"
  const s = /,?\s*at\s+(\*?\d{1,7}(?:\s*[-–—]\s*\*?\d{1,7})?(?:\s*,?\s*(?:n|nn)\.\s*\d+)?)(?![\w])/y;
  s.lastIndex = j;
  const sm = s.exec(text);
  if (sm && !rep.yearVolume) {
    return { start: volStart, end: s.lastIndex, volume, reporter: rep, page: '', short: true, shortPin: sm[1] };
  }
  if (sm && rep.yearVolume && sm[1].startsWith('*')) {
    return { start: volStart, end: s.lastIndex, volume, reporter: rep, page: '', short: true, shortPin: sm[1] };
  }
  return undefined;
}

/** First pages of a group's reporter citations (a WL or slip-opinion number is no page). */
function pagesOf(g: Group): number[] {
  if (g.members.some((x) => x.reporter.yearVolume)) return [];
  return g.members.map((x) => parseInt(x.page, 10)).filter((n) => !Number.isNaN(n));
}

function isNeutral(g: Group): boolean {
  return g.members.some((x) => x.reporter.kind === 'neutral');
}

function citeKey(volume: string, rep: Reporter | string, page: string): string {
  const v = volume.replace(/^0+(?=\d)/, '');
  const p = page.replace(/^0+(?=\d)/, '');
  return `${v} ${typeof rep === 'string' ? rep : rep.key} ${p}`;
}

/** All raw citations of the text, in order. */
function scan(text: string, lenient = false): RawCite[] {
  const out: RawCite[] = [];
  VOLUME.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = VOLUME.exec(text))) {
    const r = readCite(text, m.index, m[1], m.index + m[0].length, lenient);
    if (r) {
      out.push(r);
      VOLUME.lastIndex = r.end;
    }
  }
  DASH_NEUTRAL.lastIndex = 0;
  const dash: RawCite[] = [];
  while ((m = DASH_NEUTRAL.exec(text))) {
    const memo = m[4] !== undefined; // "T.C. Memo. 2019-12"
    const name = memo ? 'T.C. Memo.' : m[2];
    const rep: Reporter = {
      canonical: name,
      variants: [],
      kind: memo ? 'federal' : 'neutral',
      rank: 1,
      jurisdiction: memo ? 'us' : m[2] === 'Ohio' ? 'oh' : 'nm',
      key: memo ? 'tcmemo' : m[2].toLowerCase(),
      yearVolume: true,
      bare: true,
    };
    dash.push({ start: m.index, end: m.index + m[0].length, volume: memo ? m[4] : m[1], reporter: rep, page: memo ? m[5] : m[3], short: false });
  }
  if (dash.length) {
    out.push(...dash);
    out.sort((a, b) => a.start - b.start);
  }
  return out;
}

function mention(
  text: string,
  start: number,
  end: number,
  key: string,
  attributes: Record<string, AttributeValue>,
  confidence: number,
): LegalMention {
  return { type: 'CASE', start, end, text: text.slice(start, end), key, attributes, confidence, method: METHOD };
}

/** A name as a person should read it: one space, line-break hyphens joined ("Com-\nmissioner" -> "Commissioner"). */
function displayName(s: string): string {
  return s
    .replace(/([a-z])-[ \t]*\r?\n\s*([a-z])/g, '$1$2')
    .replace(/([A-Za-z])-[ \t]*\r?\n\s*([A-Z])/g, '$1-$2')
    .replace(/\s+/g, ' ')
    .trim();
}

function cleanCourt(s: string): string | undefined {
  const c = s
    .replace(/\s+/g, ' ')
    .replace(/,?\s*(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*\d{1,2},?\s*)$/, '')
    .replace(/[\s,]+$/, '')
    .trim();
  return c || undefined;
}

interface Event {
  at: number;
  kind: 'group' | 'short' | 'id' | 'supra';
  group?: Group;
  raw?: RawCite;
  idMatch?: RegExpExecArray;
  supraAt?: number;
}

/** Case citations (full, short form, Id., supra) and case names. */
export function findCaseCitations(text: string): LegalMention[] {
  const raws = scan(text);
  const starts = new Map<number, RawCite>();
  for (const r of raws) starts.set(r.start, r);
  const fulls: FullCite[] = [];
  const events: Event[] = [];
  const supraCites = new Set<RawCite>();

  // supra: "Twombly, supra, at 555"; Connecticut style "Johnson v. Commissioner, supra, 330 Conn. 538"
  const supras: { at: number; end: number; pin?: string; cite?: RawCite; name?: CaseName }[] = [];
  SUPRA.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SUPRA.exec(text))) {
    const at = m.index;
    let end = at + 5;
    if (/^\s*,?\s*notes?\b/.test(text.slice(end, end + 12))) continue;
    // name before ", supra"
    let b = at;
    while (b > 0 && isSpace(text.charCodeAt(b - 1))) b--;
    if (text.charCodeAt(b - 1) !== 44) continue;
    const name = caseNameBefore(text, b - 1, true);
    if (!name) continue;
    let pin: string | undefined;
    let cite: RawCite | undefined;
    const after = /,\s*(?:at\s+)?/y;
    after.lastIndex = end;
    if (after.test(text)) {
      const k = after.lastIndex;
      const r = starts.get(k);
      if (r) {
        cite = r;
        supraCites.add(r);
        end = r.end;
        const pm = pinAt(text, end, starts);
        if (pm && !r.short) {
          end = pm.end;
        }
        pin = r.short ? r.shortPin : r.page;
      } else {
        PIN.lastIndex = end;
        const pm = PIN.exec(text);
        if (pm) {
          pin = pm[1];
          end = PIN.lastIndex;
        }
      }
    }
    supras.push({ at, end, pin, cite, name });
  }

  // full citations and their parallel groups
  let prev: FullCite | undefined;
  let prevShort: RawCite | undefined;
  for (const r of raws) {
    if (supraCites.has(r)) continue;
    if (r.short) {
      events.push({ at: r.start, kind: 'short', raw: r });
      prev = undefined;
      prevShort = r;
      continue;
    }
    // "Neitzke, 490 U.S. at 324, 109 S. Ct. 1827": a parallel of a short form is a short form too
    if (
      prevShort &&
      /^,\s*$/.test(text.slice(prevShort.end, r.start)) &&
      fulls.some((x) => x.volume === r.volume && x.reporter.key === r.reporter.key)
    ) {
      const s2: RawCite = { ...r, short: true, shortPin: r.page };
      const pm = pinAt(text, r.end, starts);
      if (pm) s2.end = pm.end;
      events.push({ at: r.start, kind: 'short', raw: s2 });
      prevShort = s2;
      continue;
    }
    prevShort = undefined;
    const f: FullCite = { ...r, key: citeKey(r.volume, r.reporter, r.page), pinEnd: r.end, group: undefined as unknown as Group };
    // pins
    const pm = pinAt(text, r.end, starts);
    if (pm) {
      f.pin = pm.pin;
      f.pinEnd = pm.end;
    }
    // parallel: "410 U.S. 113, 93 S. Ct. 705"; Georgia's "233 Ga. App. 873, 874 (505 SE2d 228)"
    const between = prev ? text.slice(prev.pinEnd, r.start) : '';
    const g = prev && (/^,\s*$/.test(between) || /^\s*\($/.test(between)) && prev.year === undefined ? prev.group : undefined;
    if (g && g.members.every((x) => x.reporter.key !== r.reporter.key)) {
      g.members.push(f);
      f.group = g;
    } else {
      f.group = { members: [f], key: f.key };
      events.push({ at: f.start, kind: 'group', group: f.group });
    }
    PAREN.lastIndex = f.pinEnd;
    const pa = PAREN.exec(text);
    if (pa) {
      const year = Number(pa[2]);
      const court = cleanCourt(pa[1]);
      for (const x of f.group.members) {
        x.year = year;
        if (court) x.court = court;
      }
    }
    fulls.push(f);
    prev = f;
  }
  for (const s of supras) events.push({ at: s.at, kind: 'supra', supraAt: supras.indexOf(s) });
  ID.lastIndex = 0;
  while ((m = ID.exec(text))) {
    const after = text.slice(ID.lastIndex, ID.lastIndex + 3);
    if (/^(?:[ \t]*§|\()/.test(after)) continue; // "Id. § 5", "Id.(b)": a statute's
    events.push({ at: m.index, kind: 'id', idMatch: m });
  }
  events.sort((a, b) => a.at - b.at);

  const out: LegalMention[] = [];
  const history: Group[] = [];
  const groups = events.filter((e) => e.kind === 'group').map((e) => e.group as Group);
  const byVolRepIndex = new Map<string, Group[]>();
  for (const g of groups) {
    for (const k of new Set(g.members.map((x) => `${x.volume} ${x.reporter.key}`))) {
      const list = byVolRepIndex.get(k) ?? [];
      list.push(g);
      byVolRepIndex.set(k, list);
    }
  }
  let last: { key: string; end: number; neutral?: boolean; pages?: number[] } | undefined;
  /**
   * The group a short form "volume reporter at pin" refers to: among earlier groups with a member of that
   * volume and reporter, the one whose name matches the short name written before it, else the one whose first
   * page is the highest not above the pin, else the latest. With none earlier, the only such group of the whole
   * text (a footnote cited before the text it hangs on).
   */
  const byVolRep = (volume: string, rep: Reporter, before: number, pin?: string, shortName?: string): Group | undefined => {
    const all = byVolRepIndex.get(`${volume} ${rep.key}`) ?? [];
    // the latest few earlier groups (a text cites few cases of one volume; this keeps long texts linear)
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid].members[0].start < before) lo = mid + 1;
      else hi = mid;
    }
    let cands = all.slice(Math.max(0, lo - 8), lo);
    if (!cands.length) cands = all.length === 1 ? all : [];
    if (cands.length <= 1) return cands[0];
    if (shortName) {
      const named = cands.filter((g) => g.name && nameMatches(shortName, g.name.parties));
      if (named.length) return named[named.length - 1];
    }
    const p = pin ? parseInt(pin.replace(/^\*/, ''), 10) : NaN;
    if (!Number.isNaN(p)) {
      let best: Group | undefined;
      let bestPage = -1;
      for (const g of cands) {
        const m = g.members.find((x) => x.volume === volume && x.reporter.key === rep.key);
        const pg = m ? parseInt(m.page, 10) : NaN;
        if (!Number.isNaN(pg) && pg <= p && pg >= bestPage) {
          best = g;
          bestPage = pg;
        }
      }
      if (best) return best;
    }
    return cands[cands.length - 1];
  };
  /** Whether a citation at `at` sits inside an explanatory parenthetical ("(quoting X, 1 F.3d 2)"). */
  const nested = (at: number): boolean => {
    let depth = 0;
    for (let i = at - 1; i >= 0 && i >= at - 400; i--) {
      const c = text.charCodeAt(i);
      if (c === 41 || c === 125)
        depth++; // ")" and OCR's "}"
      else if (c === 40 || c === 123) {
        if (depth === 0) return /^[({]\s*[a-z]/.test(text.slice(i, i + 4));
        depth--;
      }
    }
    return false;
  };
  for (const ev of events) {
    if (ev.kind === 'group' && ev.group) {
      const g = ev.group;
      // "576 U.S. ___", "___ Ohio St.3d ___": a slip citation has no page yet and never gives the group its key
      const blank = (x: FullCite) => x.page === '___' || x.volume.startsWith('_');
      let best: FullCite | undefined;
      for (const x of g.members) if (!blank(x) && (!best || x.reporter.rank < best.reporter.rank)) best = x;
      const first = g.members[0];
      const nameEnd = nameEndBefore(text, first.start);
      const name = nameEnd !== undefined ? caseNameBefore(text, nameEnd, false) : undefined;
      let display: string | undefined;
      if (name) {
        g.name = name;
        display = displayName(text.slice(name.start, name.end));
      }
      if (best) g.key = best.key;
      else if (display) g.key = caseNameKey(display);
      else continue;
      const parallel = g.members.length > 1 ? g.members.filter((x) => !blank(x)).map((x) => x.key) : undefined;
      if (name) {
        const m = mention(text, name.start, name.end, g.key, { kind: 'name', parties: name.parties }, 0.9);
        m.display = display;
        out.push(m);
      }
      for (const x of g.members) {
        const attrs: Record<string, AttributeValue> = {
          kind: 'full',
          volume: x.volume,
          reporter: x.reporter.canonical,
          page: x.page,
          pin: x.pin ?? null,
          court: x.court ?? null,
          year: x.year ?? null,
          reporterKind: x.reporter.kind,
          jurisdiction: x.reporter.jurisdiction,
          citationKey: x.key,
        };
        if (parallel) attrs.parallel = parallel;
        out.push(mention(text, x.start, x.end, g.key, attrs, 0.97));
      }
      history.push(g);
      const lastMember = g.members[g.members.length - 1];
      // subsequent history ("cert. denied, 139 S. Ct. 788") is part of the citation before it: Id. still means that one
      const laterHistory = HISTORY.test(text.slice(Math.max(0, (name?.start ?? first.start) - 60), name?.start ?? first.start));
      if (laterHistory && last) last = { ...last, end: lastMember.pinEnd };
      else if (!nested(first.start)) last = { key: g.key, end: lastMember.pinEnd, neutral: isNeutral(g), pages: pagesOf(g) };
    } else if (ev.kind === 'short' && ev.raw) {
      const r = ev.raw;
      let b = r.start;
      while (b > 0 && isSpace(text.charCodeAt(b - 1))) b--;
      // "Grutter, 539 U.S. at 306": the short name
      const nm = text.charCodeAt(b - 1) === 44 ? caseNameBefore(text, b - 1, true) : undefined;
      const nmText = nm ? text.slice(nm.start, nm.end) : undefined;
      const g = byVolRep(r.volume, r.reporter, r.start, r.shortPin, nmText);
      if (!g) continue;
      if (nm && nmText && g.name && nameMatches(nmText, g.name.parties)) {
        out.push(mention(text, nm.start, nm.end, g.key, { kind: nm.adversary ? 'name' : 'shortname' }, 0.8));
      }
      out.push(
        mention(text, r.start, r.end, g.key, { kind: 'short', volume: r.volume, reporter: r.reporter.canonical, pin: r.shortPin ?? null }, 0.95),
      );
      if (!nested(r.start)) last = { key: g.key, end: r.end, neutral: isNeutral(g), pages: pagesOf(g) };
    } else if (ev.kind === 'supra' && ev.supraAt !== undefined) {
      const s = supras[ev.supraAt];
      let g: Group | undefined;
      if (s.cite)
        g = byVolRep(
          s.cite.volume,
          s.cite.reporter,
          s.at,
          s.cite.short ? s.cite.shortPin : s.cite.page,
          s.name ? text.slice(s.name.start, s.name.end) : undefined,
        );
      if (!g && s.name) {
        const nmText = text.slice(s.name.start, s.name.end);
        for (let i = history.length - 1; i >= 0 && i >= history.length - 400; i--) {
          const h = history[i];
          if (h.name && nameMatches(nmText, h.name.parties)) {
            g = h;
            break;
          }
        }
      }
      if (!g) continue;
      if (s.name) out.push(mention(text, s.name.start, s.name.end, g.key, { kind: s.name.adversary ? 'name' : 'shortname' }, 0.8));
      out.push(mention(text, s.at, s.end, g.key, { kind: 'supra', pin: s.pin ?? null }, 0.9));
      if (!nested(s.at)) last = { key: g.key, end: s.end, neutral: isNeutral(g), pages: pagesOf(g) };
    } else if (ev.kind === 'id' && ev.idMatch) {
      const im = ev.idMatch;
      if (!last) continue;
      const between = text.slice(last.end, im.index);
      // a statute cited in between makes this a statute's Id. — unless its pin is a page of the case
      const pinPage = im[2] && /^\d/.test(im[2]) ? parseInt(im[2], 10) : NaN;
      const onPage = !Number.isNaN(pinPage) && (last.pages ?? []).some((p) => pinPage >= p && pinPage < p + 1500);
      if (!onPage && STATUTE_HINT.test(between)) {
        last = undefined;
        continue;
      }
      // "Id. at 9" after "965 A.2d 349": a page before the case begins is the record's (a transcript's)
      const pages = last.pages ?? [];
      if (!Number.isNaN(pinPage) && !last.neutral && pages.length && pages.every((p) => pinPage < p)) {
        last = undefined;
        continue;
      }
      // "Id. at PageID 5", "Id. at ECF p. 4": the record
      if (/^,?\s+at\s+(?:PageID|ECF|Doc|Dkt|D\.I\.|Tr\.|R\.|N\.T\.|p\.|pp\.|Ex\.)/.test(text.slice(im.index + 3, im.index + 20))) {
        last = undefined;
        continue;
      }
      // "Id. ¶ 12": a paragraph of a paragraph-numbered (neutral-cited) opinion, else of the record
      if (im[2]?.startsWith('¶') && !last.neutral) {
        last = undefined;
        continue;
      }
      const end = im.index + im[0].length;
      out.push(mention(text, im.index, end, last.key, { kind: 'id', pin: im[2] ?? null }, 0.9));
      last = { ...last, end };
    }
  }
  out.push(...namesBeforeDockets(text, history, out));
  out.push(...namesAlone(text, history, out));
  out.push(...shortNamesAlone(text, history, out));
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out;
}

const DOCKET_AFTER =
  /,[ \t]*\r?\n?\s*(?:Case\s+|Civ(?:il)?\.?\s+(?:A(?:ction)?\.?\s+)?|Crim(?:inal)?\.?\s+|Docket\s+|Index\s+)?Nos?\.\s*[A-Za-z]{0,4}[-:]?\d[\w:./-]*/g;

/**
 * "Roe v. Acme Holdings, Inc., No. 1:21-cv-01234": a case named with its docket number only. Its key is the key of
 * a case cited with the same name in the text, else `name <name>`.
 */
function namesBeforeDockets(text: string, groups: Group[], found: LegalMention[]): LegalMention[] {
  const out: LegalMention[] = [];
  const taken = new Set(found.filter((m) => m.attributes?.kind === 'name').map((m) => m.end));
  let byName: Map<string, Group> | undefined;
  DOCKET_AFTER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DOCKET_AFTER.exec(text))) {
    const end = m.index;
    if (taken.has(end)) continue;
    const name = caseNameBefore(text, end, false);
    if (!name || (!name.adversary && name.parties.length !== 1)) continue;
    if (!byName) {
      byName = new Map();
      for (const g of groups) if (g.name) byName.set(nameKey(g.name.parties.join(' v ')), g);
    }
    const display = displayName(text.slice(name.start, name.end));
    const g = byName.get(nameKey(name.parties.join(' v ')));
    const key = g ? g.key : caseNameKey(display);
    taken.add(end);
    out.push({
      type: 'CASE',
      start: name.start,
      end: name.end,
      text: text.slice(name.start, name.end),
      key,
      display,
      attributes: { kind: 'name', parties: name.parties },
      confidence: 0.8,
      method: METHOD,
    });
  }
  return out;
}

/**
 * "Ford v. Wainwright held …": the name of a case cited with its name, written again without a citation.
 * Found from each " v. " of the text by comparing as many words on each side as the cited name has.
 */
function namesAlone(text: string, groups: Group[], found: LegalMention[]): LegalMention[] {
  // one group per distinct name (the latest), at most a few names per first word of the second party
  const byName = new Map<string, Group>();
  for (const g of groups) {
    if (!g.name?.adversary || g.name.parties.length !== 2) continue;
    byName.set(`${nameKey(g.name.parties[0])}|${nameKey(g.name.parties[1])}`, g);
  }
  const byFirst = new Map<string, Group[]>();
  for (const g of byName.values()) {
    const w = nameKey(g.name!.parties[1].split(/\s+/)[0]);
    if (!w) continue;
    const list = byFirst.get(w) ?? [];
    if (list.length < 24) list.push(g);
    byFirst.set(w, list);
  }
  if (!byFirst.size) return [];
  const starts = new Set(found.filter((m) => m.attributes?.kind === 'name' || m.attributes?.kind === 'shortname').map((m) => m.start));
  const ends = new Set(found.filter((m) => m.attributes?.kind === 'name').map((m) => m.end));
  const out: LegalMention[] = [];
  const V = /\s(vs?\.?)\s+/g;
  let m: RegExpExecArray | null;
  while ((m = V.exec(text))) {
    const afterV = m.index + m[0].length;
    const wm = /^[A-Z][\w’'.&-]*/.exec(text.slice(afterV, afterV + 40));
    if (!wm) continue;
    const cands = byFirst.get(nameKey(wm[0]));
    if (!cands) continue;
    for (const g of cands) {
      const [p1, p2] = g.name!.parties;
      const n1 = p1.split(/\s+/).length;
      const n2 = p2.split(/\s+/).length;
      const before = text.slice(Math.max(0, m.index - 200), m.index);
      const lt = before.match(/\S+/g) ?? [];
      if (lt.length < n1) continue;
      const firstWords = lt.slice(lt.length - n1);
      if (nameKey(firstWords.join(' ')) !== nameKey(p1)) continue;
      const after = text.slice(afterV, afterV + 200);
      const rt = /\S+/g;
      let e = afterV;
      let k = 0;
      let words = '';
      let r: RegExpExecArray | null;
      while (k < n2 && (r = rt.exec(after))) {
        words += (k ? ' ' : '') + r[0];
        e = afterV + r.index + r[0].length;
        k++;
      }
      const trimmed = words.replace(/[,;:)”’"'\]]+$/, '');
      if (k < n2) continue;
      if (nameKey(trimmed) !== nameKey(p2) && nameKey(trimmed.replace(/\.$/, '')) !== nameKey(p2)) continue;
      e -= words.length - trimmed.length;
      if (!p2.endsWith('.') && text[e - 1] === '.') e--; // the sentence's period
      let s = m.index - (before.length - before.lastIndexOf(firstWords[0]));
      while (s < e && !/[\p{L}\p{N}]/u.test(text[s])) s++;
      if (starts.has(s) || ends.has(e)) break;
      if (!/[a-z]/.test(text.slice(s, e).replace(/\bvs?\.?(?=\s)/g, ''))) break; // a caption in capitals
      out.push({
        type: 'CASE',
        start: s,
        end: e,
        text: text.slice(s, e),
        key: g.key,
        display: displayName(text.slice(s, e)),
        attributes: { kind: 'name', parties: [p1, p2] },
        confidence: 0.7,
        method: METHOD,
      });
      break;
    }
  }
  return out;
}

/** Words that never make a short name on their own. */
const GENERIC_WORDS = new Set(
  (
    'United States State People Commonwealth City County Town Village Department Dep’t Dept Board Bd Commissioner ' +
    'Comm’r Secretary Director Attorney General Government Republic Nation National American Am Bank Company Corp Inc ' +
    'Co Ltd LLC The In Re Matter Estate Application Ex Parte Petition Guardianship Adoption Marriage Federal Fed ' +
    'University Univ School District Court Office Agency Authority Association Ass’n Insurance Ins Mutual Mut Trust ' +
    'Trustees Service Services Servs Union Local International Int’l North South East West New First Second Third ' +
    'Central Southern Northern Eastern Western Doe Roe Unknown Officer Sheriff Warden Superintendent Police Prison ' +
    'Commission Council Committee Center Ctr Group Holdings Partners Associates Brothers Family Health Medical Hospital ' +
    'Johnson Smith Williams Jones Brown Davis Miller Wilson Moore Taylor Anderson Thomas Jackson White Harris Martin ' +
    'Thompson Garcia Martinez Robinson Clark Rodriguez Lewis Lee Walker Hall Allen Young King Wright Scott Green Baker ' +
    'Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart ' +
    'Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois ' +
    'Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri ' +
    'Montana Nebraska Nevada Hampshire Jersey Mexico York Carolina Dakota Ohio Oklahoma Oregon Pennsylvania Rhode ' +
    'Island Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming America Columbia Puerto Rico Guam'
  ).split(' '),
);

/**
 * "In Twombly, the Court …": a distinctive party word of a case cited with its name, used alone later in the
 * text. Only words that do not occur before the case's first citation (a judge or a party of this case may share
 * a surname) and that name one cited case only are taken.
 */
function shortNamesAlone(text: string, groups: Group[], found: LegalMention[]): LegalMention[] {
  const byWord = new Map<string, Group | null>();
  for (const g of groups) {
    if (!g.name?.adversary) continue;
    for (const party of g.name.parties) {
      const w = party.split(/\s+/)[0]?.replace(/[,.]$/, '');
      if (!w || w.length < 4 || !/^[A-Z][a-z’'-]+[a-z]$/.test(w) || GENERIC_WORDS.has(w)) continue;
      const prev = byWord.get(w);
      if (prev === undefined) byWord.set(w, g);
      else if (prev !== g) byWord.set(w, null);
    }
  }
  if (!byWord.size) return [];
  const spans = found.map((m) => [m.start, m.end]).sort((a, b) => a[0] - b[0]);
  const covered = (s: number, e: number): boolean => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid][1] <= s) lo = mid + 1;
      else if (spans[mid][0] >= e) hi = mid - 1;
      else return true;
    }
    return false;
  };
  const out: LegalMention[] = [];
  for (const [w, g] of byWord) {
    if (!g || !g.name) continue;
    const firstAt = g.name.start;
    if (text.lastIndexOf(w, firstAt) >= 0) continue;
    let i = text.indexOf(w, g.members[g.members.length - 1].end);
    while (i >= 0) {
      const e = i + w.length;
      const before = text.charCodeAt(i - 1);
      const after = text.slice(e, e + 6);
      const wordEdge = !(isUpper(before) || isLower(before) || isDigit(before)) && !/^[A-Za-z0-9-]/.test(after);
      // not a new name ("Twombly v. …"), not inside a name or citation already found, not a longer capitalised name
      const head = text.slice(Math.max(0, i - 20), i);
      const prevWord = /([A-Z][a-z]+)\s+$/.exec(head);
      if (wordEdge && !/^\s+vs?\.?\s/.test(after) && !/\bvs?\.?\s+$/.test(head) && !covered(i, e) && !(prevWord && !STARTERS.has(prevWord[1]))) {
        out.push({
          type: 'CASE',
          start: i,
          end: e,
          text: w,
          key: g.key,
          attributes: { kind: 'shortname' },
          confidence: 0.6,
          method: METHOD,
        });
      }
      i = text.indexOf(w, e);
    }
  }
  return out;
}

/** Capitalised words that may stand before a short name ("In Twombly", "See Twombly"). */
const STARTERS = new Set(
  'In See Under After Before Like Unlike Following Applying Citing Per As Since Cf Compare Both Here Thus And But Also The'.split(' '),
);

const DOCKET_BEFORE = /,\s*(?:(?:Civ(?:il)?\.?|Crim\.?)\s*(?:A(?:ction)?\.?\s*)?)?Nos?\.\s*[^,;()]{1,50}(?:\s*\([^()]{1,24}\))*\s*,\s*$/;

/**
 * Where the case name before a citation at `start` ends: at the comma before it ("Ford v. Wainwright, 477"),
 * before a docket number ("Sledge v. Astrue, No. 08-0089, 2008 WL 4816675") or before New York's opening
 * parenthesis ("Astillero v Abramov (92 AD3d 436"). Undefined when nothing there can end a name.
 */
function nameEndBefore(text: string, start: number): number | undefined {
  let b = start;
  while (b > 0 && isSpace(text.charCodeAt(b - 1))) b--;
  const c = text.charCodeAt(b - 1);
  if (c === 40 /* ( */) {
    let e = b - 1;
    while (e > 0 && isSpace(text.charCodeAt(e - 1))) e--;
    return e < b - 1 && /[A-Za-z.]/.test(text[e - 1]) ? e : undefined;
  }
  if (c !== 44) return undefined;
  const w = text.slice(Math.max(0, b - 110), b);
  const m = DOCKET_BEFORE.exec(w);
  if (m) return b - w.length + m.index;
  return b - 1;
}

function pinAt(text: string, at: number, starts: Map<number, RawCite>): { pin: string; end: number } | undefined {
  let end = at;
  const pins: string[] = [];
  for (let n = 0; n < 6; n++) {
    PIN.lastIndex = end;
    const m = PIN.exec(text);
    if (!m) break;
    const numStart = PIN.lastIndex - m[1].length;
    if (starts.has(numStart)) break; // a parallel citation, not a pin
    if (n === 0 && !/^,?\s*(?:at\s+)?/.test(text.slice(end, numStart))) break;
    if (!/[,]|at/.test(text.slice(end, numStart))) break;
    pins.push(m[1].replace(/\s+/g, ' '));
    end = PIN.lastIndex;
  }
  return pins.length ? { pin: pins.join(', '), end } : undefined;
}

/** The CASE key of a citation string ("550 U.S. 544, 570 (2007)" -> "550 us 544"), or undefined. */
export function caseCitationKey(text: string): string | undefined {
  // a search box: "550 US 544" is meant as "550 U.S. 544"
  const r = scan(text).find((x) => !x.short) ?? scan(text, true).find((x) => !x.short);
  return r ? citeKey(r.volume, r.reporter, r.page) : undefined;
}

/**
 * The key of a case known only by its name: "name " + the name as every other key reads text (basicNormalize),
 * so the worker, the API's search and the model-backed extractor key "O'Brien v. Smith-Jones & Co." one way.
 */
export function caseNameKey(name: string): string {
  return `name ${basicNormalize(name)}`;
}
