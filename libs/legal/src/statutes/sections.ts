/**
 * The part of a statute citation after the code's name: designator (§, §§, "section", "art.", "pt."),
 * one or more sections with their subsections, ranges and "et seq.".
 *
 *   "§ 1101(a)(43)(F)"            -> [{ section: '1101', subs: ['a', '43', 'F'] }]
 *   "§§ 78j(b), 78t(a)"           -> two items
 *   "§ 44-48-30(2)(d), (i), (k)"  -> three items, siblings of the last level
 *   "§§ 2254(d)(1)-(2)"           -> one item, throughSubs ['d', '2']
 *   "§§ 101-110", "§ 10 to -170"  -> one item with `through`
 * A following year parenthetical ("(2018)") is never a subsection: subsections are at most 3 digits.
 */
export interface SectionItem {
  start: number;
  end: number;
  section: string;
  subs: string[];
  through?: string;
  throughSubs?: string[];
}

export interface Tail {
  items: SectionItem[];
  end: number;
  etSeq: boolean;
  plural: boolean;
  designator?: string;
}

export interface TailOptions {
  /** a designator (§, section, art., pt., rule) is required before the first number */
  needDesignator: boolean;
  /** section numbers contain hyphens: "101-110" is one section, not a range */
  hyphen: boolean;
  /** the designators accepted ('sec' §/section; 'art' art./article; 'pt' pt./part; 'rule' rule/r.) */
  designators?: Array<'sec' | 'art' | 'pt' | 'rule' | 'par' | 'ch'>;
}

