/**
 * How well an EntityExtractor reads court opinions (docs/legal-extraction.md, "How it is measured"):
 *
 * 1. Against the hand labels of the held-out opinions (test/fixtures/legal-heldout.labels.json: offsets and a
 *    SHA-1 of each labelled window, no opinion text): the extractor runs on each WHOLE opinion, the mentions
 *    that lie inside the window are scored per type, per role (PERSON judge/party/counsel, ORG party/law_firm)
 *    and per CASE kind (name, full, short, id, supra): exact and overlap precision, recall and F1; and "CASE as
 *    one entity": for each name/short/id/supra label that refers to a full citation in the window (`ref`),
 *    whether the mention found for it carries the same key as the mention found for that full citation.
 * 2. Against eyecite-ts's citations (a reference, not ground truth), on both splits: recall by kind, and how
 *    often a short form, `Id.` or `supra` that eyecite resolves gets the key of the case eyecite resolves it to.
 *
 * The scoring functions are pure (text, labels, mentions in; figures out); the loaders read the shared
 * fixtures at run time. Nothing here prints opinion text: the held-out opinions must not be read by anyone
 * tuning the rules, so the reports carry figures only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseCitationKey } from '@casegraph/legal';
import { type EyeciteCitation, type OpinionEntry, eyeciteReference, opinionManifest, readOpinion } from '@casegraph/testing';
import type { EntityExtractor, ExtractedMention } from '../extraction/entity-extractor';
import { mentionKey } from '../extraction/extraction.service';

export const LEGAL_LABELS_PATH = join(__dirname, '../../../../test/fixtures/legal-heldout.labels.json');

/** The types the labellers mark (LOCATION and the contact types are not labelled in opinions). */
export const LABELLED_TYPES = ['PERSON', 'ORG', 'COURT', 'CASE', 'STATUTE', 'DATE', 'MONEY', 'CASE_NUMBER'] as const;
export type LabelledType = (typeof LABELLED_TYPES)[number];
export const SCORED_ROLES: ReadonlyArray<readonly [LabelledType, string]> = [
  ['PERSON', 'judge'],
  ['PERSON', 'party'],
  ['PERSON', 'counsel'],
  ['ORG', 'party'],
  ['ORG', 'law_firm'],
];
/** CASE label kinds scored as rows; a `shortname` label (a case name used alone: "In Ford, …") counts as a name. */
export const SCORED_KINDS = ['name', 'full', 'short', 'id', 'supra'] as const;

export interface LegalLabel {
  type: LabelledType;
  start: number;
  end: number;
  role?: string;
  kind?: string;
  /** Index (in this document's labels) of the full citation a name/short/id/supra label refers to. */
  ref?: number;
}
export interface LabelledWindow {
  id: string;
  /** [start, end) of the labelled part of the opinion. */
  window: [number, number];
  /** SHA-1 (hex) of the window's text in UTF-8. */
  sha1: string;
  labeller?: string;
  labels: LegalLabel[];
}
export interface LegalLabelSet {
  about?: string;
  source?: string;
  window?: string;
  documents: LabelledWindow[];
}

export const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/**
 * Reads a label file and each labelled opinion's text, and checks that every window is the text the labellers
 * saw (its SHA-1): labels at offsets into a different text would score nonsense.
 */
