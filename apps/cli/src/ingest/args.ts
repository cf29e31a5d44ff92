/** Command line of `npm run ingest`: parsed strictly, every mistake a usage error (exit 2). */
import { parseArgs } from 'node:util';
import { SUPPORTED_FORMATS } from '@casegraph/contracts';

/** One line per supported format: its extensions and what is read. */
const FORMAT_LINES = SUPPORTED_FORMATS.map((f) => `  ${f.extensions.join(' ').padEnd(26)} ${f.label}`).join('\n');

export const INGEST_USAGE = `usage: npm run ingest -- <files or folders...> --project "<name>" [options]
       npm run ingest -- --load-file X.dat --images X.opt <folder> --project "<name>" [options]

Uploads documents (folders are searched recursively) to a CaseGraph project, follows
each document through the pipeline (ocr, chunking, entities, resolution, relationships)
and prints a summary. Every file that is not uploaded is reported with the reason.

supported types (judged by their bytes on the server; the extension picks the files):
${FORMAT_LINES}

productions (Concordance / Relativity): --load-file names the DAT, --images the OPT; the
page images the OPT names are read from <folder> (paths relative to it); each record
becomes one PDF document with its load-file fields, and the records the server could not
read are listed with their line and reason.

options:
  -p, --project <name>   project (legal matter) name; created if it does not exist   (required)
      --api <url>        API base URL          (env CASEGRAPH_API_URL, default http://localhost:3000)
      --key <key>        API key               (env CASEGRAPH_API_KEY, singular: ONE key, one of those
                                              the server was started with in CASEGRAPH_API_KEYS)
      --batch <n>        files per upload request (default 20)
      --interval <ms>    status poll interval  (default 1000)
      --timeout <s>      give up following documents after this long (default 3600; 0 = never)
      --top <n>          relationships shown in the summary (default 10)
      --rate <n>         most API requests per second (default 8; the API allows 600 a minute per key by default)
      --load-file <dat>  import a production: its Concordance DAT (with --images and one <folder>)
      --images <opt>     the production's Opticon OPT (image paths relative to <folder>)
      --custodian <name> custodian of the production's records that name none
      --plain            plain log lines instead of progress bars (automatic when stdout is not a terminal)
  -h, --help             this text

exit status: 0 every document completed; 1 a document failed or was refused, or the API
could not be used; 2 usage error.`;

export class UsageError extends Error {}

export interface IngestOptions {
  paths: string[];
  /** A production import: the DAT, the OPT and the folder of its images (the one positional). */
  production?: { loadFile: string; images: string; folder: string; custodian?: string };
  project: string;
  api: string;
  key?: string;
  batchSize: number;
  intervalMs: number;
  timeoutMs: number;
  top: number;
  ratePerSecond: number;
  plain: boolean;
  help: boolean;
}

function positiveInt(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseIngestArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): IngestOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        project: { type: 'string', short: 'p' },
        api: { type: 'string' },
        key: { type: 'string' },
        batch: { type: 'string' },
        interval: { type: 'string' },
        timeout: { type: 'string' },
        top: { type: 'string' },
        rate: { type: 'string' },
        plain: { type: 'boolean' },
        'load-file': { type: 'string' },
        images: { type: 'string' },
        custodian: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const help = v.help === true;
  if (help) {
    return { paths: [], project: '', api: '', batchSize: 20, intervalMs: 1000, timeoutMs: 0, top: 10, ratePerSecond: 8, plain: false, help };
  }
  const project = (v.project ?? '').trim();
  if (!project) throw new UsageError('--project "<name>" is required');
  if (project.length > 255) throw new UsageError('--project must be at most 255 characters');
  if (!parsed.positionals.length) throw new UsageError('name at least one file or folder to ingest');
  let production: IngestOptions['production'];
  const loadFile = v['load-file']?.trim();
  const images = v.images?.trim();
  if (loadFile || images) {
    if (!loadFile || !images) throw new UsageError('--load-file <dat> and --images <opt> go together');
    if (parsed.positionals.length !== 1)
      throw new UsageError('with --load-file, name exactly one folder: the one the OPT image paths are relative to');
    production = { loadFile, images, folder: parsed.positionals[0], custodian: v.custodian?.trim() || undefined };
  } else if (v.custodian !== undefined) {
    throw new UsageError('--custodian goes with --load-file');
  }

  const apiRaw = (v.api ?? env.CASEGRAPH_API_URL ?? 'http://localhost:3000').trim();
  let api: URL;
  try {
    api = new URL(apiRaw);
  } catch {
    throw new UsageError(`--api must be a URL such as http://localhost:3000, got ${JSON.stringify(apiRaw)}`);
  }
  if (api.protocol !== 'http:' && api.protocol !== 'https:') throw new UsageError(`--api must be http:// or https://, got ${api.protocol}`);
  const key = (v.key ?? env.CASEGRAPH_API_KEY ?? '').trim() || undefined;

  return {
    paths: parsed.positionals,
    production,
    project,
    api: api.toString().replace(/\/+$/, ''),
    key,
    batchSize: positiveInt('batch', v.batch, 20, 1, 1000),
    intervalMs: positiveInt('interval', v.interval, 1000, 10, 600_000),
    timeoutMs: positiveInt('timeout', v.timeout, 3600, 0, 30 * 86_400) * 1000,
    top: positiveInt('top', v.top, 10, 0, 1000),
    ratePerSecond: positiveInt('rate', v.rate, 8, 1, 10_000),
    plain: v.plain === true,
    help,
  };
}
