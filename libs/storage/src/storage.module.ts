import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { StorageService } from './storage.service';
import { STORAGE_CONFIG, StorageConfig } from './storage.types';

/**
 * `StorageModule.forRoot(config)` or `forRootAsync({ useFactory, inject, imports })`; global unless
 * `isGlobal: false`. The config (an app's whole config is fine: only the StorageConfig fields are read)
 * is provided as STORAGE_CONFIG.
 */
const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<StorageConfig>({ moduleName: 'Storage', optionsInjectionToken: STORAGE_CONFIG })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

@Module({ providers: [StorageService], exports: [StorageService] })
export class StorageModule extends ConfigurableModuleClass {}
