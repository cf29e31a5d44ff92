/**
 * `npm run bench -- ocr`: the local OCR engine beside the Debian CLIs, measured in the same run.
 *
 * - text PDFs: pages per second of our PDF.js thread vs `pdftotext` (one process per document);
 * - scans: seconds per page of tesseract.js (one long-lived worker) vs the `tesseract` CLI with
 *   OMP_THREAD_LIMIT=1, at their character error rates; also with the CLI's own language data
 *   (same model) when it is installed;
 * - parallel scans: the same scanned pages (a generated multi-page scan and, when ../shared/fixtures has it,
 *   the real scanned filing legal/documents/disclosure-statement-scan.pdf) through (a) today's path (one
 *   tesseract worker, pages one after the other, today's data: @tesseract.js-data/eng 4.0.0), (a') the same
 *   single worker with the packaged tessdata_fast model (apps/ocr-worker/tessdata, the default now), (b) the
 *   tesseract pool (OCR_TESSERACT_WORKERS, pages of one document in parallel, packaged data) and (c) the
 *   tesseract CLI per core (OMP_THREAD_LIMIT=1), in the same run;
 * - peak RSS of this process (which holds the PDF thread and the tesseract worker).
 *
 * BENCH_SCAN_ROUNDS (default 2) alternations of (a) and (b); BENCH_SCAN_PAGES (default 6) sets the generated scan's pages; BENCH_OCR_PARALLEL_ONLY=1 runs only the
 * parallel-scan section.
 *
 * Where a CLI is missing the bench says so and skips that floor
 * (`apt-get install -y poppler-utils tesseract-ocr tesseract-ocr-eng`).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../apps/ocr-worker/src/engines/local/local-engine';
import { PdfThreadPool } from '../apps/ocr-worker/src/engines/local/pdf-thread';
import { PageRecognizer, TesseractPool } from '../apps/ocr-worker/src/engines/local/tesseract-pool';
import { TesseractRunner, packagedTessdataDir } from '../apps/ocr-worker/src/engines/local/tesseract-runner';
import { defaultTesseractWorkers } from '../apps/ocr-worker/src/config';
import { availableParallelism, loadavg } from 'node:os';
import { generatedDocument, renderScanPng } from '../libs/testing/src/documents';
import { LEGAL_DIR } from '../libs/testing/src/legal-fixtures';
import { characterErrorRate } from '../apps/ocr-worker/src/quality/cer';
import { buildMixedPdf } from '../apps/ocr-worker/src/testing/test-pdfs';
import { sniffFileType } from '../libs/storage/src/file-type';
import { writeFileSync } from 'node:fs';
import { FIXTURES_DIR, fixtureDocument, fixturesAvailable } from '../test/support/fixtures';

const TEXT_PDFS: Array<[string, string]> = [
  ['GPL-3.pdf', 'GPL-3.txt'],
  ['Apache-2.0.pdf', 'Apache-2.0.txt'],
  ['MPL-2.0.pdf', 'MPL-2.0.txt'],
];
const TEXT_ROUNDS = Number(process.env.BENCH_TEXT_ROUNDS ?? 15);
const TEXT_GOAL = 5;
const SCAN_GOAL = 1.5;

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function makeEngine(langPath?: string, recognizer?: PageRecognizer) {
  const pool = new PdfThreadPool(1, { heapMb: 1024 });
  const tesseract = recognizer ?? new TesseractRunner({ langPath, initTimeoutMs: 60_000 });
  // Without a pool: today's path, one page after the other (nothing rendered ahead).
  const engine = new LocalEngine(
    { maxPages: 2000, pageTimeoutMs: 300_000, rasterDpi: 150, minPageChars: 16, lookahead: recognizer ? undefined : 0 },
    pool,
    tesseract,
  );
  return { engine, close: async () => Promise.all([pool.close(), tesseract.terminate()]) };
}

async function extractText(engine: LocalEngine, file: string): Promise<{ text: string; pages: number }> {
  const bytes = readFileSync(fixtureDocument(file));
  const r = await engine.extract({ documentUuid: 'bench', bytes, type: sniffFileType(bytes)! });
  return { text: r.pages.map((p) => p.text).join('\n'), pages: r.pages.length };
}

async function benchText(): Promise<void> {
  console.log(`\n## text PDFs (${TEXT_PDFS.map((t) => t[0]).join(', ')}) × ${TEXT_ROUNDS} rounds`);
  const { engine, close } = makeEngine();
  try {
    for (const [pdf] of TEXT_PDFS) await extractText(engine, pdf); // warm-up: thread start, PDF.js JIT
    let pages = 0;
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < TEXT_ROUNDS; r++) for (const [pdf] of TEXT_PDFS) pages += (await extractText(engine, pdf)).pages;
    const ours = pages / (Number(process.hrtime.bigint() - t0) / 1e9);
    const cers = await Promise.all(
      TEXT_PDFS.map(
        async ([pdf, truth]) =>
          `${pdf} ${pct(characterErrorRate((await extractText(engine, pdf)).text, readFileSync(fixtureDocument(truth), 'utf8')))}`,
      ),
    );
    console.log(`casegraph (PDF.js thread)  ${ours.toFixed(0).padStart(6)} pages/s   CER ${cers.join(', ')}`);
    if (!has('pdftotext')) {
      console.log('pdftotext                  not installed: floor skipped (apt-get install -y poppler-utils)');
      return;
    }
    let floorPages = 0;
    const t1 = process.hrtime.bigint();
    for (let r = 0; r < TEXT_ROUNDS; r++) {
      for (const [pdf, , n] of TEXT_PDFS.map(([p, t]) => [p, t, p.startsWith('GPL') ? 10 : p.startsWith('Apache') ? 3 : 6] as const)) {
        spawnSync('pdftotext', ['-q', fixtureDocument(pdf), '-'], { maxBuffer: 64 * 1024 * 1024 });
        floorPages += n;
      }
    }
    const floor = floorPages / (Number(process.hrtime.bigint() - t1) / 1e9);
    const floorCers = TEXT_PDFS.map(([pdf, truth]) => {
      const out = spawnSync('pdftotext', ['-q', fixtureDocument(pdf), '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout.toString('utf8');
      return `${pdf} ${pct(characterErrorRate(out, readFileSync(fixtureDocument(truth), 'utf8')))}`;
    });
    console.log(`pdftotext (floor)          ${floor.toFixed(0).padStart(6)} pages/s   CER ${floorCers.join(', ')}`);
    const ratio = floor / ours;
    console.log(`ratio: ${ratio.toFixed(2)}× slower than pdftotext (goal ≤ ${TEXT_GOAL}×: ${ratio <= TEXT_GOAL ? 'met' : 'MISSED'})`);
    await benchLongText(engine);
  } finally {
    await close();
  }
}

/**
 * Steady state on one long document, where pdftotext's process start-up no
 * longer counts: the GPL text typeset 50 lines a page, LONG_PAGES pages.
 */
