/**
 * compareFingerprints with small hand-made fingerprints: what counts as a loss (a row gone unarchived, an archived
 * row without its old values, a non-NULL value overwritten without a log row) and what does not (NULL -> value,
 * new rows, an archived row with identical old columns, a logged overwrite, the same instant or JSON spelled
 * differently).
 */
import { type Fingerprint, compareFingerprints, sameValue } from './fingerprint';

const before: Fingerprint = {
  source_documents: {
    '1': { id: '1', project_uuid: null, project_fk_id: '7', original_file_name: 'Complaint.pdf', updated_at: '2025-06-01T08:00:00+00:00' },
    '2': {
      id: '2',
      project_uuid: '0b8c6a52-8a0e-4d5e-9a51-0c4f1c2b9d11',
      project_fk_id: '8',
      original_file_name: null,
      updated_at: '2025-06-01T08:01:00+00:00',
    },
  },
  document_chunks: {
    '10': { id: '10', chunk_index: '0', text: 'The hearing was continued.' },
    '11': { id: '11', chunk_index: '0', text: 'The hearing was continued.' },
  },
};

const clone = (f: Fingerprint): Fingerprint => JSON.parse(JSON.stringify(f));

describe('compareFingerprints', () => {
  it('no change: no violation', () => {
    expect(compareFingerprints(before, clone(before), [], [])).toEqual([]);
  });

  it('NULL -> value and new rows are healing, not loss', () => {
    const after = clone(before);
    after.source_documents['1'].project_uuid = '5d1c3f7e-2f59-4b0e-8f3a-3c5b8a0d4e21';
    after.source_documents['2'].original_file_name = 'Exhibit.pdf';
    after.document_chunks['12'] = { id: '12', chunk_index: '1', text: 'new' };
    expect(compareFingerprints(before, after, [], [])).toEqual([]);
  });

  it('an overwritten non-NULL value without a log row is a violation; with a log row keeping the old value it is not', () => {
    const after = clone(before);
    after.source_documents['2'].project_uuid = '5d1c3f7e-2f59-4b0e-8f3a-3c5b8a0d4e21';
    const v = compareFingerprints(before, after, [], []);
    expect(v).toEqual([expect.objectContaining({ table: 'source_documents', rowId: '2', column: 'project_uuid', kind: 'value-overwritten' })]);
    const logged = [{ table_name: 'source_documents', row_id: '2', column_name: 'project_uuid', old_value: '0b8c6a52-8a0e-4d5e-9a51-0c4f1c2b9d11' }];
    expect(compareFingerprints(before, after, logged, [])).toEqual([]);
    // A log row for another row, another column or another old value does not count.
    for (const wrong of [
      { ...logged[0], row_id: '1' },
      { ...logged[0], column_name: 'project_fk_id' },
      { ...logged[0], old_value: '5d1c3f7e-2f59-4b0e-8f3a-3c5b8a0d4e21' },
    ]) {
      expect(compareFingerprints(before, after, [wrong], []).length).toBe(1);
    }
  });

  it('a value set to NULL or a column dropped is an overwrite too', () => {
    const after = clone(before);
    after.source_documents['1'].project_fk_id = null;
    delete after.source_documents['1'].original_file_name;
    const v = compareFingerprints(before, after, [], []);
    expect(v.map((x) => x.column).sort()).toEqual(['original_file_name', 'project_fk_id']);
  });

  it('a row gone without an archive row is a violation; archived with identical old columns it is not', () => {
    const after = clone(before);
    delete after.document_chunks['11'];
    expect(compareFingerprints(before, after, [], [])).toEqual([
      expect.objectContaining({ table: 'document_chunks', rowId: '11', kind: 'row-lost' }),
    ]);
    const archive = [
      {
        table_name: 'document_chunks',
        row_id: '11',
        row_data: { id: 11, chunk_index: 0, text: 'The hearing was continued.', project_uuid: 'ours, not old' },
      },
    ];
    expect(compareFingerprints(before, after, [], archive)).toEqual([]);
    // Archived under another table or id: still lost.
    expect(compareFingerprints(before, after, [], [{ ...archive[0], row_id: '10' }]).map((x) => x.kind)).toEqual(['row-lost']);
    expect(compareFingerprints(before, after, [], [{ ...archive[0], table_name: 'entity_mentions' }]).map((x) => x.kind)).toEqual(['row-lost']);
  });

  it('an archived row that lacks an old value is a violation', () => {
    const after = clone(before);
    delete after.document_chunks['11'];
    const archive = [{ table_name: 'document_chunks', row_id: '11', row_data: { id: 11, chunk_index: 0, text: 'other text' } }];
    expect(compareFingerprints(before, after, [], archive)).toEqual([expect.objectContaining({ kind: 'archived-row-differs', column: 'text' })]);
  });

  it('the same instant or JSON spelled differently is the same value', () => {
    expect(sameValue('2025-06-01T08:00:00+00:00', '2025-06-01T10:00:00+02:00')).toBe(true);
    expect(sameValue('2025-06-01T08:00:00+00:00', '2025-06-01T08:00:01+00:00')).toBe(false);
    expect(sameValue('{"a": 1, "b": [1, 2]}', '{"b":[1,2],"a":1}')).toBe(true);
    expect(sameValue('0.9312', '0.9312')).toBe(true);
    expect(sameValue('0.9312', '0.93')).toBe(false);
    expect(sameValue(null, '')).toBe(false);
  });
});
