import { readFileSync } from 'node:fs';
import { describeWithFixtures, fixtureDocument, generatedDocument } from '@casegraph/testing';
import { sniffFileType } from './file-type';

describe('sniffFileType', () => {
  it.each([
    ['complaint.pdf', 'application/pdf'],
    ['scanned-letter.pdf', 'application/pdf'],
    ['corrupt.pdf', 'application/pdf'],
    ['scanned-notice.png', 'image/png'],
    ['photo-noise.png', 'image/png'],
  ] as const)('generated %s -> %s', (file, type) => {
    expect(sniffFileType(generatedDocument(file).bytes.subarray(0, 4096))).toBe(type);
  });

  it('says null for plain text: the ground truth of a generated filing', () => {
    expect(sniffFileType(Buffer.from(generatedDocument('complaint.pdf').text.slice(0, 4096)))).toBeNull();
  });

  describeWithFixtures('on the real fixtures', () => {
    it.each([
      ['GPL-3.pdf', 'application/pdf'],
      ['Apache-2.0-scanned.pdf', 'application/pdf'],
      ['BSD-scanned.png', 'image/png'],
      ['single-page-1.png', 'image/png'],
      ['GPL-3.txt', null],
    ])('%s -> %s', (file, type) => {
      expect(sniffFileType(readFileSync(fixtureDocument(file)).subarray(0, 4096))).toBe(type);
    });
  });

  it('knows JPEG and both TIFF byte orders, and refuses empty input', () => {
    expect(sniffFileType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffFileType(Buffer.from('49492a0008000000', 'hex'))).toBe('image/tiff');
    expect(sniffFileType(Buffer.from('4d4d002a00000008', 'hex'))).toBe('image/tiff');
    expect(sniffFileType(Buffer.alloc(0))).toBeNull();
    expect(sniffFileType(Buffer.from('GIF89a'))).toBeNull();
  });
});
