import type { SniffedType } from '@casegraph/storage';

export interface ImageDimensions {
  width: number;
  height: number;
}

/**
 * Width and height an image's header claims, read without decoding a pixel
 * (PNG IHDR, JPEG SOFn, the first TIFF IFD). A decoder allocates what the
 * header claims, so this is what the pixel budget is checked against. Null
 * when the header cannot be read (the decoder then reports the damage itself).
 */
export function imageDimensions(bytes: Buffer, type: SniffedType): ImageDimensions | null {
  try {
    if (type === 'image/png') return pngDimensions(bytes);
    if (type === 'image/jpeg') return jpegDimensions(bytes);
    if (type === 'image/tiff') return tiffDimensions(bytes);
  } catch {
    /* truncated header */
  }
  return null;
}

function pngDimensions(b: Buffer): ImageDimensions | null {
  if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function jpegDimensions(b: Buffer): ImageDimensions | null {
  let o = 2;
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) return null;
    const marker = b[o + 1];
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2; // markers without a length
      continue;
    }
    const len = b.readUInt16BE(o + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (o + 9 > b.length) return null;
      return { height: b.readUInt16BE(o + 5), width: b.readUInt16BE(o + 7) };
    }
    if (marker === 0xda || len < 2) return null; // start of scan before any frame header
    o += 2 + len;
  }
  return null;
}

function tiffDimensions(b: Buffer): ImageDimensions | null {
  const le = b.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const ifd = u32(4);
  const entries = u16(ifd);
  let width: number | undefined;
  let height: number | undefined;
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e);
    if (tag !== 256 && tag !== 257) continue;
    const value = u16(e + 2) === 3 ? u16(e + 8) : u32(e + 8);
    if (tag === 256) width = value;
    else height = value;
  }
  return width !== undefined && height !== undefined ? { width, height } : null;
}
