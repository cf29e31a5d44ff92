import { imagesToPdf } from '../images-to-pdf';
import { joinProduction, matchImagePath, parseDat, parseOpt } from '../load-file';
import { buildProduction } from './production';

describe('buildProduction', () => {
  it('builds a DAT and an OPT that the parsers read back, with an image per page', async () => {
    const p = await buildProduction({
      prefix: 'ABC',
      start: 1,
      records: [
        { pages: [['Memo one'], ['page two']], custodian: 'Smith, Jane', fields: { TITLE: 'Memo' } },
        { pages: [['Letter']], custodian: 'Doe', fields: { 'Date Sent': '2021-03-04' } },
      ],
    });
    const dat = parseDat(p.dat);
    const opt = parseOpt(p.opt);
    expect(dat.headers).toEqual(['BEGBATES', 'ENDBATES', 'CUSTODIAN', 'TITLE', 'Date Sent']);
    const { records, unreadable } = joinProduction(dat, opt);
    expect(unreadable).toEqual([]);
    expect(records.map((r) => [r.begBates, r.endBates, r.custodians, r.pages.map((x) => x.imagePath)])).toEqual([
      ['ABC000001', 'ABC000002', ['Smith, Jane'], ['IMAGES/0001/ABC000001.tif', 'IMAGES/0001/ABC000002.tif']],
      ['ABC000003', 'ABC000003', ['Doe'], ['IMAGES/0001/ABC000003.tif']],
    ]);
    const paths = p.images.map((i) => i.path);
    for (const r of records) for (const page of r.pages) expect(matchImagePath(page.imagePath, paths)).toBe(page.imagePath);
    expect(p.images.every((i) => i.bytes.subarray(0, 4).toString('latin1') === 'II*\0')).toBe(true);
    const pdf = await imagesToPdf(p.images.slice(0, 2).map((i) => i.bytes));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('breaks the records it is asked to', async () => {
    const p = await buildProduction({
      prefix: 'H',
      start: 10,
      records: [{ pages: [['a']] }, { pages: [['b']] }, { pages: [['c']] }, { pages: [['d']] }],
      hostile: [
        { record: 0, kind: 'unclosed-quote' },
        { record: 1, kind: 'wrong-field-count' },
        { record: 2, kind: 'missing-image' },
      ],
    });
    const dat = parseDat(p.dat);
    expect(dat.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(dat.records.map((r) => r.fields.BEGBATES)).toEqual(['H000012', 'H000013']);
    expect(p.images.map((i) => i.path)).not.toContain('IMAGES/0001/H000012.tif');
    expect(p.bates).toEqual([['H000010'], ['H000011'], ['H000012'], ['H000013']]);
  });
});