async function benchLongText(engine: LocalEngine): Promise<void> {
  const pagesWanted = Number(process.env.BENCH_LONG_PAGES ?? 300);
  const lines = readFileSync(fixtureDocument('GPL-3.txt'), 'latin1')
    .split('\n')
    .map((l) => l.slice(0, 90));
  const pages: Array<{ lines: string[] }> = [];
  for (let i = 0; pages.length < pagesWanted; i += 38) pages.push({ lines: Array.from({ length: 38 }, (_, k) => lines[(i + k) % lines.length]) });
  const bytes = buildMixedPdf(pages);
  const dir = mkdtempSync(join(tmpdir(), 'casegraph-bench-long-'));
  const file = join(dir, 'long.pdf');
  writeFileSync(file, bytes);
  try {
    await engine.extract({ documentUuid: 'warm', bytes, type: 'application/pdf' });
    const t0 = process.hrtime.bigint();
    const r = await engine.extract({ documentUuid: 'long', bytes, type: 'application/pdf' });
    const ours = r.pages.length / (Number(process.hrtime.bigint() - t0) / 1e9);
    const t1 = process.hrtime.bigint();
    spawnSync('pdftotext', ['-q', file, '-'], { maxBuffer: 256 * 1024 * 1024 });
    const floor = pagesWanted / (Number(process.hrtime.bigint() - t1) / 1e9);
    const ratio = floor / ours;
    console.log(`one ${pagesWanted}-page document: casegraph ${ours.toFixed(0)} pages/s, pdftotext ${floor.toFixed(0)} pages/s`);
    console.log(`ratio (steady state): ${ratio.toFixed(2)}× slower than pdftotext (goal ≤ ${TEXT_GOAL}×: ${ratio <= TEXT_GOAL ? 'met' : 'MISSED'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ScanCase {
  name: string;
  truth: string;
  /** The file our engine reads. */
  input: string;
}

async function oursOnScans(cases: ScanCase[], langPath?: string): Promise<{ secPerPage: number; cer: string[] }> {
  const { engine, close } = makeEngine(langPath);
  try {
    // Start-up (language data) is paid once per process; keep it out of the per-page figure.
    await engine.extract({ documentUuid: 'warm', bytes: readFileSync(fixtureDocument('single-page-1.png')), type: 'image/png' });
    let pages = 0;
    const cer: string[] = [];
    const t0 = process.hrtime.bigint();
    for (const c of cases) {
      const r = await extractText(engine, c.input);
      pages += r.pages;
      cer.push(`${c.name} ${pct(characterErrorRate(r.text, readFileSync(fixtureDocument(c.truth), 'utf8')))}`);
    }
    return { secPerPage: Number(process.hrtime.bigint() - t0) / 1e9 / pages, cer };
  } finally {
    await close();
  }
}

async function benchScans(): Promise<void> {
  const cases: ScanCase[] = [
    { name: 'Apache-2.0-scanned.pdf', truth: 'Apache-2.0-scanned.gt.txt', input: 'Apache-2.0-scanned.pdf' },
    { name: 'BSD-scanned.png', truth: 'BSD.txt', input: 'BSD-scanned.png' },
  ];
  console.log('\n## scanned pages (Apache-2.0-scanned.pdf: 2 pages at 150 dpi, BSD-scanned.png: 1 page)');
  const ours = await oursOnScans(cases);
  console.log(`casegraph (tesseract.js, packaged eng data)  ${ours.secPerPage.toFixed(2)} s/page   CER ${ours.cer.join(', ')}`);
  if (!has('tesseract')) {
    console.log('tesseract CLI  not installed: floor skipped (apt-get install -y tesseract-ocr tesseract-ocr-eng)');
    return;
  }
  if (!has('pdftoppm')) {
    console.log('pdftoppm not installed: the CLI floor needs it to turn the scanned PDF into page images (poppler-utils)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'casegraph-bench-ocr-'));
  try {
    // Page images for the CLI (not timed): the same 150 dpi grey pages our engine renders.
    spawnSync('pdftoppm', ['-r', '150', '-gray', fixtureDocument('Apache-2.0-scanned.pdf'), join(dir, 'apache')]);
    const apachePages = readdirSync(dir)
      .filter((f) => f.startsWith('apache'))
      .sort()
      .map((f) => join(dir, f));
    const images: Array<[string, string[]]> = [
      ['Apache-2.0-scanned.gt.txt', apachePages],
      ['BSD.txt', [fixtureDocument('BSD-scanned.png')]],
    ];
    let pages = 0;
    const cer: string[] = [];
    const t0 = process.hrtime.bigint();
    for (const [truth, files] of images) {
      let text = '';
      for (const f of files) {
        const out = spawnSync('tesseract', [f, '-', '-l', 'eng'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 64 * 1024 * 1024 });
        text += `${out.stdout.toString('utf8')}\n`;
        pages++;
      }
      cer.push(
        `${truth === 'BSD.txt' ? 'BSD-scanned.png' : 'Apache-2.0-scanned.pdf'} ${pct(characterErrorRate(text, readFileSync(fixtureDocument(truth), 'utf8')))}`,
      );
    }
    const floor = Number(process.hrtime.bigint() - t0) / 1e9 / pages;
    console.log(`tesseract CLI (floor, OMP_THREAD_LIMIT=1)    ${floor.toFixed(2)} s/page   CER ${cer.join(', ')}`);
    const ratio = ours.secPerPage / floor;
    console.log(`ratio: ${ratio.toFixed(2)}× the CLI's time per page (goal ≤ ${SCAN_GOAL}×: ${ratio <= SCAN_GOAL ? 'met' : 'MISSED'})`);
    const cliData = ['/usr/share/tesseract-ocr/5/tessdata', '/usr/share/tesseract-ocr/4.00/tessdata'].find((d) =>
      existsSync(join(d, 'eng.traineddata')),
    );
    if (cliData) {
      const same = await oursOnScans(cases, cliData);
      const r2 = same.secPerPage / floor;
      console.log(
        `casegraph with the CLI's own model (OCR_TESSDATA_DIR=${cliData})  ${same.secPerPage.toFixed(2)} s/page   CER ${same.cer.join(', ')}`,
      );
      console.log(`ratio, same model: ${r2.toFixed(2)}× (goal ≤ ${SCAN_GOAL}×: ${r2 <= SCAN_GOAL ? 'met' : 'MISSED'})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const POOL_GOAL = 1.8;

/** CPU seconds of this process (all its threads: the tesseract workers included) and of its waited-for children. */
function cpuSeconds(): { self: number; children: number } {
  const u = process.cpuUsage();
  // /proc/self/stat fields 16-17: cutime, cstime in clock ticks (100 Hz on Linux).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return { self: (u.user + u.system) / 1e6, children: (Number(fields[13]) + Number(fields[14])) / 100 };
}

type ScanDoc = { name: string; bytes: Buffer; truth?: string };
interface ScanTotals {
  wall: number;
  cpu: number;
  pages: number;
  cer: string[];
}

/** One pass of `engine` over `docs`, added to `into` (wall clock, CPU of all threads, CER where there is a truth). */
async function scanPass(engine: LocalEngine, docs: ScanDoc[], into: ScanTotals, first: boolean): Promise<void> {
  for (const d of docs) {
    const c0 = cpuSeconds().self;
    const t0 = process.hrtime.bigint();
    const r = await engine.extract({ documentUuid: d.name, bytes: d.bytes, type: 'application/pdf' });
    into.wall += Number(process.hrtime.bigint() - t0) / 1e9;
    into.cpu += cpuSeconds().self - c0;
    into.pages += r.pages.length;
    if (first && d.truth !== undefined) into.cer.push(`${d.name} ${pct(characterErrorRate(r.pages.map((p) => p.text).join('\n'), d.truth))}`);
  }
}

/** (a) today's path, (b) the pool, (c) the CLI per core, on the same scanned pages. */
async function benchParallelScans(): Promise<void> {
  const pagesWanted = Number(process.env.BENCH_SCAN_PAGES ?? 6);
  const complaint = generatedDocument('complaint.pdf');
  // renderScanPng fits 36 lines of 12 pt on a Letter page: the truth is what is drawn.
  const pageTexts = complaint.pages.slice(0, pagesWanted).map((t) => t.split('\n').slice(0, 34).join('\n'));
  const generated = buildMixedPdf(pageTexts.map((t) => ({ png: renderScanPng(t.split('\n')).png })));
  const docs: Array<{ name: string; bytes: Buffer; truth?: string }> = [
    { name: `generated ${pageTexts.length}-page scan (150 dpi)`, bytes: generated, truth: pageTexts.join('\n') },
  ];
  const real = join(LEGAL_DIR, 'documents', 'disclosure-statement-scan.pdf');
  if (existsSync(real)) docs.push({ name: 'disclosure-statement-scan.pdf (real, 2 pages)', bytes: readFileSync(real) });
  else console.log(`real scan skipped: ${real} is not there (../shared/fixtures/legal)`);
  const workers = Number(process.env.OCR_TESSERACT_WORKERS ?? defaultTesseractWorkers(availableParallelism()));
  console.log(`\n## parallel scans: ${docs.map((d) => d.name).join(' + ')}; pool of ${workers} workers on ${availableParallelism()} cores`);
  const warm = renderScanPng(['Warm-up page for the tesseract workers']).png;
  // Today's language data: the @tesseract.js-data/eng package (folder 4.0.0, tessdata "standard" model), which
  // the worker used before the project shipped tessdata_fast eng (apps/ocr-worker/tessdata).
  const todayData = (createRequire(__filename)('@tesseract.js-data/eng') as { langPath: string }).langPath;
  const packaged = packagedTessdataDir();
  if (!packaged) throw new Error('apps/ocr-worker/tessdata/eng.traineddata is missing: the packaged model cannot be measured');
  console.log(`today's data: ${todayData}; packaged data: ${packaged}`);

  const today = makeEngine(todayData);
  const single = makeEngine(packaged);
  const pool = new TesseractPool({ size: workers, recyclePages: 50, langPath: packaged, initTimeoutMs: 60_000 });
  const pooled = makeEngine(undefined, pool);
  const rounds = Number(process.env.BENCH_SCAN_ROUNDS ?? 2);
  const at = () => ({ wall: 0, cpu: 0, pages: 0, cer: [] as string[] });
  const ta = at();
  const ts = at();
  const tb = at();
  try {
    // Warm-up (language data, one page per worker), then (a), (a') and (b) alternate so that a change in the
    // machine's load hits them alike.
    await today.engine.extract({ documentUuid: 'warm', bytes: warm, type: 'image/png' });
    await single.engine.extract({ documentUuid: 'warm', bytes: warm, type: 'image/png' });
    await Promise.all(Array.from({ length: workers }, () => pooled.engine.extract({ documentUuid: 'warm', bytes: warm, type: 'image/png' })));
    console.log(
      `load average before the runs: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (other work on the machine skews wall clock; CPU s/page much less)`,
    );
    for (let r = 0; r < rounds; r++) {
      await scanPass(today.engine, docs, ta, r === 0);
      await scanPass(single.engine, docs, ts, r === 0);
      await scanPass(pooled.engine, docs, tb, r === 0);
    }
    console.log(
      `load average after the runs: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await Promise.all([today.close(), single.close(), pooled.close()]);
  }
  const figures = (t: ScanTotals) => ({ secPerPage: t.wall / t.pages, cpuPerPage: t.cpu / t.pages, cer: t.cer });
  const a = figures(ta);
  const s1 = figures(ts);
  const b = figures(tb);
  console.log(
    `(a) today's path (1 tesseract.js worker, sequential, @tesseract.js-data/eng 4.0.0)  ${a.secPerPage.toFixed(2)} s/page wall, ${a.cpuPerPage.toFixed(2)} CPU s/page   CER ${a.cer.join(', ')}`,
  );
  console.log(
    `(a') 1 worker, sequential, packaged tessdata_fast eng                             ${s1.secPerPage.toFixed(2)} s/page wall, ${s1.cpuPerPage.toFixed(2)} CPU s/page   CER ${s1.cer.join(', ')}`,
  );
  const speedUp = a.secPerPage / b.secPerPage;
  console.log(
    `(b) tesseract pool (${workers} workers, packaged data)                                  ${b.secPerPage.toFixed(2)} s/page wall, ${b.cpuPerPage.toFixed(2)} CPU s/page   CER ${b.cer.join(', ')}   (max ${pool.maxInFlight} pages at once)`,
  );
  console.log(
    `worker speed-up vs today ((a)/(b)): ${speedUp.toFixed(2)}× (goal ≥ ${POOL_GOAL}× on 2 cores: ${speedUp >= POOL_GOAL ? 'met' : 'MISSED'}); of which the pool ((a')/(b)) ${(s1.secPerPage / b.secPerPage).toFixed(2)}×, the data ((a)/(a')) ${(a.secPerPage / s1.secPerPage).toFixed(2)}×`,
  );

  if (!has('tesseract') || !has('pdftoppm')) {
    console.log('(c) tesseract CLI skipped: needs tesseract and pdftoppm (apt-get install -y tesseract-ocr tesseract-ocr-eng poppler-utils)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'casegraph-bench-cli-'));
  try {
    const images: string[] = [];
    docs.forEach((d, i) => {
      const pdf = join(dir, `doc${i}.pdf`);
      writeFileSync(pdf, d.bytes);
      // The same 150 dpi grey pages our PDF thread renders (not timed).
      spawnSync('pdftoppm', ['-r', '150', '-gray', pdf, join(dir, `doc${i}-p`)]);
    });
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.pgm')) images.push(join(dir, f));
    const cc0 = cpuSeconds().children;
    const t0 = process.hrtime.bigint();
    const texts: string[] = [];
    for (const f of images) {
      const out = spawnSync('tesseract', [f, '-', '-l', 'eng'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, maxBuffer: 64 * 1024 * 1024 });
      texts.push(out.stdout.toString('utf8'));
    }
    const c = Number(process.hrtime.bigint() - t0) / 1e9 / images.length;
    const cCpu = (cpuSeconds().children - cc0) / images.length;
    const genPages = images.filter((f) => f.includes('doc0-')).length;
    const cliCer = pct(characterErrorRate(texts.slice(0, genPages).join('\n'), docs[0].truth!));
    console.log(
      `(c) tesseract CLI per core (OMP_THREAD_LIMIT=1, its own eng data)  ${c.toFixed(2)} s/page wall, ${cCpu.toFixed(2)} CPU s/page   CER ${docs[0].name} ${cliCer}`,
    );
    const perCore = s1.secPerPage / c;
    const perCoreCpu = s1.cpuPerPage / cCpu;
    console.log(
      `packaged data per core vs the CLI ((a')/(c)): ${perCore.toFixed(2)}× wall, ${perCoreCpu.toFixed(2)}× CPU (goal ≤ ${SCAN_GOAL}×: ${perCoreCpu <= SCAN_GOAL ? 'met' : 'MISSED'}); today's data ((a)/(c)): ${(a.secPerPage / c).toFixed(2)}× wall, ${(a.cpuPerPage / cCpu).toFixed(2)}× CPU; pool (wall) vs one CLI process: ${(b.secPerPage / c).toFixed(2)}×`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function main(): Promise<void> {
  if (process.env.BENCH_OCR_SKIP_SCANS !== '1') await benchParallelScans();
  if (process.env.BENCH_OCR_PARALLEL_ONLY === '1') return;
  if (!fixturesAvailable()) {
    // Its figures are error rates and speeds on the real licence PDFs and scans: nothing to measure without them.
    console.log(`bench ocr skipped: no fixtures folder at ${FIXTURES_DIR} (set CASEGRAPH_FIXTURES to it)`);
    return;
  }
  await benchText();
  console.log(`peak RSS so far: ${rssMb()} MiB`);
  if (process.env.BENCH_OCR_SKIP_SCANS !== '1') {
    await benchScans();
    console.log(`\npeak RSS of the bench process (PDF thread + tesseract worker included): ${rssMb()} MiB`);
  }
}