export function loadLegalLabels(
  path = LEGAL_LABELS_PATH,
  readText: (id: string) => string = readOpinion,
): { set: LegalLabelSet; texts: Map<string, string> } {
  const set = JSON.parse(readFileSync(path, 'utf8')) as LegalLabelSet;
  const texts = new Map<string, string>();
  for (const doc of set.documents) {
    const text = readText(doc.id);
    const [start, end] = doc.window;
    if (end > text.length) throw new Error(`${path}: window [${start}, ${end}) of ${doc.id} is past its end (${text.length} characters)`);
    const actual = sha1(text.slice(start, end));
    if (actual !== doc.sha1)
      throw new Error(`${path}: ${doc.id} window [${start}, ${end}) has SHA-1 ${actual}, the labels were written for ${doc.sha1}`);
    for (const [i, l] of doc.labels.entries()) {
      if (!(l.start >= start && l.end <= end && l.start < l.end))
        throw new Error(`${path}: ${doc.id} label ${i} [${l.start}, ${l.end}) is not inside its window`);
      if (l.ref !== undefined && doc.labels[l.ref]?.kind !== 'full')
        throw new Error(`${path}: ${doc.id} label ${i} refers to ${l.ref}, not a full citation`);
    }
    texts.set(doc.id, text);
  }
  return { set, texts };
}

/** A mention's entity key: the extractor's own, else the worker's normaliser (as ExtractionService does). */
export const keyOf = (m: ExtractedMention) => mentionKey(m);
const kindOf = (m: ExtractedMention) => (typeof m.attributes?.kind === 'string' ? m.attributes.kind : undefined);
/**
 * The document's own case (kind 'caption', on the caption's "v." or "In re"): not a citation, and not labelled (the
 * labels mark the caption's parties), so it is scored apart (captionFigures), never as a CASE citation.
 */
export const isCaptionCase = (m: ExtractedMention): boolean => m.type === 'CASE' && kindOf(m) === 'caption';
/** The mentions the labels can judge: within the labelled window, of a labelled type, not the caption case. */
const labelledInWindow = (doc: LabelledWindow, mentions: ExtractedMention[]) =>
  mentions.filter(
    (m) => m.start >= doc.window[0] && m.end <= doc.window[1] && (LABELLED_TYPES as readonly string[]).includes(m.type) && !isCaptionCase(m),
  );
const labelKind = (l: LegalLabel) => (l.kind === 'shortname' ? 'name' : l.kind);
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

export interface Counts {
  labels: number;
  found: number;
  exact: number;
  overlap: number;
}
export interface ScoreRow extends Counts {
  /** `PERSON`, `PERSON judge`, `CASE full`, `ALL` */
  name: string;
  group: 'type' | 'role' | 'kind' | 'all';
  precision: number;
  recall: number;
  f1: number;
  overlapPrecision: number;
  overlapRecall: number;
  overlapF1: number;
}
export interface OneEntityScore {
  /** Labels with a ref, per kind of the referring label (`name`, `short`, `id`, `supra`) and in all. */
  byKind: Record<string, { labels: number; same: number }>;
  labels: number;
  same: number;
  share: number;
}
export interface LabelScores {
  documents: number;
  rows: ScoreRow[];
  oneEntity: OneEntityScore;
}

const ratio = (a: number, b: number) => (b ? a / b : 1);
const f1Of = (p: number, r: number) => (p + r ? (2 * p * r) / (p + r) : 0);

function row(name: string, group: ScoreRow['group'], c: Counts): ScoreRow {
  const precision = ratio(c.exact, c.found);
  const recall = ratio(c.exact, c.labels);
  const overlapPrecision = ratio(c.overlap, c.found);
  const overlapRecall = ratio(c.overlap, c.labels);
  return {
    name,
    group,
    ...c,
    precision,
    recall,
    f1: f1Of(precision, recall),
    overlapPrecision,
    overlapRecall,
    overlapF1: f1Of(overlapPrecision, overlapRecall),
  };
}

/**
 * One-to-one matching of mentions to labels (greedy, in text order): `exact` pairs have equal spans; `overlap`
 * pairs take every exact pair first, then pair the rest by overlapping spans. Returns the pairs as
 * label index -> mention index.
 */
