import { HELDOUT_SET_PATH, LABELLED_SET_PATH, evaluateExtractor, formatScores, loadLabelledSet } from './evaluation';
import { createEntityExtractor } from './extractor.factory';

/**
 * Precision/recall of the default extractor on the labelled sets in test/fixtures
 * (method: docs/graph.md). The floors are regression guards set below the measured
 * figures; the tables are printed for the record.
 */
describe('labelled sets', () => {
  const extractor = createEntityExtractor('offline');

  it('tuning set (entities-labelled.json): micro P and R >= 0.95', async () => {
    const scores = await evaluateExtractor(extractor, loadLabelledSet(LABELLED_SET_PATH));
    console.log(formatScores('offline / entities-labelled.json', scores));
    const all = scores.find((s) => s.type === 'ALL')!;
    expect(all.expected).toBeGreaterThanOrEqual(90);
    expect(all.precision).toBeGreaterThanOrEqual(0.95);
    expect(all.recall).toBeGreaterThanOrEqual(0.95);
    for (const t of ['CASE_NUMBER', 'CASE', 'STATUTE', 'COURT', 'EMAIL', 'PHONE', 'URL', 'DATE', 'MONEY']) {
      expect(scores.find((s) => s.type === t)!.f1).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('held-out set (entities-heldout.json): micro P >= 0.9, R >= 0.8', async () => {
    const scores = await evaluateExtractor(extractor, loadLabelledSet(HELDOUT_SET_PATH));
    console.log(formatScores('offline / entities-heldout.json', scores));
    const all = scores.find((s) => s.type === 'ALL')!;
    expect(all.precision).toBeGreaterThanOrEqual(0.9);
    expect(all.recall).toBeGreaterThanOrEqual(0.8);
  });
});
