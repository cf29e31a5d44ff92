import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, Readable } from 'node:stream';
import { HashingStream } from './hashing-stream';
import { assertSafeKey } from './keys';
import { StorageDriver, StorageNotFoundError, StoredObject } from './storage.types';

export interface S3DriverOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Extra client settings (credentials in tests). */
  clientConfig?: Partial<S3ClientConfig>;
}

/** Objects in one S3 bucket. Uploads stream through a multipart Upload (5 MiB parts). */
export class S3StorageDriver implements StorageDriver {
  readonly name = 's3' as const;
  readonly client: S3Client;
  readonly bucket: string;

  constructor(opts: S3DriverOptions) {
    this.bucket = opts.bucket;
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle ?? !!opts.endpoint,
      // S3-compatible servers (MinIO, test servers) do not all speak aws-chunked trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...opts.clientConfig,
    });
  }

  async put(key: string, body: Readable, opts: { maxBytes?: number; contentType?: string } = {}): Promise<StoredObject> {
    assertSafeKey(key);
    const hasher = new HashingStream(opts.maxBytes);
    const pass = new PassThrough();
    body.on('error', (err) => hasher.destroy(err));
    hasher.on('error', (err) => pass.destroy(err));
    body.pipe(hasher).pipe(pass);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: pass, ContentType: opts.contentType },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      // A size-limit or client error: make sure no partial object is left behind.
      await this.delete(key).catch(() => undefined);
      throw hasher.destroyed && hasher.errored ? hasher.errored : err;
    }
    return { key, bucket: this.bucket, sizeBytes: hasher.bytes, sha256: hasher.digest(), head: hasher.head() };
  }

  async openRead(key: string, bucket?: string | null): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket ?? this.bucket, Key: key }));
      return out.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey || err instanceof NotFound || (err as { name?: string }).name === 'NoSuchKey') {
        throw new StorageNotFoundError(key);
      }
      throw err;
    }
  }

  async stat(key: string, bucket?: string | null): Promise<{ sizeBytes: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: bucket ?? this.bucket, Key: key }));
      return { sizeBytes: Number(out.ContentLength ?? 0) };
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return null;
      throw err;
    }
  }

  async delete(key: string, bucket?: string | null): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket ?? this.bucket, Key: key }));
  }
}
