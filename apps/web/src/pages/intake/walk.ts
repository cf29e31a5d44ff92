/**
 * Files out of a drop: DataTransferItem.webkitGetAsEntry gives file and directory entries; directories are read
 * (readEntries answers in batches, so it is called until it answers none) and walked depth-first, each file kept
 * with its path relative to what was dropped. Written against the few members it uses, so tests can walk fakes.
 */

export interface FileEntryLike<F> {
  isFile: true;
  isDirectory: false;
  name: string;
  fullPath: string;
  file(ok: (f: F) => void, fail?: (err: unknown) => void): void;
}

export interface DirectoryEntryLike<F> {
  isFile: false;
  isDirectory: true;
  name: string;
  fullPath: string;
  createReader(): { readEntries(ok: (entries: Array<EntryLike<F>>) => void, fail?: (err: unknown) => void): void };
}

export type EntryLike<F> = FileEntryLike<F> | DirectoryEntryLike<F>;

export interface Picked<F> {
  file: F;
  /** Relative path as dropped or picked ("Exhibits/2024/a.pdf"); the file name alone for a single file. */
  path: string;
}

export interface WalkResult<F> {
  files: Array<Picked<F>>;
  /** Operating-system clutter left out (.DS_Store, Thumbs.db, ._ resource forks, hidden folders). */
  skipped: string[];
  /** Entries that could not be read (permissions, a file removed meanwhile), by path. */
  unreadable: string[];
}

/** Files no one means to upload: the server would refuse them as unsupported, and they only add noise. */
export function isClutter(name: string): boolean {
  return /^(\.DS_Store|Thumbs\.db|desktop\.ini|\.localized)$/i.test(name) || name.startsWith('._') || name === '__MACOSX';
}

const relative = (fullPath: string, name: string): string => (fullPath ? fullPath.replace(/^\/+/, '') : name) || name;

function readAll<F>(dir: DirectoryEntryLike<F>): Promise<Array<EntryLike<F>>> {
  const reader = dir.createReader();
  const out: Array<EntryLike<F>> = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

/** Walks dropped entries (files and folders, any depth) into files with relative paths, in a stable (sorted) order. */
export async function walkEntries<F>(entries: Array<EntryLike<F>>): Promise<WalkResult<F>> {
  const result: WalkResult<F> = { files: [], skipped: [], unreadable: [] };
  const visit = async (entry: EntryLike<F>): Promise<void> => {
    const path = relative(entry.fullPath, entry.name);
    if (isClutter(entry.name) || (entry.isDirectory && entry.name.startsWith('.'))) {
      result.skipped.push(path);
      return;
    }
    if (entry.isFile) {
      try {
        const file = await new Promise<F>((ok, fail) => entry.file(ok, fail));
        result.files.push({ file, path });
      } catch {
        result.unreadable.push(path);
      }
      return;
    }
    let children: Array<EntryLike<F>>;
    try {
      children = await readAll(entry);
    } catch {
      result.unreadable.push(path);
      return;
    }
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const c of children) await visit(c);
  };
  for (const e of entries) await visit(e);
  return result;
}

/** Files of an <input type=file> (a folder input sets webkitRelativePath), with clutter left out. */
export function pickFiles<F extends { name: string; webkitRelativePath?: string }>(files: ArrayLike<F>): WalkResult<F> {
  const result: WalkResult<F> = { files: [], skipped: [], unreadable: [] };
  for (const file of Array.from(files)) {
    const path = file.webkitRelativePath || file.name;
    if (isClutter(file.name) || path.split('/').some((seg, i, all) => i < all.length - 1 && (seg.startsWith('.') || seg === '__MACOSX'))) {
      result.skipped.push(path);
    } else result.files.push({ file, path });
  }
  return result;
}
