/**
 * Multi-page TIFFs for tests, as scanners and e-discovery productions write them: one IFD a page (chained),
 * each page cut into several strips (RowsPerStrip), uncompressed 8-bit grey, LZW (with the horizontal
 * predictor) or CCITT Group 4 bilevel. Text pages are drawn with @napi-rs/canvas in Liberation Sans (the font
 * pdfjs-dist ships, so every checkout renders alike) in a big font, legible for OCR. sharp cannot write
 * multi-page TIFFs, so the file is assembled here; for LZW and Group 4 sharp encodes each strip (a strip is
 * compressed on its own in TIFF) and its strip data is copied in.
 */
import { createCanvas } from '@napi-rs/canvas';
import { registerTestFont, TEST_FONT_FAMILY } from './font';

export type TiffPage = { lines: string[] } | { png: Buffer };

export interface TiffOptions {
  /** Strips per page (default 4; compressed pages have strips of at most 256 rows, so maybe more). */
  stripsPerPage?: number;
  /** Default 'none' (8-bit grey); 'ccittfax4' is bilevel. */
  compression?: 'none' | 'lzw' | 'ccittfax4';
  /** Resolution of text pages and the XResolution/YResolution tags (default 200). */
  dpi?: number;
  /** Font size of text pages in points (default 16). */
  fontSize?: number;
}

interface Grey {
  width: number;
  height: number;
  pixels: Buffer;
}

function renderLines(lines: string[], dpi: number, fontSize: number): Grey {
  registerTestFont();
  const width = Math.round(8.5 * dpi);
  const height = Math.round(11 * dpi);
  const px = dpi / 72;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = `${Math.round(fontSize * px)}px "${TEST_FONT_FAMILY}"`;
  lines.forEach((line, i) => ctx.fillText(line, dpi, dpi + fontSize * px + i * fontSize * 1.6 * px));
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const pixels = Buffer.alloc(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (rgba[i * 4] * 77 + rgba[i * 4 + 1] * 150 + rgba[i * 4 + 2] * 29) >> 8;
  return { width, height, pixels };
}

async function decodePng(png: Buffer): Promise<Grey> {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: data };
}

interface Strips {
  bitsPerSample: number;
  photometric: number;
  compression: number;
  predictor?: number;
  strips: Buffer[];
}

/** Reads the strips of a single-page little-endian TIFF that sharp wrote. */
function readSharpTiff(t: Buffer): Strips {
  const ifd = t.readUInt32LE(4);
  const tags = new Map<number, { type: number; count: number; value: number }>();
  for (let i = 0, n = t.readUInt16LE(ifd); i < n; i++) {
    const e = ifd + 2 + i * 12;
    const type = t.readUInt16LE(e + 2);
    tags.set(t.readUInt16LE(e), { type, count: t.readUInt32LE(e + 4), value: type === 3 ? t.readUInt16LE(e + 8) : t.readUInt32LE(e + 8) });
  }
  const list = (tag: number) => {
    const { type, count, value } = tags.get(tag)!;
    if (count === 1) return [value];
    return Array.from({ length: count }, (_, i) => (type === 3 ? t.readUInt16LE(value + i * 2) : t.readUInt32LE(value + i * 4)));
  };
  const offsets = list(273);
  const counts = list(279);
  return {
    bitsPerSample: tags.get(258)!.value,
    photometric: tags.get(262)!.value,
    compression: tags.get(259)!.value,
    predictor: tags.get(317)?.value,
    strips: offsets.map((o, i) => t.subarray(o, o + counts[i])),
  };
}

async function encodePage(page: Grey, rowsPerStrip: number, compression: NonNullable<TiffOptions['compression']>): Promise<Strips> {
  const bands: Buffer[] = [];
  for (let y = 0; y < page.height; y += rowsPerStrip)
    bands.push(page.pixels.subarray(y * page.width, Math.min(page.height, y + rowsPerStrip) * page.width));
  if (compression === 'none') return { bitsPerSample: 8, photometric: 1, compression: 1, strips: bands };
  const sharp = (await import('sharp')).default;
  let format: Omit<Strips, 'strips'> | undefined;
  const strips: Buffer[] = [];
  for (const band of bands) {
    const rows = band.length / page.width;
    const encoded = await sharp(band, { raw: { width: page.width, height: rows, channels: 1 } })
      .toColourspace('b-w')
      .tiff(compression === 'ccittfax4' ? { compression, bitdepth: 1 } : { compression, predictor: 'horizontal' })
      .toBuffer();
    const r = readSharpTiff(encoded);
    if (r.strips.length !== 1) throw new Error(`buildTiff: sharp wrote ${r.strips.length} strips for ${rows} rows; use more stripsPerPage`);
    format ??= r;
    strips.push(r.strips[0]);
  }
  return { ...format!, strips };
}