const RE_DESIG =
  /\s*,?\s*(?:(§§?|&sect;|'(?=\s*\d))|([Ss]ec(?:tion)?s?\.?|SECTIONS?)|([Aa]rt(?:icle)?s?\.?|ART\.)|([Pp](?:ar)?ts?\.|[Pp]arts?)|([Rr]ules?|R\.)|([Pp]ar(?:agraph)?s?\.?)|([Cc]h(?:apter|\.)|[Cc]hapters))\s*(?=\d)/y;
const RE_LEAD = /[ \t]*,?\s{0,20}(?=\d)/y;
const RE_NUM = /\d[0-9A-Za-z]{0,12}(?:(?:[.:/-]|-[ \t]?(?:\r?\n[ \t]*)?(?=\d))[0-9A-Za-z]{1,12}){0,8}/y;
const RE_SUB =
  /\s?(?:\(([0-9]{1,3}(?:\.[0-9]{1,3})?[A-Za-z]{0,2}|[A-Za-z]{1,2}|[ivxlcIVXLC]{1,7})\)|\[([0-9]{1,3}[A-Za-z]?|[A-Za-z]{1,2}|[ivxl]{1,7})\])/y;
const RE_SUBD = /,?\s?subd(?:ivision)?s?\.?\s?(?:(\d{1,3}[a-z]?)(?![\w.])|(?=\())/y;
const RE_SUBRANGE = /[ \t]?(?:-|–|—|through|to)[ \t]?(?=\()/y;
const RE_RANGE = /(?:[ \t]?(?:–|—|-{2,3})[ \t]?|[ \t]+(?:to|through|thru)[ \t]+)(?:§§?\s*|'\s*)?(?=[-.–]?\d|[-.][0-9A-Za-z])/y;
const RE_RANGE_END = /[-.–]?[0-9A-Za-z]{1,12}(?:[.:/-][0-9A-Za-z]{1,12}){0,6}/y;
const RE_LIST = /\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s*/y;
const PLURALS = new Set(['§§', 'sections', 'secs', 'arts', 'articles', 'rules', 'pts', 'parts', 'paras', 'pars', 'paragraphs']);
const RE_LIST_SEC = /(?:§§?|[Ss]ec(?:tion)?s?\.?)\s*(?=\d)/y;
const RE_ETSEQ = /[ \t]?,?\s?et\.?\s?se[qg]\.?/y;
/** after a candidate list number: it is the title of the next citation ("and 42 U.S.C. § 1985") */
const RE_NEXT_CITE =
  /\s?(?:U\.?\s?S\.?\s?C|C\.?\s?F\.?\s?R|Stat\.|Fed\.|Pub\.|Pa\.|Del\.|ILCS|Ill\.|[A-Z]\.\s?[A-Z]\.|[A-Z][a-z]{1,5}\.\s?[A-Z]|[A-Z]{2,5}\b)/y;

function at(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

function subsAt(text: string, pos: number, out: string[]): number {
  let p = pos;
  for (let i = 0; i < 12; i++) {
    const m = at(RE_SUB, text, p);
    if (!m) break;
    out.push(m[1] ?? m[2]);
    p = m.index + m[0].length;
  }
  return p;
}

/** the shape of a section number: digits to 9, letters to a */
function shape(s: string): string {
  const m = /^\d[0-9A-Za-z]*(?:[.:/-][0-9A-Za-z]+)*/.exec(s);
  return m ? m[0].replace(/\d+/g, '9').replace(/[A-Za-z]+/g, 'a') : '';
}

/** two section numbers look alike: same shape, first digit runs of about one length ("564" is not "3") */
function alike(a: string, b: string): boolean {
  if (shape(a) !== shape(b)) return false;
  const x = /^\d+/.exec(a)?.[0].length ?? 0;
  const y = /^\d+/.exec(b)?.[0].length ?? 0;
  return Math.abs(x - y) <= 1;
}

/** the kind of a subsection designator: digits, lower-case letters (and roman), capitals */
function subKind(s: string): string {
  return /^\d/.test(s) ? '9' : /^[a-z]/.test(s) ? 'a' : 'A';
}

/**
 * The subsections of a sibling written after the first ("§ 552(b)(5), (7)(C)" -> b,7,C; "(2)(d), (i)" -> 2,i):
 * the new levels replace the previous ones from the last level of the same kind as the first new one.
 */
export function sibling(prev: string[], next: string[]): string[] {
  const k = subKind(next[0]);
  for (let i = prev.length - 1; i >= 0; i--) if (subKind(prev[i]) === k) return [...prev.slice(0, i), ...next];
  return [...prev.slice(0, Math.max(0, prev.length - next.length)), ...next];
}

function cleanNum(raw: string): string {
  return raw.replace(/-\s+/g, '-');
}

/** Parse one section with subsections, subsection range and section range at pos. */
function itemAt(text: string, pos: number, opts: TailOptions, plural: boolean, rule: boolean): SectionItem | undefined {
  const n = at(RE_NUM, text, pos);
  if (!n) return undefined;
  let section = cleanNum(n[0]);
  let p = n.index + n[0].length;
  // a rule number ends at its first dot-less letter run; "12(b)(6)" fine; a trailing "-" never
  const subs: string[] = [];
  const sd = at(RE_SUBD, text, p);
  if (sd) {
    p = sd.index + sd[0].length;
    if (sd[1]) subs.push(sd[1]);
  }
  p = subsAt(text, p, subs);
  const item: SectionItem = { start: pos, end: p, section, subs };
  if (subs.length) {
    const r = at(RE_SUBRANGE, text, p);
    if (r) {
      const ts: string[] = [];
      const q = subsAt(text, r.index + r[0].length, ts);
      if (ts.length) {
        item.throughSubs = sibling(subs, ts);
        item.end = p = q;
      }
    }
  }
  // "101-110" under §§ in a code whose numbers have no hyphens: a range
  if (!opts.hyphen && !rule) {
    const h = /^(\d+)-(\d+)$/.exec(section);
    if (h && (plural || Number(h[2]) > Number(h[1])) && Number(h[2]) > Number(h[1])) {
      section = h[1];
      item.section = section;
      item.through = h[2];
    }
  }
  const rg = at(RE_RANGE, text, p);
  if (rg) {
    const e = at(RE_RANGE_END, text, rg.index + rg[0].length);
    if (e) {
      let t = e[0].replace(/^–/, '-');
      if (t.startsWith('-') || t.startsWith('.')) {
        const cut = section.lastIndexOf(t[0]);
        t = cut >= 0 ? section.slice(0, cut) + t : t.slice(1);
      }
      item.through = t;
      p = e.index + e[0].length;
      const ts: string[] = [];
      p = subsAt(text, p, ts);
      item.end = p;
    }
  }
  return item;
}

/**
 * Parse the tail at pos (just after the code's name). Returns undefined when no section follows.
 */
export function parseTail(text: string, pos: number, opts: TailOptions): Tail | undefined {
  let p = pos;
  let plural = false;
  let designator: string | undefined;
  const d = at(RE_DESIG, text, p);
  if (d) {
    const kind = d[1] ? 'sec' : d[2] ? 'sec' : d[3] ? 'art' : d[4] ? 'pt' : d[5] ? 'rule' : d[6] ? 'par' : 'ch';
    const allowed = opts.designators ?? ['sec'];
    if (!allowed.includes(kind)) return undefined;
    designator = kind;
    const w = (d[1] ?? d[2] ?? d[3] ?? d[4] ?? d[5] ?? d[6] ?? d[7]).toLowerCase().replace(/\.$/, '');
    plural = PLURALS.has(w);
    p = d.index + d[0].length;
  } else {
    if (opts.needDesignator) return undefined;
    const l = at(RE_LEAD, text, p);
    if (!l) return undefined;
    p = l.index + l[0].length;
  }
  const rule = designator === 'rule';
  const first = itemAt(text, p, opts, plural, rule);
  if (!first) return undefined;
  const items = [first];
  let end = first.end;
  for (let guard = 0; guard < 40; guard++) {
    const l = at(RE_LIST, text, end);
    if (!l) break;
    const q = l.index + l[0].length;
    if (text.charCodeAt(q) === 40 /* ( */ || text.charCodeAt(q) === 91 /* [ */) {
      const prev = items[items.length - 1];
      const ts: string[] = [];
      const e = subsAt(text, q, ts);
      if (!ts.length || !prev.subs.length) break;
      const subs = sibling(prev.subs, ts);
      items.push({ start: q, end: e, section: prev.section, subs });
      end = e;
      continue;
    }
    // "§§ 12-341, -341.01(A)": the later item repeats the first's prefix
    if (plural && text[q] === '-' && /\d/.test(text[q + 1] ?? '')) {
      const prev = items[items.length - 1];
      const cut = prev.section.lastIndexOf('-');
      const it = cut > 0 ? itemAt(text, q + 1, opts, plural, rule) : undefined;
      if (!it) break;
      it.start = q;
      it.section = prev.section.slice(0, cut + 1) + it.section;
      items.push(it);
      end = it.end;
      continue;
    }
    let r = q;
    const s = at(RE_LIST_SEC, text, q);
    if (s) r = s.index + s[0].length;
    const sameShape = alike(text.slice(r, r + 24), items[items.length - 1].section);
    if (!(plural || s || sameShape)) break;
    if (!/\d/.test(text[r] ?? '')) break;
    const it = itemAt(text, r, opts, plural, rule);
    if (!it) break;
    if (at(RE_NEXT_CITE, text, it.end) && !it.subs.length) break;
    items.push(it);
    end = it.end;
  }
  let etSeq = false;
  const es = at(RE_ETSEQ, text, end);
  if (es) {
    // "et seq." is stated (attributes.etSeq) but is not part of the span: the span ends at the section
    etSeq = true;
    end = es.index + es[0].length;
  }
  return { items, end, etSeq, plural, designator };
}
