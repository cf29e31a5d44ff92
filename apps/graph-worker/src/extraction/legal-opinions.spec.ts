/**
 * The default extractor on the shared court opinions (docs/legal-extraction.md, "How it is measured"): precision
 * and recall on the hand labels of the twelve held-out opinions, citation recall and resolution against
 * eyecite-ts on both splits, and the invariants of its output on all 48. The floors are regression guards set a
 * few points below the figures measured when they were written (the tables are printed for the record); they
 * are not the goals. Gated on the shared fixtures: skipped with a printed reason without them, failing
 * under CASEGRAPH_REQUIRE_FIXTURES=1 (CI).
 */
import { describeWithLegalFixtures, eyeciteReference, opinionManifest, readOpinion } from '@casegraph/testing';
import {
  type CaptionFigures,
  type EyeciteScores,
  type LabelScores,
  captionFigures,
  formatCaptionFigures,
  formatEyeciteScores,
  formatLabelScores,
  loadLegalLabels,
  scoreAgainstEyecite,
  scoreLabels,
} from '../testing/legal-evaluation';
import type { ExtractedMention } from './entity-extractor';
import { createEntityExtractor } from './extractor.factory';

/*
 * Floors: about four points below the figures measured at the end of issue 12 (2026-12-01 17:45), which are in the
 * comments. They guard against regressions; they are not the goals (docs/legal-extraction.md).
 */
/** Held-out labels: exact-span F1 (overlap F1 for COURT, whose caption spans labellers draw differently) per row. */
export const HELD_OUT_F1_FLOORS: Record<string, number> = {
  ALL: 0.72, // 0.76
  PERSON: 0.77, // 0.81
  ORG: 0.46, // 0.50
  COURT: 0.65, // overlap 0.69
  CASE: 0.84, // 0.88
  'CASE full': 0.89, // 0.93
  STATUTE: 0.82, // 0.86
  DATE: 0.79, // 0.83
  CASE_NUMBER: 0.45, // 0.49
};
/** Held-out labels: share of names, short forms, Id. and supra with the key of their full citation. */
export const HELD_OUT_ONE_ENTITY_FLOOR = 0.76; // 37/46 = 0.80
/** eyecite-ts's citations we find too, per kind, on each split. */
export const EYECITE_RECALL_FLOORS: Record<string, { tuning: number; heldout: number }> = {
  case: { tuning: 0.88, heldout: 0.78 }, // 0.92, 0.82
  'case (known reporter)': { tuning: 0.96, heldout: 0.85 }, // 1.00, 0.89
  'short form': { tuning: 0.78, heldout: 0.63 }, // 0.82, 0.67
  // Most of eyecite's other Id.s point to the record ("Id. at 12-13" of a transcript), not to a case.
  id: { tuning: 0.46, heldout: 0.61 }, // 0.50, 0.65
  statute: { tuning: 0.94, heldout: 0.9 }, // 0.98, 0.94
};
/** Short forms and Id. that get the key of the case eyecite resolves them to. */
export const EYECITE_RESOLUTION_FLOORS: Record<string, { tuning: number; heldout: number }> = {
  'short form': { tuning: 0.86, heldout: 0.72 }, // 0.90, 0.76
  id: { tuning: 0.37, heldout: 0.48 }, // 0.41, 0.52
};

/**
 * The document's own case, court and author (issue 13), on all 48 opinions: floors a few below the figures measured
 * on 2026-12-01 (44 caption cases, 44 caption courts, 27 authors of 48; held-out: 11 caption cases of 12).
 */
export const CAPTION_FLOORS = { captionCase: 40, captionCourt: 40, author: 23, heldoutCaptionCase: 10 };

const PROTECTED = new Set(['CASE', 'STATUTE']);
const NEVER_INSIDE_A_CITATION = new Set(['DATE', 'PERSON', 'LOCATION']);

