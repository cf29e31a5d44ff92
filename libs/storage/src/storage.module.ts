import { DynamicModule, Module } from '@nestjs/common';
import { StorageService } from './storage.service';
import { STORAGE_CONFIG, StorageConfig } from './storage.types';

@Module({})
export class StorageModule {
  static forRoot(config: StorageConfig): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [{ provide: STORAGE_CONFIG, useValue: config }, StorageService],
      exports: [StorageService],
    };
  }
}