export function matchSpans<L extends { start: number; end: number }, M extends { start: number; end: number }>(
  labels: L[],
  mentions: M[],
  same: (l: L, m: M) => boolean,
): { exact: Map<number, number>; overlap: Map<number, number> } {
  const exact = new Map<number, number>();
  const usedM = new Set<number>();
  for (const [i, l] of labels.entries()) {
    const j = mentions.findIndex((m, k) => !usedM.has(k) && m.start === l.start && m.end === l.end && same(l, m));
    if (j >= 0) {
      exact.set(i, j);
      usedM.add(j);
    }
  }
  const overlap = new Map(exact);
  for (const [i, l] of labels.entries()) {
    if (overlap.has(i)) continue;
    const j = mentions.findIndex((m, k) => !usedM.has(k) && overlaps(l, m) && same(l, m));
    if (j >= 0) {
      overlap.set(i, j);
      usedM.add(j);
    }
  }
  return { exact, overlap };
}

/**
 * Scores one or more labelled windows. `mentions` are the extractor's mentions of the WHOLE opinion; only
 * those inside the window ([start, end) within it) count. Types that are not labelled (LOCATION, EMAIL, …) are
 * ignored.
 */
export function scoreLabels(docs: Array<{ doc: LabelledWindow; mentions: ExtractedMention[] }>): LabelScores {
  const sum = new Map<string, Counts>();
  const add = (name: string, c: Counts) => {
    const s = sum.get(name) ?? { labels: 0, found: 0, exact: 0, overlap: 0 };
    s.labels += c.labels;
    s.found += c.found;
    s.exact += c.exact;
    s.overlap += c.overlap;
    sum.set(name, s);
  };
  const oneEntity: OneEntityScore = { byKind: {}, labels: 0, same: 0, share: 1 };
  for (const { doc, mentions } of docs) {
    const inWindow = labelledInWindow(doc, mentions);
    const subset = (ls: LegalLabel[], ms: ExtractedMention[], same: (l: LegalLabel, m: ExtractedMention) => boolean) => {
      const { exact, overlap } = matchSpans(ls, ms, same);
      return { labels: ls.length, found: ms.length, exact: exact.size, overlap: overlap.size, pairs: overlap };
    };
    for (const type of LABELLED_TYPES) {
      const ls = doc.labels.filter((l) => l.type === type);
      const ms = inWindow.filter((m) => m.type === type);
      const scored = subset(ls, ms, () => true);
      add(type, scored);
      if (type === 'CASE') {
        // CASE as one entity: the mention found for a referring label and the one found for its full citation.
        const mentionFor = new Map<number, ExtractedMention>();
        for (const [li, mi] of scored.pairs) mentionFor.set(doc.labels.indexOf(ls[li]), ms[mi]);
        for (const [i, l] of doc.labels.entries()) {
          if (l.type !== 'CASE' || l.ref === undefined) continue;
          const kind = labelKind(l) ?? 'name';
          const k = (oneEntity.byKind[kind] ??= { labels: 0, same: 0 });
          const a = mentionFor.get(i);
          const b = mentionFor.get(l.ref);
          const same = !!a && !!b && keyOf(a) === keyOf(b);
          k.labels++;
          oneEntity.labels++;
          if (same) {
            k.same++;
            oneEntity.same++;
          }
        }
      }
    }
    for (const [type, role] of SCORED_ROLES) {
      const ls = doc.labels.filter((l) => l.type === type && l.role === role);
      const ms = inWindow.filter((m) => m.type === type && m.role === role);
      add(
        `${type} ${role}`,
        subset(ls, ms, () => true),
      );
    }
    for (const kind of SCORED_KINDS) {
      const ls = doc.labels.filter((l) => l.type === 'CASE' && labelKind(l) === kind);
      const ms = inWindow.filter((m) => m.type === 'CASE' && kindOf(m) === kind);
      add(
        `CASE ${kind}`,
        subset(ls, ms, () => true),
      );
    }
  }
  oneEntity.share = ratio(oneEntity.same, oneEntity.labels);
  const rows: ScoreRow[] = [];
  const total: Counts = { labels: 0, found: 0, exact: 0, overlap: 0 };
  for (const type of LABELLED_TYPES) {
    const c = sum.get(type) ?? { labels: 0, found: 0, exact: 0, overlap: 0 };
    rows.push(row(type, 'type', c));
    total.labels += c.labels;
    total.found += c.found;
    total.exact += c.exact;
    total.overlap += c.overlap;
    for (const [t, role] of SCORED_ROLES) if (t === type) rows.push(row(`${type} ${role}`, 'role', sum.get(`${type} ${role}`)!));
    if (type === 'CASE') for (const kind of SCORED_KINDS) rows.push(row(`CASE ${kind}`, 'kind', sum.get(`CASE ${kind}`)!));
  }
  rows.push(row('ALL', 'all', total));
  return { documents: docs.length, rows, oneEntity };
}

