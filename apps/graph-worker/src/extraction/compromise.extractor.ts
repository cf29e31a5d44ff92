import nlp from 'compromise';
import type { EntityType } from '@casegraph/contracts';
import type { ExtractedMention } from './entity-extractor';
import { isOrgName } from './patterns';
import { mention } from './spans';

/** What a general-types NLP component returns for one segment (offsets into the segment). */
export interface GeneralEntityFinder {
  readonly method: string;
  find(segment: string): ExtractedMention[];
}

interface Term {
  text: string;
  tags: string[];
  offset: { start: number; length: number };
}
interface Match {
  terms: Term[];
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
const SCALE = /^[\s]+(million|billion|thousand|trillion)\b/i;
const NUMERIC_DATE = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/;
const isCapitalised = (t: Term) => /^[A-Z]/.test(t.text);
const has = (t: Term, tag: string) => t.tags.includes(tag);

/**
 * PERSON, ORG, LOCATION, DATE and MONEY with compromise (rule-based English tagger,
 * no model download). Its raw output is noisy on legal text, so each type gets a
 * small clean-up: names must be capitalised, honorifics are dropped from person
 * spans, dates must contain a month, a year or a numeric date, money takes its scale.
 */
export class CompromiseFinder implements GeneralEntityFinder {
  readonly method = 'nlp:compromise';

  find(segment: string): ExtractedMention[] {
    const doc = nlp(segment);
    const out: ExtractedMention[] = [];
    const each = (view: { json: (o: object) => unknown }, fn: (terms: Term[]) => void) => {
      for (const m of view.json({ offset: true, terms: { offset: true } }) as Match[]) if (m.terms?.length) fn(m.terms);
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
    each(doc.people(), person);
    each(doc.organizations(), (terms) => {
      if (!isCapitalised(terms[0])) return;
      const text = terms.map((t) => t.text).join(' ');
      if (!isOrgName(text)) return;
      add('ORG', terms, 0.7);
    });
    each(doc.places(), (terms) => {
      // "Mr. David Park" is a person even when the tagger reads "Park" as a place.
      if (isHonorific(terms[0])) return person(terms);
      if (!terms.every(isCapitalised) || NOT_A_NAME.has(terms[terms.length - 1].text)) return;
      add('LOCATION', terms, 0.65);
    });
    each(doc.money(), (terms) => {
      const last = terms[terms.length - 1];
      const after = segment.slice(last.offset.start + last.offset.length);
      const scale = SCALE.exec(after);
      add('MONEY', terms, 0.85, scale ? scale[0].length : 0);
    });
    each(doc.match('#Date+'), (terms) => {
      const dateTerms = cleanDate(terms);
      if (dateTerms) add('DATE', dateTerms, 0.8);
    });
    return out;
  }
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
