/** Turns the command line's files and folders into the list of files to upload. */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { SUPPORTED_FORMATS, UNSUPPORTED_FORMATS } from '@casegraph/contracts';

/** Every extension of a supported format (libs/contracts SUPPORTED_FORMATS); the API judges the bytes, not the name. */
export const INGEST_EXTENSIONS: readonly string[] = SUPPORTED_FORMATS.flatMap((f) => [...f.extensions]);

/** Extensions of formats recognised but not read, to give their advice (UNSUPPORTED_FORMATS). */
const UNSUPPORTED_BY_EXTENSION: Record<string, (typeof UNSUPPORTED_FORMATS)[number]['id']> = {
  '.doc': 'doc',
  '.dot': 'doc',
  '.rtf': 'rtf',
  '.xls': 'xls',
  '.ppt': 'ppt',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.pptx': 'pptx',
  '.odt': 'odf',
  '.ods': 'odf',
  '.odp': 'odf',
  '.rar': 'rar',
  '.7z': '7z',
  '.gz': 'gzip',
  '.tgz': 'gzip',
  '.tar': 'gzip',
  '.mbox': 'mbox',
  '.pst': 'pst',
};

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** The name sent to the API. */
  name: string;
  size: number;
}

export interface ExpandedInputs {
  files: InputFile[];
  /** Files not uploaded, named or found in a folder: not of a supported type, empty, not a regular file. */
  skipped: Array<{ path: string; reason: string }>;
  /** Paths that do not exist or cannot be read (a usage error). */
  missing: Array<{ path: string; reason: string }>;
}

/** Why a file is not uploaded: its format's advice when it is a known one, else the list of supported extensions. */
export function unsupportedReason(path: string): string {
  const ext = extname(path).toLowerCase();
  const known = UNSUPPORTED_FORMATS.find((f) => f.id === UNSUPPORTED_BY_EXTENSION[ext]);
  if (known) return `unsupported type: ${known.label}; ${known.advice}`;
  return `unsupported type (${ext || 'no extension'}; supported: ${INGEST_EXTENSIONS.join(' ')})`;
}

export const isIngestible = (path: string) => INGEST_EXTENSIONS.includes(extname(path).toLowerCase());

async function walk(dir: string, out: InputFile[], skipped: ExpandedInputs['skipped']): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.')) {
      skipped.push({ path, reason: entry.isDirectory() ? 'hidden folder (not searched)' : 'hidden file' });
      continue;
    }
    if (entry.isDirectory()) await walk(path, out, skipped);
    else if (!entry.isFile()) skipped.push({ path, reason: entry.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file' });
    else if (!isIngestible(entry.name)) skipped.push({ path, reason: unsupportedReason(entry.name) });
    else {
      const s = await stat(path);
      if (s.size === 0) skipped.push({ path, reason: 'empty file' });
      else out.push({ path, name: entry.name, size: s.size });
    }
  }
}

/**
 * Folders are searched recursively for supported files; every other file found there
 * (hidden ones and hidden folders included), like a file named explicitly but of another
 * type, is reported as skipped with the reason: nothing is passed over silently. Each
 * file is listed once even when named twice.
 */
export async function expandInputs(paths: string[]): Promise<ExpandedInputs> {
  const files: InputFile[] = [];
  const skipped: ExpandedInputs['skipped'] = [];
  const missing: ExpandedInputs['missing'] = [];
  for (const raw of paths) {
    const path = resolve(raw);
    let s;
    try {
      s = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      missing.push({ path: raw, reason: code === 'ENOENT' ? 'no such file or folder' : (err as Error).message });
      continue;
    }
    if (s.isDirectory()) {
      try {
        await walk(path, files, skipped);
      } catch (err) {
        missing.push({ path: raw, reason: (err as Error).message });
      }
    } else if (!isIngestible(path)) {
      skipped.push({ path: raw, reason: unsupportedReason(path) });
    } else if (s.size === 0) {
      skipped.push({ path: raw, reason: 'empty file' });
    } else {
      files.push({ path, name: basename(path), size: s.size });
    }
  }
  const seen = new Set<string>();
  return {
    files: files.filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true))),
    skipped,
    missing,
  };
}
