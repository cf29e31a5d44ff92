/**
 * `Content-Disposition: attachment` for a stored document (RFC 6266 / RFC 8187): an ASCII `filename` fallback with
 * nothing a browser or a shell could misread (no quotes, backslashes, CR/LF or other controls, path separators, bidi
 * overrides such as U+202E that turn `invoice\u202Efdp.exe` into "invoiceexe.pdf" on screen), and the UTF-8 name in
 * `filename*`, percent-encoded, with the same characters removed.
 */

/** Bidi embeddings, overrides, isolates and marks, and other invisible format characters. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex -- strips control characters (CR, LF, NUL, ...) from header values
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** The name with controls, invisible characters and path separators removed (still Unicode). */
export function displayFilename(name: string): string {
  const base = (name ?? '').normalize('NFC').replace(CONTROLS, '').replace(INVISIBLE, '').split(/[\\/]/).pop() ?? '';
  return base.replace(/\s+/g, ' ').trim().replace(/^\.+/, '') || 'document';
}

/** The ASCII fallback: accents dropped, any other non-ASCII or unsafe character as `_`. */
export function asciiFilename(name: string): string {
  const ascii = displayFilename(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\;%*?<>|:]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  return ascii || 'document';
}

/** RFC 8187 ext-value: UTF-8, percent-encoded except attr-char. */
function encodeExtValue(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function attachmentDisposition(name: string): string {
  const display = displayFilename(name);
  return `attachment; filename="${asciiFilename(display)}"; filename*=UTF-8''${encodeExtValue(display)}`;
}
