import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { redisKeys } from '@casegraph/contracts';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, filesUnder, footprint } from '../../apps/ingest-api/src/testing/helpers';
import { generatedBytes } from '../../libs/testing/src/documents';
import { UploadService } from '../../apps/ingest-api/src/documents/upload.service';
import { DocumentIntakeService } from '../../apps/ingest-api/src/intake/document-intake.service';
import { LocalS3Server, startS3Server } from '@casegraph/testing';

// Generated documents (@casegraph/testing): a text PDF, a scanned page, a grainy image and the PDF's text.
const PDF = generatedBytes('complaint.pdf');
const SCAN_PNG = generatedBytes('scanned-notice.png');
const BIG_PNG = generatedBytes('photo-noise.png'); // 470 KB of noise: over the 0.2 MiB limit below
/** Bytes of no document type (NULs and control bytes throughout: not text either). */
const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('POST /v1/projects/:projectUuid/documents (multipart upload)', () => {
  let t: TestApp;
  let redis: Redis;
  const projectIds: number[] = [];

  beforeAll(async () => {
    t = await createTestApp({ MAX_FILE_MB: '0.2', MAX_FILES_PER_UPLOAD: '4' });
    redis = new Redis(process.env.REDIS_URL!);
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    redis?.disconnect();
    await t?.close();
  });

  const upload = (projectUuid: string) => request(t.http).post(`/v1/projects/${projectUuid}/documents`);

  /** A raw multipart upload on the app's port, sent by the caller (write / end / destroy). */
  async function rawUpload(projectUuid: string, boundary: string, contentLength: number) {
    const server = t.app.getHttpServer();
    if (!server.address()) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return httpRequest({
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      method: 'POST',
      path: `/v1/projects/${projectUuid}/documents`,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': contentLength },
    });
  }

  it('streams files to storage, creates pending documents, caches their context and enqueues OCR', async () => {
    const p = await createProject(t, projectIds, 'upload');
    const res = await upload(p.projectUuid)
      .attach('files', PDF, { filename: 'complaint.pdf', contentType: 'application/pdf' })
      .attach('files', SCAN_PNG, { filename: 'notice scan.png', contentType: 'image/png' })
      .expect(202);
    expect(res.body.projectUuid).toBe(p.projectUuid);
    expect(res.body.enqueued).toBe(true);
    expect(res.body.documents).toEqual([
      { documentUuid: expect.any(String), filename: 'complaint.pdf', status: 'pending' },
      { documentUuid: expect.any(String), filename: 'notice scan.png', status: 'pending' },
    ]);
    const [gpl, bsd] = res.body.documents.map((d: { documentUuid: string }) => d.documentUuid);

    // PostgreSQL: both project columns set, pending, the bytes' hash and sniffed type.
    const rows = await t.db.query(
      `SELECT document_uuid, project_fk_id, project_uuid, status, ocr_status, sha256, file_size_bytes, detected_file_type, s3_key, s3_bucket
         FROM source_documents WHERE project_fk_id = $1 ORDER BY id`,
      [p.id],
    );
    expect(rows).toEqual([
      {
        document_uuid: gpl,
        project_fk_id: p.id,
        project_uuid: p.projectUuid,
        status: 'pending',
        ocr_status: 'pending',
        sha256: sha(PDF),
        file_size_bytes: String(PDF.length),
        detected_file_type: 'application/pdf',
        s3_key: `documents/${p.projectUuid}/${gpl}/complaint.pdf`,
        s3_bucket: null,
      },
      expect.objectContaining({ document_uuid: bsd, sha256: sha(SCAN_PNG), detected_file_type: 'image/png' }),
    ]);

    // Storage: the exact bytes under documents/{projectUuid}/{documentUuid}/{safe name}.
    expect(readFileSync(join(t.storageDir, rows[0].s3_key)).equals(PDF)).toBe(true);
    expect(readFileSync(join(t.storageDir, `documents/${p.projectUuid}/${bsd}/notice scan.png`)).equals(SCAN_PNG)).toBe(true);

    // Redis: doc:metadata written after commit, in the old system's shape.
    const meta = JSON.parse((await redis.get(redisKeys.docMetadata(gpl)))!);
    expect(meta).toMatchObject({ project_uuid: p.projectUuid, project_id: p.id, document_metadata: { filename: 'complaint.pdf' } });

    // Bull: one OCR job per document, jobId = documentUuid; the payload carries the id, plus the filename and
    // project for Bull Board (display only: the workers read neither).
    for (const [uuid, filename] of [
      [gpl, 'complaint.pdf'],
      [bsd, 'notice scan.png'],
    ]) {
      const job = await t.ocrQueue.getJob(uuid);
      expect(job?.name).toBe('ocr-document');
      expect(job?.data).toEqual({ documentUuid: uuid, filename, projectUuid: p.projectUuid });
      expect(job?.opts.attempts).toBe(5);
    }
  });

  it('finds duplicates by content: same project -> duplicateOf, nothing new; another project -> independent', async () => {
    const a = await createProject(t, projectIds, 'dup-a');
    const b = await createProject(t, projectIds, 'dup-b');
    const first = await upload(a.projectUuid).attach('files', PDF, 'original.pdf').expect(202);
    const original = first.body.documents[0].documentUuid;
    const jobsBefore = (await footprint(t)).ocrJobs;

    const again = await upload(a.projectUuid)
      .attach('files', PDF, 'renamed copy.pdf')
      .attach('files', SCAN_PNG, 'new.png')
      .attach('files', SCAN_PNG, 'same again.png')
      .expect(202);
    const [dup, fresh, dupInRequest] = again.body.documents;
    expect(dup).toEqual({ documentUuid: original, filename: 'renamed copy.pdf', status: 'pending', duplicateOf: original });
    expect(fresh.duplicateOf).toBeUndefined();
    expect(dupInRequest).toMatchObject({ documentUuid: fresh.documentUuid, duplicateOf: fresh.documentUuid });
    expect((await footprint(t, a.id)).rows).toBe(2);
    expect((await footprint(t)).ocrJobs).toBe(jobsBefore + 1);
    // The duplicates' copies are not kept: one object per document of the project.
    const files = (await filesUnder(t.storageDir)).filter((f) => f.startsWith(`documents/${a.projectUuid}/`));
    expect(files.sort()).toEqual(
      [`documents/${a.projectUuid}/${original}/original.pdf`, `documents/${a.projectUuid}/${fresh.documentUuid}/new.png`].sort(),
    );

    const other = await upload(b.projectUuid).attach('files', PDF, 'original.pdf').expect(202);
    expect(other.body.documents[0].duplicateOf).toBeUndefined();
    expect(other.body.documents[0].documentUuid).not.toBe(original);
    expect((await footprint(t, b.id)).rows).toBe(1);
  });

  it('keeps exactly one document when the same file is uploaded concurrently', async () => {
    const p = await createProject(t, projectIds, 'dup-race');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => upload(p.projectUuid).attach('files', SCAN_PNG, `copy-${i}.png`)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(202));
    const uuids = new Set(results.map((r) => r.body.documents[0].documentUuid));
    expect(uuids.size).toBe(1);
    expect(results.filter((r) => !r.body.documents[0].duplicateOf)).toHaveLength(1);
    expect((await footprint(t, p.id)).rows).toBe(1);
    expect((await filesUnder(t.storageDir)).filter((f) => f.startsWith(`documents/${p.projectUuid}/`))).toHaveLength(1);
  });

  it('streams: bytes reach storage while the client is still sending the file', async () => {
    const p = await createProject(t, projectIds, 'stream');
    const boundary = 'casegraph-stream-test';
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(180 * 1024, 65)]);
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const req = await rawUpload(p.projectUuid, boundary, head.length + content.length + tail.length);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
    });
    // Send the first 100 KiB of the file, then stop and look at the storage folder.
    req.write(head);
    req.write(content.subarray(0, 100 * 1024));
    const dir = join(t.storageDir, 'documents', p.projectUuid);
    const partial = async () => {
      for (const f of await filesUnder(dir)) {
        if (f.endsWith('.part') && statSync(join(dir, f)).size > 0) return f;
      }
      return null;
    };
    const deadline = Date.now() + 10_000;
    let seen: string | null = null;
    while (!(seen = await partial()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toMatch(/slow\.pdf\.[0-9a-f-]+\.part$/); // on disk before the request is complete
    req.write(content.subarray(100 * 1024));
    req.end(tail);
    const res = await answer;
    expect(res.status).toBe(202);
    const uuid = JSON.parse(res.body).documents[0].documentUuid;
    expect(readFileSync(join(dir, uuid, 'slow.pdf')).equals(content)).toBe(true);
    expect((await filesUnder(dir)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  describe('aborted uploads settle and store nothing', () => {
    const boundary = 'casegraph-abort-test';
    const partHead = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );

    /** Opens a raw upload that declares more bytes than it will send; the caller destroys it. */
    async function open(projectUuid: string) {
      const req = await rawUpload(projectUuid, boundary, 100_000);
      req.on('error', () => undefined);
      return req;
    }

    /** Captures the server side of the next upload: its request and the promise UploadService.upload returns. */
    function nextUpload() {
      const uploads = t.app.get(UploadService);
      const real = uploads.upload.bind(uploads);
      let resolveSeen!: (v: { req: import('express').Request; result: Promise<unknown> }) => void;
      const seen = new Promise<{ req: import('express').Request; result: Promise<unknown> }>((r) => (resolveSeen = r));
      const spy = jest.spyOn(uploads, 'upload').mockImplementationOnce((req, projectUuid) => {
        const result = real(req, projectUuid);
        result.catch(() => undefined);
        resolveSeen({ req, result });
        return result;
      });
      return { seen, restore: () => spy.mockRestore() };
    }

    it('a client gone while the project is looked up (before the body is read): 400 aborted, no row, no file', async () => {
      const p = await createProject(t, projectIds, 'abort-early');
      const before = await footprint(t, p.id);
      const intake = t.app.get(DocumentIntakeService);
      const realFind = intake.findProject.bind(intake);
      let entered!: () => void;
      const inLookup = new Promise<void>((r) => (entered = r));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const find = jest.spyOn(intake, 'findProject').mockImplementationOnce(async (...args) => {
        entered();
        await released;
        return realFind(...args);
      });
      const next = nextUpload();
      try {
        const client = await open(p.projectUuid);
        client.flushHeaders();
        const { req, result } = await next.seen;
        await inLookup;
        // The client goes away while the lookup is still running; the server has seen the close before it ends.
        const closed = new Promise<void>((r) => (req.destroyed ? r() : req.once('close', () => r())));
        client.destroy();
        await closed;
        release();
        await expect(result).rejects.toMatchObject({ status: 400, message: 'The upload was aborted' });
      } finally {
        find.mockRestore();
        next.restore();
      }
      expect(await footprint(t, p.id)).toEqual(before);
    });

    it('a client gone in the middle of a file: 400 aborted, the partial object removed, no row', async () => {
      const p = await createProject(t, projectIds, 'abort-mid');
      const before = await footprint(t, p.id);
      const next = nextUpload();
      try {
        const client = await open(p.projectUuid);
        client.write(Buffer.concat([partHead, Buffer.from('%PDF-1.7\n'), Buffer.alloc(20 * 1024, 65)]));
        const { result } = await next.seen;
        // Wait until the part is being written to storage, then cut the connection.
        const dir = join(t.storageDir, 'documents', p.projectUuid);
        while (!(await filesUnder(dir)).some((f) => f.endsWith('.part'))) await new Promise((r) => setTimeout(r, 20));
        client.destroy();
        await expect(result).rejects.toMatchObject({ status: 400 });
      } finally {
        next.restore();
      }
      expect(await footprint(t, p.id)).toEqual(before);
    });
  });

  it('sanitises file names with path separators and keeps the object inside the storage root', async () => {
    const p = await createProject(t, projectIds, 'names');
    const res = await upload(p.projectUuid)
      .attach('files', PDF, { filename: '../../../etc/passwd.pdf' })
      .attach('files', SCAN_PNG, { filename: '..\\..\\windows\\win.png' })
      .expect(202);
    expect(res.body.documents.map((d: { filename: string }) => d.filename)).toEqual(['passwd.pdf', 'win.png']);
    const files = (await filesUnder(t.storageDir)).filter((f) => f.startsWith(`documents/${p.projectUuid}/`));
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(['passwd.pdf', 'win.png']);
    const rows = await t.db.query(`SELECT original_file_name FROM source_documents WHERE project_fk_id = $1 ORDER BY id`, [p.id]);
    expect(rows.map((r: { original_file_name: string }) => r.original_file_name)).toEqual(['passwd.pdf', 'win.png']);
  });

  describe('refusals (nothing stored, no row, no job)', () => {
    let p: { id: number; projectUuid: string };
    beforeAll(async () => {
      p = await createProject(t, projectIds, 'refusals');
    });

    async function refused(send: () => request.Test, status: number, message: RegExp, projectId = p.id) {
      const before = await footprint(t, projectId);
      const res = await send();
      expect({ status: res.status, type: res.type }).toEqual({ status, type: 'application/json' });
      expect(res.body).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
      expect(await footprint(t, projectId)).toEqual(before);
      return res;
    }

    it('413 for a file over MAX_FILE_MB, even after a good file in the same request', () =>
      refused(
        () => upload(p.projectUuid).attach('files', PDF, 'ok.pdf').attach('files', BIG_PNG, 'big.png'),
        413,
        /big\.png is larger than MAX_FILE_MB \(0\.2 MiB\)/,
      ).then((res) => expect(res.body.errors).toEqual([{ field: 'files[1]', messages: [expect.any(String)] }])));

    it('413 for an over-limit file detected while streaming it (the rest of the body is drained)', () =>
      refused(
        () => upload(p.projectUuid).attach('files', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3 * 1024 * 1024, 32)]), 'huge.pdf'),
        413,
        /huge\.pdf is larger than MAX_FILE_MB/,
      ));

    it('413 at once, without reading it, for a body larger than MAX_FILES_PER_UPLOAD files could be', () =>
      refused(
        () => upload(p.projectUuid).attach('files', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20 * 1024 * 1024, 32)]), 'huge.pdf'),
        413,
        /Request body of \d+ bytes exceeds 4 files of MAX_FILE_MB/,
      ));

    it('415 for bytes of no supported type, whatever the name and declared type', () =>
      refused(
        () =>
          upload(p.projectUuid).attach('files', PDF, 'ok.pdf').attach('files', BINARY, { filename: 'license.pdf', contentType: 'application/pdf' }),
        415,
        /"license\.pdf" is not a supported document type/,
      ));

    it('400 for an empty file', () => refused(() => upload(p.projectUuid).attach('files', Buffer.alloc(0), 'empty.pdf'), 400, /empty\.pdf is empty/));

    it('400 for a multipart request without files', async () => {
      await refused(() => upload(p.projectUuid).set('Content-Type', 'multipart/form-data; boundary=xyz').send('--xyz--\r\n'), 400, /no files/);
      await refused(() => upload(p.projectUuid).field('note', 'hello'), 400, /unknown field/);
    });

    it('400 for a file in another field, 413 for too many files', async () => {
      await refused(() => upload(p.projectUuid).attach('file', PDF, 'a.pdf'), 400, /unexpected file field/);
      await refused(
        () => {
          let r = upload(p.projectUuid);
          for (let i = 0; i < 5; i++) r = r.attach('files', Buffer.concat([PDF, Buffer.from([i])]), `f${i}.pdf`);
          return r;
        },
        413,
        /Too many files: at most 4/,
      );
    });

    it('415 when the body is not multipart; 400 for a malformed multipart body', async () => {
      await refused(() => upload(p.projectUuid).send({ files: ['x'] }), 415, /Expected multipart\/form-data/);
      await refused(
        () =>
          upload(p.projectUuid)
            .set('Content-Type', 'multipart/form-data; boundary=xyz')
            .send('--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.4 truncated'),
        400,
        /Malformed multipart request|ended before/,
      );
    });

    it('404 for an unknown project and 400 for an invalid project UUID, before storing anything', async () => {
      await refused(
        () => upload('00000000-0000-4000-8000-000000000000').attach('files', PDF, 'a.pdf'),
        404,
        /Project 00000000-0000-4000-8000-000000000000 not found/,
      );
      await refused(() => upload('not-a-uuid').attach('files', PDF, 'a.pdf'), 400, /projectUuid must be a UUID/);
    });
  });
});

