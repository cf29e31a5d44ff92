/**
 * casegraph operations CLI.
 *   migrate                      create the database if needed and apply migrations
 *   context <command> [options]  project-context operations (backfill, enforce, audit, orphans, adopt)
 */
import { loadConfigOrExit, baseConfigSpec } from '@casegraph/platform';
import { migrate } from '@casegraph/entities';

const USAGE = `usage:
  npm run db:migrate
  npm run ingest -- <files or folders...> --project "<name>" [--api http://localhost:3000] [--key K]
  npm run ingest -- --load-file X.dat --images X.opt <folder> --project "<name>" [--custodian C]
  npm run context -- backfill [--dry-run] | enforce | audit [--repair] [--project <uuid>]
  npm run context -- orphans [--assign <project uuid|id> | --quarantine] | adopt [--dry-run]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfigOrExit(baseConfigSpec);
  switch (command) {
    case 'migrate':
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
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  },
);
