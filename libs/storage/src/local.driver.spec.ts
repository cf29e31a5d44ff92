import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { LocalStorageDriver } from './local.driver';
import { InvalidStorageKeyError, StorageNotFoundError, StorageTooLargeError } from './storage.types';

/** Every file under a folder, relative, sorted (folders left empty are not files). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/** A stream of `n` chunks of `size` bytes, then optionally an error instead of the end. */
function chunks(n: number, size: number, failAfter?: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && i === failAfter) {
        this.destroy(new Error('client went away'));
        return;
      }
      if (i++ >= n) this.push(null);
      else this.push(Buffer.alloc(size, i % 251));
    },
  });
}

describe('LocalStorageDriver', () => {
  let root: string;
  let outside: string;
  let driver: LocalStorageDriver;

  beforeEach(async () => {
    const base = await mkdtemp(join(tmpdir(), 'casegraph-local-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'top secret');
    driver = new LocalStorageDriver(root);
  });

  afterEach(async () => {
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  it('streams an object in, with its SHA-256, size and first 4 KiB, and reads it back', async () => {
    const body = Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000, i)));
    const stored = await driver.put('documents/p/d/file.pdf', Readable.from([body.subarray(0, 3000), body.subarray(3000)]));
    expect(stored).toMatchObject({ key: 'documents/p/d/file.pdf', bucket: null, sizeBytes: 40_000 });
    expect(stored.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(stored.head.equals(body.subarray(0, 4096))).toBe(true);
    expect(await readFile(join(root, 'documents/p/d/file.pdf'))).toEqual(body);
    expect(await driver.stat('documents/p/d/file.pdf')).toEqual({ sizeBytes: 40_000 });
    const back: Buffer[] = [];
    for await (const c of await driver.openRead('documents/p/d/file.pdf')) back.push(c as Buffer);
    expect(Buffer.concat(back).equals(body)).toBe(true);
  });

  it("stores an empty object (refusing empty uploads is the caller's decision)", async () => {
    const stored = await driver.put('a/empty.bin', Readable.from([]));
    expect(stored.sizeBytes).toBe(0);
    expect(stored.head.length).toBe(0);
  });

  it.each([
    ['../outside/secret.txt'],
    ['a/../../outside/secret.txt'],
    ['documents/../../outside/x'],
    ['/etc/passwd'],
    ['C:/windows/x'],
    ['a\\..\\..\\outside\\x'],
    ['a/\u0000b'],
    ['a/\nb'],
    ['./a'],
    ['a/./b'],
    [''],
    ['x'.repeat(1025)],
  ])('refuses the key %j for every operation', async (key) => {
    await expect(driver.put(key, Readable.from([Buffer.from('pwned')]))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(driver.openRead(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(driver.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(driver.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await filesUnder(root)).toEqual([]);
  });

  it('refuses a body over maxBytes and leaves neither the object nor a temp file', async () => {
    await expect(driver.put('documents/p/d/big.pdf', chunks(10, 1024), { maxBytes: 5000 })).rejects.toBeInstanceOf(StorageTooLargeError);
    expect(await filesUnder(root)).toEqual([]);
    expect(await driver.stat('documents/p/d/big.pdf')).toBeNull();
    // Exactly at the limit is fine.
    const ok = await driver.put('documents/p/d/ok.pdf', chunks(5, 1000), { maxBytes: 5000 });
    expect(ok.sizeBytes).toBe(5000);
  });

  it('cleans up the temp file when the source stream fails midway', async () => {
    await expect(driver.put('documents/p/d/broken.pdf', chunks(100, 1024, 3))).rejects.toThrow('client went away');
    expect(await filesUnder(root)).toEqual([]);
    expect(await readdir(join(root, 'documents/p'))).toEqual([]); // the document's folder is gone too
  });

  it('replaces an object atomically and deletes it (delete of a missing key is a no-op)', async () => {
    await driver.put('k/a.txt', Readable.from([Buffer.from('one')]));
    await driver.put('k/a.txt', Readable.from([Buffer.from('two!')]));
    expect(await readFile(join(root, 'k/a.txt'), 'utf8')).toBe('two!');
    await driver.delete('k/a.txt');
    await driver.delete('k/a.txt');
    expect(await driver.stat('k/a.txt')).toBeNull();
    await expect(driver.openRead('k/a.txt')).rejects.toBeInstanceOf(StorageNotFoundError);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('handles many concurrent puts into the same folder while others fail and clean up', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? driver.put(`documents/p/shared/f${i}.bin`, chunks(8, 512), { maxBytes: 1000 })
          : driver.put(`documents/p/shared/f${i}.bin`, chunks(4, 512)),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(await filesUnder(root)).toHaveLength(20);
  });
});
