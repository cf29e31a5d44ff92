import { ConfigSpec, parsers } from '@casegraph/platform';
import type { StorageConfig } from './storage.types';

/** Environment variables of the storage drivers. */
export const storageConfigSpec: ConfigSpec<StorageConfig> = {
  driver: { env: 'STORAGE_DRIVER', default: 'local', parse: parsers.oneOf('local', 's3') },
  localDir: { env: 'STORAGE_DIR', default: './data/storage', parse: parsers.string() },
  s3Bucket: { env: 'S3_BUCKET', default: '', parse: (raw) => raw || undefined } as ConfigSpec<StorageConfig>['s3Bucket'],
  s3Region: { env: 'S3_REGION', default: 'us-east-1', parse: parsers.string() },
  s3Endpoint: {
    env: 'S3_ENDPOINT',
    default: '',
    parse: (raw, name) => (raw ? parsers.url('http:', 'https:')(raw, name) : undefined),
  } as ConfigSpec<StorageConfig>['s3Endpoint'],
  s3ForcePathStyle: { env: 'S3_FORCE_PATH_STYLE', default: 'false', parse: parsers.bool() },
};
