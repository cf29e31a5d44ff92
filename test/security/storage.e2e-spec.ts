/**
 * No path from API input reads or writes outside the storage root. The storage root is a folder inside a
 * private parent; the parent also holds a "secret" PDF next to the root. Traversal is tried through upload
 * filenames, batch manifest s3Keys and path parameters; documents that get accepted are then processed by the
 * real OCR worker on the same root. At the end the parent holds exactly what it held before, every stored object
 * sits at documents/<project>/<document>/<one segment>, and the secret's text appears in no document.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { filesUnder } from '../../apps/ingest-api/src/testing/helpers';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';
import { WorkerHandle, startWorker, waitForOcr } from '../../apps/ocr-worker/src/testing/ocr-test-kit';
import { buildPdf } from '../../apps/ocr-worker/src/testing/test-pdfs';
import { generatedBytes } from '../../libs/testing/src/documents';

jest.setTimeout(90_000);

const MARKER = `SECRETMARKER${randomUUID().replace(/-/g, '')}`;

describe('storage root containment', () => {
  const parent = mkdtempSync(join(tmpdir(), 'casegraph-sec-storage-'));
  const root = join(parent, 'storage');
  const secret = buildPdf([`Privileged memo ${MARKER}`, 'Do not disclose.']);
  let t: TestApp;
  let w: WorkerHandle;
  const projectIds: number[] = [];
  let project: { id: number; projectUuid: string };
  const accepted: string[] = [];

  beforeAll(async () => {
    mkdirSync(root);
    writeFileSync(join(parent, 'secret.pdf'), secret);
    mkdirSync(join(parent, 'documents'));
    writeFileSync(join(parent, 'documents', 'secret.pdf'), secret);
    t = await createTestApp({ STORAGE_DIR: root });
    w = await startWorker({ BULL_PREFIX: t.config.bullPrefix, STORAGE_DIR: root });
    const r = await request(t.http)
      .post('/v1/projects')
      .send({ name: uniqueName('sec-storage') })
      .expect(201);
    projectIds.push(r.body.id);
    project = r.body;
  });

  afterAll(async () => {
    if (t) {
      await t.db.query(`DELETE FROM document_pages WHERE document_uuid = ANY($1::uuid[])`, [accepted]);
      await cleanupTestData(t, projectIds);
    }
    await w?.close();
    await t?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('upload filenames with traversal are reduced to one safe segment inside the root', async () => {
    const names = [
      '../secret.pdf',
      '../../../../../../tmp/evil.pdf',
      '..\\..\\..\\windows.pdf',
      '/etc/cron.d/abs.pdf',
      '....//....//dots.pdf',
      '%2e%2e%2f%2e%2e%2fenc.pdf',
      'C:\\Windows\\drive.pdf',
      'a\u0000b/../nul.pdf',
      '..',
      '.hidden.pdf',
    ];
    const pdf = generatedBytes('complaint.pdf');
    for (const name of names) {
      const res = await request(t.http).post(`/v1/projects/${project.projectUuid}/documents`).attach('files', pdf, name);
      expect({ name, status: res.status < 500 }).toEqual({ name, status: true });
      if (res.status === 202) {
        for (const d of res.body.documents) {
          // eslint-disable-next-line no-control-regex -- a stored file name must hold no NUL
          expect(d.filename).not.toMatch(/[\\/\u0000]/);
          accepted.push(d.documentUuid);
        }
      } else {
        expect(res.status).toBeGreaterThanOrEqual(400);
      }
    }
    expect(accepted.length).toBeGreaterThan(0);
  });

  it('manifest s3Keys that leave the root are refused with 400 and write nothing', async () => {
    const bad = [
      '../secret.pdf',
      '../../secret.pdf',
      'documents/../../secret.pdf',
      'a/b/../../../secret.pdf',
      './../secret.pdf',
      '/etc/passwd',
      `${parent}/secret.pdf`,
      'C:/secret.pdf',
      'a\\..\\..\\secret.pdf',
      'a/./secret.pdf',
      'secret.pdf\u0000.png',
    ];
    const [{ n: before }] = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    for (const s3Key of bad) {
      const res = await request(t.http)
        .post('/v1/batches')
        .send({ projectUuid: project.projectUuid, documents: [{ filename: 'x.pdf', s3Bucket: 'bucket', s3Key }] });
      expect({ s3Key, status: res.status }).toEqual({ s3Key, status: 400 });
      expect(res.body.errors?.[0]?.field).toBe('documents[0].s3Key');
    }
    const [{ n: after }] = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    expect(after).toBe(before);
    // Keys that look odd but stay inside the root are accepted; they name objects that do not exist in the root.
    const odd = ['%2e%2e/secret.pdf', '..secret.pdf', 'documents/secret.pdf', '...../secret.pdf'];
    const res = await request(t.http)
      .post('/v1/batches')
      .send({ projectUuid: project.projectUuid, documents: odd.map((s3Key, i) => ({ filename: `odd-${i}.pdf`, s3Bucket: 'bucket', s3Key })) })
      .expect(202);
    for (const d of res.body.documents) accepted.push(d.documentUuid);
  });

  it('path parameters with traversal are 400 or 404, never a file', async () => {
    const paths = [
      '/v1/documents/..%2F..%2Fsecret.pdf',
      '/v1/documents/%2e%2e%2f%2e%2e%2fsecret.pdf',
      '/v1/documents/..',
      `/v1/projects/..%2Fstorage/documents`,
      `/v1/projects/${project.projectUuid}/entities/..%2F..%2Fsecret.pdf`,
      `/v1/projects/${project.projectUuid}/graph/export?format=..%2F..%2Fsecret`,
    ];
    for (const path of paths) {
      const res = await request(t.http).get(path);
      expect({ path, ok: [400, 404].includes(res.status) }).toEqual({ path, ok: true });
      expect(res.text).not.toContain(MARKER);
      expect(res.text).not.toContain('%PDF');
    }
    for (const path of ['/v1/documents/..%2F..%2Fsecret.pdf/retry', '/v1/documents/%2e%2e/retry']) {
      const res = await request(t.http).post(path);
      expect({ path, ok: [400, 404].includes(res.status) }).toEqual({ path, ok: true });
    }
  });

  it('the OCR worker reads only inside the root: the accepted documents never see the secret', async () => {
    const states = await Promise.all(accepted.map((u) => waitForOcr(w, u, 60_000)));
    for (const s of states) {
      expect(s.raw_extracted_text ?? '').not.toContain(MARKER);
      expect(s.error_message ?? '').not.toContain(MARKER);
      if (s.ocr_status === 'failed') expect(s.error_message).toMatch(/not found|no stored file|Object/i);
    }
    // Uploaded ones were processed from their stored copy (the complaint's text), manifest ones failed as missing.
    expect(states.filter((s) => s.ocr_status === 'completed').length).toBeGreaterThan(0);
    expect(states.filter((s) => s.ocr_status === 'failed').length).toBe(4);
  });

  it('nothing was written outside the root, and everything inside sits at documents/<project>/<document>/<name>', async () => {
    expect(readdirSync(parent).sort()).toEqual(['documents', 'secret.pdf', 'storage']);
    expect(readdirSync(join(parent, 'documents'))).toEqual(['secret.pdf']);
    expect(readFileSync(join(parent, 'secret.pdf'))).toEqual(secret);
    const inside = await filesUnder(root);
    expect(inside.length).toBeGreaterThan(0);
    const re = new RegExp(`^documents/${project.projectUuid}/[0-9a-f-]{36}/[^/\\\\]+$`);
    for (const f of inside) expect({ f, ok: re.test(f) }).toEqual({ f, ok: true });
  });
});
