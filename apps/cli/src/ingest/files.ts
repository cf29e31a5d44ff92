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
  /** Files named on the command line that are not of a supported type, or empty. */
  skipped: Array<{ path: string; reason: string }>;
  /** Paths that do not exist or cannot be read (a usage error). */
  missing: Array<{ path: string; reason: string }>;
}

export const isIngestible = (path: string) => (INGEST_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());

async function walk(dir: string, out: InputFile[], skipped: ExpandedInputs['skipped']): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out, skipped);
    else if (entry.isFile() && isIngestible(entry.name)) {
      const s = await stat(path);
      if (s.size === 0) skipped.push({ path, reason: 'empty file' });
      else out.push({ path, name: entry.name, size: s.size });
    }
  }
}

/**
 * Folders are searched recursively for supported files (others are ignored quietly);
 * a file named explicitly but of another type is reported as skipped. Each file is
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
      skipped.push({ path: raw, reason: `not one of ${INGEST_EXTENSIONS.join(' ')}` });
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
