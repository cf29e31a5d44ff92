import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { batches, runIngestCommand } from './ingest-cli';
import { FakeApi, FakeApiOptions } from './testing/fake-api';

/** Output sinks that keep what was written; `tty` makes stdout look like a terminal. */
function sinks(tty = false) {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  if (tty) {
    out.isTTY = true;
    out.columns = 120;
  }
  return { out, err, stdout: () => o, stderr: () => e };
}

const tmp: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'casegraph-ingest-cli-'));
  tmp.push(d);
  return d;
}
/** A file with a PDF-looking head and random content (so every file hashes differently). */
function file(d: string, name: string, bytes = randomBytes(64)): string {
  const path = join(d, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.concat([Buffer.from('%PDF-1.4\n'), bytes]));
  return path;
}

let api: FakeApi;
async function serve(opts: FakeApiOptions = {}): Promise<string> {
  api = new FakeApi(opts);
  return api.start();
}
afterEach(async () => {
  await api?.stop();
});
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

async function ingest(args: string[], opts: { tty?: boolean; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}) {
  const s = sinks(opts.tty);
  const code = await runIngestCommand([...args, '--interval', '10', '--rate', '2000'], {
    out: s.out,
    err: s.err,
    env: opts.env ?? {},
    signal: opts.signal,
  });
  return { code, stdout: s.stdout(), stderr: s.stderr() };
}

