/**
 * `npm run ingest -- <files or folders...> --project "<name>" [--api URL] [--key K]`
 *
 * 1. creates or reuses the project (POST /v1/projects {name});
 * 2. uploads the files in batches (multipart POST /v1/projects/:projectUuid/documents,
 *    field `files`, streamed from disk); a batch the API refuses is retried file by
 *    file, so one bad file costs only itself (uploads are all-or-nothing per request);
 * 3. follows every document through the stages with one progress bar each (plain
 *    lines when stdout is not a terminal) until it is completed or failed;
 * 4. prints a summary: pages, entities by type, top relationships, failures.
 *
 * With `--load-file X.dat --images X.opt <folder>` step 2 is one production import instead
 * (POST /v1/projects/:projectUuid/productions), whose unreadable records are reported.
 *
 * Exit status: 0 all completed; 1 anything failed, was refused, a production record was unreadable, did not finish in
 * --timeout, or the API could not be used; 2 usage error; 130 interrupted.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { AcceptedDocument, ApiError, ApiUnreachableError, CaseGraphClient, DocumentState, ProjectRef } from './api-client';
import { INGEST_USAGE, IngestOptions, UsageError, parseIngestArgs } from './args';
import { INGEST_EXTENSIONS, InputFile, expandInputs } from './files';
import { BarsView, LinesView, ProgressView, describeState } from './progress';
import { entityCounts, renderSummary, topRelationships } from './summary';

export interface IngestIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborts the follow loop (Ctrl-C). */
  signal?: AbortSignal;
}

/** A document being followed, and the files that map to it. */
interface Tracked {
  documentUuid: string;
  label: string;
  state?: DocumentState;
  /** Consecutive failures to read its state. */
  misses: number;
}

