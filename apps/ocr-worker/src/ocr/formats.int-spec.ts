/**
 * The OCR stage for every format, end to end: real PostgreSQL, Redis and Bull (private prefix), local storage, the
 * real readers. Every document is built by the test (@casegraph/formats/testing); assertions read the database,
 * Redis, storage and the queues.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DOC_PROGRESS_TTL_S, redisKeys } from '@casegraph/contracts';
import { buildDocx, buildEml, buildEncryptedPdf, buildMsg, buildTiff, buildZip, buildZipBomb } from '@casegraph/formats/testing';
import { sealSecret } from '@casegraph/intake';
import { buildPdf, generatedDocument } from '@casegraph/testing';
import { ChildrenService } from '../children/children.service';
import { childrenOf, occurrencesOf, pagesWithParts, storedDocumentFolders } from '../testing/family-test-kit';
import { CreatedDocument, WorkerHandle, createDocument, enqueueOcr, startWorker, waitForJob, waitForOcr } from '../testing/ocr-test-kit';
import { OcrService } from './ocr.service';

jest.setTimeout(180_000);

const PASSWORD_KEY = randomBytes(32);

/** Every child of `parent` has finished its own OCR stage. */
async function childrenDone(w: WorkerHandle, parentUuid: string, expected: number) {
  const kids = await childrenOf(w, parentUuid);
  expect(kids).toHaveLength(expected);
  for (const k of kids) await waitForOcr(w, k.document_uuid);
  return childrenOf(w, parentUuid);
}

async function metadataOf(w: WorkerHandle, documentUuid: string): Promise<Record<string, any>> {
  const rows: Array<{ document_metadata: Record<string, any> | null }> = await w.db.query(
    'SELECT document_metadata FROM source_documents WHERE document_uuid = $1',
    [documentUuid],
  );
  return rows[0]?.document_metadata ?? {};
}

async function documentCount(w: WorkerHandle, projectId: number): Promise<number> {
  const rows: Array<{ n: string }> = await w.db.query('SELECT count(*) AS n FROM source_documents WHERE project_fk_id = $1', [projectId]);
  return Number(rows[0].n);
}

async function docxFiling(): Promise<Buffer> {
  return buildDocx({
    body: ['MOTION TO COMPEL DISCOVERY', 'Plaintiff Acme Corp moves to compel.\fSecond page of the motion.'],
    headers: ['Case No. 24-cv-0042'],
    footers: ['ACME-000101'],
    footnotes: ['See Fed. R. Civ. P. 37.'],
    comments: [{ author: 'Jane Doe', text: 'Check the deadline' }],
    title: 'Motion to compel',
    author: 'Jane Doe',
  });
}

