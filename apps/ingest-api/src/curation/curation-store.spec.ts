import { diffById, distinctKeys } from './curation-store';

describe('curation store helpers', () => {
  it('keeps distinct (type, key) pairs in a stable order, without blank keys', () => {
    expect(
      distinctKeys([
        { t: 'ORG', k: 'b' },
        { t: 'ORG', k: 'a' },
        { t: 'LOCATION', k: 'z' },
        { t: 'ORG', k: 'b' },
        { t: 'ORG', k: '' },
      ]),
    ).toEqual([
      { t: 'LOCATION', k: 'z' },
      { t: 'ORG', k: 'a' },
      { t: 'ORG', k: 'b' },
    ]);
  });

  it('diffs rows by id: changed and deleted rows before, changed and inserted rows after', () => {
    const before = [
      { id: 1, v: 'same' },
      { id: 2, v: 'old' },
      { id: 3, v: 'deleted' },
    ];
    const after = [
      { id: 1, v: 'same' },
      { id: 2, v: 'new' },
      { id: 4, v: 'inserted' },
    ];
    expect(diffById(before, after, (r) => r.id)).toEqual({
      before: [
        { id: 2, v: 'old' },
        { id: 3, v: 'deleted' },
      ],
      after: [
        { id: 2, v: 'new' },
        { id: 4, v: 'inserted' },
      ],
    });
  });
});
