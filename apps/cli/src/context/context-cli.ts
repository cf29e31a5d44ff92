/**
 * `npm run context -- <command>`: a thin shell over backfill(), enforce() and
 * audit(), which the tests call directly.
 *
 *   backfill [--batch-size N] [--dry-run]              heal the adopted database online, phase by phase
 *   enforce                                            every contract item the data allows; names what blocks the rest
 *   audit [--repair] [--project <uuid>] [--batch-size N]   compare Redis entries with the database
 *   orphans [--assign <project uuid|id>] [--quarantine]   documents whose project is missing in both columns
 *   adopt [--dry-run] [--batch-size N]                 migrate, backfill, enforce (--dry-run: the plan, nothing written)
 *
 * Exit codes: 0 done / clean; 1 refused, or problems found and not repaired; 2 usage.
 */
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { isUuid } from '@casegraph/contracts';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate, redactUrl } from '@casegraph/entities';
import { BaseConfig, redisOptionsFromUrl } from '@casegraph/platform';
import { invalidateDocuments } from '@casegraph/project-context';
import { audit, formatAudit } from './audit';
import { backfill, formatPhases } from './backfill';
import { enforce } from './enforce';
import { assignOrphans, countOrphans, formatOrphans, listOrphans, quarantineOrphans } from './orphans';
import { adoptPlan, formatPlan } from './plan';
import { createProgress } from './progress';

const USAGE = `usage:
  npm run context -- backfill [--batch-size N] [--dry-run]
  npm run context -- enforce
  npm run context -- audit [--repair] [--project <uuid>] [--batch-size N]
  npm run context -- orphans [--assign <project uuid|id>] [--quarantine]
  npm run context -- adopt [--dry-run] [--batch-size N]`;

const COMMANDS = ['backfill', 'enforce', 'audit', 'orphans', 'adopt'] as const;

export interface ParsedArgs {
  command: (typeof COMMANDS)[number];
  repair: boolean;
  projectUuid?: string;
  batchSize: number;
  dryRun?: boolean;
  assign?: string;
  quarantine?: boolean;
}

/** Parses the arguments; returns an error message for anything it does not understand. */
export function parseContextArgs(args: string[]): ParsedArgs | { error: string } {
  const [command, ...rest] = args;
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return { error: command ? `unknown context command "${command}"` : 'missing context command' };
  }
  const out: ParsedArgs = { command: command as ParsedArgs['command'], repair: false, batchSize: 1000 };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--repair' && command === 'audit') out.repair = true;
    else if (a === '--project' && command === 'audit') {
      const v = rest[++i];
      if (!isUuid(v)) return { error: `--project needs a project UUID, got ${v ?? 'nothing'}` };
      out.projectUuid = v.toLowerCase();
    } else if (a === '--dry-run' && (command === 'backfill' || command === 'adopt')) out.dryRun = true;
    else if (a === '--quarantine' && command === 'orphans' && out.assign === undefined) out.quarantine = true;
    else if (a === '--assign' && command === 'orphans' && !out.quarantine) {
      const v = rest[++i];
      if (!v || !(isUuid(v) || /^\d+$/.test(v))) return { error: `--assign needs a project UUID or id, got ${v ?? 'nothing'}` };
      out.assign = isUuid(v) ? v.toLowerCase() : v;
    } else if (a === '--batch-size' && command !== 'enforce' && command !== 'orphans') {
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
  if (parsed.command === 'adopt' && !parsed.dryRun) {
    // Migrate first (its own connection, advisory lock): the plan below then reads the migrated catalogue.
    process.stdout.write('adopt 1/3: migrate\n');
    try {
      await migrate(config.databaseUrl, (line) => process.stdout.write(`  ${line}\n`));
    } catch (err) {
      process.stderr.write(`adopt: migrate failed: ${(err as Error).message}\n`);
      return 1;
    }
  }
  const ds = new DataSource(
    dataSourceOptions(config.databaseUrl, ENTITIES, MIGRATIONS, { poolSize: 4, applicationName: `casegraph-context-${parsed.command}` }),
  );
  try {
    await ds.initialize();
  } catch (err) {
    process.stderr.write(`cannot connect to ${redactUrl(config.databaseUrl)}: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    switch (parsed.command) {
      case 'backfill':
        return await runBackfill(ds, parsed);
      case 'enforce':
        return await runEnforce(ds);
      case 'orphans':
        return await runOrphans(ds, parsed, config);
      case 'adopt': {
        if (parsed.dryRun) {
          process.stdout.write(`${formatPlan(await adoptPlan(ds))}\n`);
          return 0;
        }
        process.stdout.write('adopt 2/3: backfill\n');
        const b = await runBackfill(ds, parsed);
        if (b === 2) return b;
        process.stdout.write('adopt 3/3: enforce\n');
        return await runEnforce(ds);
      }
      case 'audit': {
        const redis = await connectRedis(config, 'audit');
        if (!redis) return 1;
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

async function runBackfill(ds: DataSource, parsed: ParsedArgs): Promise<number> {
  const r = await backfill(ds, {
    batchSize: parsed.batchSize,
    dryRun: parsed.dryRun,
    progress: (total) => createProgress('backfill', total),
  });
  if (r.dryRun) {
    process.stdout.write(`backfill --dry-run (nothing written; counted on the data as it is now):\n${formatPhases(r.phases, true)}\n`);
    return 0;
  }
  process.stdout.write(`backfill: healed ${r.projectsHealed} project(s) and ${r.documentsHealed} document(s)\n${formatPhases(r.phases, false)}\n`);
  const orphans = await countOrphans(ds);
  const lockedLeft = Math.max(0, r.remaining.projects + r.remaining.documents - orphans.documents);
  if (orphans.documents) {
    process.stdout.write(
      `backfill: ${orphans.documents} orphan document(s) (no project in either column) cannot be healed by backfill: \`npm run context -- orphans\`\n`,
    );
  }
  if (lockedLeft) {
    process.stdout.write(`backfill: ${lockedLeft} row(s) were locked by the pipeline in every pass; a later backfill picks them up\n`);
    return 1;
  }
  process.stdout.write(`backfill: nothing left that backfill can heal; \`npm run context -- enforce\` can run\n`);
  return 0;
}

