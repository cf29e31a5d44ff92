/**
 * The shared failure-policy cases (libs/testing/src/failure-policy.ts) against the real
 * OcrWorkerModule: real Bull queue on a private prefix, real PostgreSQL, local storage, faults injected into
 * OcrService.processDocument. The same cases run against the graph worker.
 */
import { randomUUID } from 'node:crypto';
import { JOBS, redisKeys } from '@casegraph/contracts';
import { DocumentStateService, PermanentError } from '@casegraph/pipeline';
import { failurePolicyCases } from '@casegraph/testing';
import { WorkerHandle, createDocument, startWorker } from '../testing/ocr-test-kit';
import { buildPdf } from '../testing/test-pdfs';
import { OcrService } from './ocr.service';

jest.setTimeout(60_000);

describe('failure policy: OCR worker (DocumentJobRunner on the real ocr queue)', () => {
  let w: WorkerHandle;
  const projects: number[] = [];

  beforeAll(async () => {
    w = await startWorker({ OCR_CONCURRENCY: '2' });
  });

  afterAll(async () => {
    if (w && projects.length) {
      const docs: Array<{ document_uuid: string }> = await w.db.query(
        'SELECT document_uuid FROM source_documents WHERE project_fk_id = ANY($1::int[])',
        [projects],
      );
      const keys = docs.flatMap((d) => [
        redisKeys.docState(d.document_uuid),
        redisKeys.docMetadata(d.document_uuid),
        redisKeys.docMetadataVersion(d.document_uuid),
      ]);
      if (keys.length) await w.ocrQueue.client.del(...keys).catch(() => undefined);
      await w.db.query(
        'DELETE FROM document_pages WHERE document_uuid IN (SELECT document_uuid FROM source_documents WHERE project_fk_id = ANY($1::int[]))',
        [projects],
      );
      await w.db.query('DELETE FROM source_documents WHERE project_fk_id = ANY($1::int[])', [projects]);
      await w.db.query('DELETE FROM projects WHERE id = ANY($1::int[])', [projects]);
    }
    await w?.close();
  });

  failurePolicyCases(() => ({
    name: 'ocr-worker',
    queue: w.ocrQueue,
    jobName: JOBS.OCR_DOCUMENT,
    db: w.db,
    state: w.app.get(DocumentStateService),
    doneStage: 'ocr',
    stallStage: 'ocr',
    createDocument: async () => {
      // A small text PDF (pdfjs, no tesseract), unique bytes per document (one sha256 per project).
      const doc = await createDocument(w, {
        name: 'policy.pdf',
        bytes: buildPdf([`Failure policy test page ${randomUUID()}.`]),
        projectId: projects[0],
      });
      if (!projects.length) projects.push(doc.projectId);
      return doc.documentUuid;
    },
    spyOnWork: () => jest.spyOn(w.app.get(OcrService), 'processDocument'),
    permanentFault: () => ({
      error: new PermanentError('PDF is corrupt or not a valid PDF: injected', 'corrupt'),
      stage: 'ocr',
      reason: 'PDF is corrupt or not a valid PDF: injected',
    }),
    transientFault: () => ({
      error: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      stage: 'ocr',
      reason: 'read ECONNRESET',
    }),
  }));
});
