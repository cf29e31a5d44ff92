/**
 * OCR_ENGINE=textract end to end: the real @aws-sdk/client-textract against the
 * local Textract stand-in (responses synthesised from the generated documents'
 * text, and the real saved responses when ../shared/fixtures is there; NextToken
 * paging, IN_PROGRESS, injected errors), documents on local storage staged to a
 * local S3 server, real PostgreSQL, Redis and Bull (delayed poll jobs).
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TextractClient } from '@aws-sdk/client-textract';
import { readFileSync } from 'node:fs';
import { JOBS, joinPages } from '@casegraph/contracts';
import {
  FAKE_TEXTRACT_FAILED_MESSAGE,
  FakeTextract,
  GeneratedDocumentName,
  LocalS3Server,
  buildPdf,
  describeWithFixtures,
  fixtureDocument,
  fixtureTextract,
  generatedDocument,
  startS3Server,
  synthTextractResponse,
  textractLines,
} from '@casegraph/testing';
import { TextractEngine } from '../engines/textract/textract-engine';
import { PermanentError } from './ocr.errors';
import { WorkerHandle, createDocument, enqueueOcr, pages, startWorker, waitForJob, waitForOcr } from '../testing/ocr-test-kit';

jest.setTimeout(60_000);

const read = (name: string) => readFileSync(fixtureDocument(name));
const gen = (name: GeneratedDocumentName) => generatedDocument(name).bytes;
const STAGING = 'textract-staging';

/** LINE texts of a saved Textract response, per page, in response order. */
const fixtureLines = (name: string) => textractLines(JSON.parse(readFileSync(fixtureTextract(name), 'utf8')));
/** LINE texts the stand-in synthesises for a generated document (its default: the motion for jobs, the notice for images). */
const generatedLines = (name: GeneratedDocumentName) => textractLines(synthTextractResponse(generatedDocument(name).pages));

