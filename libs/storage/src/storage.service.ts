import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { LocalStorageDriver } from './local.driver';
import { S3StorageDriver } from './s3.driver';
import { STORAGE_CONFIG, StorageConfig, StorageDriver, StoredObject } from './storage.types';

/** Reads and writes document bytes through the configured driver (local disk or S3). */
@Injectable()
export class StorageService {
  readonly driver: StorageDriver;

  constructor(@Inject(STORAGE_CONFIG) readonly config: StorageConfig) {
    this.driver = StorageService.createDriver(config);
  }

  static createDriver(config: StorageConfig): StorageDriver {
    if (config.driver === 's3') {
      if (!config.s3Bucket) throw new Error('S3_BUCKET is required when STORAGE_DRIVER=s3');
      return new S3StorageDriver({
        bucket: config.s3Bucket,
        region: config.s3Region,
        endpoint: config.s3Endpoint,
        forcePathStyle: config.s3ForcePathStyle,
      });
    }
    return new LocalStorageDriver(config.localDir);
  }

  /** Bucket recorded on documents stored by this service (null for local storage). */
  get bucket(): string | null {
    return this.driver.name === 's3' ? (this.driver as S3StorageDriver).bucket : null;
  }

  put(key: string, body: Readable, opts?: { maxBytes?: number; contentType?: string }): Promise<StoredObject> {
    return this.driver.put(key, body, opts);
  }

  openRead(key: string, bucket?: string | null): Promise<Readable> {
    return this.driver.openRead(key, bucket);
  }

  stat(key: string, bucket?: string | null): Promise<{ sizeBytes: number } | null> {
    return this.driver.stat(key, bucket);
  }

  delete(key: string, bucket?: string | null): Promise<void> {
    return this.driver.delete(key, bucket);
  }

  /** Reads a whole object into memory, refusing objects larger than `maxBytes`. */
  async readBuffer(key: string, bucket: string | null | undefined, maxBytes: number): Promise<Buffer> {
    const stream = await this.openRead(key, bucket);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        stream.destroy();
        throw new Error(`Object ${key} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
}
