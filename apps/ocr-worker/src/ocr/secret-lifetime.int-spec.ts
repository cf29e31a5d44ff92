/**
 * A PDF password sealed in document_secrets lives only while the OCR stage can still use it: it is gone once the
 * stage completed, failed permanently for any reason, or ran out of attempts (review R1, issue 14).
 */
import { randomBytes } from 'node:crypto';
import { buildEncryptedPdf } from '@casegraph/formats/testing';
import { sealSecret } from '@casegraph/intake';
import { OcrEngines } from '../engines/ocr-engines';
import { WorkerHandle, createDocument, enqueueOcr, startWorker, waitForJob, waitForOcr } from '../testing/ocr-test-kit';

jest.setTimeout(120_000);

const PASSWORD_KEY = randomBytes(32);

async function secretOf(w: WorkerHandle, documentUuid: string): Promise<unknown[]> {
  return w.db.query('SELECT 1 FROM document_secrets WHERE document_uuid = $1', [documentUuid]);
}

async function sealed(w: WorkerHandle, name: string, bytes: Buffer, password: string) {
  const doc = await createDocument(w, { name, bytes });
  await w.db.query('INSERT INTO document_secrets (document_uuid, ciphertext) VALUES ($1, $2)', [
    doc.documentUuid,
    sealSecret(PASSWORD_KEY, doc.documentUuid, password),
  ]);
  return doc;
}

describe('document_secrets lifetime in the OCR stage', () => {
  let w: WorkerHandle;

  beforeAll(async () => {
    w = await startWorker({ OCR_CONCURRENCY: '1', OCR_MAX_PAGES: '1', DOCUMENT_PASSWORD_KEY: PASSWORD_KEY.toString('hex') });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('deletes the secret when the PDF opened with it then fails permanently (too many pages)', async () => {
    const bytes = buildEncryptedPdf({ password: 'hunter2-long', pages: ['First page of the memo', 'Second page of the memo'] });
    const doc = await sealed(w, 'memo.pdf', bytes, 'hunter2-long');
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/OCR_MAX_PAGES/) });
    expect(await secretOf(w, doc.documentUuid)).toEqual([]);
  });

  it('deletes the secret when a damaged PDF uploaded with a password fails permanently', async () => {
    const doc = await sealed(w, 'damaged.pdf', Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(200)), 'hunter2-long');
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.status).toBe('failed');
    expect(await secretOf(w, doc.documentUuid)).toEqual([]);
  });

  it('deletes the secret once the last attempt failed transiently, and keeps it while attempts remain', async () => {
    const bytes = buildEncryptedPdf({ password: 'hunter2-long', pages: ['Only page'] });
    const doc = await sealed(w, 'flaky.pdf', bytes, 'hunter2-long');
    const local = w.app.get(OcrEngines).local;
    const seen: number[] = [];
    const spy = jest.spyOn(local, 'extract').mockImplementation(async () => {
      seen.push((await secretOf(w, doc.documentUuid)).length);
      throw new Error('tesseract worker crashed');
    });
    try {
      await enqueueOcr(w, doc.documentUuid, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
      const job = await waitForJob(w.ocrQueue, doc.documentUuid);
      expect(job.attemptsMade).toBe(2);
      await waitForOcr(w, doc.documentUuid);
    } finally {
      spy.mockRestore();
    }
    // The second attempt still had the password; after it, nothing is kept.
    expect(seen).toEqual([1, 1]);
    expect(await secretOf(w, doc.documentUuid)).toEqual([]);
  });
});
