import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageModule } from './storage.module';
import { StorageService } from './storage.service';
import { STORAGE_CONFIG, StorageConfig } from './storage.types';

describe('StorageModule (ConfigurableModuleBuilder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storage-module-'));
  const config: StorageConfig = { driver: 'local', localDir: dir, s3Region: 'us-east-1', s3ForcePathStyle: false };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('forRoot provides the config and StorageService, globally unless isGlobal: false', async () => {
    expect(StorageModule.forRoot(config).global).toBe(true);
    expect(StorageModule.forRoot({ ...config, isGlobal: false }).global).toBe(false);
    const app = await Test.createTestingModule({ imports: [StorageModule.forRoot(config)] }).compile();
    expect(app.get(STORAGE_CONFIG)).toEqual(config);
    expect(app.get(StorageService)).toBeInstanceOf(StorageService);
    await app.close();
  });

  it('forRootAsync takes the config from a factory', async () => {
    const app = await Test.createTestingModule({ imports: [StorageModule.forRootAsync({ useFactory: async () => config })] }).compile();
    expect(app.get(STORAGE_CONFIG)).toBe(config);
    expect(app.get(StorageService).config).toBe(config);
    await app.close();
  });
});
