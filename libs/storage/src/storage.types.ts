import type { Readable } from 'node:stream';

export type StorageDriverName = 'local' | 's3';

export interface StorageConfig {
  driver: StorageDriverName;
  /** Root folder of the local driver. */
  localDir: string;
  /** Bucket of the s3 driver (also the bucket recorded on documents). */
  s3Bucket?: string;
  s3Region: string;
  /** Custom endpoint (MinIO, a local S3 server in tests). */
  s3Endpoint?: string;
  s3ForcePathStyle: boolean;
}

export interface StoredObject {
  /** Object key, relative to the storage root / bucket. */
  key: string;
  /** Bucket for s3, null for local storage. */
  bucket: string | null;
  sizeBytes: number;
  sha256: string;
  /** The first bytes of the object (up to 4 KiB), for type sniffing without a second read. */
  head: Buffer;
}

export interface StorageDriver {
  readonly name: StorageDriverName;
  /** Streams `body` to `key`, hashing on the way; never buffers the whole object. */
  put(key: string, body: Readable, opts?: { maxBytes?: number; contentType?: string }): Promise<StoredObject>;
  /** A stream of the object's bytes. Rejects with StorageNotFoundError when it is missing. */
  openRead(key: string, bucket?: string | null): Promise<Readable>;
  /** Size of the object, or null when it does not exist. */
  stat(key: string, bucket?: string | null): Promise<{ sizeBytes: number } | null>;
  delete(key: string, bucket?: string | null): Promise<void>;
}

export class StorageNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Object not found in storage: ${key}`);
    this.name = 'StorageNotFoundError';
  }
}

/** The upload was larger than allowed; nothing is left in storage. */
export class StorageTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`File exceeds the limit of ${maxBytes} bytes`);
    this.name = 'StorageTooLargeError';
  }
}

/** A key that would escape the storage root or is otherwise not acceptable. */
export class InvalidStorageKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`Invalid storage key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

export const STORAGE_CONFIG = Symbol('STORAGE_CONFIG');