/** Runs the extractor on each labelled opinion (whole) and scores its mentions inside the windows. */
export async function evaluateOnLabels(
  extractor: EntityExtractor,
  set: LegalLabelSet,
  texts: Map<string, string>,
): Promise<LabelScores & { mentions: Map<string, ExtractedMention[]> }> {
  const found = new Map<string, ExtractedMention[]>();
  for (const doc of set.documents) found.set(doc.id, await extractor.extract(texts.get(doc.id)!));
  return { ...scoreLabels(set.documents.map((doc) => ({ doc, mentions: found.get(doc.id)! }))), mentions: found };
}

/**
 * What was missed and what was found wrongly in one labelled window, for a reviewer: one line per label not found
 * exactly (with what overlaps it, if anything) and per mention that matches no label. It quotes the text, so
 * it refuses the held-out opinions (nobody tuning the rules may read them): use it on labels of TUNING opinions.
 */
export function listDifferences(doc: LabelledWindow, text: string, mentions: ExtractedMention[], heldOut: readonly string[]): string[] {
  if (heldOut.includes(doc.id)) throw new Error(`${doc.id} is a held-out opinion: its text and labels are not shown`);
  const inWindow = labelledInWindow(doc, mentions);
  const quote = (a: { start: number; end: number }) => JSON.stringify(text.slice(a.start, a.end).replace(/\s+/g, ' '));
  const what = (l: LegalLabel) => [l.type, l.role ?? l.kind].filter(Boolean).join(' ');
  const out: string[] = [];
  const matchedMentions = new Set<ExtractedMention>();
  for (const l of doc.labels) {
    const same = inWindow.find((m) => m.type === l.type && m.start === l.start && m.end === l.end);
    if (same) {
      matchedMentions.add(same);
      const role = l.role && l.role !== 'other' && same.role !== l.role ? ` (role ${same.role ?? 'none'}, marked ${l.role})` : '';
      if (role) out.push(`${doc.id} ${'wrong role'.padEnd(11)} ${what(l)} ${quote(l)}${role}`);
      continue;
    }
    const near = inWindow.filter((m) => overlaps(m, l));
    near.forEach((m) => matchedMentions.add(m));
    const kind = (!near.length ? 'missed' : near.some((m) => m.type === l.type) ? 'boundary' : 'other type').padEnd(11);
    out.push(`${doc.id} ${kind} ${what(l)} ${quote(l)}` + (near.length ? ` -> found ${near.map((m) => `${m.type} ${quote(m)}`).join(', ')}` : ''));
  }
  for (const m of inWindow)
    if (!matchedMentions.has(m)) out.push(`${doc.id} ${'not marked'.padEnd(11)} ${m.type}${m.role ? ` ${m.role}` : ''} ${quote(m)}`);
  return out;
}

// ---- eyecite-ts's citations ----

