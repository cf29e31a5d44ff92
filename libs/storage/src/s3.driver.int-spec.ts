import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { loadConfig } from '@casegraph/platform';
import { LocalS3Server, startS3Server } from '@casegraph/testing';
import { S3StorageDriver } from './s3.driver';
import { storageConfigSpec } from './storage.config';
import { StorageService } from './storage.service';
import { InvalidStorageKeyError, StorageNotFoundError, StorageTooLargeError } from './storage.types';

const MiB = 1024 * 1024;

function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) b.writeUInt32LE(Math.imul(i, 2654435761) >>> 0, i);
  return b;
}

/** Splits a buffer into a stream of uneven chunks (like a network upload). */
function streamOf(buf: Buffer, chunk = 64 * 1024 + 17): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return Readable.from(parts);
}

async function readAll(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('S3StorageDriver against a local S3 server (real @aws-sdk/client-s3)', () => {
  let s3: LocalS3Server;
  let driver: S3StorageDriver;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['docs', 'other'] });
    driver = new S3StorageDriver({
      bucket: 'docs',
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      clientConfig: { credentials: s3.credentials },
    });
    client = new S3Client(s3.clientConfig);
  });

  afterAll(async () => {
    driver?.client.destroy();
    client?.destroy();
    await s3?.close();
  });

  const keysIn = async (bucket: string, prefix: string) =>
    ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key);

  it('puts a small object in one request: hash, size, head, stat, read back, delete', async () => {
    const body = pattern(100_000);
    const stored = await driver.put('documents/p/d/small.pdf', streamOf(body), { contentType: 'application/pdf' });
    expect(stored).toMatchObject({ key: 'documents/p/d/small.pdf', bucket: 'docs', sizeBytes: 100_000 });
    expect(stored.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(stored.head.equals(body.subarray(0, 4096))).toBe(true);
    expect(await driver.stat('documents/p/d/small.pdf')).toEqual({ sizeBytes: 100_000 });
    expect((await readAll(await driver.openRead('documents/p/d/small.pdf'))).equals(body)).toBe(true);
    await driver.delete('documents/p/d/small.pdf');
    expect(await driver.stat('documents/p/d/small.pdf')).toBeNull();
  });

  it('streams a large object as a multipart upload (3 parts) without changing a byte', async () => {
    const body = pattern(12 * MiB + 123);
    const stored = await driver.put('documents/p/d/large.pdf', streamOf(body));
    expect(stored.sizeBytes).toBe(body.length);
    expect(stored.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect((await readAll(await driver.openRead('documents/p/d/large.pdf'))).equals(body)).toBe(true);
    await driver.delete('documents/p/d/large.pdf');
  });

  it.each([
    ['in a single part', 3 * MiB, 1 * MiB, false],
    ['after some parts were uploaded', 13 * MiB, 11 * MiB, true],
  ])('refuses a body over maxBytes %s and leaves no object behind', async (_, size, max, multipart) => {
    const key = `documents/p/limit-${size}/x.bin`;
    // s3rver keeps no list of pending multipart uploads, so watch what the SDK is asked to do instead.
    const sent: string[] = [];
    const send = driver.client.send.bind(driver.client);
    const spy = jest.spyOn(driver.client, 'send').mockImplementation(((cmd: { constructor: { name: string } }, ...rest: unknown[]) => {
      sent.push(cmd.constructor.name);
      return (send as (...a: unknown[]) => unknown)(cmd, ...rest);
    }) as never);
    try {
      await expect(driver.put(key, streamOf(pattern(size)), { maxBytes: max })).rejects.toBeInstanceOf(StorageTooLargeError);
    } finally {
      spy.mockRestore();
    }
    expect(await driver.stat(key)).toBeNull();
    expect(await keysIn('docs', `documents/p/limit-${size}/`)).toEqual([]);
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    if (multipart) {
      expect(sent).toContain('UploadPartCommand');
      expect(sent).toContain('AbortMultipartUploadCommand');
    }
  });

  it('removes the partial object when the source stream fails', async () => {
    let n = 0;
    const failing = new Readable({
      read() {
        if (n++ < 3) this.push(pattern(512 * 1024));
        else this.destroy(new Error('client went away'));
      },
    });
    await expect(driver.put('documents/p/broken/x.bin', failing)).rejects.toThrow();
    expect(await keysIn('docs', 'documents/p/broken/')).toEqual([]);
  });

  it('reports missing objects as null (stat) and StorageNotFoundError (openRead)', async () => {
    expect(await driver.stat('documents/none/x.pdf')).toBeNull();
    await expect(driver.openRead('documents/none/x.pdf')).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('reads from the bucket recorded on a document when it differs from the default', async () => {
    const other = new S3StorageDriver({
      bucket: 'other',
      region: s3.region,
      endpoint: s3.endpoint,
      clientConfig: { credentials: s3.credentials },
    });
    try {
      await other.put('incoming/a.pdf', Readable.from([Buffer.from('%PDF-1.7 other bucket')]));
      expect((await readAll(await driver.openRead('incoming/a.pdf', 'other'))).toString()).toBe('%PDF-1.7 other bucket');
      expect(await driver.stat('incoming/a.pdf')).toBeNull(); // not in the default bucket
      expect(await driver.stat('incoming/a.pdf', 'other')).toEqual({ sizeBytes: 21 });
      await driver.delete('incoming/a.pdf', 'other');
    } finally {
      other.client.destroy();
    }
  });

  it('refuses unsafe keys before any request', async () => {
    for (const key of ['../x', '/abs', 'a/../../b', 'a\u0000b']) {
      await expect(driver.put(key, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
  });

  it('is what StorageService builds from the S3_* environment', async () => {
    const env = s3.env('docs');
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    const service = new StorageService(loadConfig(storageConfigSpec, env));
    try {
      expect(service.driver.name).toBe('s3');
      expect(service.bucket).toBe('docs');
      await service.put('documents/svc/x.pdf', Readable.from([Buffer.from('%PDF-1.4 hello')]));
      expect((await service.readBuffer('documents/svc/x.pdf', 'docs', 1000)).toString()).toBe('%PDF-1.4 hello');
      await expect(service.readBuffer('documents/svc/x.pdf', 'docs', 5)).rejects.toThrow('larger than 5 bytes');
      await service.delete('documents/svc/x.pdf');
    } finally {
      (service.driver as S3StorageDriver).client.destroy();
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
