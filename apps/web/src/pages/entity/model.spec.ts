import { ENTITY_TYPES as CONTRACT_TYPES } from '@casegraph/contracts';
import { ApiError } from '../../api';
import {
  ENTITY_TYPES,
  ariaSort,
  curationProblem,
  mentionPage,
  nextSort,
  parseAliases,
  readSort,
  roleSections,
  snippetRanges,
  summarize,
  undoProblem,
} from './model';

describe('entity page model', () => {
  it('knows the API’s entity types', () => {
    expect([...ENTITY_TYPES]).toEqual([...CONTRACT_TYPES]);
  });

  it('reads the sort from the query, defaulting counts to most-first and names to A–Z', () => {
    expect(readSort(null, null)).toEqual({ sort: 'mentions', order: 'desc' });
    expect(readSort('name', null)).toEqual({ sort: 'name', order: 'asc' });
    expect(readSort('documents', 'asc')).toEqual({ sort: 'documents', order: 'asc' });
    expect(readSort('size', 'sideways')).toEqual({ sort: 'mentions', order: 'desc' });
  });

  it('flips the direction on the same column and starts another at its natural direction', () => {
    expect(nextSort({ sort: 'mentions', order: 'desc' }, 'mentions')).toEqual({ sort: 'mentions', order: 'asc' });
    expect(nextSort({ sort: 'mentions', order: 'asc' }, 'name')).toEqual({ sort: 'name', order: 'asc' });
    expect(nextSort({ sort: 'name', order: 'asc' }, 'documents')).toEqual({ sort: 'documents', order: 'desc' });
    expect(ariaSort({ sort: 'name', order: 'desc' }, 'name')).toBe('descending');
    expect(ariaSort({ sort: 'name', order: 'desc' }, 'mentions')).toBe('none');
  });

  it('links a mention to its page: the API’s page, else the chunk’s first page, else none', () => {
    expect(mentionPage({ page: 3, pages: [2, 3] })).toBe(3);
    expect(mentionPage({ page: null, pages: [4, 2] })).toBe(2);
    expect(mentionPage({ pages: [] })).toBeUndefined();
  });

  it('marks the mention in its snippet by the API’s offsets, else by its text, never out of range', () => {
    expect(snippetRanges({ snippet: '…by Acme Corp on…', highlight: [4, 13], text: 'Acme Corp' })).toEqual([[4, 13]]);
    expect(snippetRanges({ snippet: 'Signed by ACME today', highlight: null, text: 'ACME' })).toEqual([[10, 14]]);
    expect(snippetRanges({ snippet: 'short', highlight: [2, 40], text: 'nothing' })).toEqual([]);
    expect(snippetRanges({ snippet: '', highlight: null, text: 'x' })).toEqual([]);
  });

  it('lists only the role sections that have entries, in reading order', () => {
    const rel = (name: string) => ({
      relationshipUuid: name,
      entity: { uuid: name, type: 'CASE', name },
      roles: [],
      weight: 1,
      documentCount: 1,
      evidence: null,
    });
    expect(
      roleSections({ judgeOf: [rel('Hines v. State')], partyTo: [rel('Doe v. Roe')], parties: [] }).map((s) => [s.label, s.items.length]),
    ).toEqual([
      ['Party to', 1],
      ['Judge of', 1],
    ]);
    expect(roleSections(undefined)).toEqual([]);
  });

  it('reads aliases one a line, trimmed, without blanks or repeats', () => {
    expect(parseAliases(' Acme Corp \n\nACME CORP\r\nAcme\n')).toEqual(['Acme Corp', 'Acme']);
  });

  it('says what a merge did with the names of the entities it removed', () => {
    const s = summarize({
      kind: 'merge',
      entityUuids: ['a', 'b'],
      request: { entityUuids: ['b'], into: 'a' },
      before: {
        entities: [
          { uuid: 'a', type: 'ORG', name: 'Benton Harlow Freight, Inc.' },
          { uuid: 'b', type: 'ORG', name: 'Harlow Freight Lines LLC' },
        ],
      },
      after: { entities: [{ uuid: 'a', type: 'ORG', name: 'Benton Harlow Freight, Inc.' }] },
    });
    expect(s.what).toBe('Merged “Harlow Freight Lines LLC” into “Benton Harlow Freight, Inc.”');
    expect(s.entities.map((e) => [e.name, e.exists])).toEqual([
      ['Benton Harlow Freight, Inc.', true],
      ['Harlow Freight Lines LLC', false],
    ]);
  });

  it('says what a split, an update and a reject did; survives snapshots of an unexpected shape', () => {
    const before = { entities: [{ uuid: 'a', type: 'PERSON', name: 'Daniel Pell' }] };
    expect(
      summarize({
        kind: 'split',
        entityUuids: ['a', 'n'],
        request: { mentionUuids: ['m1', 'm2'], canonicalName: 'Daniel R. Pell' },
        before,
        after: {},
      }).what,
    ).toBe('Split 2 mentions of “Daniel Pell” into a new entity “Daniel R. Pell”');
    expect(summarize({ kind: 'update', entityUuids: ['a'], request: { canonicalName: 'Dan Pell', entityType: 'ORG' }, before, after: {} }).what).toBe(
      '“Daniel Pell”: renamed to “Dan Pell”, type changed from PERSON to ORG',
    );
    expect(summarize({ kind: 'reject', entityUuids: ['a'], request: {}, before, after: {} }).what).toBe('Marked “Daniel Pell” as not an entity');
    expect(summarize({ kind: 'reject', entityUuids: ['a'], request: {}, before: { entities: 'junk' }, after: { entities: [null, 3] } }).what).toBe(
      'Marked “an entity” as not an entity',
    );
  });

  it('explains a 409 on undo as a later action that still holds, and keeps the server’s words', () => {
    const later = new ApiError(409, 'Curation action x cannot be undone before the later merge y (by alice at 2025-01-01T00:00:00.000Z)');
    expect(undoProblem(later)).toMatch(/^A later curation action on the same entities still holds.*the later merge y/);
    expect(undoProblem(new ApiError(409, 'Curation action x was already undone at 2025 by bob'))).toMatch(/^This action was undone already/);
    expect(curationProblem(new ApiError(422, 'entities of different types'))).toBe('This cannot be done: entities of different types');
  });
});
