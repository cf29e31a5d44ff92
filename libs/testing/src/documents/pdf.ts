/**
 * Small PDFs built byte by byte for tests (no qpdf on the machine): a plain
 * one-page PDF, and the same encrypted with the PDF Standard Security Handler
 * (revision 2, RC4 40-bit, algorithms 3.1–3.4 of the PDF 1.7 spec), with a
 * user password. PDF.js opens the encrypted one only with that password.
 * Also multi-page text-layer PDFs and mixed text/scan PDFs. Same input, same bytes.
 */
import { createHash } from 'node:crypto';
import { md5, padded, PDF_PASSWORD_PAD as PAD, pdfText, rc4, serializePdf, startPdf } from '@casegraph/formats/testing';

function escapePdfString(s: Buffer): string {
  return s
    .toString('latin1')
    .replace(/[\\()]/g, (c) => `\\${c}`)
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');
}

/** The pieces of a non-interlaced 8-bit PNG that a PDF can embed as-is (FlateDecode + PNG predictors). */
function pngForPdf(png: Buffer): { width: number; height: number; colors: number; idat: Buffer } {
  if (png.readUInt32BE(12) !== 0x49484452) throw new Error('not a PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const [depth, colorType, , , interlace] = png.subarray(24, 29);
  if (depth !== 8 || interlace !== 0 || ![0, 2].includes(colorType)) throw new Error('only 8-bit grey/RGB non-interlaced PNGs');
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o);
    if (png.toString('latin1', o + 4, o + 8) === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  return { width, height, colors: colorType === 2 ? 3 : 1, idat: Buffer.concat(idat) };
}

/**
 * A multi-page PDF: text pages (Helvetica) and scanned pages (a PNG drawn over
 * the whole page, optionally with a small text stamp such as a Bates number).
 */
export function buildMixedPdf(pagesIn: Array<{ lines: string[] } | { png: Buffer; stamp?: string }>): Buffer {
  const { objects, add, font, setPages } = startPdf();
  const streamObj = (dict: string, data: Buffer) =>
    add(Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]));
  const kids: number[] = [];
  for (const p of pagesIn) {
    if ('lines' in p) {
      const content = streamObj(
        '',
        Buffer.from(`BT /F1 14 Tf 72 720 Td 18 TL ${p.lines.map((l) => `(${pdfText(l)}) Tj T*`).join(' ')} ET`, 'latin1'),
      );
      kids.push(add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${content} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`));
    } else {
      const img = pngForPdf(p.png);
      const w = 612;
      const h = Math.round((612 * img.height) / img.width);
      const image = streamObj(
        `/Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /${img.colors === 3 ? 'DeviceRGB' : 'DeviceGray'} /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors ${img.colors} /BitsPerComponent 8 /Columns ${img.width} >>`,
        img.idat,
      );
      const stamp = p.stamp ? ` BT /F1 8 Tf ${w - 100} 12 Td (${pdfText(p.stamp)}) Tj ET` : '';
      const content = streamObj('', Buffer.from(`q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q${stamp}`, 'latin1'));
      kids.push(
        add(
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Contents ${content} 0 R /Resources << /XObject << /Im0 ${image} 0 R >> /Font << /F1 ${font} 0 R >> >> >>`,
        ),
      );
    }
  }
  setPages(kids);
  return serializePdf(objects, '/Root 1 0 R');
}

/** A one-page PDF showing `lines` in Helvetica; encrypted when `userPassword` is given. */
export function buildPdf(lines: string[], opts: { userPassword?: string; ownerPassword?: string } = {}): Buffer {
  const id = createHash('md5').update(lines.join('\n')).digest();
  const content = Buffer.from(
    `BT /F1 14 Tf 72 720 Td 18 TL ${lines.map((l) => `(${l.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj T*`).join(' ')} ET`,
    'latin1',
  );
  let encryptDict = '';
  let objectKey: ((num: number) => Buffer) | undefined;
  if (opts.userPassword !== undefined) {
    const P = -44; // print + copy allowed, nothing else
    const ownerKey = md5(padded(opts.ownerPassword ?? `${opts.userPassword}-owner`)).subarray(0, 5);
    const O = rc4(ownerKey, padded(opts.userPassword));
    const p = Buffer.alloc(4);
    p.writeInt32LE(P);
    const key = md5(padded(opts.userPassword), O, p, id).subarray(0, 5);
    const U = rc4(key, PAD);
    encryptDict = `<< /Filter /Standard /V 1 /R 2 /Length 40 /O (${escapePdfString(O)}) /U (${escapePdfString(U)}) /P ${P} >>`;
    objectKey = (num: number) => {
      const extra = Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0]);
      return md5(key, extra).subarray(0, 10);
    };
  }
  const stream = objectKey ? rc4(objectKey(4), content) : content;
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`), stream, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
  ];
  if (encryptDict) objects.push(Buffer.from(encryptDict, 'latin1'));
  const hex = id.toString('hex');
  return serializePdf(objects, `/Root 1 0 R${encryptDict ? ` /Encrypt ${objects.length} 0 R` : ''} /ID [<${hex}> <${hex}>]`);
}

/**
 * A multi-page PDF with a text layer: one page per entry of `pages`, each line shown in Helvetica
 * (WinAnsi, so Latin-1 text only) from the top margin down. 11 pt on 14 pt leading fits 48 lines a page.
 */
export function buildTextPdf(pages: string[][], opts: { fontSize?: number; leading?: number } = {}): Buffer {
  const size = opts.fontSize ?? 11;
  const leading = opts.leading ?? 14;
  const { objects, add, font, setPages } = startPdf();
  const kids: number[] = [];
  for (const lines of pages) {
    const data = Buffer.from(`BT /F1 ${size} Tf 72 740 Td ${leading} TL ${lines.map((l) => `(${pdfText(l)}) Tj T*`).join(' ')} ET`, 'latin1');
    const content = add(Buffer.concat([Buffer.from(`<< /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]));
    kids.push(add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${content} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`));
  }
  setPages(kids);
  return serializePdf(objects, '/Root 1 0 R');
}
