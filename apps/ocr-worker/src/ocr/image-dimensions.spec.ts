import { readFileSync } from 'node:fs';
import { describeWithFixtures, fixtureDocument, generatedDocument, noisePng, renderScanPng } from '@casegraph/testing';
import { imageDimensions } from './image-dimensions';

/** A PNG signature + IHDR claiming width × height, and nothing else (the "bomb" header). */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr]);
}

describe('imageDimensions', () => {
  it('reads the IHDR of whole PNG files', () => {
    // A US Letter page scanned at 150 and at 100 dpi, and a non-square image.
    expect(imageDimensions(generatedDocument('scanned-notice.png').bytes, 'image/png')).toEqual({ width: 1275, height: 1650 });
    expect(imageDimensions(renderScanPng(['Exhibit B'], { dpi: 100 }).png, 'image/png')).toEqual({ width: 850, height: 1100 });
    expect(imageDimensions(noisePng(321, 123), 'image/png')).toEqual({ width: 321, height: 123 });
    expect(imageDimensions(pngHeader(50_000, 50_000), 'image/png')).toEqual({ width: 50_000, height: 50_000 });
  });

  describeWithFixtures('on the real fixtures', () => {
    it('reads the IHDR of the real PNG fixtures', () => {
      expect(imageDimensions(readFileSync(fixtureDocument('BSD-scanned.png')), 'image/png')).toEqual({ width: 1240, height: 1755 });
      expect(imageDimensions(readFileSync(fixtureDocument('single-page-1.png')), 'image/png')).toEqual({ width: 1226, height: 1514 });
    });
  });

  it('reads a JPEG frame header after APP segments and fill bytes', () => {
    const app0 = Buffer.concat([Buffer.from('ffe00010', 'hex'), Buffer.from('4a46494600010100000100010000', 'hex')]);
    const sof2 = Buffer.from('ffffc2000b08' + '0bb8' + '0fa0' + '01011100', 'hex'); // progressive, 3000 high, 4000 wide
    expect(imageDimensions(Buffer.concat([Buffer.from('ffd8', 'hex'), app0, sof2]), 'image/jpeg')).toEqual({ width: 4000, height: 3000 });
    // DHT (C4) is not a frame header; a scan before any frame means "cannot tell".
    expect(imageDimensions(Buffer.from('ffd8ffc40004aaaaffda0002', 'hex'), 'image/jpeg')).toBeNull();
  });

  it('reads ImageWidth/ImageLength of the first TIFF IFD in both byte orders and types', () => {
    const le = Buffer.alloc(8 + 2 + 24 + 4);
    le.write('II*\0', 0, 'latin1');
    le.writeUInt32LE(8, 4);
    le.writeUInt16LE(2, 8);
    le.writeUInt16LE(256, 10);
    le.writeUInt16LE(3, 12);
    le.writeUInt32LE(1, 14);
    le.writeUInt16LE(640, 18);
    le.writeUInt16LE(257, 22);
    le.writeUInt16LE(4, 24);
    le.writeUInt32LE(1, 26);
    le.writeUInt32LE(100_000, 30);
    expect(imageDimensions(le, 'image/tiff')).toEqual({ width: 640, height: 100_000 });
    const be = Buffer.alloc(8 + 2 + 24 + 4);
    be.write('MM\0*', 0, 'latin1');
    be.writeUInt32BE(8, 4);
    be.writeUInt16BE(2, 8);
    be.writeUInt16BE(256, 10);
    be.writeUInt16BE(4, 12);
    be.writeUInt32BE(1, 14);
    be.writeUInt32BE(70_000, 18);
    be.writeUInt16BE(257, 22);
    be.writeUInt16BE(3, 24);
    be.writeUInt32BE(1, 26);
    be.writeUInt16BE(480, 30);
    expect(imageDimensions(be, 'image/tiff')).toEqual({ width: 70_000, height: 480 });
  });

  it('says null for truncated or foreign headers, never throws', () => {
    expect(imageDimensions(Buffer.from('89504e470d0a1a0a', 'hex'), 'image/png')).toBeNull();
    expect(imageDimensions(Buffer.from('ffd8ff', 'hex'), 'image/jpeg')).toBeNull();
    expect(imageDimensions(Buffer.from('II*\0\xff\xff\xff\x00', 'latin1'), 'image/tiff')).toBeNull();
    expect(imageDimensions(Buffer.from('%PDF-1.4'), 'application/pdf')).toBeNull();
  });
});