async function runEnforce(ds: DataSource): Promise<number> {
  // One connection outside a transaction: lock_timeout is per session, CREATE INDEX CONCURRENTLY needs it.
  const qr = ds.createQueryRunner();
  try {
    const r = await enforce(qr);
    const done = r.actions.length ? r.actions.map((a) => `enforce: ${a}\n`).join('') : '';
    if (!r.ok) {
      process.stdout.write(done);
      process.stderr.write(`enforce: ${r.message}\n`);
      return 1;
    }
    process.stdout.write(done || 'enforce: already enforced, nothing to do\n');
    return 0;
  } finally {
    await qr.release();
  }
}

/** A Redis connection for a CLI command, or undefined (the reason printed) when Redis cannot be reached. */
async function connectRedis(config: BaseConfig, command: string): Promise<Redis | undefined> {
  const redis = new Redis({
    ...redisOptionsFromUrl(config.redisUrl),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    connectionName: `casegraph-context-${command}`,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    process.stderr.write(`cannot connect to Redis at ${redactUrl(config.redisUrl)}: ${(err as Error).message}\n`);
    return undefined;
  }
}

/**
 * Moved documents' cache entries may name their old project (an old intake entry has no TTL): they are
 * invalidated, so no resolver serves them again. Without Redis the move stands (the database is the truth) and
 * the command says how to finish.
 */
async function invalidateMoved(config: BaseConfig, documentUuids: string[]): Promise<number> {
  if (!documentUuids.length) return 0;
  const redis = await connectRedis(config, 'orphans');
  if (!redis) {
    process.stderr.write(
      `orphans: the cache entries of ${documentUuids.length} moved document(s) were not invalidated: run \`npm run context -- audit --repair\`\n`,
    );
    return 1;
  }
  try {
    await invalidateDocuments(redis, documentUuids, `orphans-${process.pid}`);
    process.stdout.write(`orphans: ${documentUuids.length} cache entr${documentUuids.length === 1 ? 'y' : 'ies'} invalidated\n`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

async function runOrphans(ds: DataSource, parsed: ParsedArgs, config: BaseConfig): Promise<number> {
  if (parsed.assign !== undefined || parsed.quarantine) {
    const r = parsed.quarantine ? await quarantineOrphans(ds) : await assignOrphans(ds, parsed.assign!);
    process.stdout.write(
      `orphans: ${r.documents} document(s) assigned to project ${r.project.id} (${r.project.projectUuid}); graph healed by backfill\n` +
        (parsed.quarantine
          ? `orphans: archived ${r.archived.entities} entit(ies), ${r.archived.edges} edge(s), ${r.archived.chunks} chunk(s), ${r.archived.mentions} mention(s), ${r.archived.embeddings} embedding(s) left without a project\n`
          : ''),
    );
    process.stdout.write(`${formatOrphans([], r.left)}\n`);
    return invalidateMoved(config, r.documentUuids);
  }
  const counts = await countOrphans(ds);
  process.stdout.write(`${formatOrphans(await listOrphans(ds), counts)}\n`);
  return 0;
}
