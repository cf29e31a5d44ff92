/**
 * Upload of every supported format, judged by its bytes; refusals with a readable reason; the `password` field
 * sealed into document_secrets for the request's PDFs; retry with a password. Real PostgreSQL, Redis and the real
 * ingest AppModule; documents built by the tests (@casegraph/formats/testing).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as CFB from 'cfb';
import request from 'supertest';
import { SUPPORTED_FORMATS_SENTENCE } from '@casegraph/contracts';
import { buildDocx, buildEml, buildEncryptedPdf, buildMsg, buildZip } from '@casegraph/formats/testing';
import { openSecret } from '@casegraph/intake';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, footprint } from '../../apps/ingest-api/src/testing/helpers';

const KEY_HEX = randomBytes(32).toString('hex');
const KEY = Buffer.from(KEY_HEX, 'hex');
const PASSWORD = `pw-${randomUUID()}`;

/** An OLE compound file with a WordDocument stream: a Word 97-2003 file, as far as the container shows. */
function buildDoc(): Buffer {
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/WordDocument', Buffer.alloc(4096, 0x20));
  CFB.utils.cfb_add(cfb, '/1Table', Buffer.alloc(1024, 0));
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}

describe('upload of every format, by its bytes', () => {
  let t: TestApp;
  let noKey: TestApp;
  const projectIds: number[] = [];
  let docx: Buffer;
  let zip: Buffer;
  let eml: Buffer;
  let msg: Buffer;

  beforeAll(async () => {
    t = await createTestApp({ DOCUMENT_PASSWORD_KEY: KEY_HEX });
    noKey = await createTestApp();
    docx = await buildDocx({ body: [`Motion to compel ${randomUUID()}`], headers: ['Case 1:24-cv-00001'] });
    eml = buildEml({ from: 'Jane Doe <jane@example.com>', to: ['bob@example.com'], subject: 'Draft', text: `hello ${randomUUID()}` });
    msg = buildMsg({ from: 'Jane Doe <jane@example.com>', to: ['bob@example.com'], subject: 'Draft', text: `hello ${randomUUID()}` });
    zip = await buildZip([
      { path: 'folder/a.txt', bytes: `entry ${randomUUID()}` },
      { path: 'b.txt', bytes: 'b' },
    ]);
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    if (noKey) await cleanupTestData(noKey, []);
    await t?.close();
    await noKey?.close();
  });

  const upload = (app: TestApp, projectUuid: string) => request(app.http).post(`/v1/projects/${projectUuid}/documents`);
  const detected = async (uuid: string) =>
    (await t.db.query(`SELECT detected_file_type FROM source_documents WHERE document_uuid = $1`, [uuid]))[0]?.detected_file_type;

  it('accepts DOCX, EML, MSG, HTML, TXT and ZIP with 202, recording the type detected from the bytes, whatever the name', async () => {
    const p = await createProject(t, projectIds, 'formats');
    const html = Buffer.from(`<!DOCTYPE html><html><body><p>Order ${randomUUID()}</p></body></html>`);
    const txt = Buffer.from(`Plain text note ${randomUUID()}\nsecond line\n`);
    const files: Array<[Buffer, string, string]> = [
      [docx, 'motion.docx', 'application/zip'], // a DOCX is a ZIP until the worker looks inside
      [eml, 'mail.pdf', 'message/rfc822'], // wrong extension: irrelevant
      [msg, 'outlook.msg', 'application/x-ole-storage'],
      [html, 'page.txt', 'text/html'],
      [txt, 'note', 'text/plain'],
      [zip, 'archive.zip', 'application/zip'],
    ];
    let req = upload(t, p.projectUuid);
    for (const [bytes, name] of files) req = req.attach('files', bytes, { filename: name, contentType: 'application/octet-stream' });
    const res = await req.expect(202);
    expect(res.body.documents.map((d: { filename: string; status: string }) => [d.filename, d.status])).toEqual(
      files.map(([, name]) => [name, 'pending']),
    );
    for (const [i, [, , mime]] of files.entries()) expect(await detected(res.body.documents[i].documentUuid)).toBe(mime);
    // Every upload records where it came from.
    const occ = await t.db.query(`SELECT source, path FROM document_occurrences WHERE document_uuid = $1`, [res.body.documents[1].documentUuid]);
    expect(occ).toEqual([{ source: 'upload', path: 'mail.pdf' }]);
  });

  it('accepts a DOC at upload as an OLE container (the OCR stage tells it from MSG and fails it with its advice)', async () => {
    const p = await createProject(t, projectIds, 'doc');
    const res = await upload(t, p.projectUuid).attach('files', buildDoc(), 'brief.doc').expect(202);
    expect(await detected(res.body.documents[0].documentUuid)).toBe('application/x-ole-storage');
  });

  it('refuses RTF with "convert it to DOCX or PDF", and unknown bytes naming what is read; nothing is stored', async () => {
    const p = await createProject(t, projectIds, 'refused');
    const before = await footprint(t, p.id);
    const rtf = await upload(t, p.projectUuid)
      .attach('files', Buffer.from('{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Hello}'), 'brief.docx')
      .expect(415);
    expect(rtf.body.errors).toEqual([{ field: 'files[0]', messages: [expect.stringContaining('convert it to DOCX or PDF')] }]);
    expect(rtf.body.message).toMatch(/"brief\.docx" is a Rich Text Format document/);

    const binary = await upload(t, p.projectUuid)
      .attach('files', docx, 'ok.docx')
      .attach('files', randomBytes(3000), { filename: 'blob.pdf', contentType: 'application/pdf' })
      .expect(415);
    expect(binary.body.errors[0].field).toBe('files[1]');
    expect(binary.body.message).toContain('"blob.pdf"');
    expect(binary.body.message).toContain(SUPPORTED_FORMATS_SENTENCE);
    expect(await footprint(t, p.id)).toEqual(before);
  });

  it('records a duplicate as an occurrence of the existing document, and answers duplicateOf', async () => {
    const p = await createProject(t, projectIds, 'dup');
    const bytes = Buffer.from(`duplicate text ${randomUUID()}\n`);
    const first = await upload(t, p.projectUuid).attach('files', bytes, 'first.txt').expect(202);
    const uuid = first.body.documents[0].documentUuid;
    const again = await upload(t, p.projectUuid).attach('files', bytes, 'copy.txt').expect(202);
    expect(again.body.documents).toEqual([{ documentUuid: uuid, filename: 'copy.txt', status: 'pending', duplicateOf: uuid }]);
    const occ = await t.db.query(`SELECT source, path FROM document_occurrences WHERE document_uuid = $1 ORDER BY id`, [uuid]);
    expect(occ).toEqual([
      { source: 'upload', path: 'first.txt' },
      { source: 'upload', path: 'copy.txt' },
    ]);
    const doc = await request(t.http).get(`/v1/documents/${uuid}`).expect(200);
    expect(doc.body.occurrences.map((o: { path: string }) => o.path)).toEqual(['first.txt', 'copy.txt']);
  });

  describe('the password field', () => {
    it('is sealed for every PDF of the request (and only the PDFs), never stored in clear', async () => {
      const p = await createProject(t, projectIds, 'password');
      const pdf1 = buildEncryptedPdf({ password: PASSWORD, pages: [`first ${randomUUID()}`] });
      const pdf2 = buildEncryptedPdf({ password: PASSWORD, pages: [`second ${randomUUID()}`] });
      const res = await upload(t, p.projectUuid)
        .attach('files', pdf1, 'locked.pdf')
        .field('password', PASSWORD) // a field between the files, as any client may send it
        .attach('files', pdf2, 'locked2.pdf')
        .attach('files', Buffer.from(`not a pdf ${randomUUID()}`), 'note.txt')
        .expect(202);
      const [a, b, note] = res.body.documents.map((d: { documentUuid: string }) => d.documentUuid);
      const rows: Array<{ document_uuid: string; ciphertext: Buffer }> = await t.db.query(
        `SELECT document_uuid, ciphertext FROM document_secrets WHERE document_uuid = ANY($1::uuid[])`,
        [[a, b, note]],
      );
      expect(rows.map((r) => r.document_uuid).sort()).toEqual([a, b].sort());
      for (const r of rows) {
        expect(r.ciphertext.includes(Buffer.from(PASSWORD))).toBe(false);
        expect(openSecret(KEY, r.document_uuid, r.ciphertext)).toBe(PASSWORD);
        // Bound to its document: another document's UUID does not open it.
        expect(openSecret(KEY, r.document_uuid === a ? b : a, r.ciphertext)).toBeNull();
      }
    });

    it('goes to nobody for a duplicate (the existing document keeps its state)', async () => {
      const p = await createProject(t, projectIds, 'password-dup');
      const pdf = buildEncryptedPdf({ password: PASSWORD, pages: [`dup ${randomUUID()}`] });
      const first = await upload(t, p.projectUuid).attach('files', pdf, 'a.pdf').expect(202);
      const uuid = first.body.documents[0].documentUuid;
      await upload(t, p.projectUuid).attach('files', pdf, 'b.pdf').field('password', PASSWORD).expect(202);
      expect(await t.db.query(`SELECT 1 FROM document_secrets WHERE document_uuid = $1`, [uuid])).toEqual([]);
    });

    it('is refused when empty, longer than 1 KiB or sent twice; other fields are still refused by name', async () => {
      const p = await createProject(t, projectIds, 'password-bad');
      const pdf = buildEncryptedPdf({ password: 'x', pages: ['x'] });
      const before = await footprint(t, p.id);
      const tooLong = await upload(t, p.projectUuid).field('password', 'p'.repeat(1025)).attach('files', pdf, 'a.pdf').expect(400);
      expect(tooLong.body.errors).toEqual([{ field: 'password', messages: ['longer than 1024 bytes'] }]);
      const empty = await upload(t, p.projectUuid).field('password', '').attach('files', pdf, 'a.pdf').expect(400);
      expect(empty.body.message).toMatch(/^password: empty/);
      await upload(t, p.projectUuid).field('password', 'p'.repeat(1024)).attach('files', pdf, 'a.pdf').expect(202);
      const twice = await upload(t, p.projectUuid).field('password', 'a').field('password', 'b').attach('files', pdf, 'c.pdf').expect(400);
      expect(twice.body.message).toMatch(/password: sent more than once/);
      const other = await upload(t, p.projectUuid).field('note', 'hi').attach('files', pdf, 'd.pdf').expect(400);
      expect(other.body.errors).toEqual([{ field: 'note', messages: [expect.stringMatching(/^unknown field/)] }]);
      expect((await footprint(t, p.id)).rows).toBe(before.rows + 1);
    });

    it('is refused with 400 when DOCUMENT_PASSWORD_KEY is not set; nothing is stored', async () => {
      const p = await createProject(noKey, projectIds, 'no-key');
      const before = await footprint(noKey, p.id);
      const res = await upload(noKey, p.projectUuid)
        .attach('files', buildEncryptedPdf({ password: PASSWORD, pages: ['x'] }), 'a.pdf')
        .field('password', PASSWORD)
        .expect(400);
      expect(res.body.message).toContain('this server cannot keep passwords: DOCUMENT_PASSWORD_KEY is not set');
      expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
      expect(await footprint(noKey, p.id)).toEqual(before);
    });
  });

  describe('retry with a password', () => {
    const failDocument = (app: TestApp, uuid: string) =>
      app.db.query(
        `UPDATE source_documents SET status = 'failed', ocr_status = 'failed', failed_stage = 'ocr', error_message = 'encrypted' WHERE document_uuid = $1`,
        [uuid],
      );

    it('seals the password (replacing an earlier one) before the job is re-enqueued', async () => {
      const p = await createProject(t, projectIds, 'retry');
      const pdf = buildEncryptedPdf({ password: PASSWORD, pages: [`retry ${randomUUID()}`] });
      const up = await upload(t, p.projectUuid).attach('files', pdf, 'locked.pdf').field('password', 'wrong-one').expect(202);
      const uuid = up.body.documents[0].documentUuid;
      await failDocument(t, uuid);
      await t.ocrQueue.getJob(uuid).then((j) => j?.remove());
      const res = await request(t.http).post(`/v1/documents/${uuid}/retry`).send({ password: PASSWORD }).expect(202);
      expect(res.body).toMatchObject({ documentUuid: uuid, status: 'pending', retryFrom: 'ocr', enqueued: true });
      const [row] = await t.db.query(`SELECT ciphertext FROM document_secrets WHERE document_uuid = $1`, [uuid]);
      expect(openSecret(KEY, uuid, row.ciphertext)).toBe(PASSWORD);
      expect(row.ciphertext.includes(Buffer.from(PASSWORD))).toBe(false);
      expect(await t.ocrQueue.getJob(uuid)).not.toBeNull();
    });

    it('still retries without a body; refuses a bad password body; 409 (and no secret) for a document that is not failed', async () => {
      const p = await createProject(t, projectIds, 'retry-bad');
      const up = await upload(t, p.projectUuid)
        .attach('files', Buffer.from(`retry me ${randomUUID()}`), 'a.txt')
        .expect(202);
      const uuid = up.body.documents[0].documentUuid;
      const conflict = await request(t.http).post(`/v1/documents/${uuid}/retry`).send({ password: PASSWORD }).expect(409);
      expect(conflict.body.message).toMatch(/only a failed document can be retried/);
      expect(await t.db.query(`SELECT 1 FROM document_secrets WHERE document_uuid = $1`, [uuid])).toEqual([]);

      await failDocument(t, uuid);
      for (const body of [{ password: '' }, { password: 'p'.repeat(1025) }, { password: 42 }, { other: 'x' }]) {
        const bad = await request(t.http).post(`/v1/documents/${uuid}/retry`).send(body).expect(400);
        expect(JSON.stringify(bad.body)).not.toContain('p'.repeat(1025));
      }
      await request(t.http).post(`/v1/documents/${uuid}/retry`).expect(202);
    });

    it('is refused with 400 when DOCUMENT_PASSWORD_KEY is not set, and the document stays failed', async () => {
      const p = await createProject(noKey, projectIds, 'retry-no-key');
      const up = await upload(noKey, p.projectUuid)
        .attach('files', Buffer.from(`no key ${randomUUID()}`), 'a.txt')
        .expect(202);
      const uuid = up.body.documents[0].documentUuid;
      await failDocument(noKey, uuid);
      const res = await request(noKey.http).post(`/v1/documents/${uuid}/retry`).send({ password: PASSWORD }).expect(400);
      expect(res.body.message).toContain('DOCUMENT_PASSWORD_KEY is not set');
      expect((await noKey.db.query(`SELECT status FROM source_documents WHERE document_uuid = $1`, [uuid]))[0].status).toBe('failed');
    });
  });
});
