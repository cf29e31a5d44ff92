/**
 * `npm run ingest -- --load-file X.dat --images X.opt <folder>` against the real ingest API (listening on a port):
 * the CLI reads the OPT, streams the DAT, the OPT and the images it names from the folder (with their relative
 * paths), prints the server's report (documents imported, unreadable records with line and reason) and reports
 * every file of the folder it did not send. No workers run, so following stops at --timeout.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildProduction } from '@casegraph/formats/testing';
import { runIngestCommand } from '../../apps/cli/src/ingest/ingest-cli';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';

jest.setTimeout(60_000);

function sinks() {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  return { out, err, stdout: () => o, stderr: () => e };
}

describe('npm run ingest -- --load-file X.dat --images X.opt <folder>', () => {
  let t: TestApp;
  let url: string;
  let dir: string;
  const projectIds: number[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const addr = t.app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${addr.port}`;
    dir = await mkdtemp(join(tmpdir(), 'casegraph-cli-production-'));
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('imports the production, prints the report with the unreadable records, and reports the files it did not send', async () => {
    const P = Array.from(randomBytes(5))
      .map((b) => String.fromCharCode(65 + (b % 26)))
      .join('');
    const folder = join(dir, 'VOL001');
    const prod = await buildProduction({
      prefix: P,
      start: 1,
      dir: folder,
      records: [
        { pages: [[`Memo ${randomUUID()}`], ['second page']], custodian: 'Smith, Jane' },
        { pages: [[`Letter ${randomUUID()}`]] },
        { pages: [['gone']] },
      ],
      hostile: [{ record: 2, kind: 'missing-image' }],
    });
    await writeFile(join(folder, 'README.txt'), 'vendor notes');
    const project = uniqueName('cli-prod');
    const s = sinks();
    const code = await runIngestCommand(
      [
        '--load-file',
        prod.datPath!,
        '--images',
        prod.optPath!,
        folder,
        '--project',
        project,
        '--api',
        url,
        '--custodian',
        'Vendor',
        '--plain',
        '--timeout',
        '1',
        '--interval',
        '50',
        '--rate',
        '2000',
      ],
      { out: s.out, err: s.err, env: {} },
    );
    const rows = await t.db.query(`SELECT id FROM projects WHERE name = $1`, [project]);
    projectIds.push(...rows.map((r: { id: number }) => r.id));

    // exit 1: a record was unreadable (and nothing finishes without workers)
    expect(code).toBe(1);
    const [b0, b1, b2] = prod.bates;
    expect(s.stdout()).toContain(`2 documents imported, 0 duplicates, 1 unreadable`);
    expect(s.stdout()).toContain(`  ${b0[0]}-${b0[1]}  2 pages  Smith, Jane`);
    expect(s.stdout()).toContain(`  ${b1[0]}  1 page  Vendor`);
    expect(s.stderr()).toContain(`unreadable IMAGE line 4: ${b2[0]}: the image IMAGES/0001/${b2[0]}.tif was not sent`);
    expect(s.stderr()).toContain(`the OPT names IMAGES/0001/${b2[0]}.tif, which is not in ${folder}`);
    expect(s.stderr()).toContain(`skipping ${join(folder, 'README.txt')}: not named by the OPT`);
    // the summary lists them too
    expect(s.stdout()).toMatch(/documents\s+0 completed, 0 failed, 2 unfinished, 1 skipped, 1 unreadable record/);
    expect(s.stdout()).toContain(`    IMAGE line 4: ${b2[0]}: the image IMAGES/0001/${b2[0]}.tif was not sent`);

    const docs = await t.db.query(
      `SELECT d.file_name, o.custodian, o.path FROM source_documents d JOIN document_occurrences o ON o.document_uuid = d.document_uuid
        WHERE d.project_fk_id = $1 ORDER BY d.file_name`,
      [projectIds[0]],
    );
    expect(docs).toEqual([
      { file_name: `${b0[0]}.pdf`, custodian: 'Smith, Jane', path: `IMAGES/0001/${b0[0]}.tif` },
      { file_name: `${b1[0]}.pdf`, custodian: 'Vendor', path: `IMAGES/0001/${b1[0]}.tif` },
    ]);
  });

  it('a folder of mixed files: each unsupported one is reported with its reason and counted', async () => {
    const folder = join(dir, 'mixed');
    await rm(folder, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'note.txt'), `plain text ${randomUUID()}\n`);
    await writeFile(join(folder, 'brief.doc'), 'old word');
    await writeFile(join(folder, 'sheet.xlsx'), 'workbook');
    await writeFile(join(folder, 'blob.bin'), 'x');
    const project = uniqueName('cli-mixed');
    const s = sinks();
    const code = await runIngestCommand(
      [folder, '--project', project, '--api', url, '--plain', '--timeout', '1', '--interval', '50', '--rate', '2000'],
      {
        out: s.out,
        err: s.err,
        env: {},
      },
    );
    const rows = await t.db.query(`SELECT id FROM projects WHERE name = $1`, [project]);
    projectIds.push(...rows.map((r: { id: number }) => r.id));
    expect(code).toBe(1); // unfinished without workers
    expect(s.stderr()).toContain(`skipping ${join(folder, 'brief.doc')}: unsupported type: Word 97-2003 document (.doc); convert it to DOCX or PDF`);
    expect(s.stderr()).toContain(`skipping ${join(folder, 'sheet.xlsx')}: unsupported type: Excel workbook (.xlsx); convert it to PDF`);
    expect(s.stderr()).toContain(`skipping ${join(folder, 'blob.bin')}: unsupported type (.bin; supported:`);
    expect(s.stdout()).toMatch(/documents\s+0 completed, 0 failed, 1 unfinished, 3 skipped/);
    const n = await t.db.query(`SELECT file_name FROM source_documents WHERE project_fk_id = $1`, [projectIds.at(-1)]);
    expect(n).toEqual([{ file_name: 'note.txt' }]);
  });
});