describe('OCR stage for every format (real PostgreSQL, Redis, Bull)', () => {
  let w: WorkerHandle;
  let redis: Redis;

  beforeAll(async () => {
    w = await startWorker({ OCR_CONCURRENCY: '2', DOCUMENT_PASSWORD_KEY: PASSWORD_KEY.toString('hex') });
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    await w?.close();
    redis?.disconnect();
  });

  it('reads a DOCX: body pages and parts, engine docx, confidence 100, Word properties, graph job', async () => {
    const doc = await createDocument(w, { name: 'motion.docx', bytes: await docxFiling() });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'completed', error_message: null, ocr_provider: 'local', ocr_confidence_score: 100 });
    expect(state.detected_file_type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const rows = await pagesWithParts(w, doc.documentUuid);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.map((r) => r.page_number)).toEqual(rows.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.engine))).toEqual(new Set(['docx']));
    expect(rows.every((r) => r.confidence === 100)).toBe(true);
    const text = rows.map((r) => r.text).join('\n');
    for (const s of ['MOTION TO COMPEL DISCOVERY', 'Second page of the motion', 'Case No. 24-cv-0042', 'Fed. R. Civ. P. 37', 'Check the deadline']) {
      expect(text).toContain(s);
    }
    const parts = new Set(rows.map((r) => r.part));
    expect(parts).toContain('footnotes');
    expect(parts).toContain('comments');
    // The footer stamp is a Bates number, found on the part that prints it.
    const footer = rows.find((r) => r.text.includes('ACME-000101'))!;
    expect(footer).toMatchObject({ bates: 'ACME-000101', bates_prefix: 'ACME', bates_seq: '101' });
    expect(await metadataOf(w, doc.documentUuid)).toMatchObject({ format: 'docx' });
    expect(await childrenOf(w, doc.documentUuid)).toEqual([]);
    expect(await w.graphQueue.getJob(doc.documentUuid)).not.toBeNull();
  });

  let eml: { doc: CreatedDocument; bytes: Buffer; pdf: Buffer; docx: Buffer };

  it('reads an EML with a PDF and a DOCX attached: headers as metadata, children with parent/index/path, enqueued and OCR’d here', async () => {
    const pdf = buildPdf(['SETTLEMENT AGREEMENT between Acme Corp and Widget LLC', 'Signed on 2 March 2026']);
    const docx = await buildDocx({ body: ['Draft term sheet for the settlement'] });
    const bytes = buildEml({
      from: 'Jane Doe <jane@acme.example>',
      to: ['Bob Roe <bob@widget.example>'],
      cc: ['counsel@firm.example'],
      subject: 'Settlement papers',
      date: new Date('2026-03-02T10:00:00Z'),
      messageId: `settle-${randomUUID()}@acme.example`,
      text: 'Bob, the signed agreement and the term sheet are attached.',
      attachments: [
        { filename: 'agreement.pdf', contentType: 'application/pdf', bytes: pdf },
        { filename: 'term sheet.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx },
      ],
    });
    const doc = await createDocument(w, { name: 'settlement.eml', bytes });
    await w.db.query(
      `INSERT INTO document_occurrences (document_uuid, project_fk_id, source, custodian, path) VALUES ($1, $2, 'upload', 'Jane Doe', 'settlement.eml')`,
      [doc.documentUuid, doc.projectId],
    );
    eml = { doc, bytes, pdf, docx };
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'completed', error_message: null, detected_file_type: 'message/rfc822' });
    const rows = await pagesWithParts(w, doc.documentUuid);
    expect(rows.every((r) => r.engine === 'mailparser')).toBe(true);
    expect(rows.map((r) => r.part)).toContain('email-headers');
    expect(rows.map((r) => r.text).join('\n')).toContain('the signed agreement and the term sheet are attached');
    const meta = await metadataOf(w, doc.documentUuid);
    expect(meta.format).toBe('eml');
    expect(meta.email).toMatchObject({ subject: 'Settlement papers', attachmentCount: 2 });
    expect(meta.email.from[0]).toMatchObject({ address: 'jane@acme.example' });
    expect(state.ocr_metadata).toMatchObject({ family: { children: 2, created: 2, duplicates: 0 } });

    const kids = await childrenDone(w, doc.documentUuid, 2);
    expect(kids.map((k) => [k.attachment_index, k.original_file_name, k.family_path])).toEqual([
      [0, 'agreement.pdf', expect.stringContaining('agreement.pdf')],
      [1, 'term sheet.docx', expect.stringContaining('term sheet.docx')],
    ]);
    for (const k of kids) {
      expect(k.ocr_status).toBe('completed');
      expect(k.document_metadata).toMatchObject({ familyDepth: 1 });
      expect(k.s3_key).toBe(`documents/${doc.projectUuid}/${k.document_uuid}/${k.original_file_name}`);
      const occ = await occurrencesOf(w, k.document_uuid);
      // The parent's custodian is inherited.
      expect(occ).toEqual([
        {
          source: 'attachment',
          custodian: 'Jane Doe',
          path: k.family_path,
          parent_document_uuid: doc.documentUuid,
          attachment_index: k.attachment_index,
        },
      ]);
      // Enqueued by the worker (jobId = the child's UUID) and handed on to the graph queue by its own OCR stage.
      expect(await waitForJob(w.ocrQueue, k.document_uuid)).not.toBeNull();
      expect(await w.graphQueue.getJob(k.document_uuid)).not.toBeNull();
    }
    expect(kids[0].detected_file_type).toBe('application/pdf');
    const pdfPages = await pagesWithParts(w, kids[0].document_uuid);
    expect(pdfPages.map((p) => p.engine)).toEqual(['pdfjs']);
    expect(pdfPages[0].text).toContain('SETTLEMENT AGREEMENT');
    const docxPages = await pagesWithParts(w, kids[1].document_uuid);
    expect(docxPages.map((p) => p.text).join('\n')).toContain('Draft term sheet for the settlement');
  });

  it('a retried parent creates no second child and keeps no second copy of their bytes', async () => {
    const { doc } = eml;
    const before = await childrenOf(w, doc.documentUuid);
    const foldersBefore = storedDocumentFolders(w, doc.projectUuid);
    expect(foldersBefore).toHaveLength(3);
    // Twice, one of them overlapping another run (a stalled job re-run while the first still writes).
    const service = w.app.get(OcrService);
    await service.processDocument(doc.documentUuid);
    await Promise.all([service.processDocument(doc.documentUuid), service.processDocument(doc.documentUuid)]);
    const after = await childrenOf(w, doc.documentUuid);
    expect(after.map((k) => k.document_uuid)).toEqual(before.map((k) => k.document_uuid));
    expect(await documentCount(w, doc.projectId)).toBe(3);
    for (const k of after) expect(await occurrencesOf(w, k.document_uuid)).toHaveLength(1);
    expect(storedDocumentFolders(w, doc.projectUuid)).toEqual(foldersBefore);
  });

  it('a child duplicating a document of the project adds an occurrence to it, not a new document', async () => {
    const pdf = buildPdf(['LEASE AGREEMENT for the premises at 12 Main Street']);
    const existing = await createDocument(w, { name: 'lease.pdf', bytes: pdf });
    const bytes = buildEml({
      from: 'landlord@example.com',
      to: ['tenant@example.com'],
      subject: 'The lease again',
      text: 'Attached once more.',
      attachments: [{ filename: 'Lease (signed).pdf', contentType: 'application/pdf', bytes: pdf }],
    });
    const parent = await createDocument(w, { name: 'lease.eml', bytes, projectId: existing.projectId });
    await enqueueOcr(w, parent.documentUuid);
    const state = await waitForOcr(w, parent.documentUuid);
    expect(state.ocr_status).toBe('completed');
    expect(state.ocr_metadata).toMatchObject({ family: { children: 1, created: 0, duplicates: 1 } });
    expect(await childrenOf(w, parent.documentUuid)).toEqual([]);
    expect(await documentCount(w, existing.projectId)).toBe(2);
    expect(await occurrencesOf(w, existing.documentUuid)).toEqual([
      expect.objectContaining({ source: 'attachment', parent_document_uuid: parent.documentUuid, attachment_index: 0 }),
    ]);
    // The copy stored for the child is gone: only the two documents' folders remain.
    expect(storedDocumentFolders(w, existing.projectUuid)).toEqual([existing.documentUuid, parent.documentUuid].sort());
  });

  it('reads an Outlook MSG: headers, body and its attachment as a child', async () => {
    const bytes = buildMsg({
      from: 'Alice Smith <alice@acme.example>',
      to: ['bob@widget.example'],
      subject: 'Board minutes',
      text: 'Minutes of the March board meeting attached.',
      attachments: [{ filename: 'minutes.txt', contentType: 'text/plain', bytes: Buffer.from('The board approved the merger.\n') }],
    });
    const doc = await createDocument(w, { name: 'minutes.msg', bytes });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'completed', error_message: null, detected_file_type: 'application/vnd.ms-outlook' });
    const rows = await pagesWithParts(w, doc.documentUuid);
    expect(rows.every((r) => r.engine === 'msgreader')).toBe(true);
    expect(rows.map((r) => r.text).join('\n')).toContain('Minutes of the March board meeting');
    expect((await metadataOf(w, doc.documentUuid)).email).toMatchObject({ subject: 'Board minutes' });
    const [kid] = await childrenDone(w, doc.documentUuid, 1);
    expect(kid).toMatchObject({ original_file_name: 'minutes.txt', ocr_status: 'completed', attachment_index: 0 });
    expect((await pagesWithParts(w, kid.document_uuid))[0].text).toContain('The board approved the merger.');
  });

  it('reads an HTML page and a UTF-16 text file', async () => {
    const html = await createDocument(w, {
      name: 'notice.html',
      bytes: Buffer.from(
        '<!DOCTYPE html><html><head><title>Notice</title><script>var x=1;</script></head><body><h1>Notice of Hearing</h1><p>The hearing is set for <b>4 May 2026</b>.</p></body></html>',
      ),
    });
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Déclaration sous serment de Zoë Müller\r\nParis, le 3 mars 2026\r\n', 'utf16le'),
    ]);
    const text = await createDocument(w, { name: 'declaration.txt', bytes: utf16, projectId: html.projectId });
    await Promise.all([enqueueOcr(w, html.documentUuid), enqueueOcr(w, text.documentUuid)]);
    const [h, t] = await Promise.all([waitForOcr(w, html.documentUuid), waitForOcr(w, text.documentUuid)]);
    expect(h).toMatchObject({ ocr_status: 'completed', detected_file_type: 'text/html' });
    expect(h.raw_extracted_text).toContain('Notice of Hearing');
    expect(h.raw_extracted_text).toContain('4 May 2026');
    expect(h.raw_extracted_text).not.toContain('var x');
    expect(t).toMatchObject({ ocr_status: 'completed', detected_file_type: 'text/plain' });
    expect(t.raw_extracted_text).toContain('Déclaration sous serment de Zoë Müller');
    expect((await pagesWithParts(w, text.documentUuid))[0].engine).toBe('text');
  });

  it('expands a ZIP with folders and a ZIP inside: paths kept, depth counted, every entry its own document', async () => {
    const inner = await buildZip([{ path: 'exhibits/exhibit-a.txt', bytes: 'Exhibit A: the invoice of 1 June 2025' }]);
    const outer = await buildZip([
      { path: 'correspondence/2025/letter.txt', bytes: 'Letter of demand sent to Widget LLC' },
      { path: 'correspondence/exhibits.zip', bytes: inner },
      { path: 'filings/motion.docx', bytes: await docxFiling() },
    ]);
    const doc = await createDocument(w, { name: 'production.zip', bytes: outer });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'completed', detected_file_type: 'application/zip' });
    const kids = await childrenDone(w, doc.documentUuid, 3);
    expect(kids.map((k) => [k.original_file_name, k.family_path, k.document_metadata?.familyDepth])).toEqual([
      ['letter.txt', 'correspondence/2025/letter.txt', 1],
      ['exhibits.zip', 'correspondence/exhibits.zip', 1],
      ['motion.docx', 'filings/motion.docx', 1],
    ]);
    expect(kids.every((k) => k.ocr_status === 'completed')).toBe(true);
    for (const k of kids) expect((await occurrencesOf(w, k.document_uuid))[0]).toMatchObject({ source: 'archive', path: k.family_path });
    const [grandchild] = await childrenDone(w, kids[1].document_uuid, 1);
    expect(grandchild).toMatchObject({ original_file_name: 'exhibit-a.txt', family_path: 'exhibits/exhibit-a.txt', ocr_status: 'completed' });
    expect(grandchild.document_metadata).toMatchObject({ familyDepth: 2 });
    expect((await pagesWithParts(w, grandchild.document_uuid))[0].text).toContain('Exhibit A: the invoice');
  });

  it('keeps one document for the same file twice in an archive, with an occurrence for each path', async () => {
    const same = 'The same exhibit, filed twice';
    const doc = await createDocument(w, {
      name: 'twice.zip',
      bytes: await buildZip([
        { path: 'a/exhibit.txt', bytes: same },
        { path: 'b/exhibit copy.txt', bytes: same },
      ]),
    });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_metadata).toMatchObject({ family: { children: 2, created: 1, duplicates: 1 } });
    const [kid] = await childrenDone(w, doc.documentUuid, 1);
    expect(kid).toMatchObject({ family_path: 'a/exhibit.txt', attachment_index: 0 });
    expect((await occurrencesOf(w, kid.document_uuid)).map((o) => [o.source, o.path, o.attachment_index])).toEqual([
      ['archive', 'a/exhibit.txt', 0],
      ['archive', 'b/exhibit copy.txt', 1],
    ]);
    expect(storedDocumentFolders(w, doc.projectUuid)).toEqual([doc.documentUuid, kid.document_uuid].sort());
  });

  it('does not expand a container nested as deep as the limit (3): a warning, and the parent completes', async () => {
    const zip = await buildZip([{ path: 'deep.txt', bytes: 'too deep to be expanded' }]);
    const doc = await createDocument(w, { name: 'deep.zip', bytes: zip });
    await w.db.query(`UPDATE source_documents SET document_metadata = '{"familyDepth": 3}' WHERE document_uuid = $1`, [doc.documentUuid]);
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_status).toBe('completed');
    expect((state.ocr_metadata as { warnings: string[] }).warnings).toContain('nested 3 deep: its contents were not expanded');
    expect(await childrenOf(w, doc.documentUuid)).toEqual([]);
    // The row's family depth is kept through the format's metadata.
    expect(await metadataOf(w, doc.documentUuid)).toMatchObject({ familyDepth: 3, format: 'zip' });
  });

  it('opens an encrypted PDF with its sealed password, then deletes the secret', async () => {
    const bytes = buildEncryptedPdf({ password: 'tr0ub4dor', pages: ['PRIVILEGED MEMORANDUM on the merger', 'Second page of the memo'] });
    const doc = await createDocument(w, { name: 'memo.pdf', bytes });
    await w.db.query('INSERT INTO document_secrets (document_uuid, ciphertext) VALUES ($1, $2)', [
      doc.documentUuid,
      sealSecret(PASSWORD_KEY, doc.documentUuid, 'tr0ub4dor'),
    ]);
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'completed', error_message: null, page_count: 2 });
    expect(state.raw_extracted_text).toContain('PRIVILEGED MEMORANDUM');
    expect(JSON.stringify(state.ocr_metadata)).not.toContain('tr0ub4dor');
    expect(await w.db.query('SELECT 1 FROM document_secrets WHERE document_uuid = $1', [doc.documentUuid])).toEqual([]);
  });

  it('fails an encrypted PDF whose password is wrong, or sealed under another key, with a reason; the secret is gone', async () => {
    const bytes = buildEncryptedPdf({ password: 'right-one', pages: ['Sealed settlement terms'] });
    const wrong = await createDocument(w, { name: 'terms.pdf', bytes });
    const otherKey = await createDocument(w, {
      name: 'terms-copy.pdf',
      bytes: Buffer.concat([bytes, Buffer.from('\n')]),
      projectId: wrong.projectId,
    });
    await w.db.query('INSERT INTO document_secrets (document_uuid, ciphertext) VALUES ($1, $2), ($3, $4)', [
      wrong.documentUuid,
      sealSecret(PASSWORD_KEY, wrong.documentUuid, 'not-it'),
      otherKey.documentUuid,
      sealSecret(randomBytes(32), otherKey.documentUuid, 'right-one'),
    ]);
    await Promise.all([enqueueOcr(w, wrong.documentUuid), enqueueOcr(w, otherKey.documentUuid)]);
    const [a, b] = await Promise.all([waitForOcr(w, wrong.documentUuid), waitForOcr(w, otherKey.documentUuid)]);
    expect(a).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/password/i) });
    expect(a.error_message).not.toContain('not-it');
    expect(b).toMatchObject({
      status: 'failed',
      error_message: 'the password could not be read (DOCUMENT_PASSWORD_KEY changed?): retry with the password',
    });
    for (const d of [wrong, otherKey]) {
      expect(await w.db.query('SELECT 1 FROM document_secrets WHERE document_uuid = $1', [d.documentUuid])).toEqual([]);
      expect((await waitForJob(w.ocrQueue, d.documentUuid)).attemptsMade).toBe(1);
    }
  });

  it('writes page progress to doc:progress for a multi-page document, with a TTL', async () => {
    const doc = await createDocument(w, { name: 'complaint.pdf', bytes: generatedDocument('complaint.pdf').bytes });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_status).toBe('completed');
    const pageCount = state.page_count!;
    expect(pageCount).toBe(generatedDocument('complaint.pdf').pages.length);
    expect(pageCount).toBeGreaterThan(1);
    const hash = await redis.hgetall(redisKeys.docProgress(doc.documentUuid));
    expect(hash).toMatchObject({ pagesDone: String(pageCount), pageCount: String(pageCount) });
    expect(Number.isNaN(Date.parse(hash.updatedAt))).toBe(false);
    const ttl = await redis.ttl(redisKeys.docProgress(doc.documentUuid));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(DOC_PROGRESS_TTL_S);
    await redis.del(redisKeys.docProgress(doc.documentUuid));
  });

  it('stores every page of a 3-page TIFF, each with the Bates number stamped on it', async () => {
    const bytes = await buildTiff(
      [1, 2, 3].map((n) => ({
        lines: [`EXHIBIT PAGE ${n} OF THE PRODUCTION`, 'Confidential settlement terms', '', `ACME-${String(200 + n).padStart(6, '0')}`],
      })),
      { stripsPerPage: 3, fontSize: 22 },
    );
    const doc = await createDocument(w, { name: 'production.tif', bytes });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid, 120_000);
    expect(state).toMatchObject({ ocr_status: 'completed', page_count: 3, detected_file_type: 'image/tiff' });
    const rows = await pagesWithParts(w, doc.documentUuid);
    expect(rows.map((r) => [r.page_number, r.engine])).toEqual([
      [1, 'tesseract'],
      [2, 'tesseract'],
      [3, 'tesseract'],
    ]);
    rows.forEach((r, i) => expect(r.text).toContain(`PAGE ${i + 1}`));
    expect(rows.map((r) => [r.bates, r.bates_prefix, r.bates_seq])).toEqual([
      ['ACME-000201', 'ACME', '201'],
      ['ACME-000202', 'ACME', '202'],
      ['ACME-000203', 'ACME', '203'],
    ]);
    expect(await redis.hgetall(redisKeys.docProgress(doc.documentUuid))).toMatchObject({ pagesDone: '3', pageCount: '3' });
    await redis.del(redisKeys.docProgress(doc.documentUuid));
  });

  it('takes each page’s Bates number from the production’s load file when the row has one, and keeps the production fields', async () => {
    const pdfDoc = generatedDocument('complaint.pdf');
    const doc = await createDocument(w, { name: 'PROD000010.pdf', bytes: pdfDoc.bytes });
    const pageBates = pdfDoc.pages.map((_, i) => `PROD-${String(10 + i).padStart(6, '0')}`);
    const production = {
      productionUuid: randomUUID(),
      fields: { BEGBATES: pageBates[0] },
      begBates: pageBates[0],
      endBates: pageBates.at(-1),
      pageBates,
      custodian: 'Jane Doe',
    };
    await w.db.query(`UPDATE source_documents SET document_metadata = $2::jsonb WHERE document_uuid = $1`, [
      doc.documentUuid,
      JSON.stringify({ production, familyDepth: 0 }),
    ]);
    await enqueueOcr(w, doc.documentUuid);
    expect((await waitForOcr(w, doc.documentUuid)).ocr_status).toBe('completed');
    const rows = await pagesWithParts(w, doc.documentUuid);
    expect(rows.map((r) => [r.bates, r.bates_prefix, r.bates_seq])).toEqual(pageBates.map((b, i) => [b, 'PROD', String(10 + i)]));
    expect(await metadataOf(w, doc.documentUuid)).toEqual({ production, familyDepth: 0, format: 'pdf' });
  });

  it('leaves the children pending for the reconciler when their jobs cannot be added; the parent completes', async () => {
    const bytes = await buildZip([
      { path: 'a.txt', bytes: 'First file of the archive' },
      { path: 'b.txt', bytes: 'Second file of the archive' },
    ]);
    const doc = await createDocument(w, { name: 'pending.zip', bytes });
    const spy = jest.spyOn(w.ocrQueue, 'addBulk').mockRejectedValueOnce(new Error('Connection is closed.'));
    try {
      await w.app.get(OcrService).processDocument(doc.documentUuid);
    } finally {
      spy.mockRestore();
    }
    expect((await waitForOcr(w, doc.documentUuid)).ocr_status).toBe('completed');
    const kids = await childrenOf(w, doc.documentUuid);
    expect(kids.map((k) => [k.original_file_name, k.status, k.ocr_status])).toEqual([
      ['a.txt', 'pending', 'pending'],
      ['b.txt', 'pending', 'pending'],
    ]);
    for (const k of kids) expect(await w.ocrQueue.getJob(k.document_uuid)).toBeNull();
    // A retry of the parent (or the reconciler) enqueues the children still pending; nothing is created twice.
    await w.app.get(OcrService).processDocument(doc.documentUuid);
    const again = await childrenDone(w, doc.documentUuid, 2);
    expect(again.map((k) => k.document_uuid)).toEqual(kids.map((k) => k.document_uuid));
    expect(again.every((k) => k.ocr_status === 'completed')).toBe(true);
  });

  it('fails hostile files with readable reasons, at once, leaving no child rows and no stored children', async () => {
    const corruptDocx = await buildZip([
      {
        path: '[Content_Types].xml',
        bytes: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml"/></Types>',
      },
      { path: 'word/document.xml', bytes: '<w:document><<<< this is not XML' },
    ]);
    const msgGarbage = Buffer.concat([
      Buffer.from('d0cf11e0a1b11ae1', 'hex'),
      randomBytes(2000),
      Buffer.from('__substg1.0_0037001F', 'utf16le'),
      randomBytes(2000),
    ]);
    const bomb = buildZipBomb({ mib: 200 });
    const emptyZip = Buffer.concat([Buffer.from('504b0506', 'hex'), Buffer.alloc(18)]);
    const emptyHtml = Buffer.from('<!DOCTYPE html><html><head><title></title></head><body>   </body></html>');
    const cases = [
      { name: 'brief.docx', bytes: corruptDocx, reason: /docx|word|corrupt|document\.xml/i },
      { name: 'mail.msg', bytes: msgGarbage, reason: /msg|outlook|corrupt|compound|not a supported/i },
      { name: 'archive.zip', bytes: bomb, reason: /bomb|ratio|limit|larger|over/i },
      // Its header lies about the size: only inflating shows it, after the first entry was stored (and is removed).
      { name: 'liar.zip', bytes: buildZipBomb({ mib: 64, declaredSize: 2000 }), reason: /bomb/i },
      { name: 'nothing.zip', bytes: emptyZip, reason: /empty|no files/i },
      { name: 'blank.html', bytes: emptyHtml, reason: /no text|empty/i },
    ];
    const first = await createDocument(w, { name: cases[0].name, bytes: cases[0].bytes });
    const docs = [first];
    for (const c of cases.slice(1)) docs.push(await createDocument(w, { name: c.name, bytes: c.bytes, projectId: first.projectId }));
    await Promise.all(docs.map((d) => enqueueOcr(w, d.documentUuid)));
    for (const [i, d] of docs.entries()) {
      const state = await waitForOcr(w, d.documentUuid);
      expect({ name: cases[i].name, status: state.status }).toEqual({ name: cases[i].name, status: 'failed' });
      expect(state.error_message).toMatch(cases[i].reason);
      expect(state.error_message!.length).toBeLessThan(400);
      expect((await waitForJob(w.ocrQueue, d.documentUuid)).attemptsMade).toBe(1);
      expect(await childrenOf(w, d.documentUuid)).toEqual([]);
      expect(await w.graphQueue.getJob(d.documentUuid)).toBeNull();
    }
    expect(await documentCount(w, first.projectId)).toBe(docs.length);
    expect(storedDocumentFolders(w, first.projectUuid)).toEqual(docs.map((d) => d.documentUuid).sort());
    // Identified before it failed: the original is served as what it is, not as the ZIP container it looked like.
    expect((await waitForOcr(w, first.documentUuid)).detected_file_type).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
  });

  it('leaves no child behind when the parent is deleted while its children are being stored', async () => {
    const bytes = buildEml({
      from: 'a@example.com',
      to: ['b@example.com'],
      subject: 'Going away',
      text: 'See attached.',
      attachments: [{ filename: 'note.txt', contentType: 'text/plain', bytes: Buffer.from('A note that never becomes a document') }],
    });
    const doc = await createDocument(w, { name: 'gone.eml', bytes });
    // The parent is deleted right after its children were stored, before its pages are written.
    const children = w.app.get(ChildrenService);
    const stage = children.stage.bind(children);
    const spy = jest.spyOn(children, 'stage').mockImplementationOnce(async (...args: Parameters<ChildrenService['stage']>) => {
      const staged = await stage(...args);
      await w.db.query('DELETE FROM source_documents WHERE document_uuid = $1', [doc.documentUuid]);
      return staged;
    });
    try {
      await expect(w.app.get(OcrService).processDocument(doc.documentUuid)).rejects.toThrow(/does not exist|not found/);
    } finally {
      spy.mockRestore();
    }
    expect(await childrenOf(w, doc.documentUuid)).toEqual([]);
    expect(await documentCount(w, doc.projectId)).toBe(0);
    // Only the (now orphaned by the test's own delete) parent's bytes remain; no child copy.
    expect(storedDocumentFolders(w, doc.projectUuid)).toEqual([doc.documentUuid]);
  });
});
