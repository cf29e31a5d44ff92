/**
 * `npm run bench -- extraction [--rounds 5] [--labels <file>] [--differences]`: how well and how fast the offline
 * extractor reads court opinions. `--labels` scores another label file of the same format (say, labels you wrote for
 * TUNING opinions); `--differences` lists its misses and false finds, quoting the text (never for held-out opinions).
 *
 * 1. Quality (needs the shared legal fixtures, ../shared/fixtures/legal): precision and recall per type, role and
 *    citation kind on the hand labels of the twelve held-out opinions, and citation recall and resolution against
 *    eyecite-ts's reference on both splits (apps/graph-worker/src/testing/legal-evaluation.ts).
 * 2. Speed: characters per second of the whole offline extractor, of the legal grammar alone
 *    (findLegalMentions), of the contact/docket patterns alone and of the NLP finder alone, beside floors measured
 *    in the same run on the same texts (one pass of a trivial global regex; text.toLowerCase()), as ratios.
 *    Median of the rounds after a warm-up round. Wall time is the figure the goals are judged on; CPU time (this
 *    process's, V8's garbage-collector threads included, so it can exceed wall time) is steadier when the shared
 *    machine is busy, and a goal met only on it says so.
 * 3. For context, OCR's throughput as docs/ocr.md reports it (not measured here), in characters per second.
 *
 * Without the fixtures it says why and measures speed on the generated filings (libs/testing/src/documents).
 */
import { joinPages } from '@casegraph/contracts';
import { findLegalMentions } from '@casegraph/legal';
import {
  GENERATED_DOCUMENT_NAMES,
  HELD_OUT_OPINIONS,
  LEGAL_DIR,
  generatedDocument,
  legalFixturesAvailable,
  opinionManifest,
  eyeciteReference,
  readOpinion,
} from '@casegraph/testing';
import { CompromiseFinder } from '../apps/graph-worker/src/extraction/compromise.extractor';
import type { ExtractedMention } from '../apps/graph-worker/src/extraction/entity-extractor';
import { createEntityExtractor } from '../apps/graph-worker/src/extraction/extractor.factory';
import { matchPatterns } from '../apps/graph-worker/src/extraction/patterns';
import { segments } from '../apps/graph-worker/src/extraction/spans';
import {
  formatEyeciteScores,
  formatLabelScores,
  LEGAL_LABELS_PATH,
  listDifferences,
  loadLegalLabels,
  scoreAgainstEyecite,
  scoreLabels,
} from '../apps/graph-worker/src/testing/legal-evaluation';