describe('uploads with the S3 storage driver (local S3 server, real SDK)', () => {
  let s3: LocalS3Server;
  let t: TestApp;
  let client: S3Client;
  const projectIds: number[] = [];
  const savedEnv = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['ingest-docs'] });
    const env = s3.env();
    // The SDK reads credentials from the environment, as it would in production.
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    t = await createTestApp({ ...env, MAX_FILE_MB: '0.2' });
    client = new S3Client(s3.clientConfig);
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
    client?.destroy();
    await s3?.close();
    for (const [k, v] of [
      ['AWS_ACCESS_KEY_ID', savedEnv.id],
      ['AWS_SECRET_ACCESS_KEY', savedEnv.secret],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const objects = async (prefix: string) =>
    ((await client.send(new ListObjectsV2Command({ Bucket: 'ingest-docs', Prefix: prefix }))).Contents ?? []).map((o) => o.Key).sort();

  it('stores the bytes in the bucket, records the bucket, keeps no copy of a duplicate or of a refused file', async () => {
    const p = await createProject(t, projectIds, 's3');
    const res = await request(t.http)
      .post(`/v1/projects/${p.projectUuid}/documents`)
      .attach('files', PDF, 'gpl.pdf')
      .attach('files', PDF, 'gpl-copy.pdf')
      .expect(202);
    const uuid = res.body.documents[0].documentUuid;
    expect(res.body.documents[1].duplicateOf).toBe(uuid);
    const [row] = await t.db.query(`SELECT s3_bucket, s3_key, sha256 FROM source_documents WHERE document_uuid = $1`, [uuid]);
    expect(row).toEqual({ s3_bucket: 'ingest-docs', s3_key: `documents/${p.projectUuid}/${uuid}/gpl.pdf`, sha256: sha(PDF) });
    const body = await (await client.send(new GetObjectCommand({ Bucket: 'ingest-docs', Key: row.s3_key }))).Body!.transformToByteArray();
    expect(Buffer.from(body).equals(PDF)).toBe(true);
    expect(await objects(`documents/${p.projectUuid}/`)).toEqual([row.s3_key]);

    await request(t.http)
      .post(`/v1/projects/${p.projectUuid}/documents`)
      .attach('files', SCAN_PNG, 'ok.png')
      .attach('files', BIG_PNG, 'big.png')
      .expect(413);
    await request(t.http).post(`/v1/projects/${p.projectUuid}/documents`).attach('files', BINARY, 'binary.pdf').expect(415);
    expect(await objects(`documents/${p.projectUuid}/`)).toEqual([row.s3_key]);
  });
});
