export * from './storage.types';
export * from './storage.config';
export * from './storage.module';
export * from './storage.service';
export * from './keys';
export * from './local.driver';
export * from './s3.driver';
export * from './hashing-stream';
