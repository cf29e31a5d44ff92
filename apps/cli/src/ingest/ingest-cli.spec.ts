import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SUPPORTED_FORMATS } from '@casegraph/contracts';
import { INGEST_USAGE, UsageError, parseIngestArgs } from './args';
import { expandInputs } from './files';
import { runIngestCommand } from './ingest-cli';
import { describeState } from './progress';
import { renderSummary } from './summary';

/** `npm run ingest` on a folder: the files it will not upload are listed with the reason, never dropped silently. */
describe('npm run ingest: skipped files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'casegraph-ingest-skip-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.pdf'), '%PDF-1.4\nx');
    writeFileSync(join(dir, 'notes.doc'), 'not a pdf');
    writeFileSync(join(dir, 'empty.png'), '');
    writeFileSync(join(dir, 'sub', 'scan.TIFF'), 'II*\u0000');
    writeFileSync(join(dir, 'sub', 'data.bin'), 'x');
    writeFileSync(join(dir, 'sub', 'mail.eml'), 'From: x');
    writeFileSync(join(dir, '.DS_Store'), 'x');
    symlinkSync(join(dir, 'a.pdf'), join(dir, 'link.pdf'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a folder: supported files are uploaded, every other one is skipped with its reason (hidden files too)', async () => {
    const r = await expandInputs([dir]);
    expect(r.files.map((f) => f.name)).toEqual(['a.pdf', 'mail.eml', 'scan.TIFF']);
    expect(r.skipped).toEqual([
      { path: join(dir, '.DS_Store'), reason: 'hidden file' },
      { path: join(dir, 'empty.png'), reason: 'empty file' },
      { path: join(dir, 'link.pdf'), reason: 'symbolic link (not followed)' },
      { path: join(dir, 'notes.doc'), reason: 'unsupported type: Word 97-2003 document (.doc); convert it to DOCX or PDF' },
      {
        path: join(dir, 'sub', 'data.bin'),
        reason: expect.stringMatching(/^unsupported type \(\.bin; supported: \.pdf \.png .*\.docx .*\.eml \.msg .*\.zip\)$/),
      },
    ]);
    expect(r.missing).toEqual([]);
  });

  it('prints each skipped file as it is skipped, and lists them in the summary', async () => {
    const err = new PassThrough();
    let e = '';
    err.on('data', (d: Buffer) => (e += d.toString()));
    // No API listens on port 9: the command stops after expanding its inputs, which is all this test needs.
    await runIngestCommand([dir, '--project', 'p', '--api', 'http://127.0.0.1:9', '--timeout', '1'], { out: new PassThrough(), err, env: {} });
    expect(e).toContain(`skipping ${join(dir, 'notes.doc')}: unsupported type`);
    expect(e).toContain(`skipping ${join(dir, 'sub', 'data.bin')}: unsupported type`);
    expect(e).toContain(`skipping ${join(dir, 'empty.png')}: empty file`);

    const summary = renderSummary({
      projectName: 'p',
      projectUuid: '00000000-0000-4000-8000-000000000000',
      documents: [],
      duplicates: [],
      refused: [],
      skipped: (await expandInputs([dir])).skipped,
      unfinished: [],
      entities: { total: 0, byType: [] },
      relationships: { items: [] },
    });
    expect(summary).toMatch(/documents\s+0 completed, 0 failed, 5 skipped/);
    expect(summary).toContain(`    ${join(dir, 'sub', 'data.bin')}: unsupported type`);
  });

  it('--help lists every supported type with its extensions, and the production options', () => {
    for (const f of SUPPORTED_FORMATS) {
      expect(INGEST_USAGE).toContain(f.label);
      for (const ext of f.extensions) expect(INGEST_USAGE).toContain(ext);
    }
    expect(INGEST_USAGE).toContain('--load-file <dat>');
    expect(INGEST_USAGE).toContain('--images <opt>');
  });

  it('--help says the CLI reads CASEGRAPH_API_KEY (one key) and the server CASEGRAPH_API_KEYS', () => {
    expect(INGEST_USAGE).toContain('(env CASEGRAPH_API_KEY, singular: ONE key');
    expect(INGEST_USAGE).toContain('CASEGRAPH_API_KEYS');
  });

  it.each([
    [['--load-file', 'x.dat', 'f', '-p', 'P'], '--load-file <dat> and --images <opt> go together'],
    [['--load-file', 'x.dat', '--images', 'x.opt', 'a', 'b', '-p', 'P'], 'with --load-file, name exactly one folder'],
    [['--custodian', 'Smith', 'f', '-p', 'P'], '--custodian goes with --load-file'],
  ])('production usage errors: %p', (argv, message) => {
    expect(() => parseIngestArgs(argv, {})).toThrow(UsageError);
    expect(() => parseIngestArgs(argv, {})).toThrow(message);
  });

  it('the OCR stage shows the pages read so far when the API reports them', () => {
    const doc = {
      documentUuid: 'd',
      filename: 'a.tif',
      status: 'processing',
      currentStage: 'ocr',
      stages: { ocr: { status: 'processing', pagesDone: 3, pageCount: 10 } },
    };
    expect(describeState(doc)).toBe('ocr 3/10 pages…');
    expect(describeState({ ...doc, stages: { ocr: { status: 'processing' } } })).toBe('ocr…');
  });
});