/** A real multi-page TIFF (little-endian, one IFD a page, several strips a page). */
export async function buildTiff(pages: TiffPage[], opts: TiffOptions = {}): Promise<Buffer> {
  if (!pages.length) throw new Error('buildTiff: at least one page');
  const dpi = opts.dpi ?? 200;
  const compression = opts.compression ?? 'none';
  const stripsPerPage = Math.max(1, opts.stripsPerPage ?? 4);
  const chunks: Buffer[] = [];
  let size = 8;
  const put = (b: Buffer) => {
    const at = size;
    chunks.push(b);
    size += b.length;
    if (size % 2) {
      chunks.push(Buffer.alloc(1));
      size++;
    }
    return at;
  };
  const header = Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
  let linkAt = 4; // where the offset of the next IFD goes
  const links: Array<[number, number]> = [];
  for (let p = 0; p < pages.length; p++) {
    const src = pages[p];
    const grey = 'lines' in src ? renderLines(src.lines, dpi, opts.fontSize ?? 16) : await decodePng(src.png);
    // sharp writes strips of at most 256 rows: compressed pages get at least ceil(height / 256) strips.
    const rowsPerStrip = Math.min(Math.ceil(grey.height / stripsPerPage), compression === 'none' ? Infinity : 256);
    const enc = await encodePage(grey, rowsPerStrip, compression);
    const offsets = enc.strips.map((s) => put(s));
    const u32s = (values: number[]) => {
      const b = Buffer.alloc(values.length * 4);
      values.forEach((v, i) => b.writeUInt32LE(v, i * 4));
      return b;
    };
    const stripOffsetsAt = offsets.length > 1 ? put(u32s(offsets)) : offsets[0];
    const countsAt = offsets.length > 1 ? put(u32s(enc.strips.map((s) => s.length))) : enc.strips[0].length;
    const resAt = put(u32s([dpi, 1]));
    // Tags, ascending: [tag, type (3 SHORT, 4 LONG, 5 RATIONAL), count, value or offset]
    const tags: Array<[number, number, number, number]> = [
      [254, 4, 1, 2], // NewSubfileType: a page of a multi-page document
      [256, 4, 1, grey.width],
      [257, 4, 1, grey.height],
      [258, 3, 1, enc.bitsPerSample],
      [259, 3, 1, enc.compression],
      [262, 3, 1, enc.photometric],
      [273, 4, offsets.length, stripOffsetsAt],
      [277, 3, 1, 1],
      [278, 4, 1, rowsPerStrip],
      [279, 4, offsets.length, countsAt],
      [282, 5, 1, resAt],
      [283, 5, 1, resAt],
      [296, 3, 1, 2], // inches
      [297, 3, 2, p | (pages.length << 16)], // PageNumber: page, total
    ];
    if (enc.predictor) tags.push([317, 3, 1, enc.predictor]);
    tags.sort((a, b) => a[0] - b[0]);
    const ifd = Buffer.alloc(2 + tags.length * 12 + 4);
    ifd.writeUInt16LE(tags.length, 0);
    tags.forEach(([tag, type, count, value], i) => {
      const e = 2 + i * 12;
      ifd.writeUInt16LE(tag, e);
      ifd.writeUInt16LE(type, e + 2);
      ifd.writeUInt32LE(count, e + 4);
      if (type === 3 && count === 1) ifd.writeUInt16LE(value, e + 8);
      else ifd.writeUInt32LE(value >>> 0, e + 8);
    });
    const ifdAt = put(ifd);
    links.push([linkAt, ifdAt]);
    linkAt = ifdAt + 2 + tags.length * 12;
  }
  const out = Buffer.concat([header, ...chunks]);
  for (const [at, value] of links) out.writeUInt32LE(value, at);
  return out;
}