describe('OCR worker with OCR_ENGINE=textract (real SDK, local Textract and S3)', () => {
  let s3: LocalS3Server;
  let s3Client: S3Client;
  let fake: FakeTextract;
  let w: WorkerHandle;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: [STAGING] });
    s3Client = new S3Client(s3.clientConfig);
    // The SDKs read credentials from the environment (s3rver checks them; the fake ignores them).
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    fake = await FakeTextract.start({
      blocksPerPage: 40,
      inProgressPolls: 2,
      s3ObjectExists: async (bucket, key) => {
        try {
          await s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          return true;
        } catch {
          return false;
        }
      },
    });
    w = await startWorker({
      OCR_ENGINE: 'textract',
      OCR_CONCURRENCY: '2',
      TEXTRACT_ENDPOINT: fake.url,
      TEXTRACT_REGION: s3.region,
      TEXTRACT_S3_BUCKET: STAGING,
      TEXTRACT_SDK_MAX_ATTEMPTS: '1',
      TEXTRACT_POLL_DELAY_MS: '50',
      TEXTRACT_POLL_BACKOFF: '1.5',
      TEXTRACT_POLL_MAX_DELAY_MS: '200',
      TEXTRACT_POLL_DEADLINE_MS: '3000',
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    });
  });
  afterAll(async () => {
    await w?.close();
    await fake?.close();
    s3Client?.destroy();
    await s3?.close();
    process.env = savedEnv;
  });

  it('stages a PDF, starts an async job, polls with delayed jobs through IN_PROGRESS, and pages the results with NextToken', async () => {
    const doc = await createDocument(w, { name: 'motion.pdf', bytes: gen('motion.pdf') });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'completed', ocr_provider: 'textract', page_count: 2, detected_file_type: 'application/pdf' });

    const start = fake.callsOf('StartDocumentTextDetection').find((c) => c.body.JobTag === doc.documentUuid)!;
    expect(start).toBeDefined();
    expect(start.body.ClientRequestToken).toMatch(/^[a-zA-Z0-9-_]{64}$/);
    const location = (start.body.DocumentLocation as { S3Object: { Bucket: string; Name: string } }).S3Object;
    expect(location.Bucket).toBe(STAGING);
    expect(location.Name).toContain(doc.documentUuid);

    const jobs: Array<{ job_id: string; status: string; poll_count: number; pages: number; job_tag: string; client_request_token: string }> =
      await w.db.query('SELECT * FROM textract_jobs WHERE document_uuid = $1', [doc.documentUuid]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'SUCCEEDED', pages: 2, job_tag: doc.documentUuid, client_request_token: start.body.ClientRequestToken });
    // Two IN_PROGRESS answers, then the result: three polls, each its own delayed Bull job.
    expect(jobs[0].poll_count).toBe(3);
    const gets = fake.callsOf('GetDocumentTextDetection').filter((c) => c.body.JobId === jobs[0].job_id);
    const resultPages = gets.filter((c) => c.status === 200).length - 2;
    expect(resultPages).toBeGreaterThan(1); // more than one page of results: NextToken was followed
    expect(gets.filter((c) => c.body.NextToken)).toHaveLength(resultPages - 1);
    for (let poll = 1; poll <= 3; poll++) {
      const pollJob = await w.ocrQueue.getJob(`textract-poll:${jobs[0].job_id}:${poll}`);
      expect(pollJob?.name).toBe(JOBS.TEXTRACT_POLL);
      expect(pollJob?.opts.delay).toBeGreaterThan(0);
    }

    const expected = generatedLines('motion.pdf');
    const rows = await pages(w, doc.documentUuid);
    expect(rows.map((r) => r.engine)).toEqual(['textract', 'textract']);
    for (const r of rows) expect(r.text.split('\n').sort()).toEqual([...expected.get(r.page_number)!].sort());
    expect(state.raw_extracted_text).toBe(joinPages(rows.map((r) => r.text)));
    expect(await w.graphQueue.getJob(doc.documentUuid)).not.toBeNull();
  });

  it('OCRs an image synchronously with DetectDocumentText (bytes, no S3)', async () => {
    const doc = await createDocument(w, { name: 'scanned-notice.png', bytes: gen('scanned-notice.png') });
    const before = fake.callsOf('DetectDocumentText').length;
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'completed', ocr_provider: 'textract', page_count: 1, detected_file_type: 'image/png' });
    expect(fake.callsOf('DetectDocumentText').length).toBe(before + 1);
    const rows = await pages(w, doc.documentUuid);
    expect(rows[0].text.split('\n').sort()).toEqual([...generatedLines('scanned-notice.png').get(1)!].sort());
    expect(rows[0].text).toContain('Case No. 3:24-cv-01187-JR');
    expect(rows[0].confidence).toBeGreaterThan(80);
  });

  describeWithFixtures('with the real saved Textract responses', () => {
    it('pages a real 2-page GetDocumentTextDetection result with NextToken into the document pages', async () => {
      fake.nextJob({ fixture: 'textractor-multipage-doc.get-document-text-detection.json' });
      const doc = await createDocument(w, { name: 'textractor-multipage-doc.pdf', bytes: read('textractor-multipage-doc.pdf') });
      await enqueueOcr(w, doc.documentUuid);
      const state = await waitForOcr(w, doc.documentUuid);
      expect(state).toMatchObject({ ocr_status: 'completed', ocr_provider: 'textract', page_count: 2 });
      const expected = fixtureLines('textractor-multipage-doc.get-document-text-detection.json');
      const rows = await pages(w, doc.documentUuid);
      for (const r of rows) expect(r.text.split('\n').sort()).toEqual([...expected.get(r.page_number)!].sort());
      const [job] = await w.db.query('SELECT job_id FROM textract_jobs WHERE document_uuid = $1', [doc.documentUuid]);
      expect(fake.callsOf('GetDocumentTextDetection').filter((c) => c.body.JobId === job.job_id && c.body.NextToken).length).toBeGreaterThan(0);
    });

    it('OCRs a real image with a real DetectDocumentText response', async () => {
      fake.nextDetect('single-page-1.detect-document-text.json');
      const doc = await createDocument(w, { name: 'single-page-1.png', bytes: read('single-page-1.png') });
      await enqueueOcr(w, doc.documentUuid);
      expect(await waitForOcr(w, doc.documentUuid)).toMatchObject({ ocr_status: 'completed', page_count: 1 });
      const rows = await pages(w, doc.documentUuid);
      expect(rows[0].text.split('\n').sort()).toEqual([...fixtureLines('single-page-1.detect-document-text.json').get(1)!].sort());
      expect(rows[0].confidence).toBeGreaterThan(80);
    });
  });

  it('retries throttling and 5xx through Bull, then completes', async () => {
    fake.failNext('DetectDocumentText', { type: 'ThrottlingException', message: 'Rate exceeded' }, 1);
    fake.failNext('DetectDocumentText', { type: 'ProvisionedThroughputExceededException', message: 'Provisioned rate exceeded' }, 1);
    fake.failNext('DetectDocumentText', { status: 503, type: 'ServiceUnavailableException', message: 'try later' }, 1);
    const doc = await createDocument(w, { name: 'scanned-notice.png', bytes: gen('scanned-notice.png') });
    await enqueueOcr(w, doc.documentUuid, { attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_status).toBe('completed');
    const job = await waitForJob(w.ocrQueue, doc.documentUuid);
    expect(job.attemptsMade).toBe(3);
  });

  it('fails a document on a permanent Textract error with its message, without retry', async () => {
    fake.failNext('StartDocumentTextDetection', { type: 'UnsupportedDocumentException', message: 'Request has unsupported document format' });
    const doc = await createDocument(w, { name: 'complaint.pdf', bytes: gen('complaint.pdf') });
    await enqueueOcr(w, doc.documentUuid, { attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'failed', status: 'failed' });
    expect(state.error_message).toContain('UnsupportedDocumentException: Request has unsupported document format');
    const job = await waitForJob(w.ocrQueue, doc.documentUuid);
    expect(job.attemptsMade).toBe(1);
  });

  it('fails the document when the Textract job ends FAILED', async () => {
    fake.nextJob({ outcome: 'FAILED', inProgressPolls: 1 });
    const doc = await createDocument(w, { name: 'complaint.pdf', bytes: gen('complaint.pdf') });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state).toMatchObject({ ocr_status: 'failed', error_message: `Textract job failed: ${FAKE_TEXTRACT_FAILED_MESSAGE}` });
    const jobs: Array<{ status: string; error_message: string }> = await w.db.query(
      'SELECT status, error_message FROM textract_jobs WHERE document_uuid = $1',
      [doc.documentUuid],
    );
    expect(jobs[0]).toMatchObject({ status: 'FAILED', error_message: FAKE_TEXTRACT_FAILED_MESSAGE });
  });

  it('completes a PARTIAL_SUCCESS job with its warnings recorded', async () => {
    fake.nextJob({ outcome: 'PARTIAL_SUCCESS', inProgressPolls: 0 });
    const doc = await createDocument(w, { name: 'motion.pdf', bytes: gen('motion.pdf') });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid);
    expect(state.ocr_status).toBe('completed');
    expect(state.ocr_metadata).toMatchObject({ jobStatus: 'PARTIAL_SUCCESS' });
    expect((state.ocr_metadata as { warnings: string[] }).warnings).toEqual(
      expect.arrayContaining(['PAGE_PROCESSING_FAILED on pages 2', 'Some pages could not be processed']),
    );
    const jobs: Array<{ status: string; warnings: string[] }> = await w.db.query(
      'SELECT status, warnings FROM textract_jobs WHERE document_uuid = $1',
      [doc.documentUuid],
    );
    expect(jobs[0].status).toBe('PARTIAL_SUCCESS');
    expect(jobs[0].warnings).toContain('PAGE_PROCESSING_FAILED on pages 2');
  });

  it('fails a job still IN_PROGRESS at the deadline', async () => {
    fake.nextJob({ inProgressPolls: 100_000 });
    const doc = await createDocument(w, { name: 'complaint.pdf', bytes: gen('complaint.pdf') });
    await enqueueOcr(w, doc.documentUuid);
    const state = await waitForOcr(w, doc.documentUuid, 30_000);
    expect(state.ocr_status).toBe('failed');
    expect(state.error_message).toMatch(/still IN_PROGRESS after \d+ s \(TEXTRACT_POLL_DEADLINE_MS\)/);
  });

  it('checks the limits before calling AWS: pages over the limit, encrypted PDFs, oversized sync images', async () => {
    const small = await startWorker({
      OCR_ENGINE: 'textract',
      OCR_MAX_PAGES: '5',
      TEXTRACT_ENDPOINT: fake.url,
      TEXTRACT_S3_BUCKET: STAGING,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    });
    try {
      const starts = fake.callsOf('StartDocumentTextDetection').length;
      const complaint = generatedDocument('complaint.pdf');
      const doc = await createDocument(small, { name: 'complaint.pdf', bytes: complaint.bytes });
      await enqueueOcr(small, doc.documentUuid);
      const state = await waitForOcr(small, doc.documentUuid);
      expect(complaint.pages.length).toBeGreaterThan(5);
      expect(state).toMatchObject({
        ocr_status: 'failed',
        error_message: expect.stringContaining(`PDF has ${complaint.pages.length} pages, over the limit of 5`),
      });
      expect(fake.callsOf('StartDocumentTextDetection').length).toBe(starts);
      const locked = await createDocument(small, { name: 'locked.pdf', bytes: buildPdf(['Sealed'], { userPassword: 'pw' }) });
      await enqueueOcr(small, locked.documentUuid);
      expect(await waitForOcr(small, locked.documentUuid)).toMatchObject({
        ocr_status: 'failed',
        error_message: expect.stringContaining('password-protected'),
      });
      expect(fake.callsOf('StartDocumentTextDetection').length).toBe(starts);
    } finally {
      await small.close();
    }
    const calls = fake.calls.length;
    const client = new TextractClient({ region: s3.region, endpoint: fake.url, maxAttempts: 1 });
    try {
      const big = Buffer.alloc(10 * 1024 * 1024 + 1);
      await expect(new TextractEngine(client).detect(big)).rejects.toBeInstanceOf(PermanentError);
    } finally {
      client.destroy();
    }
    expect(fake.calls.length).toBe(calls);
  });
});