const TERMINAL = new Set(['completed', 'failed']);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Groups files into upload requests of at most `size` files and ~100 MiB. */
export function batches(files: InputFile[], size: number, maxBytes = 100 * 1024 * 1024): InputFile[][] {
  const out: InputFile[][] = [];
  let cur: InputFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (cur.length && (cur.length >= size || bytes + f.size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Errors that no other file would fare better with (no API, no key, no project, still unavailable after retries): stop. */
const isFatal = (err: unknown) =>
  err instanceof ApiUnreachableError || (err instanceof ApiError && [401, 403, 404, 502, 503, 504].includes(err.status));

export async function runIngestCommand(
  args: string[],
  io: IngestIo = { out: process.stdout, err: process.stderr, env: process.env },
): Promise<number> {
  const print = (s: string) => io.out.write(`${s}\n`);
  const warn = (s: string) => io.err.write(`${s}\n`);

  let opts: IngestOptions;
  try {
    opts = parseIngestArgs(args, io.env);
  } catch (err) {
    if (err instanceof UsageError) {
      warn(`ingest: ${err.message}\n\n${INGEST_USAGE}`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    print(INGEST_USAGE);
    return 0;
  }

  if (opts.production) return runProduction(opts, io);

  const inputs = await expandInputs(opts.paths);
  if (inputs.missing.length) {
    for (const m of inputs.missing) warn(`ingest: ${m.path}: ${m.reason}`);
    return 2;
  }
  for (const s of inputs.skipped) warn(`skipping ${s.path}: ${s.reason}`);
  if (!inputs.files.length) {
    warn(`ingest: nothing to upload in ${opts.paths.join(' ')} (looking for ${INGEST_EXTENSIONS.join(' ')})`);
    return 2;
  }

  const client = new CaseGraphClient({ baseUrl: opts.api, key: opts.key, maxRequestsPerSecond: opts.ratePerSecond });
  const refused: Array<{ file: string; reason: string }> = [];
  const duplicates: Array<{ file: string; of: string }> = [];
  const tracked = new Map<string, Tracked>();

  // 1. project
  let project: ProjectRef;
  try {
    project = await client.ensureProject(opts.project);
  } catch (err) {
    warn(`ingest: ${(err as Error).message}`);
    return 1;
  }
  if (!project?.projectUuid) {
    warn('ingest: the API created the project but did not return its projectUuid');
    return 1;
  }
  const totalBytes = inputs.files.reduce((n, f) => n + f.size, 0);
  print(
    `project "${project.name}" (${project.projectUuid}) at ${opts.api}: uploading ${inputs.files.length} file${inputs.files.length === 1 ? '' : 's'} (${(totalBytes / 1048576).toFixed(1)} MiB)`,
  );

  // 2. uploads
  const accept = (file: InputFile, doc: AcceptedDocument) => {
    if (doc.duplicateOf) duplicates.push({ file: file.name, of: doc.duplicateOf });
    const uuid = doc.duplicateOf ?? doc.documentUuid;
    const existing = tracked.get(uuid);
    if (existing) {
      if (!existing.label.includes(file.name)) existing.label = `${existing.label} = ${file.name}`;
    } else {
      tracked.set(uuid, { documentUuid: uuid, label: doc.duplicateOf ? `${file.name} (existing)` : file.name, misses: 0 });
    }
  };
  const uploadBatch = async (batch: InputFile[]): Promise<void> => {
    let accepted: AcceptedDocument[];
    try {
      accepted = await client.upload(project.projectUuid, batch);
    } catch (err) {
      if (isFatal(err)) throw err;
      if (batch.length === 1) {
        refused.push({ file: batch[0].name, reason: (err as Error).message });
        return;
      }
      // The request is all-or-nothing: find the file(s) it refused, one by one.
      for (const f of batch) await uploadBatch([f]);
      return;
    }
    batch.forEach((file, i) => {
      const doc = accepted.length === batch.length ? accepted[i] : accepted.find((d) => d.filename === file.name);
      if (doc) accept(file, doc);
      else refused.push({ file: file.name, reason: 'the API accepted the request but did not list this file' });
    });
  };
  try {
    for (const batch of batches(inputs.files, opts.batchSize)) await uploadBatch(batch);
  } catch (err) {
    warn(`ingest: ${(err as Error).message}`);
    if (tracked.size) warn(`ingest: ${tracked.size} document(s) were uploaded before the error; they are processed anyway.`);
    return 1;
  }
  for (const r of refused) warn(`refused ${r.file}: ${r.reason}`);
  for (const d of duplicates) warn(`${d.file} is already in the project (document ${d.of}); not processed again`);

  // 3. follow, then 4. summary. Ctrl-C stops following (the server keeps processing).
  let signal = io.signal;
  let detach = () => undefined as void;
  if (!signal) {
    const ctrl = new AbortController();
    const onSigint = () => ctrl.abort();
    process.once('SIGINT', onSigint);
    detach = () => void process.off('SIGINT', onSigint);
    signal = ctrl.signal;
  }
  try {
    return await followAndSummarise({ opts, io, client, project, tracked, refused, duplicates, skipped: inputs.skipped, signal });
  } finally {
    detach();
  }
}

/** Every regular file under a folder, as paths relative to it with forward slashes (hidden ones included). */
async function listFolder(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(join(dir, e.name), r);
      else if (e.isFile()) out.push(r);
    }
  };
  await walk(root, '');
  return out.sort();
}

/**
 * `--load-file X.dat --images X.opt <folder>`: reads the OPT here to find the images it names under <folder>, posts
 * the DAT, the OPT and those images as one production (streamed from disk), prints the server's report (documents
 * imported, records it could not read with their line and reason), then follows the documents like uploads.
 */
async function runProduction(opts: IngestOptions, io: IngestIo): Promise<number> {
  const print = (s: string) => io.out.write(`${s}\n`);
  const warn = (s: string) => io.err.write(`${s}\n`);
  const p = opts.production!;
  const folder = resolve(p.folder);
  const loadFile = resolve(p.loadFile);
  const images = resolve(p.images);
  let optBytes: Buffer;
  let available: string[];
  try {
    const s = await stat(folder);
    if (!s.isDirectory()) throw new Error('not a folder');
    await stat(loadFile);
    optBytes = await readFile(images);
    available = await listFolder(folder);
  } catch (err) {
    warn(`ingest: ${(err as Error).message}`);
    return 2;
  }
  const { parseOpt, matchImagePath } = await import('@casegraph/formats');
  const opt = parseOpt(optBytes);
  if (!opt.documents.length) {
    warn(`ingest: ${p.images} lists no pages${opt.errors[0] ? ` (line ${opt.errors[0].line}: ${opt.errors[0].reason})` : ''}`);
    return 2;
  }
  const files: Array<{ path: string; name: string }> = [];
  const sent = new Set<string>();
  const notFound: string[] = [];
  for (const d of opt.documents) {
    for (const page of d.pages) {
      if (sent.has(page.imagePath)) continue;
      sent.add(page.imagePath);
      const match = matchImagePath(page.imagePath, available);
      if (match) files.push({ path: join(folder, ...match.split('/')), name: page.imagePath });
      else notFound.push(page.imagePath);
    }
  }
  // Every other file of the folder is reported, never passed over silently.
  const used = new Set(files.map((f) => relative(folder, f.path).split(sep).join('/')));
  const own = new Set([loadFile, images]);
  const skipped = available
    .filter((r) => !used.has(r) && !own.has(join(folder, ...r.split('/'))))
    .map((r) => ({ path: join(folder, ...r.split('/')), reason: 'not named by the OPT' }));
  for (const s of skipped) warn(`skipping ${s.path}: ${s.reason}`);
  for (const m of notFound) warn(`the OPT names ${m}, which is not in ${p.folder}`);

  const client = new CaseGraphClient({ baseUrl: opts.api, key: opts.key, maxRequestsPerSecond: opts.ratePerSecond });
  let project: ProjectRef;
  let report;
  try {
    project = await client.ensureProject(opts.project);
    print(
      `project "${project.name}" (${project.projectUuid}) at ${opts.api}: importing production ${basename(loadFile)} ` +
        `(${opt.documents.length} documents, ${files.length} images)`,
    );
    report = await client.uploadProduction(project.projectUuid, {
      loadFile,
      images,
      files,
      custodian: p.custodian,
      name: basename(loadFile).replace(/\.[^.]*$/, ''),
    });
  } catch (err) {
    warn(`ingest: ${(err as Error).message}`);
    return 1;
  }
  const duplicates: Array<{ file: string; of: string }> = [];
  const tracked = new Map<string, Tracked>();
  for (const d of report.documents) {
    const label = d.begBates === d.endBates ? d.begBates : `${d.begBates}-${d.endBates}`;
    if (d.duplicateOf) duplicates.push({ file: label, of: d.duplicateOf });
    const uuid = d.duplicateOf ?? d.documentUuid;
    if (!tracked.has(uuid)) tracked.set(uuid, { documentUuid: uuid, label: d.duplicateOf ? `${label} (existing)` : label, misses: 0 });
  }
  const imported = report.documents.length - duplicates.length;
  print(
    `production ${report.productionUuid}: ${imported} document${imported === 1 ? '' : 's'} imported, ` +
      `${duplicates.length} duplicate${duplicates.length === 1 ? '' : 's'}, ${report.unreadable.length} unreadable`,
  );
  for (const d of report.documents) {
    print(
      `  ${d.begBates}${d.endBates !== d.begBates ? `-${d.endBates}` : ''}  ${d.pages} page${d.pages === 1 ? '' : 's'}${d.custodian ? `  ${d.custodian}` : ''}${d.duplicateOf ? `  = document ${d.duplicateOf}` : ''}`,
    );
  }
  for (const u of report.unreadable) warn(`unreadable ${u.source.toUpperCase()}${u.line > 0 ? ` line ${u.line}` : ''}: ${u.reason}`);

  const ctrl = new AbortController();
  const onSigint = () => ctrl.abort();
  let signal = io.signal;
  if (!signal) {
    process.once('SIGINT', onSigint);
    signal = ctrl.signal;
  }
  try {
    return await followAndSummarise({ opts, io, client, project, tracked, refused: [], duplicates, skipped, unreadable: report.unreadable, signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

interface FollowContext {
  opts: IngestOptions;
  io: IngestIo;
  client: CaseGraphClient;
  project: ProjectRef;
  tracked: Map<string, Tracked>;
  refused: Array<{ file: string; reason: string }>;
  duplicates: Array<{ file: string; of: string }>;
  skipped: Array<{ path: string; reason: string }>;
  unreadable?: Array<{ line: number; source: string; reason: string }>;
  signal: AbortSignal;
}

async function followAndSummarise(c: FollowContext): Promise<number> {
  const { opts, io, client, project, tracked, signal } = c;
  const print = (s: string) => io.out.write(`${s}\n`);
  const warn = (s: string) => io.err.write(`${s}\n`);

  const plain = opts.plain || !io.out.isTTY;
  const labelWidth = Math.max(0, ...[...tracked.values()].map((t) => t.label.length));
  const view: ProgressView = (!plain && BarsView.tryCreate(io.out, labelWidth)) || new LinesView((line) => print(line));
  for (const t of tracked.values()) view.add(t.documentUuid, t.label);

  const started = Date.now();
  let timedOut = false;
  let lastError = '';
  const pending = () => [...tracked.values()].filter((t) => !t.state || !TERMINAL.has(t.state.status));
  try {
    while (pending().length && !signal.aborted) {
      if (opts.timeoutMs > 0 && Date.now() - started > opts.timeoutMs) {
        timedOut = true;
        break;
      }
      await pollOnce(
        client,
        project.projectUuid,
        pending(),
        (doc) => view.update(doc),
        (msg) => {
          if (msg !== lastError) view.log(`warning: ${msg}`);
          lastError = msg;
        },
      );
      const stuck = pending().find((t) => t.misses >= 30);
      if (stuck) throw new Error(`could not read the state of ${stuck.label} 30 times in a row (${lastError})`);
      if (pending().length) await sleep(opts.intervalMs, signal);
    }
  } catch (err) {
    view.stop();
    warn(`ingest: ${(err as Error).message}`);
    return 1;
  }
  view.stop();
  if (signal.aborted) {
    warn(
      `interrupted: ${pending().length} document(s) keep processing on the server; ` +
        'run the same command again to follow them (duplicates are recognised).',
    );
    return 130;
  }

  const [entities, relationships] = await Promise.all([
    entityCounts(client, project.projectUuid),
    topRelationships(client, project.projectUuid, opts.top),
  ]);
  const unfinished = timedOut ? pending().map((t) => ({ label: t.label, state: t.state ? describeState(t.state) : 'unknown' })) : [];
  print('');
  io.out.write(
    renderSummary({
      projectName: project.name,
      projectUuid: project.projectUuid,
      documents: [...tracked.values()].map((t) => ({ label: t.label, doc: t.state })),
      duplicates: c.duplicates,
      refused: c.refused,
      skipped: c.skipped,
      unreadable: c.unreadable,
      unfinished,
      entities,
      relationships,
    }),
  );
  const anyFailed =
    c.refused.length > 0 ||
    (c.unreadable?.length ?? 0) > 0 ||
    unfinished.length > 0 ||
    [...tracked.values()].some((t) => t.state?.status === 'failed');
  return anyFailed ? 1 : 0;
}

/**
 * One round of status reads. A few documents: one GET each. Many: the project's
 * document list (newest first, 100 a page, each item with its stages), then single
 * GETs for whatever the pages did not reach (e.g. an old document a duplicate points to).
 */
async function pollOnce(
  client: CaseGraphClient,
  projectUuid: string,
  open: Tracked[],
  onState: (doc: DocumentState) => void,
  onError: (message: string) => void,
): Promise<void> {
  const apply = (t: Tracked, doc: DocumentState) => {
    t.misses = 0;
    t.state = { ...doc, stages: doc.stages ?? {} };
    onState(t.state);
  };
  let rest = open;
  if (open.length > 8) {
    const byUuid = new Map(open.map((t) => [t.documentUuid, t]));
    const seen = new Set<string>();
    try {
      for (let page = 1; page <= 1000 && seen.size < byUuid.size; page++) {
        const body = await client.listDocuments(projectUuid, page);
        const items = Array.isArray(body?.items) ? body.items : [];
        for (const doc of items) {
          const t = byUuid.get(doc.documentUuid);
          if (t && doc.stages) {
            apply(t, doc);
            seen.add(doc.documentUuid);
          }
        }
        const total = typeof body?.total === 'number' ? body.total : undefined;
        if (!items.length || (total !== undefined && page * (body.pageSize ?? 100) >= total)) break;
      }
    } catch (err) {
      if (err instanceof ApiUnreachableError || (err instanceof ApiError && err.status >= 500)) {
        for (const t of open) t.misses++;
        onError(err.message);
        return;
      }
      throw err;
    }
    rest = open.filter((t) => !seen.has(t.documentUuid));
  }
  for (const t of rest) {
    try {
      apply(t, await client.getDocument(t.documentUuid));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) throw err;
      t.misses++;
      onError((err as Error).message);
    }
  }
}
