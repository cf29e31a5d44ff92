import * as iconv from 'iconv-lite';
import { batesKey, datCustodians, datField, joinProduction, matchImagePath, normaliseImagePath, parseDat, parseOpt } from './load-file';

const D = '\x14';
const q = (s: string) => `þ${s}þ`;
const row = (...cells: string[]) => cells.map(q).join(D);
const HEADER = row('BEGBATES', 'ENDBATES', 'CUSTODIAN', 'TITLE');

describe('parseDat', () => {
  it('reads the header row and þ-quoted, DC4-separated records', () => {
    const text = [HEADER, row('ABC000001', 'ABC000002', 'Smith, Jane', 'Memo'), row('ABC000003', 'ABC000003', 'Doe', 'Note')].join('\r\n');
    const dat = parseDat(Buffer.from(text, 'utf8'));
    expect(dat).toEqual({
      headers: ['BEGBATES', 'ENDBATES', 'CUSTODIAN', 'TITLE'],
      records: [
        { line: 2, fields: { BEGBATES: 'ABC000001', ENDBATES: 'ABC000002', CUSTODIAN: 'Smith, Jane', TITLE: 'Memo' } },
        { line: 3, fields: { BEGBATES: 'ABC000003', ENDBATES: 'ABC000003', CUSTODIAN: 'Doe', TITLE: 'Note' } },
      ],
      errors: [],
    });
  });

  it.each([
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\n${row('A0001', 'A0001', 'Renée', 'Café')}`)])],
    ['UTF-8 without a BOM', Buffer.from(`${HEADER}\n${row('A0001', 'A0001', 'Renée', 'Café')}`)],
    [
      'UTF-16LE with a BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n${row('A0001', 'A0001', 'Renée', 'Café')}`, 'utf16le')]),
    ],
    ['Windows-1252', iconv.encode(`${HEADER}\n${row('A0001', 'A0001', 'Renée', 'Café')}`, 'win1252')],
  ])('decodes %s', (_name, bytes) => {
    const dat = parseDat(bytes);
    expect(dat.errors).toEqual([]);
    expect(dat.records[0].fields).toEqual({ BEGBATES: 'A0001', ENDBATES: 'A0001', CUSTODIAN: 'Renée', TITLE: 'Café' });
  });

  it('keeps a real newline inside a quoted field and reads ® as a newline', () => {
    const text = `${HEADER}\n${row('A0001', 'A0002', 'X', 'line one\nline two')}\n${row('A0003', 'A0003', 'Y', 'first®second')}\n`;
    const dat = parseDat(Buffer.from(text));
    expect(dat.errors).toEqual([]);
    expect(dat.records.map((r) => [r.line, r.fields.TITLE])).toEqual([
      [2, 'line one\nline two'],
      [4, 'first\nsecond'],
    ]);
  });

  it('reports a record with the wrong field count and reads the rest', () => {
    const text = [HEADER, row('A0001', 'A0001', 'X'), row('A0002', 'A0002', 'Y', 'ok')].join('\n');
    const dat = parseDat(Buffer.from(text));
    expect(dat.errors).toEqual([{ line: 2, reason: 'expected 4 fields (as in the header row), found 3' }]);
    expect(dat.records.map((r) => r.line)).toEqual([3]);
  });

  it('reports an unclosed quote on its line and reads the lines after it', () => {
    const broken = `${q('A0002')}${D}${q('A0002')}${D}${q('Y')}${D}þno end`;
    const text = [HEADER, row('A0001', 'A0001', 'X', 'a'), broken, row('A0003', 'A0003', 'Z', 'c'), row('A0004', 'A0004', 'W', 'd')].join('\n');
    const dat = parseDat(Buffer.from(text));
    expect(dat.errors).toEqual([{ line: 3, reason: 'unclosed þ quote: the record is not read' }]);
    expect(dat.records.map((r) => r.fields.BEGBATES)).toEqual(['A0001', 'A0003', 'A0004']);
  });

  it('reports an unclosed quote on the last line', () => {
    const text = [HEADER, row('A0001', 'A0001', 'X', 'a'), `${q('A0002')}${D}þA0002`].join('\n');
    const dat = parseDat(Buffer.from(text));
    expect(dat.errors).toEqual([{ line: 3, reason: 'unclosed þ quote: the record is not read' }]);
    expect(dat.records).toHaveLength(1);
  });

  it.each([
    ['empty', Buffer.alloc(0), 'the load file is empty: no header row'],
    ['a CSV', Buffer.from('BEGBATES,ENDBATES\nA0001,A0001\n'), 'the header row has no \\x14 (DC4) field separators: not a Concordance DAT file'],
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'the header row has no \\x14 (DC4) field separators: not a Concordance DAT file'],
  ])('refuses %s with a reason', (_n, bytes, reason) => {
    expect(parseDat(bytes)).toMatchObject({ records: [], errors: [{ line: 1, reason }] });
  });

  it('reads unquoted fields and names duplicate headers apart', () => {
    const dat = parseDat(Buffer.from(`BEGDOC${D}NOTE${D}NOTE\nA0001${D}x${D}y\n`));
    expect(dat.headers).toEqual(['BEGDOC', 'NOTE', 'NOTE (2)']);
    expect(dat.records[0].fields).toEqual({ BEGDOC: 'A0001', NOTE: 'x', 'NOTE (2)': 'y' });
  });
});

