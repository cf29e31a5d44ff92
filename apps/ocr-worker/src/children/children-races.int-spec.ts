/**
 * Families under concurrency and at size (review R1, issue 14): the same parent expanded twice at once (a stalled job
 * re-run while the first run still writes), a parent retried after its children were processed, an archive of
 * 1,000 tiny entries. Real PostgreSQL, Redis, Bull and local storage.
 */
import { buildZip } from '@casegraph/formats/testing';
import { OcrService } from '../ocr/ocr.service';
import { childrenOf, occurrencesOf, storedDocumentFolders } from '../testing/family-test-kit';
import { WorkerHandle, createDocument, startWorker, waitForOcr } from '../testing/ocr-test-kit';

jest.setTimeout(240_000);

describe('children: concurrent and large expansions', () => {
  let w: WorkerHandle;

  beforeAll(async () => {
    w = await startWorker({ OCR_CONCURRENCY: '2' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('expands the same ZIP in two parallel runs into one set of children, no copy left behind', async () => {
    const zip = await buildZip([
      { path: 'a/one.txt', bytes: 'First exhibit of the raced archive' },
      { path: 'b/two.txt', bytes: 'Second exhibit of the raced archive' },
      { path: 'c/three.txt', bytes: 'Third exhibit of the raced archive' },
    ]);
    const doc = await createDocument(w, { name: 'raced.zip', bytes: zip });
    const ocr = w.app.get(OcrService);
    const results = await Promise.allSettled([ocr.processDocument(doc.documentUuid), ocr.processDocument(doc.documentUuid)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const kids = await childrenOf(w, doc.documentUuid);
    expect(kids.map((k) => k.family_path)).toEqual(['a/one.txt', 'b/two.txt', 'c/three.txt']);
    for (const k of kids) expect(await occurrencesOf(w, k.document_uuid)).toHaveLength(1);
    for (const k of kids) await waitForOcr(w, k.document_uuid);
    expect(storedDocumentFolders(w, doc.projectUuid)).toEqual([doc.documentUuid, ...kids.map((k) => k.document_uuid)].sort());
  });

  it('a parent re-run after its children completed creates no second child and keeps no copy', async () => {
    const zip = await buildZip([{ path: 'x.txt', bytes: 'An exhibit OCR’d before its parent is re-run' }]);
    const doc = await createDocument(w, { name: 'again.zip', bytes: zip });
    const ocr = w.app.get(OcrService);
    await ocr.processDocument(doc.documentUuid);
    const [kid] = await childrenOf(w, doc.documentUuid);
    await waitForOcr(w, kid.document_uuid);
    const second = await ocr.processDocument(doc.documentUuid);
    expect(second).toMatchObject({ status: 'completed', children: 0 });
    expect(await childrenOf(w, doc.documentUuid)).toMatchObject([{ document_uuid: kid.document_uuid, ocr_status: 'completed' }]);
    expect(storedDocumentFolders(w, doc.projectUuid)).toEqual([doc.documentUuid, kid.document_uuid].sort());
  });

  it('expands a ZIP of 1,000 tiny entries: 1,000 children, each with its own job', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ path: `f/${i}.txt`, bytes: `Tiny exhibit number ${i} of a thousand` }));
    const doc = await createDocument(w, { name: 'thousand.zip', bytes: await buildZip(entries) });
    // The children's own OCR is not the subject here: stop consuming so their jobs stay countable.
    await w.ocrQueue.pause(true);
    try {
      const out = await w.app.get(OcrService).processDocument(doc.documentUuid);
      expect(out).toMatchObject({ status: 'completed', children: 1000 });
      const kids = await childrenOf(w, doc.documentUuid);
      expect(kids).toHaveLength(1000);
      const jobs = await Promise.all(kids.map((k) => w.ocrQueue.getJob(k.document_uuid)));
      expect(jobs.filter((j) => j !== null)).toHaveLength(1000);
    } finally {
      await w.ocrQueue.resume(true);
      // 1,000 children left pending would be work for every other suite's reconciler (which scans all pending rows).
      await w.ocrQueue.empty();
      await w.db.query(`DELETE FROM document_pages WHERE document_uuid IN (SELECT document_uuid FROM source_documents WHERE project_fk_id = $1)`, [
        doc.projectId,
      ]);
      await w.db.query(`DELETE FROM source_documents WHERE project_fk_id = $1`, [doc.projectId]);
      await w.db.query(`DELETE FROM projects WHERE id = $1`, [doc.projectId]);
    }
  });
});
