/**
 * `npm run context -- <command>`: a thin shell over backfill(), enforce() and
 * audit(), which the tests call directly.
 *
 *   backfill [--batch-size N]                          heal NULL project_uuid online, in batches
 *   enforce                                            NOT NULL + FK once nothing is left to heal
 *   audit [--repair] [--project <uuid>] [--batch-size N]   compare Redis entries with the database
 *
 * Exit codes: 0 done / clean; 1 refused, or problems found and not repaired; 2 usage.
 */
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { isUuid } from '@casegraph/contracts';
import { ENTITIES, MIGRATIONS, dataSourceOptions, redactUrl } from '@casegraph/entities';
import { BaseConfig, redisOptionsFromUrl } from '@casegraph/platform';
import { audit, formatAudit } from './audit';
import { backfill } from './backfill';
import { enforce } from './enforce';
import { createProgress } from './progress';

const USAGE = `usage:
  npm run context -- backfill [--batch-size N]
  npm run context -- enforce
  npm run context -- audit [--repair] [--project <uuid>] [--batch-size N]`;

export interface ParsedArgs {
  command: 'backfill' | 'enforce' | 'audit';
  repair: boolean;
  projectUuid?: string;
  batchSize: number;
}

/** Parses the arguments; returns an error message for anything it does not understand. */
export function parseContextArgs(args: string[]): ParsedArgs | { error: string } {
  const [command, ...rest] = args;
  if (command !== 'backfill' && command !== 'enforce' && command !== 'audit') {
    return { error: command ? `unknown context command "${command}"` : 'missing context command' };
  }
  const out: ParsedArgs = { command, repair: false, batchSize: 1000 };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--repair' && command === 'audit') out.repair = true;
    else if (a === '--project' && command === 'audit') {
      const v = rest[++i];
      if (!isUuid(v)) return { error: `--project needs a project UUID, got ${v ?? 'nothing'}` };
      out.projectUuid = v.toLowerCase();
    } else if (a === '--batch-size' && command !== 'enforce') {
      const v = Number(rest[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 100_000) return { error: `--batch-size must be an integer 1..100000, got ${rest[i] ?? 'nothing'}` };
      out.batchSize = v;
    } else return { error: `unknown option "${a}" for ${command}` };
  }
  return out;
}

export async function runContextCommand(args: string[], config: BaseConfig): Promise<number> {
  const parsed = parseContextArgs(args);
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const ds = new DataSource(
    dataSourceOptions(config.databaseUrl, ENTITIES, MIGRATIONS, { poolSize: 2, applicationName: `casegraph-context-${parsed.command}` }),
  );
  try {
    await ds.initialize();
  } catch (err) {
    process.stderr.write(`cannot connect to ${redactUrl(config.databaseUrl)}: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    switch (parsed.command) {
      case 'backfill': {
        const r = await backfill(ds, { batchSize: parsed.batchSize, progress: (total) => createProgress('backfill', total) });
        process.stdout.write(`backfill: healed ${r.projectsHealed} project(s) and ${r.documentsHealed} document(s)\n`);
        const left = r.remaining.projects + r.remaining.documents;
        if (left) {
          process.stdout.write(
            `backfill: ${r.remaining.projects} project(s) and ${r.remaining.documents} document(s) still need healing (locked or written meanwhile); run it again\n`,
          );
          return 1;
        }
        process.stdout.write('backfill: nothing left to heal; `npm run context -- enforce` can run\n');
        return 0;
      }
      case 'enforce': {
        // One connection, so the session's lock_timeout applies to every statement.
        const qr = ds.createQueryRunner();
        try {
          const r = await enforce(qr);
          if (!r.ok) {
            process.stderr.write(`enforce: ${r.message}\n`);
            return 1;
          }
          process.stdout.write(r.actions.length ? r.actions.map((a) => `enforce: ${a}\n`).join('') : 'enforce: already enforced, nothing to do\n');
          return 0;
        } finally {
          await qr.release();
        }
      }
      case 'audit': {
        const redis = new Redis({
          ...redisOptionsFromUrl(config.redisUrl),
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          connectTimeout: 5000,
          connectionName: 'casegraph-context-audit',
        });
        redis.on('error', () => undefined);
        try {
          await redis.connect();
        } catch (err) {
          process.stderr.write(`cannot connect to Redis at ${redactUrl(config.redisUrl)}: ${(err as Error).message}\n`);
          return 1;
        }
        try {
          const r = await audit(ds, redis, {
            repair: parsed.repair,
            projectUuid: parsed.projectUuid,
            batchSize: parsed.batchSize,
            ttlSeconds: config.cacheTtlSeconds,
            progress: (total) => createProgress('audit', total),
          });
          process.stdout.write(`${formatAudit(r, parsed.repair)}\n`);
          const problems = r.stale + r.malformed + r.nullInDb + r.mismatchedInDb;
          return problems && !parsed.repair ? 1 : 0;
        } finally {
          redis.disconnect();
        }
      }
    }
  } finally {
    await ds.destroy();
  }
}
