import nlp from 'compromise';
import type { EntityType } from '@casegraph/contracts';
import type { ExtractedMention } from './entity-extractor';
import { installFastSweep } from './compromise-sweep';
import { isOrgName } from './patterns';
import { mention } from './spans';

/** Spans [start, end) of a segment that higher-priority mentions already hold, sorted by start, not overlapping. */
export type TakenSpans = ReadonlyArray<readonly [number, number]>;

/** What a general-types NLP component returns for one segment (offsets into the segment). */
export interface GeneralEntityFinder {
  readonly method: string;
  /**
   * `taken`: spans that mentions of higher priority hold (the caller drops any of ours that overlaps one).
   * A finder may skip the parts of the segment whose every mention would overlap one; the result after
   * the caller's overlap resolution is the same.
   */
  find(segment: string, taken?: TakenSpans): ExtractedMention[];
}

/** compromise's term objects, as its views hold them (`doc.docs`). */
interface RawTerm {
  text: string;
  pre: string;
  post: string;
  normal: string;
  tags: Set<string>;
}
interface Term extends RawTerm {
  offset: { start: number; length: number };
}
/** The few members of compromise's View this finder uses (its published types do not expose them). */
interface CompromiseView {
  document: RawTerm[][];
  docs: Term[][];
  update(pointer: number[][]): CompromiseView;
  compute(hooks: string | string[]): CompromiseView;
  people(): CompromiseView;
  organizations(): CompromiseView;
  places(): CompromiseView;
  money(): CompromiseView;
  match(pattern: string): CompromiseView;
}

const HONORIFICS = new Set(
  'mr mrs ms miss mx dr prof professor hon honorable judge justice chief magistrate senator sen rep representative gov governor president sir dame lord lady rev reverend father attorney counsel officer detective sgt sergeant capt captain lt col gen general'.split(
    ' ',
  ),
);
/** Head words that end statute, document and institution names, never a person's or a place's name. */
const NOT_A_NAME = new Set(
  'Act Acts Amendment Code Rule Rules Clause Agreement License Licence Policy Section Article Treaty Convention Statute Regulation Court Circuit District Exhibit Schedule Appendix Order Motion Complaint Plan Program Foundation Corporation Company Inc Corp LLC Ltd'.split(
    ' ',
  ),
);
installFastSweep();

const SCALE = /^[\s]+(million|billion|thousand|trillion)\b/i;
const NUMERIC_DATE = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/;
const isCapitalised = (t: Term) => /^[A-Z]/.test(t.text);
const has = (t: Term, tag: string) => t.tags.has(tag);

/**
 * PERSON, ORG, LOCATION, DATE and MONEY with compromise (rule-based English tagger,
 * no model download). Its raw output is noisy on legal text, so each type gets a
 * small clean-up: names must be capitalised, honorifics are dropped from person
 * spans, dates must contain a month, a year or a numeric date, money takes its scale.
 */
export class CompromiseFinder implements GeneralEntityFinder {
  readonly method = 'nlp:compromise';

  /** `tagEverySentence`: tag all sentences, as nlp() does (the spec's reference for the sentence filter). */
  constructor(private readonly options: { tagEverySentence?: boolean } = {}) {}

