import type { PDFDocument as PdfDocumentType } from 'pdf-lib';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { FormatError } from './types';

// sharp (native libvips) and pdf-lib are loaded at the first imagesToPdf call, not when @casegraph/formats is
// imported: the graph worker and the API outside production imports never load them.
type SharpFn = (input: Buffer, options?: SharpOptions) => Sharp;
let libs: { sharp: SharpFn; PDFDocument: typeof PdfDocumentType } | null = null;

function loadImageLibs(): { sharp: SharpFn; PDFDocument: typeof PdfDocumentType } {
  if (!libs) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy: see above.
    const sharp = require('sharp') as SharpFn;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy: see above.
    const { PDFDocument } = require('pdf-lib') as typeof import('pdf-lib');
    libs = { sharp, PDFDocument };
  }
  return libs;
}

export interface ImagesToPdfOptions {
  /** Largest page image (width × height pixels); a bigger one is refused before it is decoded. */
  maxPixels: number;
  /** Most pages in the PDF (a multi-page TIFF counts each of its pages). */
  maxPages: number;
  /** Resolution assumed when an image does not say (default 300). */
  defaultDpi: number;
}

export const DEFAULT_IMAGES_TO_PDF: ImagesToPdfOptions = { maxPixels: 100_000_000, maxPages: 5000, defaultDpi: 300 };

type ImageKind = 'png' | 'jpeg' | 'tiff';

function kindOf(b: Buffer): ImageKind | null {
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))
  ) {
    return 'tiff';
  }
  return null;
}

/** Points (1/72 in) for a side of `px` pixels at `dpi`; a resolution outside 50–2400 dpi is not believed. */
function points(px: number, dpi: number | undefined, fallback: number): number {
  const d = dpi && dpi >= 50 && dpi <= 2400 ? dpi : fallback;
  return (px / d) * 72;
}

/**
 * One PDF of page images, one page per image (every page of a multi-page TIFF, any TIFF compression libtiff reads,
 * CCITT Group 4 included), each page the image's size at its resolution (300 dpi when it does not say). JPEGs are
 * embedded as they are; PNG and TIFF pages are re-encoded as PNG by sharp, page by page.
 *
 * Deterministic: no creation date, producer or ID, so the same images give the same bytes (and SHA-256), which is
 * how a production's duplicate records are found.
 *
 * Throws FormatError naming the image (1-based) when one is empty, not PNG/JPEG/TIFF ('unsupported'), larger than
 * maxPixels or past maxPages ('too-large'), or cannot be decoded ('corrupt').
 */
export async function imagesToPdf(images: Buffer[], opts: Partial<ImagesToPdfOptions> = {}): Promise<Buffer> {
  const o = { ...DEFAULT_IMAGES_TO_PDF, ...opts };
  if (images.length === 0) throw new FormatError('no page images', 'empty');
  const { sharp, PDFDocument } = loadImageLibs();
  const pdf = await PDFDocument.create({ updateMetadata: false });
  let pageCount = 0;
  for (let i = 0; i < images.length; i++) {
    const bytes = images[i];
    const which = `image ${i + 1}`;
    if (bytes.length === 0) throw new FormatError(`${which} is empty`, 'empty');
    const kind = kindOf(bytes);
    if (!kind) throw new FormatError(`${which} is not a PNG, JPEG or TIFF image`, 'unsupported');
    let meta: Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (err) {
      throw new FormatError(`${which} cannot be read: ${(err as Error).message}`, 'corrupt', { cause: err });
    }
    const pages = kind === 'tiff' ? Math.max(1, meta.pages ?? 1) : 1;
    for (let p = 0; p < pages; p++) {
      if (++pageCount > o.maxPages) throw new FormatError(`more than ${o.maxPages} pages`, 'too-large');
      const label = pages > 1 ? `${which}, page ${p + 1}` : which;
      let width: number;
      let height: number;
      let density: number | undefined;
      if (p === 0) {
        width = meta.width ?? 0;
        height = meta.height ?? 0;
        density = meta.density;
      } else {
        // Each TIFF page has its own size and resolution.
        try {
          const m = await sharp(bytes, { page: p, limitInputPixels: false }).metadata();
          width = m.width ?? 0;
          height = m.height ?? 0;
          density = m.density;
        } catch (err) {
          throw new FormatError(`${label} cannot be read: ${(err as Error).message}`, 'corrupt', { cause: err });
        }
      }
      if (!width || !height) throw new FormatError(`${label} has no size`, 'corrupt');
      if (width * height > o.maxPixels) {
        throw new FormatError(`${label} is ${width}×${height} pixels, more than ${o.maxPixels}`, 'too-large');
      }
      let embedded;
      try {
        if (kind === 'jpeg') {
          embedded = await pdf.embedJpg(bytes);
        } else {
          const png = await sharp(bytes, { page: p, pages: 1, limitInputPixels: o.maxPixels }).png({ compressionLevel: 6 }).toBuffer();
          embedded = await pdf.embedPng(png);
        }
      } catch (err) {
        throw new FormatError(`${label} cannot be decoded: ${(err as Error).message}`, 'corrupt', { cause: err });
      }
      const w = points(width, density, o.defaultDpi);
      const h = points(height, density, o.defaultDpi);
      const page = pdf.addPage([w, h]);
      page.drawImage(embedded, { x: 0, y: 0, width: w, height: h });
    }
  }
  return Buffer.from(await pdf.save({ updateFieldAppearances: false }));
}
