import type { FormatId } from '@casegraph/contracts';
import { readZip } from './archive';
import { readEml, readMsg } from './mail';
import { readDocx, resolveLimits } from './office';
import { asFormatError, type Extracted, type FormatLimits } from './types';
import { readHtml, readText } from './web';

/** The formats `readDocument` reads; the others (PDF and images) go to OCR. */
export const READ_FORMATS = ['docx', 'eml', 'msg', 'html', 'text', 'zip'] as const satisfies readonly FormatId[];

const READERS: Record<(typeof READ_FORMATS)[number], (bytes: Buffer, limits: FormatLimits) => Promise<Extracted>> = {
  docx: readDocx,
  eml: readEml,
  msg: readMsg,
  html: readHtml,
  text: readText,
  zip: readZip,
};

/** True when `readDocument` reads the format (false for PDF and images, which are OCR's). */
export function isReadFormat(format: FormatId): format is (typeof READ_FORMATS)[number] {
  return (READ_FORMATS as readonly string[]).includes(format);
}

/**
 * A document of a non-OCR format as pages (with parts), metadata and children, under `limits` (merged over
 * DEFAULT_FORMAT_LIMITS). Rejects with FormatError for a document it refuses (a permanent failure with a readable
 * reason). PDF, PNG, JPEG and TIFF are OCR's: passing one is a programming error (a plain Error).
 */
export function readDocument(bytes: Buffer, format: FormatId, limits?: Partial<FormatLimits>): Promise<Extracted> {
  if (!isReadFormat(format)) {
    return Promise.reject(new Error(`readDocument does not read ${format}: PDF and image files go to OCR`));
  }
  // Each reader maps its own failures; this is the net under them (a document never fails with a bare library error).
  return READERS[format](bytes, resolveLimits(limits)).catch((err: unknown) =>
    Promise.reject(asFormatError(err, `the ${format === 'text' ? 'text file' : `${format.toUpperCase()} document`} cannot be read`)),
  );
}