describe('field names', () => {
  it.each(['BEGBATES', 'BegDoc', 'BEGNO', 'Bates Begin', 'ProdBeg', 'BEGDOC#', 'Beg Bates'])('%s is the first Bates number', (name) => {
    expect(datField({ [name]: 'ABC000001' }, 'begBates')).toBe('ABC000001');
  });

  it.each(['ENDBATES', 'EndDoc', 'Bates End', 'ProdEnd'])('%s is the last Bates number', (name) => {
    expect(datField({ [name]: 'ABC000009' }, 'endBates')).toBe('ABC000009');
  });

  it('reads every custodian of All Custodians', () => {
    expect(datCustodians({ 'All Custodians': 'Smith, Jane; Doe, John\nRoe' })).toEqual(['Smith, Jane', 'Doe, John', 'Roe']);
    expect(datCustodians({ Custodian: 'Smith' })).toEqual(['Smith']);
    expect(datCustodians({ TITLE: 'x' })).toEqual([]);
  });
});

describe('parseOpt', () => {
  it('reads documents, pages and normalised image paths', () => {
    const text = [
      'ABC000001,VOL001,.\\IMAGES\\0001\\ABC000001.tif,Y,,,2',
      'ABC000002,VOL001,.\\IMAGES\\0001\\ABC000002.tif,,,,',
      'ABC000003,VOL001,D:\\PROD\\IMAGES\\ABC000003.tif,Y,,,1',
    ].join('\r\n');
    expect(parseOpt(Buffer.from(text))).toEqual({
      documents: [
        {
          begBates: 'ABC000001',
          line: 1,
          pages: [
            { bates: 'ABC000001', imagePath: 'IMAGES/0001/ABC000001.tif', volume: 'VOL001', line: 1 },
            { bates: 'ABC000002', imagePath: 'IMAGES/0001/ABC000002.tif', volume: 'VOL001', line: 2 },
          ],
        },
        { begBates: 'ABC000003', line: 3, pages: [{ bates: 'ABC000003', imagePath: 'PROD/IMAGES/ABC000003.tif', volume: 'VOL001', line: 3 }] },
      ],
      errors: [],
    });
  });

  it('reports bad lines with their numbers and reads the rest', () => {
    const text = [
      'ABC000001,,IMAGES/1.tif,Y,,,3',
      'ABC000002,,IMAGES/2.tif,,,,',
      'garbage',
      ',,IMAGES/3.tif,,,,',
      'ABC000004,,..\\..\\etc\\passwd,Y,,,',
      'ABC000005,,IMAGES/5.tif,Y,,,',
    ].join('\n');
    const opt = parseOpt(Buffer.from(text));
    expect(opt.documents.map((d) => [d.begBates, d.pages.length])).toEqual([
      ['ABC000001', 2],
      ['ABC000005', 1],
    ]);
    expect(opt.errors).toEqual([
      { line: 3, reason: 'expected BATES,VOLUME,PATH,DOCBREAK,BOX,FOLDER,PAGECOUNT, found 1 field(s)' },
      { line: 4, reason: 'no Bates number in the first field' },
      { line: 5, reason: 'the image path "..\\\\..\\\\etc\\\\passwd" leaves the production folder' },
      { line: 1, reason: 'the document ABC000001 declares 3 pages, the load file lists 2' },
    ]);
  });

  it('starts a document at a first page without a Y, and says so', () => {
    const opt = parseOpt(Buffer.from('A0001,,a.tif,,,,\nA0002,,b.tif,,,,\n'));
    expect(opt.documents).toHaveLength(1);
    expect(opt.errors).toEqual([{ line: 1, reason: 'the first page A0001 does not start a document (no Y); it starts one' }]);
  });

  it('keeps a comma inside a path', () => {
    const opt = parseOpt(Buffer.from('A0001,V1,IMAGES\\Smith, J\\a.tif,Y,,,1\n'));
    expect(opt.documents[0].pages[0].imagePath).toBe('IMAGES/Smith, J/a.tif');
  });

  it('reads nothing from an empty file', () => {
    expect(parseOpt(Buffer.alloc(0))).toEqual({ documents: [], errors: [] });
  });
});

