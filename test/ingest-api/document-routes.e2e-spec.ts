/**
 * The document routes of issue 14 against real PostgreSQL, Redis and local storage: the original file (bytes,
 * headers, hostile names), the text (pages, parts, Bates, errors), key scoping, and the document's family,
 * occurrences, metadata, Bates range and OCR page progress; deleting a parent detaches its children.
 * Child documents are inserted with insertDocuments (@casegraph/intake), exactly as the OCR worker inserts them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { SUPPORTED_FORMATS_SENTENCE, redisKeys } from '@casegraph/contracts';
import { buildDocx, buildEml, buildMsg } from '@casegraph/formats/testing';
import { IntakeProject, NewDocument, insertDocuments } from '@casegraph/intake';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';

const ADMIN = `admin-${randomUUID()}`;
const BOUND = `bound-${randomUUID()}`;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('document routes: file, text, family, occurrences, progress', () => {
  let t: TestApp;
  let redis: Redis;
  const projectIds: number[] = [];
  let a: IntakeProject;
  let b: IntakeProject;
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const bound = { 'X-API-Key': BOUND };
  const redisKeysToDrop: string[] = [];

  const newProject = async (label: string, projectUuid = randomUUID()): Promise<IntakeProject> => {
    const name = uniqueName(label);
    const [row] = await t.db.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, $2) RETURNING id`, [name, projectUuid]);
    projectIds.push(row.id);
    return { id: Number(row.id), projectUuid, name };
  };

  beforeAll(async () => {
    const projectA = randomUUID();
    t = await createTestApp({ CASEGRAPH_API_KEYS: `${ADMIN},${BOUND}:${projectA}` });
    redis = new Redis(process.env.REDIS_URL!);
    a = await newProject('routes-a', projectA);
    b = await newProject('routes-b');
  });

  afterAll(async () => {
    if (redisKeysToDrop.length) await redis?.del(...redisKeysToDrop);
    if (t) await cleanupTestData(t, projectIds);
    redis?.disconnect();
    await t?.close();
  });

  const api = () => request(t.http);
  const upload = async (project: IntakeProject, bytes: Buffer, filename: string): Promise<string> => {
    const res = await api().post(`/v1/projects/${project.projectUuid}/documents`).set(admin).attach('files', bytes, filename).expect(202);
    return res.body.documents[0].documentUuid;
  };

  /** A document row (and optionally its stored bytes) inserted as the OCR worker inserts a child. */
  const insertDoc = async (project: IntakeProject, doc: Partial<NewDocument> & { filename: string; bytes?: Buffer }): Promise<string> => {
    const documentUuid = doc.documentUuid ?? randomUUID();
    const s3Key = `documents/${project.projectUuid}/${documentUuid}/${doc.filename.replace(/[\\/\r\n"]/g, '_')}`;
    if (doc.bytes) {
      const path = join(t.storageDir, s3Key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, doc.bytes);
    }
    const { bytes, ...rest } = doc;
    const { inserted, duplicates } = await insertDocuments(t.db.manager, project, [
      {
        s3Bucket: null,
        fileSizeBytes: bytes?.length ?? null,
        fileType: null,
        detectedFileType: null,
        sha256: bytes ? sha(bytes) : null,
        occurrence: { source: 'upload' },
        ...rest,
        documentUuid,
        s3Key,
      },
    ]);
    if (inserted.has(documentUuid)) return documentUuid;
    return duplicates.get(sha(bytes!))!.documentUuid;
  };

  const completeOcr = async (documentUuid: string, pages: Array<{ text: string; part?: string; bates?: string }>) => {
    await t.db.query(`UPDATE source_documents SET ocr_status = 'completed', ocr_completed_at = now(), page_count = $2 WHERE document_uuid = $1`, [
      documentUuid,
      pages.length,
    ]);
    await t.db.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, confidence, engine, part, bates)
       SELECT $1, p.n, p.t, 100, 'test', p.part, p.bates
         FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS p(t, part, bates, n)`,
      [documentUuid, pages.map((p) => p.text), pages.map((p) => p.part ?? null), pages.map((p) => p.bates ?? null)],
    );
  };

  describe('GET /v1/documents/:documentUuid/file', () => {
    it('streams the exact bytes with the detected type, a safe attachment name, nosniff and the length', async () => {
      const bytes = buildEml({ from: 'a@example.com', to: ['b@example.com'], subject: 'S', text: `file ${randomUUID()}` });
      const uuid = await upload(a, bytes, 'invoice\u202Efdp.exe');
      const res = await api()
        .get(`/v1/documents/${uuid}/file`)
        .set(admin)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(Buffer.compare(res.body as Buffer, bytes)).toBe(0);
      expect(res.headers['content-type']).toBe('message/rfc822');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-length']).toBe(String(bytes.length));
      expect(res.headers['content-disposition']).toBe(`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`);
    });

    it('before OCR identifies a ZIP or OLE file, serves the declared DOCX / MSG type, else application/zip / octet-stream', async () => {
      const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
      const docx = await buildDocx({ body: [`brief ${randomUUID()}`] });
      const msg = buildMsg({ from: 'a@example.com', to: ['b@example.com'], subject: `m ${randomUUID()}`, text: 'hello' });
      const send = async (bytes: Buffer, filename: string, contentType?: string) => {
        const res = await api()
          .post(`/v1/projects/${a.projectUuid}/documents`)
          .set(admin)
          .attach('files', bytes, contentType ? { filename, contentType } : { filename })
          .expect(202);
        return res.body.documents[0].documentUuid as string;
      };
      const typeOf = async (uuid: string) => (await api().get(`/v1/documents/${uuid}/file`).set(admin).expect(200)).headers['content-type'];
      const declared = await send(docx, 'brief.docx', DOCX);
      // Upload records the container's type; the OCR stage (not run here) identifies the whole file.
      const [row] = await t.db.query(`SELECT detected_file_type, ocr_status FROM source_documents WHERE document_uuid = $1`, [declared]);
      expect(row).toEqual({ detected_file_type: 'application/zip', ocr_status: 'pending' });
      expect(await typeOf(declared)).toBe(DOCX);
      // A ZIP declared as something it cannot be, or not declared: the container's type.
      expect(await typeOf(await send(Buffer.concat([docx, Buffer.from('x')]), 'brief2.docx', 'application/pdf'))).toBe('application/zip');
      expect(await typeOf(await send(Buffer.concat([docx, Buffer.from('y')]), 'brief3.docx', 'application/octet-stream'))).toBe('application/zip');
      expect(await typeOf(await send(msg, 'note.msg', 'application/vnd.ms-outlook'))).toBe('application/vnd.ms-outlook');
      expect(await typeOf(await send(Buffer.concat([msg, Buffer.alloc(512)]), 'note2.msg', 'text/plain'))).toBe('application/octet-stream');
    });

    it('never puts quotes, CR/LF or path separators of a stored name into the header', async () => {
      const bytes = Buffer.from(`quoted ${randomUUID()}\n`);
      // As a batch manifest or an adopted database may have stored it: quotes, CR/LF, a header after them.
      const uuid = await insertDoc(a, { filename: 'say "hi"\r\nX-Evil: 1.txt', bytes, detectedFileType: 'text/plain' });
      const res = await api().get(`/v1/documents/${uuid}/file`).set(admin).expect(200);
      expect(res.headers['x-evil']).toBeUndefined();
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="say _hi_X-Evil_ 1.txt"; filename*=UTF-8''say%20%22hi%22X-Evil%3A%201.txt`,
      );
      const withPath = await insertDoc(a, { filename: '..\\..\\etc\\notes.txt', bytes: Buffer.from(`p ${randomUUID()}`) });
      const p = await api().get(`/v1/documents/${withPath}/file`).set(admin).expect(200);
      expect(p.headers['content-disposition']).toBe(`attachment; filename="notes.txt"; filename*=UTF-8''notes.txt`);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe(bytes.toString());
    });

    it('answers 404 with a reason (not 500) when the stored file is missing; octet-stream when no type is known', async () => {
      const gone = await insertDoc(a, { filename: 'gone.pdf' });
      const res = await api().get(`/v1/documents/${gone}/file`).set(admin).expect(404);
      expect(res.body.message).toMatch(/stored file is missing/);
      const untyped = await insertDoc(a, { filename: 'blob.bin', bytes: randomBytes(100) });
      const ok = await api().get(`/v1/documents/${untyped}/file`).set(admin).expect(200);
      expect(ok.headers['content-type']).toBe('application/octet-stream');
      await api().get(`/v1/documents/${randomUUID()}/file`).set(admin).expect(404);
      await api().get(`/v1/documents/not-a-uuid/file`).set(admin).expect(400);
    });
  });

  describe('GET /v1/documents/:documentUuid/text', () => {
    let uuid: string;

    beforeAll(async () => {
      uuid = await insertDoc(a, { filename: 'letter.docx', bytes: Buffer.from(`docx ${randomUUID()}`) });
    });

    it('409 until the OCR stage completed', async () => {
      const res = await api().get(`/v1/documents/${uuid}/text`).set(admin).expect(409);
      expect(res.body.message).toMatch(/text not extracted yet/);
    });

    it('answers every page with its part and Bates number, or one page', async () => {
      await completeOcr(uuid, [
        { text: 'Body page one', bates: 'ABC000001' },
        { text: 'Body page two', bates: 'ABC000002' },
        { text: 'Case 1:24-cv-1', part: 'headers' },
      ]);
      const all = await api().get(`/v1/documents/${uuid}/text`).set(admin).expect(200);
      expect(all.body).toEqual({
        documentUuid: uuid,
        pageCount: 3,
        pages: [
          { page: 1, part: null, bates: 'ABC000001', text: 'Body page one' },
          { page: 2, part: null, bates: 'ABC000002', text: 'Body page two' },
          { page: 3, part: 'headers', bates: null, text: 'Case 1:24-cv-1' },
        ],
      });
      const two = await api().get(`/v1/documents/${uuid}/text?page=2`).set(admin).expect(200);
      expect(two.body).toEqual({ documentUuid: uuid, pageCount: 3, pages: [{ page: 2, part: null, bates: 'ABC000002', text: 'Body page two' }] });
    });

    it('400 for a page that is not an integer of at least 1, 404 beyond the page count', async () => {
      for (const page of ['0', '-1', '1.5', 'abc', '']) {
        const res = await api().get(`/v1/documents/${uuid}/text?page=${page}`).set(admin).expect(400);
        expect(res.body.errors[0].field).toBe('page');
      }
      const beyond = await api().get(`/v1/documents/${uuid}/text?page=4`).set(admin).expect(404);
      expect(beyond.body.message).toMatch(/has 3 pages; there is no page 4/);
      await api().get(`/v1/documents/${uuid}/text?other=1`).set(admin).expect(400);
    });
  });

  describe('key scoping', () => {
    it("a key bound to a project reads its documents' file and text, and gets 403 for another project's, existing or not", async () => {
      const mine = await insertDoc(a, { filename: 'mine.txt', bytes: Buffer.from(`mine ${randomUUID()}`), detectedFileType: 'text/plain' });
      const theirs = await insertDoc(b, { filename: 'theirs.txt', bytes: Buffer.from(`theirs ${randomUUID()}`), detectedFileType: 'text/plain' });
      await completeOcr(mine, [{ text: 'mine' }]);
      await completeOcr(theirs, [{ text: 'theirs' }]);
      await api().get(`/v1/documents/${mine}/file`).set(bound).expect(200);
      await api().get(`/v1/documents/${mine}/text`).set(bound).expect(200);
      for (const route of ['file', 'text', 'text?page=1']) {
        const res = await api().get(`/v1/documents/${theirs}/${route}`).set(bound).expect(403);
        expect(JSON.stringify(res.body)).not.toContain('theirs');
        await api().get(`/v1/documents/${randomUUID()}/${route}`).set(bound).expect(403);
        await api().get(`/v1/documents/${mine}/${route}`).expect(401);
      }
      await api().get(`/v1/documents/${theirs}/file`).set(admin).expect(200);
      await api().post(`/v1/documents/${theirs}/retry`).set(bound).send({ password: 'x' }).expect(403);
    });
  });

  describe('family, occurrences, metadata, Bates and progress in the document', () => {
    let email: string;
    let child: string;
    let existing: string;

    beforeAll(async () => {
      // An e-mail (uploaded), an attachment read out of it (new), and one that duplicates a document uploaded before.
      const emailBytes = buildEml({ from: 'Jane <jane@example.com>', to: ['bob@example.com'], subject: 'Offer', text: `e ${randomUUID()}` });
      email = await upload(a, emailBytes, 'offer.eml');
      const existingBytes = Buffer.from(`already here ${randomUUID()}\n`);
      existing = await upload(a, existingBytes, 'terms.txt');
      await t.db.query(`UPDATE source_documents SET document_metadata = $2 WHERE document_uuid = $1`, [
        email,
        JSON.stringify({
          format: 'eml',
          familyDepth: 0,
          email: { subject: 'Offer', from: [{ name: 'Jane', address: 'jane@example.com' }], to: [], cc: [], bcc: [], attachmentCount: 2 },
        }),
      ]);
      child = await insertDoc(a, {
        filename: 'offer.pdf',
        bytes: Buffer.from(`%PDF-1.4 child ${randomUUID()}`),
        detectedFileType: 'application/pdf',
        parentDocumentUuid: email,
        attachmentIndex: 0,
        familyPath: 'offer.pdf',
        documentMetadata: { familyDepth: 1 },
        occurrence: { source: 'attachment', custodian: 'Jane Custodian' },
      });
      const dup = await insertDoc(a, {
        filename: 'terms copy.txt',
        bytes: existingBytes,
        parentDocumentUuid: email,
        attachmentIndex: 1,
        familyPath: 'terms copy.txt',
        occurrence: { source: 'attachment' },
      });
      expect(dup).toBe(existing);
    });

    it("shows a parent's children (its own and a duplicate, by occurrence), in order, and its metadata without familyDepth", async () => {
      const res = await api().get(`/v1/documents/${email}`).set(admin).expect(200);
      expect(res.body.family).toEqual({
        parent: null,
        children: [
          { documentUuid: child, filename: 'offer.pdf', attachmentIndex: 0, path: 'offer.pdf', status: 'pending' },
          { documentUuid: existing, filename: 'terms.txt', attachmentIndex: 1, path: 'terms copy.txt', status: 'pending' },
        ],
      });
      expect(res.body.metadata).toEqual({
        format: 'eml',
        email: { subject: 'Offer', from: [{ name: 'Jane', address: 'jane@example.com' }], to: [], cc: [], bcc: [], attachmentCount: 2 },
      });
      expect(res.body.detectedFileType).toBe('message/rfc822');
      expect(res.body.occurrences).toEqual([
        { source: 'upload', custodian: null, path: 'offer.eml', parentDocumentUuid: null, attachmentIndex: null, createdAt: expect.any(String) },
      ]);
    });

    it("shows a child's parent, and every origin of a duplicate", async () => {
      const c = await api().get(`/v1/documents/${child}`).set(admin).expect(200);
      expect(c.body.family).toEqual({
        parent: { documentUuid: email, filename: 'offer.eml', attachmentIndex: 0, path: 'offer.pdf' },
        children: [],
      });
      expect(c.body.metadata).toEqual({});
      expect(c.body.occurrences).toEqual([
        expect.objectContaining({ source: 'attachment', custodian: 'Jane Custodian', parentDocumentUuid: email, attachmentIndex: 0 }),
      ]);
      const d = await api().get(`/v1/documents/${existing}`).set(admin).expect(200);
      expect(d.body.family.parent).toBeNull();
      expect(
        d.body.occurrences.map((o: { source: string; path: string; parentDocumentUuid: string | null }) => [o.source, o.path, o.parentDocumentUuid]),
      ).toEqual([
        ['upload', 'terms.txt', null],
        ['attachment', 'terms copy.txt', email],
      ]);
    });

    it('lists the children of a document (?parent=) and the documents of a custodian (?custodian=)', async () => {
      const kids = await api().get(`/v1/projects/${a.projectUuid}/documents?parent=${email}`).set(admin).expect(200);
      expect(kids.body.items.map((d: { documentUuid: string }) => d.documentUuid).sort()).toEqual([child, existing].sort());
      expect(kids.body.total).toBe(2);
      const item = kids.body.items.find((d: { documentUuid: string }) => d.documentUuid === child);
      expect(item.family.parent).toMatchObject({ documentUuid: email, filename: 'offer.eml' });
      const jane = await api().get(`/v1/projects/${a.projectUuid}/documents`).query({ custodian: 'Jane Custodian' }).set(admin).expect(200);
      expect(jane.body.items.map((d: { documentUuid: string }) => d.documentUuid)).toEqual([child]);
      await api().get(`/v1/projects/${a.projectUuid}/documents?parent=nope`).set(admin).expect(400);
      const none = await api().get(`/v1/projects/${b.projectUuid}/documents?parent=${email}`).set(admin).expect(200);
      expect(none.body).toMatchObject({ items: [], total: 0 });
    });

    it('shows the Bates range of its pages, and OCR page progress from Redis while it runs, the page count once done', async () => {
      await completeOcr(child, [{ text: 'one', bates: 'ABC000010' }, { text: 'two' }, { text: 'three', bates: 'ABC000012' }]);
      const done = await api().get(`/v1/documents/${child}`).set(admin).expect(200);
      expect(done.body.bates).toEqual({ first: 'ABC000010', last: 'ABC000012' });
      expect(done.body.stages.ocr).toMatchObject({ status: 'completed', pagesDone: 3, pageCount: 3 });

      await t.db.query(
        `UPDATE source_documents SET ocr_status = 'processing', status = 'processing', current_stage = 'ocr' WHERE document_uuid = $1`,
        [email],
      );
      const before = await api().get(`/v1/documents/${email}`).set(admin).expect(200);
      expect(before.body.stages.ocr.status).toBe('processing');
      expect(before.body.stages.ocr).not.toHaveProperty('pagesDone');
      expect(before.body.bates).toBeNull();
      const key = redisKeys.docProgress(email);
      redisKeysToDrop.push(key);
      await redis.hset(key, { pagesDone: '2', pageCount: '5', updatedAt: String(Date.now()) });
      const running = await api().get(`/v1/documents/${email}`).set(admin).expect(200);
      expect(running.body.stages.ocr).toMatchObject({ status: 'processing', pagesDone: 2, pageCount: 5 });
      const listed = await api().get(`/v1/projects/${a.projectUuid}/documents`).set(admin).expect(200);
      expect(listed.body.items.find((d: { documentUuid: string }) => d.documentUuid === email).stages.ocr).toMatchObject({
        pagesDone: 2,
        pageCount: 5,
      });
    });

    it('deleting the parent keeps its children (without a parent), removes the occurrences naming it and its progress key', async () => {
      const key = redisKeys.docProgress(email);
      await redis.hset(key, { pagesDone: '1', pageCount: '1' });
      await api().delete(`/v1/documents/${email}`).set(admin).expect(200);
      await api().get(`/v1/documents/${email}`).set(admin).expect(404);
      expect(await redis.exists(key)).toBe(0);
      expect(await t.db.query(`SELECT 1 FROM document_occurrences WHERE document_uuid = $1 OR parent_document_uuid = $1`, [email])).toEqual([]);

      const c = await api().get(`/v1/documents/${child}`).set(admin).expect(200);
      expect(c.body.family.parent).toBeNull();
      const d = await api().get(`/v1/documents/${existing}`).set(admin).expect(200);
      expect(d.body.occurrences.map((o: { source: string }) => o.source)).toEqual(['upload']);
      const kids = await api().get(`/v1/projects/${a.projectUuid}/documents?parent=${email}`).set(admin).expect(200);
      expect(kids.body.total).toBe(0);
    });

    it('deleting a document takes its sealed password and its occurrences with it', async () => {
      const uuid = await insertDoc(a, { filename: 'sealed.pdf', bytes: Buffer.from(`%PDF-1.4 ${randomUUID()}`) });
      await t.db.query(`INSERT INTO document_secrets (document_uuid, ciphertext) VALUES ($1, $2)`, [uuid, randomBytes(40)]);
      await api().delete(`/v1/documents/${uuid}`).set(admin).expect(200);
      expect(await t.db.query(`SELECT 1 FROM document_secrets WHERE document_uuid = $1`, [uuid])).toEqual([]);
      expect(await t.db.query(`SELECT 1 FROM document_occurrences WHERE document_uuid = $1`, [uuid])).toEqual([]);
    });
  });

  it('the OpenAPI document says the formats, the password field and body, the new routes and what a delete keeps', async () => {
    const doc = (await api().get('/docs-json').expect(200)).body;
    const up = doc.paths['/v1/projects/{projectUuid}/documents'].post;
    expect(up.responses['415'].description).toContain(SUPPORTED_FORMATS_SENTENCE);
    expect(up.description).toContain(SUPPORTED_FORMATS_SENTENCE);
    expect(up.requestBody.content['multipart/form-data'].schema.properties.password).toMatchObject({ type: 'string', maxLength: 1024 });
    const retry = doc.paths['/v1/documents/{documentUuid}/retry'].post;
    expect(retry.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RetryDocumentDto' });
    expect(doc.components.schemas.RetryDocumentDto.properties.password).toMatchObject({ type: 'string', minLength: 1, maxLength: 1024 });
    expect(Object.keys(doc.paths['/v1/documents/{documentUuid}/file'].get.responses)).toEqual(expect.arrayContaining(['200', '403', '404']));
    const text = doc.paths['/v1/documents/{documentUuid}/text'].get;
    expect(text.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DocumentTextDto' });
    expect(Object.keys(text.responses)).toEqual(expect.arrayContaining(['400', '403', '404', '409']));
    expect(Object.keys(doc.components.schemas.DocumentDto.properties)).toEqual(
      expect.arrayContaining(['family', 'occurrences', 'metadata', 'bates', 'detectedFileType']),
    );
    expect(doc.paths['/v1/documents/{documentUuid}'].delete.description).toContain('children');
  });
});
