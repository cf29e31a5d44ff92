/**
 * The four images as a platform team expects them (issue 16): at most CASEGRAPH_MAX_IMAGE_MB (300) MB each, a
 * numeric non-root user, tini as PID 1, the OCI labels with the revision the runner built from, a HEALTHCHECK on the
 * three apps, no shell at all (/bin/sh does not run, and no file anywhere is named like a shell, busybox, apt or
 * dpkg), and the tesseract language data inside the OCR image (a container starts with no network). Nothing here
 * runs a shell in an image: the filesystem is read through `docker export`, once per image.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { APPS, NOT_IN_POD, TARGETS, describeInPod, docker, dockerOk, imageOf, inspectImage, nameOf, report, LABEL, run } from './support/pod';

jest.setTimeout(300_000);

const MAX_MB = Number(process.env.CASEGRAPH_MAX_IMAGE_MB || 300);
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
const REPO = join(__dirname, '..', '..');
/** The English model the OCR worker ships (apps/ocr-worker/tessdata, tessdata_fast), by content. */
const TESSDATA_SHA256 = createHash('sha256')
  .update(readFileSync(join(REPO, 'apps', 'ocr-worker', 'tessdata', 'eng.traineddata')))
  .digest('hex');

describeInPod(`the images${NOT_IN_POD}`, () => {
  it.each(TARGETS)(`%s is at most ${MAX_MB} MB`, async (t) => {
    const { Size } = await inspectImage(imageOf(t));
    report({ imageSizesMB: { [t]: mb(Size) } });
    // The size is in the failure message, so CI's log says how far off it is.
    expect({ image: imageOf(t), sizeMB: mb(Size), withinLimit: Size <= MAX_MB * 1e6 }).toEqual({
      image: imageOf(t),
      sizeMB: mb(Size),
      withinLimit: true,
    });
  });

  it.each(TARGETS)('%s runs as a numeric non-root user, under tini, with the OCI labels of this build', async (t) => {
    const { Config } = await inspectImage(imageOf(t));
    // Numeric (uid or uid:gid), so Kubernetes can check runAsNonRoot without reading /etc/passwd.
    expect(Config.User).toMatch(/^\d+(:\d+)?$/);
    expect(Number(Config.User!.split(':')[0])).toBeGreaterThan(0);
    expect(Config.Entrypoint?.[0]).toMatch(/(^|\/)tini(-static)?$/);
    const labels = Config.Labels ?? {};
    expect(labels['org.opencontainers.image.revision']).toBe(process.env.CASEGRAPH_IMAGE_REVISION);
    expect(labels['org.opencontainers.image.version']).toBe(process.env.CASEGRAPH_IMAGE_VERSION);
    // The source label is there; its value is the clone's origin (empty in a checkout without one).
    expect(Object.keys(labels)).toContain('org.opencontainers.image.source');
    expect(labels['org.opencontainers.image.source']).toBe(process.env.CASEGRAPH_IMAGE_SOURCE_URL ?? '');
  });

  it.each(APPS)('%s has a HEALTHCHECK', async (t) => {
    const { Config } = await inspectImage(imageOf(t));
    const test = Config.Healthcheck?.Test ?? [];
    expect(test.length).toBeGreaterThan(1);
    expect(test[0]).not.toBe('NONE');
  });

  // Expected to fail until the shell-free Dockerfile lands (node:22-slim has /bin/sh and bash).
  it.each(TARGETS)('%s has no shell: /bin/sh cannot be run', async (t) => {
    const r = await docker(
      [
        'run',
        '--rm',
        '--name',
        nameOf(`${t}-sh`),
        '--label',
        `${LABEL}=${run}`,
        '--network=none',
        '--entrypoint',
        '/bin/sh',
        imageOf(t),
        '-c',
        'true',
      ],
      {
        timeoutMs: 60_000,
      },
    );
    // docker run answers 126/127 when the entrypoint does not exist; 0 would mean a shell ran.
    expect({ code: r.code, ran: r.code === 0 }).toEqual({ code: r.code, ran: false });
    expect([126, 127]).toContain(r.code);
  });

  /** Base names that would give a shell or a package manager at run time: none may exist anywhere in an image. */
  const FORBIDDEN = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'busybox', 'apt', 'apt-get', 'dpkg']);

  interface Walk {
    /** Every tesseract model file (eng.traineddata, or .gz), with the sha256 of its model. */
    models: Array<{ path: string; sha256: string }>;
    /** Every entry (file, link, device; not a folder) whose base name is in FORBIDDEN. */
    forbidden: string[];
    /** Entries seen (so an empty walk cannot pass as "nothing found"). */
    entries: number;
  }

  /** One `docker export` of each image, walked once; the tests below share it. */
  const walks = new Map<string, Promise<Walk>>();
  function walk(t: (typeof TARGETS)[number]): Promise<Walk> {
    if (!walks.has(t)) walks.set(t, exportAndWalk(t));
    return walks.get(t)!;
  }

  async function exportAndWalk(t: (typeof TARGETS)[number]): Promise<Walk> {
    const container = nameOf(`${t}-export`);
    await dockerOk(['create', '--name', container, '--label', `${LABEL}=${run}`, '--network=none', imageOf(t)]);
    const found: Array<{ path: string; chunks: Buffer[] }> = [];
    const forbidden: string[] = [];
    let entries = 0;
    const reader = extract();
    reader.on('entry', (header, content, next) => {
      entries++;
      const name = header.name;
      if (header.type !== 'directory' && FORBIDDEN.has(name.split('/').pop()!))
        forbidden.push(header.type === 'symlink' ? `${name} -> ${header.linkname}` : name);
      const model = header.type === 'file' && /\.traineddata(\.gz)?$/.test(name) ? { path: name, chunks: [] as Buffer[] } : undefined;
      if (model) found.push(model);
      content.on('data', (c) => model?.chunks.push(c as Buffer));
      content.on('end', next);
    });
    const walked = new Promise<void>((resolve, reject) => reader.on('finish', resolve).on('error', reject));
    try {
      const child = spawn('docker', ['export', container], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      child.stdout.pipe(reader);
      const code = await new Promise<number>((resolve, reject) => child.on('error', reject).on('close', (c) => resolve(c ?? 1)));
      if (code !== 0) throw new Error(`docker export ${container}: exit ${code}\n${stderr.slice(-2000)}`);
      await walked;
    } finally {
      await docker(['rm', '-f', container]);
    }
    const models = found.map(({ path, chunks }) => {
      const bytes = Buffer.concat(chunks);
      const raw = path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
      return { path, sha256: createHash('sha256').update(raw).digest('hex') };
    });
    return { models, forbidden, entries };
  }

  const modelsIn = async (t: (typeof TARGETS)[number]) => (await walk(t)).models;

  it.each(TARGETS)('%s has no shell, busybox, apt or dpkg anywhere in its filesystem', async (t) => {
    const { forbidden, entries } = await walk(t);
    // node itself is in every image: a walk that saw nothing proves nothing.
    expect(entries).toBeGreaterThan(100);
    expect(forbidden).toEqual([]);
  });

  it("the OCR image holds tesseract's English data once (the model of apps/ocr-worker/tessdata)", async () => {
    const models = await modelsIn('ocr-worker');
    report({ tessdata: models.map((m) => m.path) });
    expect(models.filter((m) => m.sha256 === TESSDATA_SHA256).length).toBe(1);
    // Language data once: no second model (e.g. the npm package's copies) rides along.
    expect(models.map((m) => m.path)).toHaveLength(1);
  });

  it.each(TARGETS.filter((t) => t !== 'ocr-worker'))('%s carries no tesseract data', async (t) => {
    expect((await modelsIn(t)).map((m) => m.path)).toEqual([]);
  });
});
