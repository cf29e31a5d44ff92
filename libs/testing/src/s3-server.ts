/**
 * A local S3-compatible server for tests (s3rver, path-style, on a free port) so
 * that the REAL @aws-sdk/client-s3 (and other AWS SDK v3 clients that read from
 * S3) are exercised over HTTP. Generic on purpose: storage tests, the ingest API
 * and the OCR worker's Textract tests all use it.
 *
 *   const s3 = await startS3Server({ buckets: ['docs'] });
 *   const client = new S3Client(s3.clientConfig);
 *   ...
 *   await s3.close();
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no type declarations
const S3rver = require('s3rver');

export interface LocalS3Server {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Buckets created at start. */
  buckets: string[];
  /** Where s3rver keeps the objects (deleted on close). */
  directory: string;
  /** Ready-to-use client config: endpoint, region, credentials, path style, no checksum trailers. */
  clientConfig: S3ClientConfig;
  /**
   * Environment of an app using the storage lib's S3 driver against this server
   * (STORAGE_DRIVER, S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, AWS_* credentials).
   */
  env(bucket?: string): Record<string, string>;
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

// s3rver checks signatures against these fixed credentials.
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

export async function startS3Server(opts: { buckets?: string[]; region?: string } = {}): Promise<LocalS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'casegraph-s3-'));
  const buckets = opts.buckets ?? ['casegraph-test'];
  const region = opts.region ?? 'us-east-1';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    resetOnClose: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const credentials = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY };
  return {
    endpoint,
    port: address.port,
    region,
    credentials,
    buckets,
    directory,
    clientConfig: {
      endpoint,
      region,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    },
    env: (bucket = buckets[0]) => ({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: region,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    }),
    async createBucket(name: string) {
      await server.store.putBucket(name);
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
