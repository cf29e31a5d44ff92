/**
 * Encrypted PDFs for tests, written byte by byte: the PDF Standard Security Handler, revision 3 (RC4 128-bit,
 * /V 2 /R 3, algorithms 3.1–3.5 of the PDF 1.7 spec), with a user password and a Helvetica text layer on each
 * page. PDF.js opens it only with that password (PasswordException code 1 without one, code 2 with a wrong one).
 * Same input, same bytes (the file ID is derived from the content).
 */
import { createHash } from 'node:crypto';

/** The 32-byte password padding of the PDF Standard Security Handler (algorithm 3.2). */
export const PDF_PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const PAD = PDF_PASSWORD_PAD;
/** Key length in bytes (128 bits). */
const N = 16;

/** RC4 in JS (OpenSSL 3 has no RC4 without its legacy provider). */
export function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}

export const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();
/** A password padded (or cut) to 32 bytes with PDF_PASSWORD_PAD. */
export const padded = (pw: string): Buffer => Buffer.concat([Buffer.from(pw, 'latin1'), PAD]).subarray(0, 32);

/** `t` escaped for a PDF literal string (backslash and parentheses). */
export const pdfText = (t: string): string => t.replace(/[\\()]/g, (c) => `\\${c}`);

/**
 * The start every test PDF shares: object 1 the catalog, 2 the page tree (written by `setPages`), 3 Helvetica
 * (WinAnsi). `add` appends an object and returns its number.
 */
export function startPdf(): { objects: Buffer[]; add: (body: Buffer | string) => number; font: number; setPages: (kids: number[]) => void } {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string): number => {
    objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    return objects.length;
  };
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add('PLACEHOLDER');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const setPages = (kids: number[]): void => {
    objects[1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`);
  };
  return { objects, add, font, setPages };
}

/** A PDF file of these objects (object n = objects[n - 1]): header, bodies, xref table, trailer with `trailerExtra`. */
export function serializePdf(objects: Buffer[], trailerExtra: string): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let size = parts[0].length;
  objects.forEach((body, i) => {
    offsets.push(size);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(obj);
    size += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join(
    '',
  );
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} ${trailerExtra} >>\nstartxref\n${size}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** RC4 with `key`, then 19 more passes with each key byte XOR i (revision 3). */
function rc4Twenty(key: Buffer, data: Buffer): Buffer {
  let out = rc4(key, data);
  for (let i = 1; i <= 19; i++) {
    out = rc4(Buffer.from(key.map((b) => b ^ i)), out);
  }
  return out;
}

const hexString = (b: Buffer) => `<${b.toString('hex')}>`;

export interface EncryptedPdfOptions {
  /** The user password (Latin-1); needed to open the file. */
  password: string;
  /** Text of each page; lines split on "\n" (WinAnsi/Latin-1 only). */
  pages: string[];
  /** Owner password; default: derived from the user password. */
  ownerPassword?: string;
}

/** A PDF with one text page per entry of `pages`, encrypted with RC4 128-bit (V2 R3) under `password`. */
export function buildEncryptedPdf(opts: EncryptedPdfOptions): Buffer {
  if (!opts.pages.length) throw new Error('buildEncryptedPdf: at least one page');
  const id = md5(Buffer.from(JSON.stringify(opts.pages), 'utf8'), Buffer.from(opts.password, 'latin1'));
  const P = -3904; // print, copy and the rest of the R3 bits allowed
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(P);

  // Algorithm 3.3: the O entry.
  let ownerKey = md5(padded(opts.ownerPassword ?? `${opts.password}\u0001owner`));
  for (let i = 0; i < 50; i++) ownerKey = md5(ownerKey.subarray(0, N));
  const O = rc4Twenty(ownerKey.subarray(0, N), padded(opts.password));

  // Algorithm 3.2: the file key.
  let key = md5(padded(opts.password), O, pBytes, id);
  for (let i = 0; i < 50; i++) key = md5(key.subarray(0, N));
  key = key.subarray(0, N);

  // Algorithm 3.5: the U entry (16 bytes that matter + 16 of padding).
  const U = Buffer.concat([rc4Twenty(key, md5(PAD, id)), Buffer.alloc(16)]);

  const objectKey = (num: number) => md5(key, Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0])).subarray(0, Math.min(N + 5, 16));

  const { objects, add, font, setPages } = startPdf();
  const kids: number[] = [];
  for (const text of opts.pages) {
    const lines = text.split('\n');
    const content = Buffer.from(`BT /F1 14 Tf 72 720 Td 18 TL ${lines.map((l) => `(${pdfText(l)}) Tj T*`).join(' ')} ET`, 'latin1');
    const num = objects.length + 1;
    const data = rc4(objectKey(num), content);
    add(Buffer.concat([Buffer.from(`<< /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]));
    kids.push(add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${num} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`));
  }
  setPages(kids);
  const encrypt = add(`<< /Filter /Standard /V 2 /R 3 /Length 128 /O ${hexString(O)} /U ${hexString(U)} /P ${P} >>`);

  const hex = id.toString('hex');
  return serializePdf(objects, `/Root 1 0 R /Encrypt ${encrypt} 0 R /ID [<${hex}> <${hex}>]`);
}
