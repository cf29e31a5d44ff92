import { apiQuery, filterChange, filtersFromQuery, hasFilters, searchTerms } from './query';

describe('search URL state', () => {
  it('reads q and filters from the URL, dropping malformed dates and pages', () => {
    const f = filtersFromQuery(new URLSearchParams('q=%20mandamus%20&types=PERSON,,ORG&from=2020-01-01&to=yesterday&page=0&bates=ABC1-ABC9'));
    expect(f).toEqual({
      q: 'mandamus',
      types: ['PERSON', 'ORG'],
      entity: '',
      from: '2020-01-01',
      to: '',
      documentType: '',
      bates: 'ABC1-ABC9',
      page: 1,
    });
    expect(hasFilters(f)).toBe(true);
    expect(hasFilters(filtersFromQuery(new URLSearchParams('q=x&page=3')))).toBe(false);
    expect(filtersFromQuery(new URLSearchParams('q=x&page=3')).page).toBe(3);
  });

  it('builds the API query and goes back to page 1 on any filter change', () => {
    const f = filtersFromQuery(new URLSearchParams('q=x&documentType=pdf,eml&page=2'));
    expect(apiQuery(f)).toMatchObject({ q: 'x', page: 2, pageSize: 20, documentType: 'pdf,eml', types: [] });
    expect(filterChange({ from: '2021-01-01' })).toEqual({ from: '2021-01-01', page: null });
    expect(filterChange({ page: '4' })).toEqual({ page: '4' });
  });
});

describe('searchTerms', () => {
  it('keeps phrases whole and leaves out or, -words and punctuation', () => {
    expect(searchTerms('"410 U.S. 113" mandamus or writ -denied , ')).toEqual(['410 U.S. 113', 'mandamus', 'writ']);
    expect(searchTerms('§ 1983')).toEqual(['1983']);
    expect(searchTerms('"unclosed phrase')).toEqual(['unclosed', 'phrase']);
    expect(searchTerms('')).toEqual([]);
  });
});