  find(segment: string, taken: TakenSpans = []): ExtractedMention[] {
    // Tokenise (cheap), then run the tagger only on the sentences that can hold one of our mentions
    // (compromise tags each sentence on its own, so the others would find nothing, and tagging is
    // nearly all of its time). The chunker (noun/verb phrases) is not needed by people/places/money.
    const doc = nlp.tokenize(segment) as unknown as CompromiseView;
    const sentences = doc.document;
    if (taken.length) doc.compute('offset');
    const isTaken = takenTest(taken);
    const wanted: number[][] = [];
    for (let n = 0; n < sentences.length; n++) if (this.options.tagEverySentence || mayHoldMention(sentences[n], isTaken)) wanted.push([n]);
    if (!wanted.length) return [];
    const view = doc.update(wanted);
    view.compute(TAGGER_HOOKS);
    doc.compute('offset');

    const out: ExtractedMention[] = [];
    const each = (found: CompromiseView, fn: (terms: Term[]) => void) => {
      for (const terms of found.docs) if (terms.length) fn(terms);
    };
    const add = (type: EntityType, terms: Term[], confidence: number, extendEnd = 0) => {
      const first = terms[0];
      const last = terms[terms.length - 1];
      const start = first.offset.start;
      let end = last.offset.start + last.offset.length;
      // Keep the period of an abbreviation that ends the span ("Corp.", "Jr.").
      if (segment[end] === '.' && /^(?:Inc|Corp|Co|Ltd|Jr|Sr|Bros)$/.test(last.text)) end++;
      end += extendEnd;
      const m = mention(segment, type, start, end, confidence, this.method);
      if (m) out.push(m);
    };

    const isHonorific = (t: Term) => has(t, 'Honorific') || HONORIFICS.has(t.text.toLowerCase().replace(/\.$/, ''));
    const person = (terms: Term[]) => {
      let i = 0;
      while (i < terms.length && isHonorific(terms[i])) i++;
      const name = terms.slice(i);
      if (!name.length || !name.every(isCapitalised) || NOT_A_NAME.has(name[name.length - 1].text)) return;
      if (name.length < 2 && i === 0) return;
      add('PERSON', name, 0.7);
    };
    each(view.people(), person);
    each(view.organizations(), (terms) => {
      if (!isCapitalised(terms[0])) return;
      const text = terms.map((t) => t.text).join(' ');
      if (!isOrgName(text)) return;
      // All capitals: an acronym the tagger guesses ("ALJ", "LOI", "DNA") or a heading ("OPINION & ORDER").
      // A defined acronym ("Louisville Gas and Electric Company (LG&E)") is the legal grammar's, with its full name.
      if (text === text.toUpperCase()) return;
      add('ORG', terms, 0.7);
    });
    each(view.places(), (terms) => {
      // "Mr. David Park" is a person even when the tagger reads "Park" as a place.
      if (isHonorific(terms[0])) return person(terms);
      if (!terms.every(isCapitalised) || NOT_A_NAME.has(terms[terms.length - 1].text)) return;
      add('LOCATION', terms, 0.65);
    });
    each(view.money(), (terms) => {
      const last = terms[terms.length - 1];
      const after = segment.slice(last.offset.start + last.offset.length);
      const scale = SCALE.exec(after);
      add('MONEY', terms, 0.85, scale ? scale[0].length : 0);
    });
    each(view.match('#Date+'), (terms) => {
      const dateTerms = cleanDate(terms);
      if (dateTerms) add('DATE', dateTerms, 0.8);
    });
    return out;
  }
}

/** What nlp() runs after tokenising, less the chunker. */
const TAGGER_HOOKS = ['index', 'id', 'freeze', 'typeahead', 'lexicon', 'preTagger', 'contractionTwo', 'postTagger'];

/** Sentence-opening words that are never a name on their own. */
const OPENERS = new Set(
  (
    'The A An This That These Those It Its He She They We I You His Her Their Our In On At By For From To Of With As ' +
    'If When Where While Although Though Because Since After Before Upon Under Thus Accordingly However Moreover ' +
    'Therefore Further Furthermore Finally First Second Third Here There But And Or Nor So Yet Not No Nothing Only ' +
    'Each Every All Any Both Such Whether What Which Who Whom Whose Why How Even Also Instead Indeed Rather Nonetheless ' +
    'Nevertheless Similarly Likewise Additionally Consequently Hence Again Once Then Now Although Absent Without Within'
  ).split(' '),
);
const CAPITALISED = /^[A-Z]/;
/** Words compromise reads as money after a number (its Currency lexicon and its money rules). */
const CURRENCY_WORDS = new Set(
  Object.entries((nlp.world() as unknown as { model: { one: { lexicon: Record<string, string | string[]> } } }).model.one.lexicon)
    .filter(([, tags]) => (Array.isArray(tags) ? tags : [tags]).includes('Currency'))
    .map(([word]) => word)
    .concat('mark rand won rub ore cents centavos sens pound pounds'.split(' ')),
);

