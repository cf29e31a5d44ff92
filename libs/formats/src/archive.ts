// ZIP archives (yauzl): every file entry a child, read on demand. Every limit is checked from the central directory
// before anything is inflated, then enforced again while inflating (a header may lie).
import * as yauzl from 'yauzl';
import { asFormatError, FormatError, type Extracted, type ExtractedChild, type FormatLimits } from './types';

/** Entries below this size are never called bombs, whatever their ratio (tiny files compress absurdly well). */
export const BOMB_MIN_BYTES = 1024 * 1024;

const SKIPPED_NAMES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);

interface ZipEntryInfo {
  entry: yauzl.Entry;
  path: string;
  filename: string;
  size: number;
}

/** What a damaged archive is called, whatever yauzl or zlib said (their words follow in parentheses). */
export const ZIP_DAMAGED = 'the ZIP archive is damaged or incomplete';

function corrupt(err: unknown): FormatError {
  return asFormatError(err, ZIP_DAMAGED);
}

/** The entry's path made safe and readable: forward slashes, no drive, no leading `/`, no `.` or `..` segments. */
export function normaliseEntryPath(raw: string): { path: string; traversal: boolean } {
  const segments = raw
    .replace(/\\/g, '/')
    .replace(/^[a-zA-Z]:/, '')
    .split('/');
  let traversal = /^([a-zA-Z]:)?[\\/]/.test(raw);
  const kept: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      traversal = true;
      continue;
    }
    kept.push(s);
  }
  return { path: kept.join('/'), traversal };
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings false: yauzl refuses the whole archive on one `../` name; names are decoded (same rules: UTF-8
    // flag, Info-ZIP Unicode path, CP437) and made safe here instead, so a zip-slip entry keeps a readable path.
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, decodeStrings: false, autoClose: false }, (err, zip) =>
      err || !zip ? reject(corrupt(err)) : resolve(zip),
    );
  });
}

function listEntries(zip: yauzl.ZipFile, limits: FormatLimits, warnings: string[]): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    const out: ZipEntryInfo[] = [];
    let total = 0;
    let done = false;
    const fail = (e: FormatError): void => {
      if (done) return;
      done = true;
      zip.close();
      reject(e);
    };
    zip.on('error', (err) => fail(corrupt(err)));
    zip.on('end', () => {
      if (done) return;
      done = true;
      resolve(out);
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      if (done) return;
      const rawName = entry.fileName as unknown as Buffer;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, rawName, entry.extraFields, false);
      if (/\/$/.test(name.replace(/\\/g, '/'))) return zip.readEntry();
      const { path, traversal } = normaliseEntryPath(name);
      const segments = path.split('/');
      const filename = segments[segments.length - 1];
      if (!filename) return zip.readEntry();
      if (segments[0] === '__MACOSX' || SKIPPED_NAMES.has(filename.toLowerCase())) {
        warnings.push(`skipped ${name}: operating-system metadata, not a document`);
        return zip.readEntry();
      }
      if (traversal) warnings.push(`entry "${name}" points outside the archive; kept as "${path}"`);
      if (entry.isEncrypted()) return fail(new FormatError('password-protected ZIP: unpack it and upload the files', 'encrypted'));
      if (out.length + 1 > limits.maxChildren) {
        return fail(
          new FormatError(`the ZIP archive has more than ${limits.maxChildren} files, the limit for one document's children`, 'too-many-children'),
        );
      }
      const size = entry.uncompressedSize;
      if (size > BOMB_MIN_BYTES && size / Math.max(entry.compressedSize, 1) > limits.maxCompressionRatio) {
        return fail(
          new FormatError(
            `"${path}" inflates ${entry.compressedSize} bytes to ${size} (over ${limits.maxCompressionRatio}:1): this looks like a zip bomb and was not unpacked`,
            'bomb',
          ),
        );
      }
      if (size > limits.maxChildBytes) {
        return fail(
          new FormatError(`"${path}" is ${size} bytes uncompressed, over the ${limits.maxChildBytes}-byte limit for one file`, 'too-large'),
        );
      }
      total += size;
      if (total > limits.maxTotalChildBytes) {
        return fail(
          new FormatError(
            `the ZIP archive's files add up to more than ${limits.maxTotalChildBytes} bytes uncompressed, the limit for one archive`,
            'too-large',
          ),
        );
      }
      out.push({ entry, path, filename, size });
      zip.readEntry();
    });
    zip.readEntry();
  });
}

/** Inflates one entry, never past its declared size nor the per-file limit. */
function inflate(zip: yauzl.ZipFile, info: ZipEntryInfo, limits: FormatLimits): Promise<Buffer> {
  const cap = Math.min(info.size, limits.maxChildBytes);
  return new Promise((resolve, reject) => {
    zip.openReadStream(info.entry, (err, stream) => {
      if (err || !stream) return reject(corrupt(err));
      const chunks: Buffer[] = [];
      let got = 0;
      let settled = false;
      const fail = (e: FormatError): void => {
        if (settled) return;
        settled = true;
        stream.destroy();
        reject(e);
      };
      stream.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got > cap) {
          return fail(
            new FormatError(
              `"${info.path}" inflates past the ${info.size} bytes its header declares: this looks like a zip bomb and was not unpacked`,
              'bomb',
            ),
          );
        }
        chunks.push(chunk);
      });
      stream.on('error', (e: Error) =>
        fail(
          /too many bytes/i.test(e.message)
            ? new FormatError(`"${info.path}" inflates past the size its header declares: this looks like a zip bomb and was not unpacked`, 'bomb')
            : corrupt(e),
        ),
      );
      stream.on('end', () => {
        if (settled) return;
        settled = true;
        resolve(Buffer.concat(chunks, got));
      });
    });
  });
}

/**
 * A ZIP archive: one page listing its files, each file a child inflated on demand. Every failure is a FormatError
 * (a damaged archive: ZIP_DAMAGED, the library's detail in parentheses).
 */
export function readZip(bytes: Buffer, limits: FormatLimits): Promise<Extracted> {
  return readZipInner(bytes, limits).catch((err: unknown) => Promise.reject(corrupt(err)));
}

async function readZipInner(bytes: Buffer, limits: FormatLimits): Promise<Extracted> {
  if (bytes.length === 0) throw new FormatError('the ZIP archive is empty', 'empty');
  const warnings: string[] = [];
  const zip = await openZip(bytes);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      zip.close();
      reject(new FormatError(`the ZIP archive's directory took longer than ${Math.round(limits.timeoutMs / 1000)} s to read`, 'timeout'));
    }, limits.timeoutMs);
    timer.unref?.();
  });
  let entries: ZipEntryInfo[];
  try {
    entries = await Promise.race([listEntries(zip, limits, warnings), timeout]);
  } finally {
    clearTimeout(timer);
  }
  if (!entries.length) warnings.push('the ZIP archive holds no files');
  const children: ExtractedChild[] = entries.map((info, index) => ({
    index,
    filename: info.filename,
    path: info.path,
    contentType: null,
    size: info.size,
    read: () => inflate(zip, info, limits).catch((err: unknown) => Promise.reject(corrupt(err))),
  }));
  const listing = entries.map((e) => `${e.path} (${e.size} bytes)`).join('\n');
  return { format: 'zip', pages: [{ text: listing }], metadata: { format: 'zip' }, children, warnings };
}
