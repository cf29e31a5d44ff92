import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { buildTiff } from './testing/tiff';
import { imagesToPdf } from './images-to-pdf';
import { FormatError } from './types';

const grey = (width: number, height: number, dpi = 72) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 200, b: 200 } } }).withMetadata({ density: dpi });

async function pageSizes(pdf: Buffer): Promise<Array<[number, number]>> {
  const doc = await PDFDocument.load(pdf);
  return doc.getPages().map((p) => [Math.round(p.getWidth()), Math.round(p.getHeight())]);
}

describe('imagesToPdf', () => {
  it('makes one page per image and one per TIFF page, sized at the image resolution', async () => {
    const png = await grey(144, 288, 72).png().toBuffer();
    const jpeg = await grey(300, 150, 150).jpeg().toBuffer();
    const tiff = await buildTiff([{ lines: ['ABC000003'] }, { lines: ['ABC000004'] }, { lines: ['ABC000005'] }], {
      compression: 'ccittfax4',
      dpi: 100,
    });
    const pdf = await imagesToPdf([png, jpeg, tiff]);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pageSizes(pdf)).toEqual([
      [144, 288],
      [144, 72],
      [612, 792],
      [612, 792],
      [612, 792],
    ]);
  });

  it('assumes 300 dpi when an image does not say', async () => {
    const raw = await sharp({ create: { width: 600, height: 300, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    const meta = await sharp(raw).metadata();
    expect(meta.density).toBeUndefined();
    expect(await pageSizes(await imagesToPdf([raw]))).toEqual([[144, 72]]);
  });

  it('gives the same bytes for the same images', async () => {
    const tiff = await buildTiff([{ lines: ['same'] }], { compression: 'lzw', dpi: 100 });
    const a = await imagesToPdf([tiff]);
    await new Promise((r) => setTimeout(r, 1100)); // a creation date would differ by now
    const b = await imagesToPdf([tiff]);
    expect(createHash('sha256').update(a).digest('hex')).toBe(createHash('sha256').update(b).digest('hex'));
    expect(a.toString('latin1')).not.toMatch(/CreationDate|ModDate|\/ID\s*\[/);
  });

  it.each([
    ['nothing', [] as Buffer[], 'empty', 'no page images'],
    ['an empty image', [Buffer.alloc(0)], 'empty', 'image 1 is empty'],
    ['a text file', [Buffer.from('hello, I am not a picture')], 'unsupported', 'image 1 is not a PNG, JPEG or TIFF image'],
    ['a cut TIFF', [Buffer.from('II*\0\x08\0\0\0\xff\xff', 'latin1')], 'corrupt', 'image 1 cannot'],
  ])('refuses %s', async (_name, images, code, message) => {
    const err = await imagesToPdf(images).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect({ code: (err as FormatError).code, message: (err as Error).message.slice(0, message.length) }).toEqual({ code, message });
  });

  it('refuses an image over maxPixels before decoding it', async () => {
    const big = await grey(2000, 2000).png().toBuffer();
    const err = await imagesToPdf([await grey(10, 10).png().toBuffer(), big], { maxPixels: 1_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect([(err as FormatError).code, (err as Error).message]).toEqual(['too-large', 'image 2 is 2000×2000 pixels, more than 1000000']);
  });

  it('refuses more pages than maxPages', async () => {
    const tiff = await buildTiff([{ lines: ['1'] }, { lines: ['2'] }, { lines: ['3'] }], { dpi: 50 });
    await expect(imagesToPdf([tiff], { maxPages: 2 })).rejects.toThrow('more than 2 pages');
  });
});
