/**
 * A family's size is capped (FORMAT_MAX_FAMILY_DOCUMENTS): archives of archives would otherwise turn one upload into
 * millions of documents (review R1). Real PostgreSQL, Redis, Bull and local storage; the worker processes the whole
 * family itself.
 */
import { buildZip } from '@casegraph/formats/testing';
import { childrenOf } from '../testing/family-test-kit';
import { WorkerHandle, createDocument, enqueueOcr, startWorker, waitForOcr } from '../testing/ocr-test-kit';

jest.setTimeout(120_000);

describe('children: the family size limit', () => {
  let w: WorkerHandle;

  beforeAll(async () => {
    w = await startWorker({ FORMAT_MAX_FAMILY_DOCUMENTS: '3' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('expands the outer archive, then refuses to grow the family past the limit, with a warning', async () => {
    const inner = (n: string) => buildZip([1, 2].map((i) => ({ path: `${n}-${i}.txt`, bytes: `Exhibit ${n} number ${i} of the nested archive` })));
    const outer = await buildZip([
      { path: 'left.zip', bytes: await inner('left') },
      { path: 'right.zip', bytes: await inner('right') },
    ]);
    const root = await createDocument(w, { name: 'outer.zip', bytes: outer });
    await enqueueOcr(w, root.documentUuid);
    expect((await waitForOcr(w, root.documentUuid)).ocr_status).toBe('completed');
    const kids = await childrenOf(w, root.documentUuid);
    expect(kids.map((k) => k.family_path)).toEqual(['left.zip', 'right.zip']);
    for (const k of kids) {
      const state = await waitForOcr(w, k.document_uuid);
      // 2 documents in the family already + 2 more would be 4 > 3: completed, not expanded, and said so.
      expect(state.ocr_status).toBe('completed');
      expect((state.ocr_metadata as { warnings: string[] }).warnings.join('\n')).toMatch(
        /its 2 children were not expanded: the documents that came out of the document it came from would be 4, over the limit of 3 \(FORMAT_MAX_FAMILY_DOCUMENTS\)/,
      );
      expect(await childrenOf(w, k.document_uuid)).toEqual([]);
    }
    const family: Array<{ n: number }> = await w.db.query(
      `SELECT count(*)::int AS n FROM source_documents WHERE document_metadata ->> 'familyRoot' = $1`,
      [root.documentUuid],
    );
    expect(family[0].n).toBe(2);
  });
});
