/**
 * Hostile files of every issue-14 format through the whole stack (ingest-api, ocr-worker and graph-worker all
 * in-process, so process.memoryUsage().rss bounds what they allocate; real PostgreSQL and Redis; PipelineStack):
 * corrupt, empty, wrong extension, zip bomb, DOCX bomb, MSG garbage, unsupported DOC / RTF / XLSX, random binary, a
 * ZIP over the entry limit. Each is refused at upload (400 / 415) or fails with a readable reason; none leaves child
 * rows; the worker stays alive (a good document after them completes); memory stays under a generous bound.
 */
import { randomBytes } from 'node:crypto';
import * as CFB from 'cfb';
import request from 'supertest';
import { SUPPORTED_FORMATS_SENTENCE } from '@casegraph/contracts';
import { buildDocx, buildDocxBomb, buildEncryptedZip, buildZip, buildZipBomb, buildZipSlip } from '@casegraph/formats/testing';
import { buildTextPdf } from '../../libs/testing/src/documents';
import { ApiDocument, FormatsStack, UploadFile } from '../support/formats-stack';

jest.setTimeout(180_000);

const MB = 1024 * 1024;
/** What a reason must not look like: a stack trace, a bare exception name, an internal error. */
const UNREADABLE = /^\s*at |\n\s+at |TypeError|ReferenceError|Cannot read propert|undefined is not|is not a function|\[object Object\]/;

