import { aliasesFromDatabase, aliasesTransformer, numberTransformer } from './transformers';

describe('aliasesTransformer', () => {
  it('reads a jsonb array of strings as it is, in order', () => {
    expect(aliasesTransformer.from(['Acme Corp', 'ACME', 'Acme Corp'])).toEqual(['Acme Corp', 'ACME', 'Acme Corp']);
  });

  it('reads the odd shapes old rows hold without throwing: only string elements of an array survive', () => {
    expect(aliasesTransformer.from(null)).toEqual([]);
    expect(aliasesTransformer.from(undefined)).toEqual([]);
    expect(aliasesTransformer.from({})).toEqual([]); // '{}'::jsonb
    expect(aliasesTransformer.from({ 0: 'a' })).toEqual([]);
    expect(aliasesTransformer.from(42)).toEqual([]);
    expect(aliasesTransformer.from('Acme')).toEqual([]); // a jsonb string, or unparsable text
    expect(aliasesTransformer.from(true)).toEqual([]);
    expect(aliasesTransformer.from(['A', 3, null, { name: 'x' }, ['B'], 'C'])).toEqual(['A', 'C']);
  });

  it('parses a value that arrives as JSON text (a driver that does not parse jsonb)', () => {
    expect(aliasesFromDatabase('["A","B"]')).toEqual(['A', 'B']);
    expect(aliasesFromDatabase('null')).toEqual([]);
    expect(aliasesFromDatabase('{}')).toEqual([]);
    expect(aliasesFromDatabase('not json')).toEqual([]);
  });

  it('writes a JSON array of strings (the driver stringifies it for jsonb)', () => {
    expect(aliasesTransformer.to(['B', 'A'])).toEqual(['B', 'A']);
    expect(aliasesTransformer.to(null)).toEqual([]);
    expect(aliasesTransformer.to(['A', 1])).toEqual(['A']);
    // undefined = "not set": left to the column default.
    expect(aliasesTransformer.to(undefined)).toBeUndefined();
  });
});

describe('numberTransformer', () => {
  it('reads numeric (a string from pg) and real (a number) alike', () => {
    expect(numberTransformer.from('93.4500')).toBe(93.45);
    expect(numberTransformer.from('0')).toBe(0);
    expect(numberTransformer.from(87.5)).toBe(87.5);
    expect(numberTransformer.from(null)).toBeNull();
    expect(numberTransformer.from('NaN')).toBeNull();
  });

  it('writes the number unchanged', () => {
    expect(numberTransformer.to(12.5)).toBe(12.5);
    expect(numberTransformer.to(null)).toBeNull();
  });
});