describe('npm run ingest (against a fake API)', () => {
  jest.setTimeout(20_000);

  it('creates the project, uploads the files as multipart "files", follows every stage and summarises; exit 0', async () => {
    const url = await serve({ key: 'k-123', plans: { 'b.png': { pages: 2 } } });
    const d = dir();
    const a = file(d, 'a.pdf');
    const b = file(d, 'b.png');
    const r = await ingest([a, b, '--project', 'Smith v. Jones', '--api', url, '--key', 'k-123', '--plain']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    // the project, then one upload carrying both files byte for byte
    expect([...api.projects.values()].map((p) => p.name)).toEqual(['Smith v. Jones']);
    const docs = [...api.docs.values()];
    expect(docs.map((x) => x.filename).sort()).toEqual(['a.pdf', 'b.png']);
    const { readFileSync } = await import('node:fs');
    expect(docs.find((x) => x.filename === 'a.pdf')!.bytes.equals(readFileSync(a))).toBe(true);
    expect(api.count('POST', /\/documents$/)).toBe(1);
    expect(api.requests.every((q) => q.authorization === 'Bearer k-123')).toBe(true);

    // a line per stage change, for each document, ending completed
    for (const name of ['a.pdf', 'b.png']) {
      expect(r.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}  0/5 ocr…`));
      expect(r.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}  3/5 resolution…`));
    }
    expect(r.stdout).toContain('a.pdf  5/5 completed (1 page)');
    expect(r.stdout).toContain('b.png  5/5 completed (2 pages)');

    // the summary
    expect(r.stdout).toContain('Summary for project "Smith v. Jones"');
    expect(r.stdout).toContain('documents      2 completed, 0 failed');
    expect(r.stdout).toContain('pages          3 (a.pdf 1, b.png 2)');
    expect(r.stdout).toMatch(/ORG\s+2/);
    expect(r.stdout).toMatch(/DATE\s+1/);
    expect(r.stdout).toMatch(/7\s+Free Software Foundation — https:\/\/www\.gnu\.org\/licenses\/\s+\(CO_OCCURS\)/);
    expect(r.stdout).not.toContain('MENTIONED_IN');
    const firstRel = r.stdout.indexOf('https://www.gnu.org/licenses/  (CO_OCCURS)');
    expect(firstRel).toBeLessThan(r.stdout.indexOf('Apache Software Foundation  (CO_OCCURS)'));
  });

  it('reuses the project of the same name on a second run and recognises duplicates', async () => {
    const url = await serve();
    const d = dir();
    const a = file(d, 'a.pdf');
    expect((await ingest([a, '--project', 'P', '--api', url])).code).toBe(0);
    const first = [...api.docs.keys()];
    const again = await ingest([a, '--project', 'P', '--api', url]);
    expect(again.code).toBe(0);
    expect(api.projects.size).toBe(1);
    expect([...api.docs.keys()]).toEqual(first);
    expect(again.stderr).toContain(`a.pdf is already in the project (document ${first[0]})`);
    expect(again.stdout).toContain('1 duplicate');
    expect(again.stdout).toContain(`a.pdf = document ${first[0]}`);
  });

  it('expands folders recursively to the supported types only', async () => {
    const url = await serve();
    const d = dir();
    file(d, 'one.pdf');
    file(d, 'two.PNG');
    file(d, 'nested/deeper/three.tiff');
    file(d, 'four.jpeg');
    file(d, 'notes.txt');
    file(d, 'old.doc');
    file(d, '.hidden.pdf');
    writeFileSync(join(d, 'empty.pdf'), '');
    const r = await ingest([d, '--project', 'Folder', '--api', url]);
    expect(r.code).toBe(0);
    expect([...api.docs.values()].map((x) => x.filename).sort()).toEqual(['four.jpeg', 'notes.txt', 'one.pdf', 'three.tiff', 'two.PNG']);
    expect(r.stderr).toContain('empty.pdf: empty file');
    // Nothing passed over silently: the unsupported and the hidden files are reported, with their reasons.
    expect(r.stderr).toContain(`${join(d, 'old.doc')}: unsupported type: Word 97-2003 document (.doc); convert it to DOCX or PDF`);
    expect(r.stderr).toContain(`${join(d, '.hidden.pdf')}: hidden file`);
  });

  it('a document that fails: its stage and reason in the summary, exit 1', async () => {
    const url = await serve({ plans: { 'bad.pdf': { failAt: 'ocr', error: 'The PDF is corrupt: no trailer, no xref' } } });
    const d = dir();
    const r = await ingest([file(d, 'good.pdf'), file(d, 'bad.pdf'), '--project', 'F', '--api', url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bad.pdf  0/5 failed in ocr: The PDF is corrupt: no trailer, no xref');
    expect(r.stdout).toContain('1 completed, 1 failed');
    expect(r.stdout).toMatch(/failures\n\s+bad\.pdf: failed in ocr: The PDF is corrupt: no trailer, no xref/);
  });

  it('a file the API refuses costs only itself: the batch is retried file by file; exit 1', async () => {
    const url = await serve({ plans: { 'notreally.pdf': { refuse: { status: 415, message: 'not a PDF, PNG, JPEG or TIFF by its bytes' } } } });
    const d = dir();
    const r = await ingest([file(d, 'x.pdf'), file(d, 'notreally.pdf'), file(d, 'y.pdf'), '--project', 'R', '--api', url]);
    expect(r.code).toBe(1);
    expect([...api.docs.values()].map((x) => x.filename).sort()).toEqual(['x.pdf', 'y.pdf']);
    expect(api.count('POST', /\/documents$/)).toBe(4); // the batch, then each of three files
    expect(r.stderr).toContain('refused notreally.pdf: files[0] (notreally.pdf): not a PDF, PNG, JPEG or TIFF by its bytes');
    expect(r.stdout).toContain('2 completed, 1 failed');
    expect(r.stdout).toContain('notreally.pdf: refused by the API');
  });

  it('uploads in batches of --batch files', async () => {
    const url = await serve();
    const d = dir();
    const files = Array.from({ length: 5 }, (_, i) => file(d, `f${i}.pdf`));
    expect((await ingest([...files, '--project', 'B', '--api', url, '--batch', '2'])).code).toBe(0);
    expect(api.count('POST', /\/documents$/)).toBe(3);
    expect(
      batches(
        files.map((p, i) => ({ path: p, name: `f${i}`, size: 60 * 1024 * 1024 })),
        10,
      ).map((b) => b.length),
    ).toEqual([1, 1, 1, 1, 1]);
  });

  it('follows many documents through the project list instead of one GET each', async () => {
    const url = await serve();
    const d = dir();
    const files = Array.from({ length: 12 }, (_, i) => file(d, `m${i}.pdf`));
    const r = await ingest([...files, '--project', 'Many', '--api', url]);
    expect(r.code).toBe(0);
    expect(api.count('GET', /\/v1\/projects\/[^/]+\/documents\?/)).toBeGreaterThan(0);
    expect(api.count('GET', /^\/v1\/documents\//)).toBe(0);
    expect(r.stdout).toContain('12 completed, 0 failed');
  });

  it('401 without a key says to pass --key; a wrong key says it was refused', async () => {
    const url = await serve({ key: 'right' });
    const d = dir();
    const a = file(d, 'a.pdf');
    const none = await ingest([a, '--project', 'P', '--api', url]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('requires an API key (401); pass --key <key> or set CASEGRAPH_API_KEY');
    expect(none.stderr).toContain("(singular: one of the keys in the server's CASEGRAPH_API_KEYS)");
    const wrong = await ingest([a, '--project', 'P', '--api', url, '--key', 'wrong']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the API key (401: Invalid API key)');
    const fromEnv = await ingest([a, '--project', 'P', '--api', url], { env: { CASEGRAPH_API_KEY: 'right' } });
    expect(fromEnv.code).toBe(0);
    expect(api.docs.size).toBe(1);
  });

  it('an API that is not running: a clear message naming the URL, exit 1', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const d = dir();
    const r = await ingest([file(d, 'a.pdf'), '--project', 'P', '--api', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the CaseGraph API at http://127.0.0.1:${port} (connect ECONNREFUSED`);
  });

  it('waits out a 429 and carries on', async () => {
    const url = await serve({ throttleFirstGets: 1 });
    const d = dir();
    const r = await ingest([file(d, 'a.pdf'), '--project', 'T', '--api', url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 completed');
  });

  it('gives up following after --timeout and lists what is unfinished; exit 1', async () => {
    const url = await serve({ plans: { 'slow.pdf': { hang: true } } });
    const d = dir();
    const r = await ingest([file(d, 'slow.pdf'), '--project', 'T', '--api', url, '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 unfinished');
    expect(r.stdout).toMatch(/unfinished .*\n\s+slow\.pdf: queued/);
  });

  it('says when the API does not report page counts', async () => {
    const url = await serve({ noPageCount: true });
    const d = dir();
    const r = await ingest([file(d, 'a.pdf'), '--project', 'NP', '--api', url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pages          not reported');
  });

  it('draws one progress bar per document on a terminal', async () => {
    const url = await serve();
    const d = dir();
    const r = await ingest([file(d, 'first.pdf'), file(d, 'second.pdf'), '--project', 'TTY', '--api', url], { tty: true });
    expect(r.code).toBe(0);
    const screen = r.stdout;
    expect(screen).toMatch(/first\.pdf\s+█+ 5\/5 completed/);
    expect(screen).toMatch(/second\.pdf\s+█+ 5\/5 completed/);
    expect(screen).toContain('░'); // bars were drawn part-full on the way
  });

  it('Ctrl-C stops following with exit 130 and says the server keeps going', async () => {
    const url = await serve({ plans: { 'slow.pdf': { hang: true } } });
    const d = dir();
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 200);
    const r = await ingest([file(d, 'slow.pdf'), '--project', 'I', '--api', url], { signal: ctrl.signal });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('keep processing on the server');
  });

  it('runs through `npm run ingest` with --project "<name with spaces>" (the preload must not read our argv)', async () => {
    const { spawnSync } = await import('node:child_process');
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const d = dir();
    const r = spawnSync(
      'npm',
      ['run', '--silent', 'ingest', '--', file(d, 'a.pdf'), '--project', 'Smith v. Jones', '--api', `http://127.0.0.1:${port}`],
      { cwd: join(__dirname, '../../../..'), encoding: 'utf8' },
    );
    expect(r.stderr).toContain(`cannot reach the CaseGraph API at http://127.0.0.1:${port}`);
    expect(r.status).toBe(1);
  });

  describe('usage errors exit 2', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['no project', ['x.pdf'], /--project "<name>" is required/],
      ['no files', ['--project', 'P'], /name at least one file or folder/],
      ['an unknown option', ['x.pdf', '--project', 'P', '--colour'], /Unknown option '--colour'/],
      ['a bad interval', ['x.pdf', '--project', 'P', '--interval', 'soon'], /--interval must be a whole number/],
      ['a bad API URL', ['x.pdf', '--project', 'P', '--api', 'localhost:3000'], /--api must be http:\/\/ or https:\/\//],
    ];
    it.each(cases)('%s', async (_name, args, message) => {
      const s = sinks();
      const code = await runIngestCommand(args, { out: s.out, err: s.err, env: {} });
      expect(code).toBe(2);
      expect(s.stderr()).toMatch(message);
      expect(s.stderr()).toContain('usage: npm run ingest');
    });

    it('a path that does not exist', async () => {
      const r = await ingest([join(dir(), 'nope.pdf'), '--project', 'P', '--api', 'http://127.0.0.1:9']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('nope.pdf: no such file or folder');
    });

    it('nothing ingestible', async () => {
      const d = dir();
      writeFileSync(join(d, 'readme.xyz'), 'hello');
      const r = await ingest([d, '--project', 'P', '--api', 'http://127.0.0.1:9']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('nothing to upload');
    });
  });
});
