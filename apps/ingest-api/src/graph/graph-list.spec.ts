import { HttpException } from '@nestjs/common';
import { ApiValidationPipe } from '../common/api-validation.pipe';
import { EntityListQueryDto } from './graph.dto';
import { snippetWithHighlight } from './graph.service';

/** ?sort=&order= of the entity list, through the API's real validation pipe. */
describe('EntityListQueryDto sort and order', () => {
  const pipe = new ApiValidationPipe();
  const validate = (query: unknown) => pipe.transform(query, { type: 'query', metatype: EntityListQueryDto });

  it.each([
    ['sort', { sort: 'size' }],
    ['sort', { sort: 'NAME' }],
    ['order', { order: 'up' }],
    ['order', { sort: 'name', order: 'ASC' }],
  ])('refuses a bad %s (%j) with a 400 naming it', async (field, q) => {
    const err = (await validate(q).catch((e: unknown) => e)) as HttpException;
    expect(err).toBeInstanceOf(HttpException);
    expect(err.getStatus()).toBe(400);
    expect(JSON.stringify(err.getResponse())).toContain(`${field} must be one of`);
  });

  it('accepts each sort and order, and leaves them out by default', async () => {
    for (const sort of ['mentions', 'documents', 'name'])
      for (const order of ['asc', 'desc']) await expect(validate({ sort, order })).resolves.toMatchObject({ sort, order });
    const none = (await validate({})) as EntityListQueryDto;
    expect(none.sort).toBeUndefined();
    expect(none.order).toBeUndefined();
  });
});

describe('snippetWithHighlight', () => {
  const chunk = 'Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/> Everyone is permitted';
  const at = (s: string) => 100 + chunk.indexOf(s);
  const shown = (s: string, radius = 5) => {
    const r = snippetWithHighlight(chunk, 100, at(s), at(s) + s.length, radius);
    return { text: r.text, marked: r.highlight ? r.text.slice(...r.highlight) : null };
  };

  it('marks exactly the mention in the snippet, with or without ellipses', () => {
    expect(shown('Free Software Foundation, Inc.')).toEqual({
      text: '…2007 Free Software Foundation, Inc. <htt…',
      marked: 'Free Software Foundation, Inc.',
    });
    expect(shown('Copyright')).toEqual({ text: 'Copyright (C)…', marked: 'Copyright' });
    expect(shown('permitted')).toEqual({ text: '…e is permitted', marked: 'permitted' });
  });

  it('keeps the mark on the mention when whitespace around and inside it collapses', () => {
    const text = 'Judge\n\n   Ann  \t Bahr\n presiding  over';
    const start = text.indexOf('Ann');
    const r = snippetWithHighlight(text, 0, start, start + 'Ann  \t Bahr'.length, 100);
    expect(r.text).toBe('Judge Ann Bahr presiding over');
    expect(r.text.slice(...r.highlight!)).toBe('Ann Bahr');
  });

  it('counts offsets in code points but marks in UTF-16 units (an astral character before the mention)', () => {
    const text = '𝐀 note for Acme Corp.';
    const start = Array.from(text).indexOf('A', 1);
    const r = snippetWithHighlight(text, 0, start, start + 'Acme Corp'.length);
    expect(r.text.slice(...r.highlight!)).toBe('Acme Corp');
  });

  it('is empty with no highlight when the chunk or an offset is unknown', () => {
    expect(snippetWithHighlight(null, null, 1, 2)).toEqual({ text: '', highlight: null });
    expect(snippetWithHighlight(chunk, 100, null, 120)).toEqual({ text: '', highlight: null });
  });
});