/** Our kinds of eyecite's types; the types not listed (journal, treatise, docket, federalRegister) are not counted. */
export const EYECITE_KINDS: Record<string, string> = {
  case: 'case',
  neutral: 'case',
  shortFormCase: 'short form',
  id: 'id',
  supra: 'supra',
  statute: 'statute',
  constitutional: 'statute',
  regulation: 'statute',
  federalRule: 'statute',
  statutesAtLarge: 'statute',
  publicLaw: 'statute',
};
export const EYECITE_KIND_ORDER = ['case', 'case (known reporter)', 'short form', 'id', 'supra', 'statute'];
/**
 * eyecite's "case" results whose key reads as a reporter citation to the legal grammar (caseCitationKey): the
 * row without its noise ("15 Page 1" of a page header, "1810 First Union Tower 150" of an address, "529 WDA
 * 2021" of a docket). Reported beside the raw row, never instead of it: a reporter the table lacked would
 * leave this row too.
 */
const KNOWN_REPORTER = 'case (known reporter)';
const RESOLVED_TYPES = new Set(['shortFormCase', 'id', 'supra']);
/** How far from a zero-length eyecite span ([n, n]: its offset mapping failed) a mention may start. */
export const ZERO_SPAN_SLACK = 40;

const digits = (s: string) => s.replace(/\D/g, '');

/**
 * Our CASE/STATUTE mention for one eyecite citation: one overlapping its span, or, for a zero-length span
 * [n, n], one within ZERO_SPAN_SLACK characters of n whose digits equal those of eyecite's key (else one
 * anywhere in the text with those digits).
 */
export function mentionForCitation(c: EyeciteCitation, legal: ExtractedMention[]): ExtractedMention | undefined {
  const [s, e] = c.span;
  if (e > s) return legal.find((m) => m.start < e && s < m.end);
  const want = digits(c.key);
  if (!want) return undefined;
  // Where eyecite's offset mapping failed its n can be far off: then any mention of the text with those digits.
  return (
    legal.find((m) => m.end >= s - ZERO_SPAN_SLACK && m.start <= s + ZERO_SPAN_SLACK && digits(m.text) === want) ??
    legal.find((m) => digits(m.text) === want)
  );
}

export interface CitationRecallRow {
  kind: string;
  split: OpinionEntry['split'];
  citations: number;
  found: number;
  recall: number;
}
export interface ResolutionRow {
  kind: string;
  split: OpinionEntry['split'];
  /** Citations eyecite resolves (resolvedTo). */
  resolved: number;
  /** ...for which our mention carries the key of our mention of the case eyecite resolves it to. */
  same: number;
  accuracy: number;
}
export interface EyeciteScores {
  recall: CitationRecallRow[];
  resolution: ResolutionRow[];
  /** eyecite types not counted, with their numbers (journal, docket, …). */
  notCounted: Record<string, number>;
  /** Opinions per split. */
  opinions: Record<OpinionEntry['split'], number>;
}

