/**
 * casegraph operations CLI.
 *   migrate                      create the database if needed and apply migrations
 *   migrate --check [--wait S]   change nothing: exit 0 when no migration is pending, else 3 (after waiting up to
 *                                S seconds for another process, the migrate Job, to apply them)
 *   context <command> [options]  project-context operations (backfill, enforce, audit, orphans, adopt)
 */
import { loadConfigOrExit, baseConfigSpec } from '@casegraph/platform';
import { migrate, pendingMigrations } from '@casegraph/entities';

const USAGE = `usage:
  npm run db:migrate                 (or: migrate --check [--wait <seconds>], which changes nothing)
  npm run ingest -- <files or folders...> --project "<name>" [--api http://localhost:3000] [--key K]
  npm run ingest -- --load-file X.dat --images X.opt <folder> --project "<name>" [--custodian C]
  npm run context -- backfill [--dry-run] | enforce | audit [--repair] [--project <uuid>]
  npm run context -- orphans [--assign <project uuid|id> | --quarantine] | adopt [--dry-run]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfigOrExit(baseConfigSpec);
  switch (command) {
    case 'migrate':
      if (rest[0] === '--check') return checkMigrations(config.databaseUrl, rest.slice(1));
      if (rest.length) break;
      await migrate(config.databaseUrl);
      return 0;
    case 'context': {
      const { runContextCommand } = await import('./context/context-cli');
      return runContextCommand(rest, config);
    }
    case 'ingest': {
      const { runIngestCommand } = await import('./ingest/ingest-cli');
      return runIngestCommand(rest);
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

/**
 * `migrate --check [--wait S]`: what a Kubernetes init container runs, so no app starts on an old schema and
 * no app pod ever migrates. Polls every 2 s while waiting; exit 3 names what is still pending.
 */
async function checkMigrations(databaseUrl: string, args: string[]): Promise<number> {
  const waitSeconds = args[0] === '--wait' ? Number(args[1]) : 0;
  if ((args.length && (args[0] !== '--wait' || args.length !== 2)) || !Number.isFinite(waitSeconds) || waitSeconds < 0) {
    process.stderr.write(`usage: migrate --check [--wait <seconds>]\n`);
    return 2;
  }
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const pending = await pendingMigrations(databaseUrl).catch((err: Error) => [`(database not reachable: ${err.message})`]);
    if (!pending.length) {
      process.stdout.write('database is up to date\n');
      return 0;
    }
    if (Date.now() >= deadline) {
      process.stderr.write(`${pending.length} migration(s) pending: ${pending.join(', ')}\n`);
      return 3;
    }
    await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(0, deadline - Date.now()))));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  },
);