/** The issue's goals (characters per second on this machine). */
const WHOLE_GOAL = 250_000;
const LEGAL_GOAL = 1_000_000;
/** docs/ocr.md, "Quality and speed" (npm run bench -- ocr): pages per second of the OCR worker. */
const OCR_FIGURES: Array<[string, number]> = [
  ['text PDFs, per document (PDF.js text layer)', 103],
  ['text, one 300-page document (steady state)', 246],
  ['scans, tesseract.js with the packaged data', 1 / 7.5],
  ['scans, tesseract.js with the CLI model', 1 / 3.78],
];

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const stringOption = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const table = (header: string[], rows: string[][]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => console.log(cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  line(header);
  line(widths.map((w) => '-'.repeat(w)));
  rows.forEach(line);
};

interface Corpus {
  what: string;
  texts: Array<{ id: string; text: string }>;
  legal: boolean;
  /** Pages of the texts, when known (CourtListener's opinion texts carry no page breaks). */
  pages?: number;
}

function corpus(): Corpus {
  if (legalFixturesAvailable()) {
    const opinions = opinionManifest();
    return { what: `the ${opinions.length} shared court opinions`, texts: opinions.map((o) => ({ id: o.id, text: readOpinion(o.id) })), legal: true };
  }
  console.log(
    `bench extraction: no legal fixtures at ${LEGAL_DIR} (set CASEGRAPH_FIXTURES to the fixtures folder); no quality figures, ` +
      'and speed is measured on the generated filings instead (figures differ from docs/legal-extraction.md)',
  );
  const docs = GENERATED_DOCUMENT_NAMES.map((name) => generatedDocument(name)).filter((d) => d.pages.length);
  const texts = docs.map((d) => ({ id: d.name, text: joinPages(d.pages) }));
  return { what: `${texts.length} generated filings`, texts, legal: false, pages: docs.reduce((a, d) => a + d.pages.length, 0) };
}

async function quality(c: Corpus): Promise<void> {
  console.log(`\n## 1. Quality on ${c.what}`);
  const extractor = createEntityExtractor('offline');
  const found = new Map<string, ExtractedMention[]>();
  for (const t of c.texts) found.set(t.id, await extractor.extract(t.text));
  const byId = new Map(c.texts.map((t) => [t.id, t.text]));
  const labelsPath = stringOption('labels', LEGAL_LABELS_PATH);
  const { set } = loadLegalLabels(labelsPath, (id) => byId.get(id) ?? readOpinion(id));
  const title = labelsPath === LEGAL_LABELS_PATH ? 'the held-out labels' : labelsPath;
  console.log(formatLabelScores(`\noffline extractor on ${title}`, scoreLabels(set.documents.map((doc) => ({ doc, mentions: found.get(doc.id)! })))));
  if (process.argv.includes('--differences')) {
    console.log('\nDifferences, label by label (held-out opinions are never shown):');
    for (const doc of set.documents) {
      if (HELD_OUT_OPINIONS.includes(doc.id)) console.log(`${doc.id}: held-out, not shown`);
      else for (const line of listDifferences(doc, byId.get(doc.id)!, found.get(doc.id)!, HELD_OUT_OPINIONS)) console.log(line);
    }
  }
  const reference = eyeciteReference();
  const opinions = opinionManifest();
  console.log(
    formatEyeciteScores(
      '\noffline extractor against eyecite-ts',
      scoreAgainstEyecite(opinions.map((o) => ({ split: o.split, mentions: found.get(o.id)!, citations: reference[o.id] ?? [] }))),
    ),
  );
}

interface Case {
  name: string;
  run: (text: string) => unknown;
  floor?: boolean;
  goal?: number;
}

/** A round reads at least this many characters (a small corpus is read several times per round). */
const MIN_ROUND_CHARS = 500_000;

async function speed(c: Corpus, rounds: number): Promise<number> {
  const once = c.texts.reduce((a, t) => a + t.text.length, 0);
  const reps = Math.max(1, Math.ceil(MIN_ROUND_CHARS / once));
  const chars = once * reps;
  console.log(
    `\n## 2. Speed on ${c.what} (${int(once)} characters${reps > 1 ? `, read ${reps} times a round` : ''}; ` +
      `median of ${rounds} rounds after a warm-up round)`,
  );
  const offline = createEntityExtractor('offline');
  const finder = new CompromiseFinder();
  const TRIVIAL = /\d+\s+[A-Z]/g;
  let sink = 0;
  const cases: Case[] = [
    { name: 'floor: one pass of /\\d+\\s+[A-Z]/g', floor: true, run: (t) => (sink += t.match(TRIVIAL)?.length ?? 0) },
    { name: 'floor: text.toLowerCase()', floor: true, run: (t) => (sink += t.toLowerCase().length) },
    { name: 'legal grammar alone (findLegalMentions)', goal: LEGAL_GOAL, run: (t) => findLegalMentions(t) },
    { name: 'contact/docket patterns alone (matchPatterns)', run: (t) => matchPatterns(t) },
    {
      name: 'NLP finder alone (compromise, every segment)',
      run: (t) => {
        for (const s of segments(t, 8000)) finder.find(t.slice(s.start, s.end));
      },
    },
    { name: 'whole offline extractor', goal: WHOLE_GOAL, run: (t) => offline.extract(t) },
  ];
  const results: Array<{ c: Case; wall: number; cpu: number; best: number }> = [];
  for (const k of cases) {
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      for (let i = 0; i < reps; i++) for (const t of c.texts) await k.run(t.text);
      const cpu = process.cpuUsage(c0);
      if (r === 0) continue; // warm-up
      walls.push(Number(process.hrtime.bigint() - t0) / 1e9);
      cpus.push((cpu.user + cpu.system) / 1e6);
    }
    results.push({ c: k, wall: chars / median(walls), cpu: chars / median(cpus), best: chars / Math.min(...cpus) });
  }
  const floor = results.find((r) => r.c.floor)!;
  table(
    ['case', 'chars/s (wall)', 'chars/s (CPU)', 'best round (CPU)', 'x slower than the regex floor (CPU)', 'goal'],
    results.map((r) => [
      r.c.name,
      int(r.wall),
      int(r.cpu),
      int(r.best),
      r === floor ? 'floor' : `${(floor.cpu / r.cpu).toFixed(1)}x`,
      r.c.goal ? `>= ${int(r.c.goal)}: ${r.wall >= r.c.goal ? 'met' : r.cpu >= r.c.goal ? 'met on CPU time (busy machine)' : 'MISSED'}` : '',
    ]),
  );
  if (sink < 0) console.log(sink); // keeps the floors' work observable
  return results.find((r) => r.c.goal === WHOLE_GOAL)!.cpu;
}

function ocrContext(c: Corpus, wholeCharsPerSecond: number): void {
  const chars = c.texts.reduce((a, t) => a + t.text.length, 0);
  // Characters per page: the generated filings know their pages; CourtListener's opinion texts carry no page
  // breaks, so a double-spaced opinion page's ~3,000 characters stands in for them.
  const perPage = c.pages ? chars / c.pages : 3000;
  console.log(`\n## 3. OCR for context (docs/ocr.md, not measured here), at ${int(perPage)} characters per page`);
  table(
    ['OCR case', 'pages/s', 'chars/s', 'extraction / OCR'],
    OCR_FIGURES.map(([name, pps]) => [
      name,
      pps >= 1 ? String(pps) : pps.toFixed(3),
      int(pps * perPage),
      `${(wholeCharsPerSecond / (pps * perPage)).toFixed(2)}x`,
    ]),
  );
  console.log('extraction / OCR > 1: the extractor keeps up with OCR (OCR stays the bottleneck).');
}

export default async function extractionBench(): Promise<void> {
  const rounds = option('rounds', 5);
  const c = corpus();
  if (c.legal) await quality(c);
  const whole = await speed(c, rounds);
  ocrContext(c, whole);
}