/** Citation recall and resolution against eyecite-ts, per split and kind. */
export function scoreAgainstEyecite(
  docs: Array<{ split: OpinionEntry['split']; mentions: ExtractedMention[]; citations: EyeciteCitation[] }>,
): EyeciteScores {
  const rec = new Map<string, { citations: number; found: number }>();
  const res = new Map<string, { resolved: number; same: number }>();
  const notCounted: Record<string, number> = {};
  const opinions = { tuning: 0, heldout: 0 };
  for (const { split, mentions, citations } of docs) {
    opinions[split]++;
    const legal = mentions.filter((m) => (m.type === 'CASE' || m.type === 'STATUTE') && !isCaptionCase(m));
    const ours = citations.map((c) => mentionForCitation(c, legal));
    for (const [i, c] of citations.entries()) {
      const kind = EYECITE_KINDS[c.type];
      if (!kind) {
        notCounted[c.type] = (notCounted[c.type] ?? 0) + 1;
        continue;
      }
      const kinds = kind === 'case' && caseCitationKey(c.key) !== undefined ? [kind, KNOWN_REPORTER] : [kind];
      for (const k of kinds) {
        const r = rec.get(`${split}\t${k}`) ?? { citations: 0, found: 0 };
        r.citations++;
        if (ours[i]) r.found++;
        rec.set(`${split}\t${k}`, r);
      }
      if (!RESOLVED_TYPES.has(c.type) || !c.resolvedTo) continue;
      // The case eyecite resolves it to: its latest full citation with that key before this one (else any).
      let target = -1;
      for (const [j, d] of citations.entries()) {
        if (d.key !== c.resolvedTo || RESOLVED_TYPES.has(d.type)) continue;
        if (d.span[0] <= c.span[0] || target < 0) target = j;
        if (d.span[0] > c.span[0]) break;
      }
      const q = res.get(`${split}\t${kind}`) ?? { resolved: 0, same: 0 };
      q.resolved++;
      const a = ours[i];
      const b = target >= 0 ? ours[target] : undefined;
      if (a && b && a !== b && keyOf(a) === keyOf(b)) q.same++;
      res.set(`${split}\t${kind}`, q);
    }
  }
  const recall: CitationRecallRow[] = [];
  const resolution: ResolutionRow[] = [];
  for (const split of ['tuning', 'heldout'] as const) {
    for (const kind of EYECITE_KIND_ORDER) {
      const r = rec.get(`${split}\t${kind}`);
      if (r) recall.push({ kind, split, ...r, recall: ratio(r.found, r.citations) });
      const q = res.get(`${split}\t${kind}`);
      if (q) resolution.push({ kind, split, ...q, accuracy: ratio(q.same, q.resolved) });
    }
  }
  return { recall, resolution, notCounted, opinions };
}

/** Runs the extractor on every opinion of the manifest and scores it against eyecite-ts's citations. */
export async function evaluateAgainstEyecite(
  extractor: EntityExtractor,
  opinions: OpinionEntry[] = opinionManifest(),
  reference: Record<string, EyeciteCitation[]> = eyeciteReference(),
  readText: (id: string) => string = readOpinion,
): Promise<EyeciteScores & { mentions: Map<string, ExtractedMention[]> }> {
  const found = new Map<string, ExtractedMention[]>();
  for (const o of opinions) found.set(o.id, await extractor.extract(readText(o.id)));
  return {
    ...scoreAgainstEyecite(opinions.map((o) => ({ split: o.split, mentions: found.get(o.id)!, citations: reference[o.id] ?? [] }))),
    mentions: found,
  };
}

// ---- the document's own case, court and judges ----

export interface CaptionFigures {
  opinions: number;
  /** Opinions with at least one caption CASE mention. */
  withCaptionCase: number;
  /** Caption CASE mentions in all (consolidated captions: one each). */
  captionCases: number;
  /** ...of which carry a docket number / a court id. */
  withDocket: number;
  withCourt: number;
  /** Opinions with a COURT mention marked attributes.caption. */
  withCaptionCourt: number;
  /** Opinions with a judge mention of judgeRole 'author'. */
  withAuthor: number;
  /** Judge mentions per judgeRole (cited-case judges apart, as 'cited'). */
  judgeRoles: Record<string, number>;
  /** Caption parties (role 'party' with attributes.side) and those with a caption case key. */
  sidedParties: number;
  partiesWithCase: number;
  /** Case citations (not caption cases) and statutes, and how many carry each signal. */
  citations: number;
  signals: Record<string, number>;
  /** Counsel and firm mentions, those with attributes.for (a role word) and with attributes.forParty (a party key). */
  counsel: number;
  counselWithFor: number;
  counselWithParty: number;
}

