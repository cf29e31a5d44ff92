import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingStream } from './hashing-stream';
import { assertSafeKey } from './keys';
import { InvalidStorageKeyError, StorageDriver, StorageNotFoundError, StoredObject } from './storage.types';

/** Files under a root folder. Writes go to a temp file and are renamed into place. */
export class LocalStorageDriver implements StorageDriver {
  readonly name = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Absolute path of a key; refuses anything that would leave the root. */
  pathOf(key: string): string {
    assertSafeKey(key);
    const full = resolve(this.root, key);
    if (!full.startsWith(this.root + sep)) throw new InvalidStorageKeyError(key, 'escapes the storage root');
    return full;
  }

  async put(key: string, body: Readable, opts: { maxBytes?: number } = {}): Promise<StoredObject> {
    const target = this.pathOf(key);
    const tmp = `${target}.${randomUUID()}.part`;
    const hasher = new HashingStream(opts.maxBytes);
    let file;
    try {
      file = await this.createExclusive(tmp);
    } catch (err) {
      body.resume(); // nobody will read it: let the producer finish
      throw err;
    }
    try {
      await pipeline(body, hasher, createWriteStream('', { fd: file, flush: true }));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      await this.removeEmptyDir(dirname(target));
      throw err;
    }
    return { key, bucket: null, sizeBytes: hasher.bytes, sha256: hasher.digest(), head: hasher.head() };
  }

  /** Creates the parent folders and the file (O_EXCL); retries once if a concurrent cleanup removed a folder. */
  private async createExclusive(path: string) {
    for (let attempt = 0; ; attempt++) {
      await mkdir(dirname(path), { recursive: true });
      try {
        return await open(path, 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw err;
      }
    }
  }

  /** Removes a folder left empty by a failed or deleted object (never the root; ignores non-empty folders). */
  private async removeEmptyDir(dir: string): Promise<void> {
    if (!dir.startsWith(this.root + sep)) return;
    await rmdir(dir).catch(() => undefined);
  }

  async openRead(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageNotFoundError(key);
      throw err;
    }
    return createReadStream(path);
  }

  async stat(key: string): Promise<{ sizeBytes: number } | null> {
    try {
      const s = await stat(this.pathOf(key));
      return { sizeBytes: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await this.removeEmptyDir(dirname(path));
  }
}
