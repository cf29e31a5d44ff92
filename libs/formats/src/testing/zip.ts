// Test builders for ZIP archives: ordinary ones (jszip) and hostile ones written byte by byte (a bomb, an encrypted
// entry, a zip-slip path), so each hostile case is exactly what a test says it is.
import JSZip from 'jszip';
import * as zlib from 'node:zlib';

/** The entry date the builders write unless told otherwise, so that the same entries give the same bytes. */
export const FIXED_ENTRY_DATE = new Date('2024-01-01T00:00:00Z');

/**
 * A real ZIP with these entries (a path ending in `/` is a folder); `store` writes them uncompressed. Every entry is
 * dated `date` (default FIXED_ENTRY_DATE): the same entries give the same bytes on every run.
 */
export async function buildZip(entries: Array<{ path: string; bytes: Buffer | string }>, opts?: { store?: boolean; date?: Date }): Promise<Buffer> {
  const zip = new JSZip();
  const date = opts?.date ?? FIXED_ENTRY_DATE;
  for (const e of entries) {
    if (e.path.endsWith('/')) zip.file(e.path.replace(/\/+$/, ''), null, { dir: true, date });
    else zip.file(e.path, e.bytes, { binary: typeof e.bytes !== 'string', createFolders: false, date });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: opts?.store ? 'STORE' : 'DEFLATE', platform: 'UNIX' });
}

let crcTable: Uint32Array | undefined;
/** CRC-32 of the chunks, in order (zlib's when Node has it). */
export function crc32(chunks: Buffer[]): number {
  const native = (zlib as unknown as { crc32?: (data: Buffer, value?: number) => number }).crc32;
  if (native) return chunks.reduce((crc, c) => native(c, crc), 0) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i++) crc = crcTable[(crc ^ chunk[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface RawZipEntry {
  /** Written as is (UTF-8 flag set): `../x`, `/etc/passwd`, `a\\b` stay what they are. */
  name: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  /** The entry's data as stored in the archive (already deflated for method 8). */
  data: Buffer;
  crc: number;
  uncompressedSize: number;
  /** General purpose flags besides UTF-8 (bit 0 = encrypted). */
  flags?: number;
}

/** A ZIP written byte by byte from raw entries: local headers, data, central directory, end record. */
export function rawZip(entries: RawZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const flags = (e.flags ?? 0) | 0x800;
    // The fields local header and central directory share (version needed … name length), at `at` in each.
    const common = (b: Buffer, at: number): void => {
      b.writeUInt16LE(20, at);
      b.writeUInt16LE(flags, at + 2);
      b.writeUInt16LE(e.method, at + 4);
      b.writeUInt16LE(0, at + 6); // time 00:00
      b.writeUInt16LE(0x21, at + 8); // date 1980-01-01
      b.writeUInt32LE(e.crc >>> 0, at + 10);
      b.writeUInt32LE(e.data.length, at + 14);
      b.writeUInt32LE(e.uncompressedSize >>> 0, at + 18);
      b.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local, 4);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4);
    common(cd, 6);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(cd, name);
    offset += local.length + name.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}

/** A raw entry for these bytes, deflated. */
export function deflatedEntry(name: string, bytes: Buffer | string): RawZipEntry {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  return { name, method: 8, data: zlib.deflateRawSync(b), crc: crc32([b]), uncompressedSize: b.length };
}

/**
 * A zip bomb: one entry of `mib` MiB of zeros (200 by default) in a file of a few hundred KiB. The deflate stream is
 * one compressed MiB of zeros repeated (each copy ends on a sync flush, so copies concatenate), built in milliseconds
 * without ever holding the uncompressed data. `declaredSize` lies about the size in the headers (a bomb that a
 * ratio check from the central directory cannot see; it shows only while inflating).
 */
export function buildZipBomb(opts?: { mib?: number; declaredSize?: number; name?: string }): Buffer {
  const mib = opts?.mib ?? 200;
  const oneMiB = Buffer.alloc(1024 * 1024);
  const block = zlib.deflateRawSync(oneMiB, { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 9 });
  const last = zlib.deflateRawSync(Buffer.alloc(0));
  const data = Buffer.concat([...Array.from({ length: mib }, () => block), last]);
  const crc = crc32(Array.from({ length: mib }, () => oneMiB));
  const size = opts?.declaredSize ?? mib * 1024 * 1024;
  return rawZip([deflatedEntry('readme.txt', 'nothing to see'), { name: opts?.name ?? 'zeros.bin', method: 8, data, crc, uncompressedSize: size }]);
}

/** A ZIP whose entry says it is encrypted (general purpose bit 0); the bytes need not decrypt. */
export function buildEncryptedZip(): Buffer {
  const secret = deflatedEntry('secret.txt', 'the merger closes on Friday');
  return rawZip([{ ...secret, flags: 0x1 }]);
}

/** A ZIP whose entries try to escape the extraction folder: `../../etc/evil.txt`, an absolute path, a backslash path. */
export function buildZipSlip(): Buffer {
  return rawZip([
    deflatedEntry('docs/ok.txt', 'an ordinary file'),
    deflatedEntry('../../etc/evil.txt', 'written outside the folder'),
    deflatedEntry('/abs/root.txt', 'an absolute path'),
    deflatedEntry('win\\..\\..\\boot.ini', 'a backslash traversal'),
  ]);
}