/** What the grammar reads of each document's own case: caption case, caption court, judges' roles, parties' sides. */
export function captionFigures(docs: Array<{ mentions: ExtractedMention[] }>): CaptionFigures {
  const f: CaptionFigures = {
    opinions: 0,
    withCaptionCase: 0,
    captionCases: 0,
    withDocket: 0,
    withCourt: 0,
    withCaptionCourt: 0,
    withAuthor: 0,
    judgeRoles: {},
    sidedParties: 0,
    partiesWithCase: 0,
    citations: 0,
    signals: {},
    counsel: 0,
    counselWithFor: 0,
    counselWithParty: 0,
  };
  for (const { mentions } of docs) {
    f.opinions++;
    const cases = mentions.filter(isCaptionCase);
    if (cases.length) f.withCaptionCase++;
    f.captionCases += cases.length;
    f.withDocket += cases.filter((m) => typeof m.attributes?.docket === 'string').length;
    f.withCourt += cases.filter((m) => typeof m.attributes?.courtId === 'string').length;
    if (mentions.some((m) => m.type === 'COURT' && m.attributes?.caption === true)) f.withCaptionCourt++;
    const judges = mentions.filter((m) => m.role === 'judge');
    if (judges.some((m) => m.attributes?.judgeRole === 'author' && !m.attributes?.cited)) f.withAuthor++;
    for (const j of judges) {
      const role = j.attributes?.cited ? 'cited' : String(j.attributes?.judgeRole ?? 'none');
      f.judgeRoles[role] = (f.judgeRoles[role] ?? 0) + 1;
    }
    const parties = mentions.filter((m) => m.role === 'party' && typeof m.attributes?.side === 'number');
    f.sidedParties += parties.length;
    f.partiesWithCase += parties.filter((m) => typeof m.attributes?.caseKey === 'string').length;
    for (const m of mentions) {
      if (m.role !== 'counsel' && m.role !== 'law_firm') continue;
      f.counsel++;
      if (typeof m.attributes?.for === 'string') f.counselWithFor++;
      if (typeof m.attributes?.forParty === 'string') f.counselWithParty++;
    }
    for (const m of mentions) {
      if (!((m.type === 'CASE' && !isCaptionCase(m)) || m.type === 'STATUTE')) continue;
      f.citations++;
      const sig = m.attributes?.signal;
      if (typeof sig === 'string') f.signals[sig] = (f.signals[sig] ?? 0) + 1;
    }
  }
  return f;
}

export function formatCaptionFigures(title: string, f: CaptionFigures): string {
  const roles = Object.entries(f.judgeRoles)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  return [
    title,
    `caption case: ${f.withCaptionCase} of ${f.opinions} opinions (${f.captionCases} caption cases; ${f.withDocket} with a docket, ${f.withCourt} with a court)`,
    `caption court: ${f.withCaptionCourt} of ${f.opinions} opinions`,
    `author: ${f.withAuthor} of ${f.opinions} opinions; judge mentions by role: ${roles || 'none'}`,
    `caption parties with a side: ${f.sidedParties}, with their caption case: ${f.partiesWithCase}`,
    `counsel and firms: ${f.counsel}, with the role they appear for: ${f.counselWithFor}, with the party named: ${f.counselWithParty}`,
    `signals: ${Object.values(f.signals).reduce((a, b) => a + b, 0)} of ${f.citations} case/statute mentions (${
      Object.entries(f.signals)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    })`,
  ].join('\n');
}

// ---- reports ----

const pct = (x: number) => `${Math.round(100 * x)}%`;
const table = (header: string[], rows: string[][], right: boolean[]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) =>
    cols
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
};
const ROW_NAMES: Record<string, string> = {
  PERSON: 'PERSON (people)',
  ORG: 'ORG (organisations)',
  COURT: 'COURT',
  CASE: 'CASE (cases: names and citations)',
  STATUTE: 'STATUTE (statutes, rules, constitutions)',
  DATE: 'DATE',
  MONEY: 'MONEY',
  CASE_NUMBER: 'CASE_NUMBER (docket numbers)',
  'PERSON judge': '  judges',
  'PERSON party': '  parties',
  'PERSON counsel': '  counsel',
  'ORG party': '  parties (governments, companies)',
  'ORG law_firm': '  law firms',
  'CASE name': '  case names ("Roe v. Wade")',
  'CASE full': '  full citations ("410 U.S. 113")',
  'CASE short': '  short forms ("410 U.S. at 120")',
  'CASE id': '  "Id." / "id. at 5"',
  'CASE supra': '  "supra"',
  ALL: 'ALL (every labelled type)',
};