describeWithLegalFixtures('legal opinions: the offline extractor on the shared court opinions', () => {
  const extractor = createEntityExtractor('offline');
  const texts = new Map<string, string>();
  const found = new Map<string, ExtractedMention[]>();
  let labels: LabelScores;
  let eyecite: EyeciteScores;
  let captions: { all: CaptionFigures; heldout: CaptionFigures };

  beforeAll(async () => {
    // Read in beforeAll, not in the describe body: a skipped suite's body still runs.
    const opinions = opinionManifest();
    for (const o of opinions) {
      const text = readOpinion(o.id);
      texts.set(o.id, text);
      found.set(o.id, await extractor.extract(text));
    }
    const { set } = loadLegalLabels(undefined, (id) => texts.get(id) ?? readOpinion(id));
    labels = scoreLabels(set.documents.map((doc) => ({ doc, mentions: found.get(doc.id)! })));
    const reference = eyeciteReference();
    eyecite = scoreAgainstEyecite(opinions.map((o) => ({ split: o.split, mentions: found.get(o.id)!, citations: reference[o.id] ?? [] })));
    captions = {
      all: captionFigures(opinions.map((o) => ({ mentions: found.get(o.id)! }))),
      heldout: captionFigures(opinions.filter((o) => o.split === 'heldout').map((o) => ({ mentions: found.get(o.id)! }))),
    };
    console.log(
      `${formatLabelScores('offline extractor on the held-out labels', labels)}\n\n${formatEyeciteScores('offline extractor against eyecite-ts', eyecite)}` +
        `\n\n${formatCaptionFigures('the document’s own case, all opinions', captions.all)}` +
        `\n\n${formatCaptionFigures('the document’s own case, held-out opinions', captions.heldout)}`,
    );
  }, 180_000);

  it('labels all twelve held-out opinions', () => {
    expect(labels.documents).toBe(12);
    expect(labels.rows.find((r) => r.name === 'ALL')!.labels).toBeGreaterThan(400);
  });

  it.each(Object.entries(HELD_OUT_F1_FLOORS))('held-out %s: F1 at or above its floor', (name, floor) => {
    const r = labels.rows.find((x) => x.name === name)!;
    expect(r.labels).toBeGreaterThan(0);
    expect(name === 'COURT' ? r.overlapF1 : r.f1).toBeGreaterThanOrEqual(floor);
  });

  it('held-out: names, short forms and Id. carry the key of the full citation they refer to', () => {
    expect(labels.oneEntity.labels).toBeGreaterThan(10);
    expect(labels.oneEntity.share).toBeGreaterThanOrEqual(HELD_OUT_ONE_ENTITY_FLOOR);
  });

  it.each(Object.entries(EYECITE_RECALL_FLOORS))('eyecite %s citations: recall at or above its floor on both splits', (kind, floor) => {
    for (const split of ['tuning', 'heldout'] as const) {
      const r = eyecite.recall.find((x) => x.kind === kind && x.split === split)!;
      expect(r.citations).toBeGreaterThan(0);
      expect(r.recall).toBeGreaterThanOrEqual(floor[split]);
    }
  });

  it.each(Object.entries(EYECITE_RESOLUTION_FLOORS))('eyecite %s: resolved to eyecite’s case at or above its floor', (kind, floor) => {
    for (const split of ['tuning', 'heldout'] as const) {
      const r = eyecite.resolution.find((x) => x.kind === kind && x.split === split)!;
      expect(r.resolved).toBeGreaterThan(0);
      expect(r.accuracy).toBeGreaterThanOrEqual(floor[split]);
    }
  });

  it('finds the document’s own case, its court and its author on most opinions, the case overlapping no party', () => {
    expect(captions.all.opinions).toBe(48);
    expect(captions.all.withCaptionCase).toBeGreaterThanOrEqual(CAPTION_FLOORS.captionCase);
    expect(captions.all.withCaptionCourt).toBeGreaterThanOrEqual(CAPTION_FLOORS.captionCourt);
    expect(captions.all.withAuthor).toBeGreaterThanOrEqual(CAPTION_FLOORS.author);
    expect(captions.heldout.withCaptionCase).toBeGreaterThanOrEqual(CAPTION_FLOORS.heldoutCaptionCase);
    for (const [id, ms] of found) {
      const cases = ms.filter((m) => m.type === 'CASE' && m.attributes?.kind === 'caption');
      const clash = ms.filter((m) => m.role === 'party' && cases.some((c) => c.start < m.end && m.start < c.end));
      expect(clash.map((m) => `${id} ${m.start}`)).toEqual([]);
      expect(ms.filter((m) => m.type === 'COURT' && m.attributes?.caption === true).length).toBeLessThanOrEqual(1);
    }
  });

  it('every mention is its text, sorted, with no two overlapping, on all 48 opinions', () => {
    expect(found.size).toBe(48);
    for (const [id, ms] of found) {
      const text = texts.get(id)!;
      const bad = ms.filter((m) => text.slice(m.start, m.end) !== m.text).map((m) => `${id} ${m.type} [${m.start}, ${m.end})`);
      expect(bad).toEqual([]);
      for (let i = 1; i < ms.length; i++) expect(ms[i].start).toBeGreaterThanOrEqual(ms[i - 1].end);
    }
  });

  it('no CASE or STATUTE mention overlaps a DATE, PERSON or LOCATION mention, on all 48 opinions', () => {
    let citations = 0;
    const clashes: string[] = [];
    for (const [id, ms] of found) {
      const protectedSpans = ms.filter((m) => PROTECTED.has(m.type));
      citations += protectedSpans.length;
      for (const m of ms) {
        if (!NEVER_INSIDE_A_CITATION.has(m.type)) continue;
        const c = protectedSpans.find((p) => p.start < m.end && m.start < p.end);
        if (c) clashes.push(`${id}: ${m.type} [${m.start}, ${m.end}) overlaps ${c.type} [${c.start}, ${c.end})`);
      }
    }
    expect(citations).toBeGreaterThan(500);
    expect(clashes).toEqual([]);
  });
});