function oleFile(streams: Record<string, Buffer>): Buffer {
  const cfb = CFB.utils.cfb_new();
  for (const [name, data] of Object.entries(streams)) CFB.utils.cfb_add(cfb, `/${name}`, data);
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

/** A Word 97-2003 file as far as any reader can tell: an OLE compound file with a WordDocument stream. */
const docFile = (): Buffer =>
  oleFile({ WordDocument: Buffer.concat([Buffer.from([0xec, 0xa5, 0xc1, 0x00]), randomBytes(1020)]), '1Table': randomBytes(512) });

/** An Outlook-looking OLE file whose property streams are garbage. */
const msgGarbage = (): Buffer =>
  oleFile({ '__properties_version1.0': randomBytes(200), '__substg1.0_0037001F': randomBytes(77), '__substg1.0_1000001F': randomBytes(333) });

const xlsxFile = () =>
  buildZip([
    {
      path: '[Content_Types].xml',
      bytes:
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    },
    {
      path: '_rels/.rels',
      bytes:
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    { path: 'xl/workbook.xml', bytes: '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>' },
  ]);

const rtfFile = Buffer.from('{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0\\fs24 The parties agree.\\par}');

describe('hostile files of every new format: refused or failed with a reason, bounded, the worker alive', () => {
  let s: FormatsStack;
  const failed: Record<string, string> = {}; // name -> uuid of documents expected to fail
  let goodDocx: Buffer;
  let goodPdf: Buffer;

  beforeAll(async () => {
    s = await FormatsStack.start('hostile', { ocr: 'in-process', ocrEnv: { OCR_CONCURRENCY: '2' } });
    goodDocx = await buildDocx({ body: ['WRONG EXTENSION DOCX named as a PDF, read by its bytes.'] });
    goodPdf = buildTextPdf([['WRONG EXTENSION PDF named as a DOCX, read by its bytes.']]);
  });

  afterAll(async () => {
    await s?.close();
  });

  const uploadOne = async (f: UploadFile) => {
    const res = await s.uploadRaw([f]);
    return res;
  };

  /** A failed document's reason must be a sentence, not a stack; and it has no child rows. */
  const expectFailedReadably = async (d: ApiDocument, reason: RegExp) => {
    expect({ name: d.filename, status: d.status }).toEqual({ name: d.filename, status: 'failed' });
    expect(d.error).toMatch(reason);
    expect(d.error).not.toMatch(UNREADABLE);
    expect(d.family.children).toEqual([]);
    const rows = await s.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE parent_document_uuid = $1`, [d.documentUuid]);
    expect(rows).toEqual([{ n: 0 }]);
  };

  it('an empty file of each new type is refused at upload with 400, naming the file; nothing stored', async () => {
    for (const name of ['empty.docx', 'empty.eml', 'empty.msg', 'empty.html', 'empty.txt', 'empty.zip', 'empty.tif']) {
      const res = await uploadOne({ name, bytes: Buffer.alloc(0) });
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(JSON.stringify(res.body)).toMatch(/empty/i);
    }
    const rows = await s.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_uuid = $1`, [s.projectUuid]);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('a random binary is refused with 415 naming the supported formats; RTF with 415 (or a failure) saying to convert it', async () => {
    const bin = await uploadOne({ name: 'blob.pdf', bytes: randomBytes(8192) });
    expect(bin.status).toBe(415);
    expect(JSON.stringify(bin.body)).toContain(SUPPORTED_FORMATS_SENTENCE.slice(0, 40));
    const rtf = await uploadOne({ name: 'brief.rtf', bytes: rtfFile });
    if (rtf.status === 202) {
      const [d] = await s.waitDone([rtf.body.documents[0].documentUuid]);
      await expectFailedReadably(d, /convert it to DOCX or PDF/);
    } else {
      expect(rtf.status).toBe(415);
      expect(JSON.stringify(rtf.body)).toMatch(/Rich Text Format.*convert it to DOCX or PDF/);
    }
  });

  it('corrupt, garbage, unsupported and bomb files: each failed (or refused) with a readable reason, no children, memory bounded', async () => {
    const docx = await buildDocx({ body: ['A corrupt copy of this Word file.'] });
    const zip = await buildZip([
      { path: 'a/one.txt', bytes: 'first entry of the archive' },
      { path: 'b/two.txt', bytes: 'second entry of the archive' },
    ]);
    const manyEntries = await buildZip(
      Array.from({ length: 2000 }, (_, i) => ({ path: `box/${String(i).padStart(4, '0')}.txt`, bytes: `entry ${i}` })),
    );
    const cases: Array<{ name: string; bytes: Buffer; reason: RegExp }> = [
      // Corrupt: the head is right (accepted at upload), the rest is not.
      { name: 'truncated.docx', bytes: docx.subarray(0, Math.floor(docx.length / 2)), reason: /corrupt|truncated|not a readable/i },
      {
        name: 'garbage-xml.docx',
        bytes: await buildZip([
          {
            path: '[Content_Types].xml',
            bytes:
              '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
          },
          {
            path: '_rels/.rels',
            bytes:
              '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
          },
          { path: 'word/document.xml', bytes: randomBytes(3000) },
        ]),
        reason: /Word|corrupt|not a readable/i,
      },
      { name: 'locked.zip', bytes: buildEncryptedZip(), reason: /password-protected ZIP.*unpack it/i },
      { name: 'truncated.zip', bytes: zip.subarray(0, Math.floor(zip.length * 0.6)), reason: /damaged|corrupt|truncated/i },
      {
        name: 'corrupt.tif',
        bytes: Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]), randomBytes(4096)]),
        reason: /TIFF|image|corrupt/i,
      },
      { name: 'garbage.msg', bytes: msgGarbage(), reason: /Outlook|message|MSG|corrupt/i },
      {
        name: 'not-an-ole.msg',
        bytes: Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), randomBytes(4088)]),
        reason: /corrupt|OLE|Outlook|compound/i,
      },
      // Unsupported containers: told what to do.
      { name: 'brief.doc', bytes: docFile(), reason: /convert it to DOCX or PDF/ },
      { name: 'ledger.xlsx', bytes: await xlsxFile(), reason: /convert it to PDF/ },
      // Bombs and limits.
      { name: 'bomb.zip', bytes: buildZipBomb(), reason: /zip bomb/i },
      { name: 'lying-bomb.zip', bytes: buildZipBomb({ declaredSize: 4096, name: 'small.txt' }), reason: /zip bomb/i },
      { name: 'bomb.docx', bytes: buildDocxBomb(), reason: /bomb|limit/i },
      { name: 'lying-bomb.docx', bytes: buildDocxBomb({ claimedSize: 2048 }), reason: /bomb|limit/i },
      { name: 'many-entries.zip', bytes: manyEntries, reason: /more than 1000 files|limit/i },
    ];
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      const uuids: Record<string, string> = {};
      for (const c of cases) {
        const res = await uploadOne(c);
        if (res.status === 415 && /\.(doc|xlsx)$/.test(c.name)) {
          // Refused at upload is as good, provided it says what to do.
          expect(JSON.stringify(res.body)).toMatch(c.reason);
          continue;
        }
        expect({ name: c.name, status: res.status, body: res.status === 202 ? null : res.body }).toEqual({ name: c.name, status: 202, body: null });
        uuids[c.name] = res.body.documents[0].documentUuid;
        failed[c.name] = uuids[c.name];
      }
      const docs = await s.waitDone(Object.values(uuids), 120_000);
      const outcome = Object.fromEntries(docs.map((d) => [d.filename, { status: d.status, error: d.error }]));
      if (process.env.FORMATS_TEST_REPORT) console.log(JSON.stringify(outcome, null, 1));
      for (const c of cases.filter((x) => uuids[x.name])) {
        const d = docs.find((x) => x.documentUuid === uuids[c.name])!;
        try {
          await expectFailedReadably(d, c.reason);
        } catch (err) {
          throw new Error(`${c.name}: ${(err as Error).message}\nall outcomes: ${JSON.stringify(outcome, null, 1)}`);
        }
      }
    } finally {
      clearInterval(sampler);
    }
    // A bound, not a timing: the 200 MiB bombs were never inflated in memory.
    if (process.env.FORMATS_TEST_REPORT) console.log(`rss before ${Math.round(before / MB)} MB, peak +${Math.round((peak - before) / MB)} MB`);
    expect((peak - before) / MB).toBeLessThan(300);
  });

  it('wrong extensions are judged by the bytes: a DOCX named .pdf and a PDF named .docx complete', async () => {
    const [a, b] = await s.upload([
      { name: 'really-a-docx.pdf', bytes: goodDocx },
      { name: 'really-a-pdf.docx', bytes: goodPdf },
    ]);
    const [da, db] = await s.waitDone([a, b]);
    expect({ status: da.status, error: da.error }).toEqual({ status: 'completed', error: null });
    expect({ status: db.status, error: db.error }).toEqual({ status: 'completed', error: null });
    expect((await s.text(a)).pages.map((p) => p.text).join('\n')).toContain('WRONG EXTENSION DOCX named as a PDF');
    expect((await s.text(b)).pages.map((p) => p.text).join('\n')).toContain('WRONG EXTENSION PDF named as a DOCX');
    const fa = await s.file(a);
    expect(String(fa.headers['content-type'])).toMatch(/wordprocessingml/);
    const fb = await s.file(b);
    expect(String(fb.headers['content-type'])).toMatch(/^application\/pdf/);
  });

  it('corrupt e-mail, HTML and text: completed with what could be read, or failed with a reason (never a crash)', async () => {
    const eml = Buffer.from(
      'From: Broken Sender <broken@example.com>\r\nTo: someone@example.com\r\nSubject: broken MIME\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\nBODY OF THE BROKEN MAIL\r\n' +
        '--never-closed\r\nContent-Type: application/pdf; name="x.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!',
    );
    const html = Buffer.from('<html><body><p>UNCLOSED HTML paragraph <b>bold <i>italic <table><tr><td>cell');
    const txt = Buffer.concat([
      Buffer.from('INVALID UTF8 text line one\n'),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]),
      Buffer.from('\nline three\n'),
    ]);
    const ids = await s.upload([
      { name: 'broken.eml', bytes: eml },
      { name: 'broken.html', bytes: html },
      { name: 'broken.txt', bytes: txt },
    ]);
    const docs = await s.waitDone(ids);
    const words = ['BODY OF THE BROKEN MAIL', 'UNCLOSED HTML paragraph', 'INVALID UTF8 text line one'];
    for (const [i, d] of docs.entries()) {
      if (d.status === 'failed') {
        expect(d.error).toBeTruthy();
        expect(d.error).not.toMatch(UNREADABLE);
      } else {
        expect(d.status).toBe('completed');
        expect((await s.text(d.documentUuid)).pages.map((p) => p.text).join('\n')).toContain(words[i]);
      }
    }
  });

  it('a ZIP slip archive never names a child outside its folder; archives nested past the depth limit are not expanded', async () => {
    const [slip] = await s.upload([{ name: 'slip.zip', bytes: buildZipSlip() }]);
    const { parent } = await s.waitFamily(slip, 0);
    if (parent.status === 'failed') {
      expect(parent.error).not.toMatch(UNREADABLE);
      expect(parent.family.children).toEqual([]);
    } else {
      expect(parent.status).toBe('completed');
      for (const c of parent.family.children) {
        expect(c.path).not.toMatch(/(^|[\\/])\.\.([\\/]|$)|^[\\/]|^[A-Za-z]:/);
        expect(c.filename).not.toMatch(/[\\/]|^\.\.$/);
      }
    }
    // zip0 ⊃ zip1 ⊃ zip2 ⊃ zip3 ⊃ zip4 ⊃ leaf.txt: the document at depth 3 (FORMAT_MAX_DEPTH default) is not expanded.
    let inner = await buildZip([{ path: 'leaf.txt', bytes: 'DEEPEST LEAF never reached' }]);
    for (let i = 4; i >= 1; i--) inner = await buildZip([{ path: `level${i}.zip`, bytes: inner }]);
    const [top] = await s.upload([{ name: 'level0.zip', bytes: inner }]);
    let at = top;
    const chain: Array<{ status: string; children: number }> = [];
    for (let depth = 0; depth < 5; depth++) {
      const { parent: p } = await s.waitFamily(at, depth < 3 ? 1 : 0);
      chain.push({ status: p.status, children: p.family.children.length });
      if (!p.family.children.length) break;
      at = p.family.children[0].documentUuid;
    }
    expect(chain).toEqual([
      { status: 'completed', children: 1 },
      { status: 'completed', children: 1 },
      { status: 'completed', children: 1 },
      { status: 'completed', children: 0 },
    ]);
  });

  it('the worker is alive after all of it: a good PDF and a good DOCX still complete', async () => {
    const [pdf, docx] = await s.upload([
      { name: 'after.pdf', bytes: buildTextPdf([['AFTER THE HOSTILE FILES the worker still reads PDF files.']]) },
      { name: 'after.docx', bytes: await buildDocx({ body: ['AFTER THE HOSTILE FILES the worker still reads Word files.'] }) },
    ]);
    const [dp, dd] = await s.waitDone([pdf, docx]);
    expect({ status: dp.status, error: dp.error }).toEqual({ status: 'completed', error: null });
    expect((await s.text(pdf)).pages[0].text).toContain('AFTER THE HOSTILE FILES the worker still reads PDF');
    expect({ status: dd.status, error: dd.error }).toEqual({ status: 'completed', error: null });
    expect((await s.text(docx)).pages[0].text).toContain('AFTER THE HOSTILE FILES the worker still reads Word');
    // And no hostile document left a child row.
    const rows = await s.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE parent_document_uuid = ANY($1::uuid[])`, [
      Object.values(failed),
    ]);
    expect(rows).toEqual([{ n: 0 }]);
    // The API still answers (no crash took it down).
    expect((await request(s.http).get(`/v1/documents/${pdf}`)).status).toBe(200);
  });
});