/**
 * Whether a tokenised sentence can hold a mention this finder keeps: PERSON, ORG and LOCATION need a
 * capitalised word (a lone sentence opener like "The" is not one); DATE a digit (cleanDate) in a year, a
 * numeric date or a sentence with a month; MONEY a currency sign, code or word.
 */
function mayHoldMention(terms: RawTerm[], isTaken: (t: RawTerm) => boolean): boolean {
  let month = false;
  for (const t of terms) if (MONTH_WORDS.has(t.normal)) month = true;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i];
    if (CURRENCY_SIGN.test(t.pre) || CURRENCY_SIGN.test(t.post)) return true;
    // Digits make a DATE only with a month, a year (four digits) or as a numeric date, and MONEY only with a
    // currency ("§ 12", "at 5", "No. 3" alone make neither).
    const digitTrigger =
      CURRENCY_SIGN.test(t.text) ||
      (DIGIT.test(t.text) && (month || YEARISH.test(t.text) || NUMERIC_DATE.test(t.text) || CURRENCY_CODE.test(t.text)));
    const trigger = digitTrigger || (CAPITALISED.test(t.text) && (i > 0 || !OPENERS.has(t.text))) || CURRENCY_WORDS.has(t.normal);
    // A mention holds its trigger word whole (a name its capitalised words, a date or an amount its digits):
    // if that word lies inside a taken span, so does part of the mention, and the caller would drop it.
    if (trigger && !isTaken(t)) return true;
  }
  return false;
}
const CURRENCY_SIGN = /\p{Sc}/u;
const DIGIT = /\d/;
const YEARISH = /\d{4}/;
const CURRENCY_CODE = /\d(?:usd|eur|jpy|gbp|cad|aud|chf|cny|hkd|nzd|kr|rub)$/i;
const MONTH_WORDS = new Set(
  Object.entries((nlp.world() as unknown as { model: { one: { lexicon: Record<string, string | string[]> } } }).model.one.lexicon)
    .filter(([, tags]) => (Array.isArray(tags) ? tags : [tags]).includes('Month'))
    .map(([word]) => word)
    .concat(['march', 'may']),
);

/**
 * Whether a term's text lies inside one taken span. Terms are asked in text order, so one cursor over the
 * sorted spans does (a term asked out of order still gets a right answer, by a fresh search).
 */
function takenTest(taken: TakenSpans): (t: RawTerm) => boolean {
  if (!taken.length) return () => false;
  let j = 0;
  let last = -1;
  return (t) => {
    const { start, length } = (t as Term).offset;
    if (start < last) j = 0;
    last = start;
    while (j < taken.length && taken[j][1] <= start) j++;
    return j < taken.length && taken[j][0] <= start && start + length <= taken[j][1];
  };
}

/**
 * Keeps the part of a #Date run that is a calendar date: from the first month,
 * day-before-month, year or numeric date to the last one. Durations ("30 days")
 * and bare weekdays are dropped.
 */
function cleanDate(terms: Term[]): Term[] | undefined {
  const isDay = (t: Term | undefined) => !!t && /^\d{1,2}(st|nd|rd|th)?$/i.test(t.text) && Number.parseInt(t.text, 10) <= 31;
  const core = (t: Term, i: number) =>
    has(t, 'Month') ||
    has(t, 'Year') ||
    NUMERIC_DATE.test(t.text) ||
    (isDay(t) && (has(terms[i + 1] ?? t, 'Month') || has(terms[i - 1] ?? t, 'Month')));
  let a = 0;
  while (a < terms.length && !core(terms[a], a)) a++;
  let b = terms.length - 1;
  while (b >= a && !core(terms[b], b)) b--;
  if (a > b) return undefined;
  const kept = terms.slice(a, b + 1);
  if (kept.some((t) => has(t, 'Duration'))) return undefined;
  // "may" is a month to the tagger; a calendar date has a number in it.
  if (!kept.some((t) => /\d/.test(t.text))) return undefined;
  // A lone number tagged Year must look like one.
  if (kept.length === 1 && has(kept[0], 'Year') && !/^(1[6-9]|20)\d{2}$/.test(kept[0].text)) return undefined;
  return kept;
}