/** The held-out table, one line per row, with a legend a paralegal can read. */
export function formatLabelScores(title: string, s: LabelScores): string {
  // A share of nothing is shown as "-" (no labels: no recall; nothing found: no precision).
  const p = (x: number, n: number) => (n ? pct(x) : '-');
  const f = (x: number, r: ScoreRow) => (r.labels || r.found ? pct(x) : '-');
  const rows = s.rows.map((r) => [
    ROW_NAMES[r.name] ?? r.name,
    String(r.labels),
    String(r.found),
    String(r.exact),
    p(r.precision, r.found),
    p(r.recall, r.labels),
    f(r.f1, r),
    p(r.overlapPrecision, r.found),
    p(r.overlapRecall, r.labels),
    f(r.overlapF1, r),
  ]);
  const kinds = Object.entries(s.oneEntity.byKind)
    .map(([k, v]) => `${k} ${v.same}/${v.labels}`)
    .join(', ');
  return [
    `${title} (${s.documents} opinions)`,
    'marked = marked by hand; found = marked by the extractor; right = same type and exactly the same characters;',
    'precision = share of found that are right; recall = share of marked that were found; F1 = their balance;',
    '"overlap" = right type and the texts overlap (a boundary error forgiven). Role rows: the role must be right too.',
    ...table(['what', 'marked', 'found', 'right', 'precision', 'recall', 'F1', 'overlap P', 'overlap R', 'overlap F1'], rows, [
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]),
    `CASE as one entity: ${s.oneEntity.same} of ${s.oneEntity.labels} (${pct(s.oneEntity.share)}) names, short forms, Id. and supra ` +
      `carry the key of the full citation they refer to${kinds ? ` (${kinds})` : ''}`,
  ].join('\n');
}

/** eyecite recall and resolution, one line per kind, both splits side by side. */
export function formatEyeciteScores(title: string, s: EyeciteScores): string {
  const cell = (r?: { found?: number; same?: number; citations?: number; resolved?: number }) => {
    if (!r) return '-';
    const n = r.citations ?? r.resolved ?? 0;
    const k = r.found ?? r.same ?? 0;
    return `${k}/${n} ${pct(ratio(k, n))}`;
  };
  const kinds = EYECITE_KIND_ORDER.filter((k) => s.recall.some((r) => r.kind === k));
  const recall = kinds.map((k) => [
    k,
    cell(s.recall.find((r) => r.kind === k && r.split === 'tuning')),
    cell(s.recall.find((r) => r.kind === k && r.split === 'heldout')),
  ]);
  const resolved = EYECITE_KIND_ORDER.filter((k) => s.resolution.some((r) => r.kind === k)).map((k) => [
    k,
    cell(s.resolution.find((r) => r.kind === k && r.split === 'tuning')),
    cell(s.resolution.find((r) => r.kind === k && r.split === 'heldout')),
  ]);
  const skipped = Object.entries(s.notCounted)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  return [
    `${title}`,
    'Citations eyecite-ts finds (a reference, not the truth) that we find too (a CASE or STATUTE mention over the same text):',
    ...table(['kind', `tuning (${s.opinions.tuning})`, `held-out (${s.opinions.heldout})`], recall, [false, true, true]),
    'Short forms, Id. and supra that eyecite resolves: share whose key is our key of the case eyecite resolves them to:',
    ...table(['kind', `tuning (${s.opinions.tuning})`, `held-out (${s.opinions.heldout})`], resolved, [false, true, true]),
    ...(skipped ? [`not counted (eyecite types we do not extract or that are its noise): ${skipped}`] : []),
  ].join('\n');
}
