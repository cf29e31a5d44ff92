/** Turns the command line's files and folders into the list of files to upload. */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

export const INGEST_EXTENSIONS = ['.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff'] as const;

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

const UNSUPPORTED = `unsupported type (not one of ${INGEST_EXTENSIONS.join(' ')})`;

export const isIngestible = (path: string) => (INGEST_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());

async function walk(dir: string, out: InputFile[], skipped: ExpandedInputs['skipped']): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out, skipped);
    else if (!entry.isFile()) skipped.push({ path, reason: entry.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file' });
    else if (!isIngestible(entry.name)) skipped.push({ path, reason: UNSUPPORTED });
    else {
      const s = await stat(path);
      if (s.size === 0) skipped.push({ path, reason: 'empty file' });
      else out.push({ path, name: entry.name, size: s.size });
    }
  }
}

/**
 * Folders are searched recursively for supported files; every other file found there,
 * like a file named explicitly but of another type, is reported as skipped with the
 * reason (hidden files and folders, `.name`, are passed over quietly). Each file is
 * listed once even when named twice.
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
      skipped.push({ path: raw, reason: UNSUPPORTED });
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
