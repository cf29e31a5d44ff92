import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTITY_TYPES, EntityType } from '@casegraph/contracts';
import type { EntityExtractor } from './entity-extractor';

export interface LabelledSentence {
  text: string;
  entities: Array<[EntityType, string]>;
}

export interface TypeScore {
  type: EntityType | 'ALL';
  expected: number;
  predicted: number;
  /** Same type, same span. */
  exact: number;
  /** Same type, overlapping span (boundary errors forgiven). */
  overlap: number;
  precision: number;
  recall: number;
  f1: number;
  overlapPrecision: number;
  overlapRecall: number;
}

interface Span {
  type: EntityType;
  start: number;
  end: number;
}

export const LABELLED_SET_PATH = join(__dirname, '../../../../test/fixtures/entities-labelled.json');
/** Written after the rules were tuned on the labelled set; never used for tuning. */
export const HELDOUT_SET_PATH = join(__dirname, '../../../../test/fixtures/entities-heldout.json');

export function loadLabelledSet(path = LABELLED_SET_PATH): LabelledSentence[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { sentences: LabelledSentence[] }).sentences;
}

/** Expected spans: each labelled string at its next occurrence in the sentence. */
export function expectedSpans(s: LabelledSentence): Span[] {
  const next = new Map<string, number>();
  return s.entities.map(([type, text]) => {
    const from = next.get(text) ?? 0;
    const start = s.text.indexOf(text, from);
    if (start < 0) throw new Error(`label ${JSON.stringify(text)} is not in ${JSON.stringify(s.text)}`);
    next.set(text, start + text.length);
    return { type, start, end: start + text.length };
  });
}

/** Greedy one-to-one matching of predicted to expected spans of the same type. */
function matches(expected: Span[], predicted: Span[], same: (a: Span, b: Span) => boolean): number {
  const used = new Set<number>();
  let n = 0;
  for (const p of predicted) {
    const i = expected.findIndex((e, k) => !used.has(k) && e.type === p.type && same(e, p));
    if (i >= 0) {
      used.add(i);
      n++;
    }
  }
  return n;
}

/**
 * Precision and recall per type on the labelled set. A prediction counts as exact
 * when type and span equal a label's; as overlap when the type is equal and the
 * spans overlap. Each label is matched at most once. ALL is the micro average.
 */
export async function evaluateExtractor(extractor: EntityExtractor, set: LabelledSentence[]): Promise<TypeScore[]> {
  const counts = new Map<EntityType, { expected: number; predicted: number; exact: number; overlap: number }>();
  for (const t of ENTITY_TYPES) counts.set(t, { expected: 0, predicted: 0, exact: 0, overlap: 0 });
  for (const s of set) {
    const expected = expectedSpans(s);
    const predicted: Span[] = (await extractor.extract(s.text)).map((m) => ({ type: m.type, start: m.start, end: m.end }));
    for (const t of ENTITY_TYPES) {
      const e = expected.filter((x) => x.type === t);
      const p = predicted.filter((x) => x.type === t);
      const c = counts.get(t)!;
      c.expected += e.length;
      c.predicted += p.length;
      c.exact += matches(e, p, (a, b) => a.start === b.start && a.end === b.end);
      c.overlap += matches(e, p, (a, b) => a.start < b.end && b.start < a.end);
    }
  }
  const score = (type: TypeScore['type'], c: { expected: number; predicted: number; exact: number; overlap: number }): TypeScore => {
    const precision = c.predicted ? c.exact / c.predicted : 1;
    const recall = c.expected ? c.exact / c.expected : 1;
    return {
      type,
      ...c,
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
      overlapPrecision: c.predicted ? c.overlap / c.predicted : 1,
      overlapRecall: c.expected ? c.overlap / c.expected : 1,
    };
  };
  const rows = ENTITY_TYPES.map((t) => score(t, counts.get(t)!));
  const total = [...counts.values()].reduce(
    (a, c) => ({ expected: a.expected + c.expected, predicted: a.predicted + c.predicted, exact: a.exact + c.exact, overlap: a.overlap + c.overlap }),
    { expected: 0, predicted: 0, exact: 0, overlap: 0 },
  );
  return [...rows, score('ALL', total)];
}

export function formatScores(name: string, scores: TypeScore[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`.padStart(5);
  const lines = [`extractor ${name}`, 'type         labels  found  exact   P      R      F1   | overlap P   R'];
  for (const s of scores) {
    lines.push(
      `${s.type.padEnd(12)} ${String(s.expected).padStart(6)} ${String(s.predicted).padStart(6)} ${String(s.exact).padStart(6)} ` +
        `${pct(s.precision)}  ${pct(s.recall)}  ${pct(s.f1)} | ${pct(s.overlapPrecision)} ${pct(s.overlapRecall)}`,
    );
  }
  return lines.join('\n');
}
