import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { cleanup, seedDocument, seedProject } from '@casegraph/testing';
import { ProjectContextModule } from './project-context.module';
import { ProjectContextService } from './project-context.service';
import { PROJECT_CONTEXT_OPTIONS, ProjectContextModuleOptions, ResolvedOptions } from './project-context.types';

const CONFIG = Symbol('CONFIG');
@Module({ providers: [{ provide: CONFIG, useValue: { redis: process.env.REDIS_URL, ttl: 600 } }], exports: [CONFIG] })
class ConfigModule {}

@Injectable()
class OptionsFactory {
  create(): ProjectContextModuleOptions {
    return { redisUrl: process.env.REDIS_URL!, negativeTtlSeconds: 0 };
  }
}

/** The module's API (ConfigurableModuleBuilder): forRoot, forRootAsync with a factory or a class, isGlobal. */
describe('ProjectContextModule', () => {
  const typeorm = () => TypeOrmModule.forRoot(dataSourceOptions(process.env.DATABASE_URL!, ENTITIES, MIGRATIONS, { poolSize: 2 }));
  const build = async (contextModule: ReturnType<typeof ProjectContextModule.forRoot>) => {
    const app = await (await Test.createTestingModule({ imports: [typeorm(), contextModule] }).compile()).init();
    return { app, options: app.get<ResolvedOptions>(PROJECT_CONTEXT_OPTIONS), service: app.get(ProjectContextService) };
  };

  it('forRoot validates its options where it is called', () => {
    expect(() => ProjectContextModule.forRoot({ redisUrl: '' })).toThrow('ProjectContextModule: redisUrl is required');
    expect(() => ProjectContextModule.forRoot({ redisUrl: 'redis://x', breakerCooldownMs: 0 })).toThrow('breakerCooldownMs must be >= 1');
  });

  it('forRoot is global by default, and not with isGlobal: false', () => {
    expect(ProjectContextModule.forRoot({ redisUrl: 'redis://x' }).global).toBe(true);
    expect(ProjectContextModule.forRoot({ redisUrl: 'redis://x', isGlobal: false }).global).toBe(false);
    expect(ProjectContextModule.forRootAsync({ useFactory: () => ({ redisUrl: 'redis://x' }) }).global).toBe(true);
  });

  it('forRootAsync with useFactory + inject + imports: options resolved with their defaults, and the service works', async () => {
    const { app, options, service } = await build(
      ProjectContextModule.forRootAsync({
        imports: [ConfigModule],
        inject: [CONFIG],
        useFactory: (c: { redis: string; ttl: number }) => ({ redisUrl: c.redis, ttlSeconds: c.ttl }),
      }),
    );
    const db = app.get(DataSource);
    const p = await seedProject(db);
    try {
      expect(options).toMatchObject({
        redisUrl: process.env.REDIS_URL,
        ttlSeconds: 600,
        negativeTtlSeconds: 5,
        maxConcurrentDbLookups: 8,
        l1: false,
      });
      const d = await seedDocument(db, p);
      expect((await service.resolve(d.documentUuid)).projectUuid).toBe(p.projectUuid);
      await service.invalidate(d.documentUuid);
    } finally {
      await cleanup(db, [p.id]);
      await app.close();
    }
  });

  it('forRootAsync with useClass (create()), and a bad option fails the app', async () => {
    const { app, options } = await build(ProjectContextModule.forRootAsync({ useClass: OptionsFactory }));
    expect(options.negativeTtlSeconds).toBe(0);
    await app.close();
    const bad = Test.createTestingModule({ imports: [typeorm(), ProjectContextModule.forRootAsync({ useFactory: () => ({ redisUrl: '' }) })] });
    await expect(bad.compile()).rejects.toThrow('redisUrl is required');
  });
});
