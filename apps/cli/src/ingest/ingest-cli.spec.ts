import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { INGEST_USAGE } from './args';
import { expandInputs } from './files';
import { runIngestCommand } from './ingest-cli';
import { renderSummary } from './summary';

/** `npm run ingest` on a folder: the files it will not upload are listed with the reason, never dropped silently. */
describe('npm run ingest: skipped files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'casegraph-ingest-skip-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.pdf'), '%PDF-1.4\nx');
    writeFileSync(join(dir, 'notes.docx'), 'not a pdf');
    writeFileSync(join(dir, 'empty.png'), '');
    writeFileSync(join(dir, 'sub', 'scan.TIFF'), 'II*\u0000');
    writeFileSync(join(dir, 'sub', 'mail.eml'), 'From: x');
    writeFileSync(join(dir, '.DS_Store'), 'x');
    symlinkSync(join(dir, 'a.pdf'), join(dir, 'link.pdf'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a folder: supported files are uploaded, every other one is skipped with its reason (hidden files quietly)', async () => {
    const r = await expandInputs([dir]);
    expect(r.files.map((f) => f.name)).toEqual(['a.pdf', 'scan.TIFF']);
    const unsupported = 'unsupported type (not one of .pdf .png .jpg .jpeg .tif .tiff)';
    expect(r.skipped).toEqual([
      { path: join(dir, 'empty.png'), reason: 'empty file' },
      { path: join(dir, 'link.pdf'), reason: 'symbolic link (not followed)' },
      { path: join(dir, 'notes.docx'), reason: unsupported },
      { path: join(dir, 'sub', 'mail.eml'), reason: unsupported },
    ]);
    expect(r.missing).toEqual([]);
  });

  it('prints each skipped file as it is skipped, and lists them in the summary', async () => {
    const err = new PassThrough();
    let e = '';
    err.on('data', (d: Buffer) => (e += d.toString()));
    // No API listens on port 9: the command stops after expanding its inputs, which is all this test needs.
    await runIngestCommand([dir, '--project', 'p', '--api', 'http://127.0.0.1:9', '--timeout', '1'], { out: new PassThrough(), err, env: {} });
    expect(e).toContain(`skipping ${join(dir, 'notes.docx')}: unsupported type`);
    expect(e).toContain(`skipping ${join(dir, 'sub', 'mail.eml')}: unsupported type`);
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
    expect(summary).toMatch(/documents\s+0 completed, 0 failed, 4 skipped/);
    expect(summary).toContain(`    ${join(dir, 'sub', 'mail.eml')}: unsupported type`);
  });

  it('--help says the CLI reads CASEGRAPH_API_KEY (one key) and the server CASEGRAPH_API_KEYS', () => {
    expect(INGEST_USAGE).toContain('(env CASEGRAPH_API_KEY, singular: ONE key');
    expect(INGEST_USAGE).toContain('CASEGRAPH_API_KEYS');
  });
});
