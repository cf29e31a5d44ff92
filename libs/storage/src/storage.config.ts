import { ConfigSpec, CrossCheck, parsers } from '@casegraph/platform';
import type { StorageConfig } from './storage.types';

/** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY come as a pair (one alone: every AWS call fails, much later). */
export const awsCredentialsPairCheck: CrossCheck<unknown> = (_config, env) => {
  const id = !!env.AWS_ACCESS_KEY_ID?.trim();
  const secret = !!env.AWS_SECRET_ACCESS_KEY?.trim();
  if (id === secret) return undefined;
  return `AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (only ${id ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is set)`;
};

export const s3BucketCheck: CrossCheck<StorageConfig> = (c) =>
  c.driver === 's3' && !c.s3Bucket ? 'S3_BUCKET is required when STORAGE_DRIVER=s3' : undefined;

/** The rules over several storage variables; a spec that includes storageConfigSpec runs them. */
export const storageCrossChecks: CrossCheck<StorageConfig>[] = [
  s3BucketCheck,
  (c, env) => (c.driver === 's3' ? awsCredentialsPairCheck(c, env) : undefined),
];

/** Environment variables of the storage drivers. */
export const storageConfigSpec: ConfigSpec<StorageConfig> = {
  driver: { env: 'STORAGE_DRIVER', default: 'local', parse: parsers.oneOf('local', 's3') },
  localDir: { env: 'STORAGE_DIR', default: './data/storage', parse: parsers.string() },
  s3Bucket: { env: 'S3_BUCKET', default: '', parse: (raw) => raw || undefined },
  s3Region: { env: 'S3_REGION', default: 'us-east-1', parse: parsers.string() },
  s3Endpoint: {
    env: 'S3_ENDPOINT',
    default: '',
    parse: (raw, name) => (raw ? parsers.url('http:', 'https:')(raw, name) : undefined),
  },
  s3ForcePathStyle: { env: 'S3_FORCE_PATH_STYLE', default: 'false', parse: parsers.bool() },
  crossChecks: storageCrossChecks,
};