describe('paths and keys', () => {
  it('normalises Windows paths and refuses a climb out', () => {
    expect(normaliseImagePath('.\\VOL001\\IMAGES\\a.TIF')).toBe('VOL001/IMAGES/a.TIF');
    expect(normaliseImagePath('/abs/x.tif')).toBe('abs/x.tif');
    expect(normaliseImagePath('IMAGES/../../x.tif')).toBeNull();
    expect(normaliseImagePath('  ')).toBeNull();
  });

  it('matches an OPT path to the uploaded file by path, case, or a volume folder more or less', () => {
    const files = ['IMAGES/a.tif', 'VOL001/IMAGES/b.tif', 'c/x.tif', 'd/x.tif'];
    expect(matchImagePath('IMAGES/a.tif', files)).toBe('IMAGES/a.tif');
    expect(matchImagePath('images/A.TIF', files)).toBe('IMAGES/a.tif');
    expect(matchImagePath('IMAGES/b.tif', files)).toBe('VOL001/IMAGES/b.tif');
    expect(matchImagePath('PROD/VOL001/IMAGES/b.tif', files)).toBe('VOL001/IMAGES/b.tif');
    expect(matchImagePath('x.tif', files)).toBeNull();
    expect(matchImagePath('nope.tif', files)).toBeNull();
  });

  it('compares Bates numbers across separators and case', () => {
    expect(batesKey('ABC-000001')).toBe(batesKey('abc000001'));
    expect(batesKey('ABC000001')).not.toBe(batesKey('ABC000002'));
  });
});

describe('joinProduction', () => {
  it('joins records to documents and reports each side left alone', () => {
    const dat = parseDat(
      Buffer.from([HEADER, row('A0001', 'A0002', 'X', 't'), row('A0005', 'A0005', 'Y', 't'), row('A0003', 'A0003', 'Z', 't')].join('\n')),
    );
    const opt = parseOpt(Buffer.from(['A0001,,1.tif,Y,,,', 'A0002,,2.tif,,,,', 'A0003,,3.tif,Y,,,', 'A0004,,4.tif,Y,,,'].join('\n')));
    const { records, unreadable } = joinProduction(dat, opt);
    expect(records.map((r) => [r.line, r.begBates, r.endBates, r.custodians, r.pages.map((p) => p.bates)])).toEqual([
      [2, 'A0001', 'A0002', ['X'], ['A0001', 'A0002']],
      [4, 'A0003', 'A0003', ['Z'], ['A0003']],
    ]);
    expect(unreadable).toEqual([
      { line: 3, source: 'dat', reason: 'no page images for A0005: the OPT has no document starting at it' },
      { line: 4, source: 'opt', reason: 'the document A0004 has no record in the DAT' },
    ]);
  });
});
