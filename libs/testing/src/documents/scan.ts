/**
 * "Scanned" pages for tests: text drawn with @napi-rs/canvas in Liberation Sans (the font file that
 * pdfjs-dist ships, so every checkout renders with the same font), at a given dpi, on a US Letter
 * page, then stored as an 8-bit grey PNG by our own encoder (zlib, fixed settings): the same lines
 * give the same bytes on every run.
 */
import { createCanvas } from '@napi-rs/canvas';
import { crc32, deflateSync } from 'node:zlib';
import { registerTestFont, TEST_FONT_FAMILY } from '@casegraph/formats/testing';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit greyscale, non-interlaced PNG of `grey` (one byte a pixel, row by row). */
export function encodeGreyPng(width: number, height: number, grey: Uint8Array, opts: { dpi?: number } = {}): Buffer {
  if (grey.length !== width * height) throw new Error(`expected ${width * height} pixels, got ${grey.length}`);
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(grey.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  const parts = [Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr)];
  if (opts.dpi) {
    const phys = Buffer.alloc(9);
    const ppm = Math.round(opts.dpi / 0.0254);
    phys.writeUInt32BE(ppm, 0);
    phys.writeUInt32BE(ppm, 4);
    phys[8] = 1; // metres
    parts.push(chunk('pHYs', phys));
  }
  parts.push(chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

export interface ScanOptions {
  /** Resolution of the scan (default 150). */
  dpi?: number;
  /** Font size in points (default 12). */
  fontSize?: number;
  /** Line distance in points (default 1.5 × fontSize). */
  leading?: number;
  /** Page size in inches (default US Letter, 8.5 × 11). */
  pageInches?: [number, number];
}

export interface RenderedScan {
  png: Buffer;
  width: number;
  height: number;
}

/** One page of text lines rendered like a flat-bed scan: black text on white, 1-inch margins, grey PNG. */
export function renderScanPng(lines: string[], opts: ScanOptions = {}): RenderedScan {
  registerTestFont();
  const dpi = opts.dpi ?? 150;
  const fontSize = opts.fontSize ?? 12;
  const leading = opts.leading ?? fontSize * 1.5;
  const [wi, hi] = opts.pageInches ?? [8.5, 11];
  const width = Math.round(wi * dpi);
  const height = Math.round(hi * dpi);
  const px = dpi / 72;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#111111';
  ctx.font = `${Math.round(fontSize * px)}px "${TEST_FONT_FAMILY}"`;
  ctx.textBaseline = 'alphabetic';
  lines.forEach((line, i) => ctx.fillText(line, dpi, dpi + fontSize * px + i * leading * px));
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]);
  return { png: encodeGreyPng(width, height, grey, { dpi }), width, height };
}

/**
 * A grey PNG that does not compress (seeded noise, like a photograph's grain): for upload size limits.
 * About width × height bytes.
 */
export function noisePng(width: number, height: number, seed = 1): Buffer {
  const grey = new Uint8Array(width * height);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < grey.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    grey[i] = x & 255;
  }
  return encodeGreyPng(width, height, grey);
}
