/**
 * Precision/recall of the entity extractors on the labelled set:
 *   npx ts-node --transpile-only -r tsconfig-paths/register apps/graph-worker/src/extraction/evaluate-cli.ts [offline|wink|patterns]
 * With no argument every extractor is evaluated. Prints the mismatches with --verbose;
 * --heldout uses the held-out set (test/fixtures/entities-heldout.json) instead of the tuning set.
 */
import { HELDOUT_SET_PATH, LABELLED_SET_PATH, evaluateExtractor, expectedSpans, formatScores, loadLabelledSet } from './evaluation';
import { OFFLINE_EXTRACTOR_NAMES, createEntityExtractor } from './extractor.factory';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const names = OFFLINE_EXTRACTOR_NAMES.filter((n) => args.includes(n));
  const set = loadLabelledSet(args.includes('--heldout') ? HELDOUT_SET_PATH : LABELLED_SET_PATH);
  for (const name of names.length ? names : OFFLINE_EXTRACTOR_NAMES) {
    const extractor = createEntityExtractor(name);
    console.log(formatScores(name, await evaluateExtractor(extractor, set)));
    if (verbose) {
      for (const s of set) {
        const expected = expectedSpans(s).map((e) => `${e.type}:${s.text.slice(e.start, e.end)}`);
        const found = (await extractor.extract(s.text)).map((m) => `${m.type}:${m.text}`);
        const missed = expected.filter((e) => !found.includes(e));
        const extra = found.filter((f) => !expected.includes(f));
        if (missed.length || extra.length) console.log(`  ${s.text}\n    missed ${JSON.stringify(missed)}\n    extra  ${JSON.stringify(extra)}`);
      }
    }
    console.log('');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
