import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DocumentMetadata, ProductionImportedDocument } from '@casegraph/contracts';
import {
  FormatError,
  ProductionRecord,
  ProductionUnreadable,
  imagesToPdf,
  joinProduction,
  matchImagePath,
  normaliseImagePath,
  parseDat,
  parseOpt,
} from '@casegraph/formats';
import { APP_CONFIG } from '@casegraph/platform';
import { StorageService, StoredObject, documentObjectKey, safeFilename } from '@casegraph/storage';
import { apiError, fieldError, notFound } from '../common/api-error';
import { refuseRequest, runMultipart } from '../common/request-body';
import type { IngestApiConfig } from '../config';
import { DocumentIntakeService, NewDocument } from '../intake/document-intake.service';
import { ProductionLimits, productionLimits } from './productions.config';

/** Multipart part names of a production import. */
export const PRODUCTION_FIELDS = {
  dat: 'loadFile',
  opt: 'images',
  files: 'files',
  custodian: 'custodian',
  name: 'name',
} as const;

const MAX_TEXT_FIELD_BYTES = 1024;

/** One document the import created or found (the contract the CLI reads too). */
export type ImportedDocument = ProductionImportedDocument;

export interface ProductionReport {
  productionUuid: string;
  projectUuid: string;
  name: string | null;
  documents: ImportedDocument[];
  unreadable: ProductionUnreadable[];
  counts: { records: number; imported: number; duplicates: number; unreadable: number; pages: number; images: number };
  /** False when Redis was unavailable: the documents stay pending and the reconciler enqueues them. */
  enqueued: boolean;
}

interface Received {
  dat: Buffer | null;
  opt: Buffer | null;
  custodian: string | null;
  name: string | null;
  /** Normalised image path → temp file. */
  images: Map<string, string>;
  /** Images refused on the way in: path → reason. */
  refusedImages: Map<string, string>;
  /** File parts whose name is not a usable path. */
  badNames: string[];
  failure: HttpException | null;
}

/**
 * Counts bytes; past `max` it drops the rest (and says so in `over`) instead of failing: the part is read to its
 * end, so busboy goes on to the next part (a destroyed part stream would stall the whole request).
 */
class Cap extends Transform {
  seen = 0;
  over = false;
  constructor(
    private readonly max: number,
    private readonly onChunk: (n: number) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.seen += chunk.length;
    this.onChunk(chunk.length);
    if (this.seen > this.max) this.over = true;
    if (this.over) cb();
    else cb(null, chunk);
  }
}

class TooLarge extends Error {}

/**
 * Imports a Concordance / Relativity production: the DAT (`loadFile`), the OPT (`images`) and the page images
 * (`files`, named by their path relative to the load files' folder, as the OPT names them). The images are streamed
 * to a private temp folder (each at most MAX_FILE_MB); then each DAT record joined with its OPT document becomes one
 * PDF (imagesToPdf, deterministic: the same images give the same SHA-256), stored, and every document is created in
 * one insertDocuments transaction with its load-file fields in document_metadata.production and an occurrence
 * (source production, custodian, path, productionUuid); OCR is enqueued. A record that cannot be read (DAT line,
 * OPT document, missing or unreadable image) is reported in `unreadable`; the rest is imported. A storage or
 * database failure stores nothing (every PDF of the request is deleted).
 */
@Injectable()
export class ProductionsService {
  private readonly logger = new Logger('Productions');
  private readonly maxImageBytes: number;
  private readonly limits: ProductionLimits;

  constructor(
    private readonly storage: StorageService,
    private readonly intake: DocumentIntakeService,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {
    this.limits = productionLimits(config);
    this.maxImageBytes = Math.floor(config.maxFileMb * 1024 * 1024);
  }

  async import(req: Request, projectUuid: string): Promise<ProductionReport> {
    if (!/^multipart\/form-data\s*;/i.test(String(req.headers['content-type'] ?? ''))) {
      throw await refuseRequest(
        req,
        apiError(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          `Expected multipart/form-data with parts "${PRODUCTION_FIELDS.dat}" (the DAT), "${PRODUCTION_FIELDS.opt}" (the OPT) and "${PRODUCTION_FIELDS.files}" (the page images)`,
        ),
      );
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limits.maxTotalMb * 1024 * 1024) {
      req.res?.setHeader('Connection', 'close');
      throw apiError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        `Request body of ${declared} bytes exceeds PRODUCTION_MAX_TOTAL_MB (${this.limits.maxTotalMb} MiB)`,
      );
    }
    if (!(await this.intake.findProject(projectUuid))) throw await refuseRequest(req, notFound('Project', projectUuid));

    const dir = await mkdtemp(join(tmpdir(), 'casegraph-production-'));
    try {
      const got = await this.receive(req, dir);
      if (got.failure) throw got.failure;
      if (!got.dat) throw fieldError(PRODUCTION_FIELDS.dat, `no load file: send the DAT in a file part named "${PRODUCTION_FIELDS.dat}"`);
      if (!got.opt) throw fieldError(PRODUCTION_FIELDS.opt, `no image load file: send the OPT in a file part named "${PRODUCTION_FIELDS.opt}"`);
      return await this.assemble(projectUuid, got);
    } finally {
      await rm(dir, { recursive: true, force: true }).catch((e) => this.logger.warn(`temp folder ${dir} left behind: ${e}`));
    }
  }

  private async assemble(projectUuid: string, got: Received): Promise<ProductionReport> {
    const dat = parseDat(got.dat!);
    if (dat.headers.length < 2)
      throw fieldError(PRODUCTION_FIELDS.dat, dat.errors[0]?.reason ?? 'not a Concordance DAT file', HttpStatus.UNPROCESSABLE_ENTITY);
    const opt = parseOpt(got.opt!);
    if (opt.documents.length === 0) {
      const why = opt.errors[0] ? `line ${opt.errors[0].line}: ${opt.errors[0].reason}` : 'it is empty';
      throw fieldError(PRODUCTION_FIELDS.opt, `no pages in the OPT (${why})`, HttpStatus.UNPROCESSABLE_ENTITY);
    }
    const { records, unreadable } = joinProduction(dat, opt);
    for (const name of got.badNames)
      unreadable.push({ line: 0, source: 'image', reason: `the file part ${JSON.stringify(name)} has no usable path` });

    const productionUuid = randomUUID();
    const available = [...got.images.keys(), ...got.refusedImages.keys()];
    const stored: Array<{ record: ProductionRecord; object: StoredObject; documentUuid: string; custodians: string[] }> = [];
    try {
      for (const record of records) {
        const pdf = await this.recordPdf(record, got, available, unreadable);
        if (!pdf) continue;
        const documentUuid = randomUUID();
        const key = documentObjectKey(projectUuid, documentUuid, safeFilename(`${record.begBates}.pdf`));
        const object = await this.storage.put(key, Readable.from([pdf]), { contentType: 'application/pdf' });
        const custodians = record.custodians.length ? record.custodians : got.custodian ? [got.custodian] : [];
        stored.push({ record, object, documentUuid, custodians });
      }
    } catch (err) {
      await this.deleteAll(stored.map((s) => s.object));
      this.logger.warn(`production ${productionUuid}: storage failed: ${(err as Error).message}`);
      throw apiError(HttpStatus.SERVICE_UNAVAILABLE, 'Storage is unavailable, so nothing was stored. Retry later.');
    }

    // One NewDocument per stored PDF, plus one per further custodian of the same record (same bytes, so it is a
    // duplicate of the first and only records an occurrence).
    const docs: NewDocument[] = [];
    for (const s of stored) {
      const r = s.record;
      const path = r.nativePath ?? r.pages[0].imagePath;
      const custodian = s.custodians[0] ?? null;
      const metadata: DocumentMetadata = {
        format: 'pdf',
        production: {
          productionUuid,
          fields: r.fields,
          begBates: r.begBates,
          endBates: r.endBates,
          pageBates: r.pages.map((p) => p.bates),
          custodian,
        },
      };
      const base: Omit<NewDocument, 'documentUuid' | 'occurrence'> = {
        filename: safeFilename(`${r.begBates}.pdf`),
        s3Bucket: s.object.bucket,
        s3Key: s.object.key,
        fileSizeBytes: s.object.sizeBytes,
        fileType: 'application/pdf',
        detectedFileType: 'application/pdf',
        sha256: s.object.sha256,
        documentMetadata: metadata,
      };
      docs.push({ ...base, documentUuid: s.documentUuid, occurrence: { source: 'production', custodian, path, productionUuid } });
      for (const other of s.custodians.slice(1)) {
        docs.push({ ...base, documentUuid: randomUUID(), occurrence: { source: 'production', custodian: other, path, productionUuid } });
      }
    }

    let result;
    try {
      result = docs.length ? await this.intake.create(projectUuid, docs, { source: 'production' }) : null;
    } catch (err) {
      await this.deleteAll(stored.map((s) => s.object));
      throw err;
    }
    const itemOf = new Map((result?.items ?? []).map((i, k) => [docs[k].documentUuid, i]));
    const documents: ImportedDocument[] = stored.map((s) => {
      const item = itemOf.get(s.documentUuid)!;
      return {
        documentUuid: item.documentUuid,
        begBates: s.record.begBates,
        endBates: s.record.endBates,
        pages: s.record.pages.length,
        custodian: s.custodians[0] ?? null,
        ...(item.duplicateOf ? { duplicateOf: item.duplicateOf } : {}),
      };
    });
    // Duplicates: the existing document stands; the PDF just stored is not kept.
    await this.deleteAll(stored.filter((s) => itemOf.get(s.documentUuid)?.duplicateOf).map((s) => s.object));
    const duplicates = documents.filter((d) => d.duplicateOf).length;
    const order = { dat: 0, opt: 1, image: 2 };
    unreadable.sort((x, y) => order[x.source] - order[y.source] || x.line - y.line);
    return {
      productionUuid,
      projectUuid,
      name: got.name,
      documents,
      unreadable,
      counts: {
        records: dat.records.length + dat.errors.filter((e) => e.line > 0).length,
        imported: documents.length - duplicates,
        duplicates,
        unreadable: unreadable.length,
        pages: documents.reduce((n, d) => n + d.pages, 0),
        images: got.images.size,
      },
      enqueued: result?.enqueued ?? true,
    };
  }

  /** The record's PDF, or null with the reason added to `unreadable`. */
  private async recordPdf(record: ProductionRecord, got: Received, available: string[], unreadable: ProductionUnreadable[]): Promise<Buffer | null> {
    if (record.pages.length > this.limits.maxPagesPerRecord) {
      unreadable.push({
        line: record.line,
        source: 'dat',
        reason: `${record.begBates} has ${record.pages.length} pages, more than PRODUCTION_MAX_PAGES (${this.limits.maxPagesPerRecord})`,
      });
      return null;
    }
    // A multi-page TIFF named on every page of its document is read once (it gives all its pages).
    const files: Array<{ path: string; file: string }> = [];
    let missing = false;
    for (const page of record.pages) {
      const match = matchImagePath(page.imagePath, available);
      const refused = match ? got.refusedImages.get(match) : undefined;
      if (!match || refused) {
        missing = true;
        unreadable.push({
          line: page.line,
          source: 'image',
          reason: refused ? `${page.bates}: ${refused}` : `${page.bates}: the image ${page.imagePath} was not sent`,
        });
        continue;
      }
      if (files.at(-1)?.path !== match) files.push({ path: match, file: got.images.get(match)! });
    }
    if (missing) return null;
    try {
      const images = await Promise.all(files.map((f) => readFile(f.file)));
      return await imagesToPdf(images, { maxPixels: this.limits.maxImagePixels, maxPages: this.limits.maxPagesPerRecord });
    } catch (err) {
      const message = (err as Error).message.replace(/^image (\d+)/, (_m, n: string) => files[Number(n) - 1]?.path ?? `image ${n}`);
      const line = record.pages.find((p) => message.startsWith(p.imagePath))?.line ?? record.line;
      unreadable.push({
        line,
        source: 'image',
        reason: `${record.begBates}: ${err instanceof FormatError ? message : `the images cannot be read (${message})`}`,
      });
      return null;
    }
  }

  private receive(req: Request, dir: string): Promise<Received> {
    const got: Received = {
      dat: null,
      opt: null,
      custodian: null,
      name: null,
      images: new Map(),
      refusedImages: new Map(),
      badNames: [],
      failure: null,
    };
    const work: Promise<void>[] = [];
    const loadFileMax = Math.floor(this.limits.maxLoadFileMb * 1024 * 1024);
    let index = 0;
    let total = 0;
    const totalMax = this.limits.maxTotalMb * 1024 * 1024;

    return new Promise<Received>((resolve) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          preservePath: true,
          limits: {
            files: this.limits.maxFiles + 2,
            fields: 2,
            fieldSize: MAX_TEXT_FIELD_BYTES,
            parts: this.limits.maxFiles + 4,
            fieldNameSize: 200,
            headerPairs: 50,
          },
        });
      } catch (err) {
        void refuseRequest(req, apiError(HttpStatus.BAD_REQUEST, `Malformed multipart request: ${(err as Error).message}`)).then((e) => {
          got.failure = e;
          resolve(got);
        });
        return;
      }
      const run = runMultipart(req, bb, work, () => resolve(got));
      const fail = (err: HttpException) => {
        if (got.failure) return;
        got.failure = err;
        run.stop();
      };
      const count = (n: number) => {
        total += n;
        if (total > totalMax)
          fail(apiError(HttpStatus.PAYLOAD_TOO_LARGE, `The request is larger than PRODUCTION_MAX_TOTAL_MB (${this.limits.maxTotalMb} MiB)`));
      };

      bb.on('file', (field: string, stream: Readable, info: busboy.FileInfo) => {
        run.track(stream);
        if (got.failure) return void stream.resume();
        if (field === PRODUCTION_FIELDS.dat || field === PRODUCTION_FIELDS.opt) {
          const which = field === PRODUCTION_FIELDS.dat ? 'dat' : 'opt';
          if (got[which]) return fail(fieldError(field, 'sent more than once; send one DAT and one OPT per production'));
          work.push(
            collect(stream, loadFileMax, count).then(
              (b) => {
                got[which] = b;
              },
              (err: Error) =>
                fail(
                  err instanceof TooLarge
                    ? fieldError(field, `larger than PRODUCTION_MAX_LOAD_FILE_MB (${this.limits.maxLoadFileMb} MiB)`, HttpStatus.PAYLOAD_TOO_LARGE)
                    : apiError(HttpStatus.BAD_REQUEST, 'The upload ended before the load file was complete'),
                ),
            ),
          );
          return;
        }
        if (field !== PRODUCTION_FIELDS.files) {
          stream.resume();
          return fail(
            fieldError(
              field || '(unnamed)',
              `unexpected file field; send "${PRODUCTION_FIELDS.dat}", "${PRODUCTION_FIELDS.opt}" and the images as "${PRODUCTION_FIELDS.files}"`,
            ),
          );
        }
        const path = normaliseImagePath(info.filename ?? '');
        if (!path) {
          got.badNames.push(info.filename ?? '');
          return void stream.resume();
        }
        if (got.images.has(path) || got.refusedImages.has(path)) {
          stream.resume();
          return fail(fieldError(PRODUCTION_FIELDS.files, `the image ${path} was sent twice`));
        }
        const file = join(dir, `${index++}.img`);
        got.images.set(path, file);
        const cap = new Cap(this.maxImageBytes, count);
        work.push(
          pipeline(stream, cap, createWriteStream(file)).then(
            async () => {
              if (!cap.over) return;
              got.images.delete(path);
              got.refusedImages.set(path, `the image ${path} is larger than MAX_FILE_MB (${this.config.maxFileMb} MiB)`);
              await rm(file, { force: true });
            },
            () => {
              got.images.delete(path);
              if (!got.failure) fail(apiError(HttpStatus.BAD_REQUEST, 'The upload ended before the images were complete'));
            },
          ),
        );
      });
      bb.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
        if (name !== PRODUCTION_FIELDS.custodian && name !== PRODUCTION_FIELDS.name) {
          return fail(
            fieldError(name || '(unnamed)', `unknown field; the text fields are "${PRODUCTION_FIELDS.custodian}" and "${PRODUCTION_FIELDS.name}"`),
          );
        }
        if (info.valueTruncated) return fail(fieldError(name, `longer than ${MAX_TEXT_FIELD_BYTES} bytes`));
        const v = value.trim();
        if (name === PRODUCTION_FIELDS.custodian) got.custodian = v || null;
        else got.name = v || null;
      });
      bb.on('fieldsLimit', () => fail(apiError(HttpStatus.BAD_REQUEST, `Only the text fields "custodian" and "name" are accepted`)));
      bb.on('filesLimit', () =>
        fail(apiError(HttpStatus.PAYLOAD_TOO_LARGE, `Too many files: at most ${this.limits.maxFiles} images per production (PRODUCTION_MAX_FILES)`)),
      );
      bb.on('partsLimit', () =>
        fail(apiError(HttpStatus.PAYLOAD_TOO_LARGE, `Too many parts: at most ${this.limits.maxFiles} images per production`)),
      );
      bb.on('error', (err: Error) => fail(apiError(HttpStatus.BAD_REQUEST, `Malformed multipart request: ${err.message}`)));
      run.start(() => fail(apiError(HttpStatus.BAD_REQUEST, 'The upload was aborted')));
    });
  }

  private async deleteAll(objects: StoredObject[]): Promise<void> {
    await Promise.all(objects.map((o) => this.storage.delete(o.key, o.bucket).catch((err) => this.logger.warn(`could not delete ${o.key}: ${err}`))));
  }
}

/** A whole part in memory, at most `max` bytes. */
async function collect(stream: Readable, max: number, onChunk: (n: number) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    onChunk((c as Buffer).length);
    if (size > max) {
      stream.resume();
      throw new TooLarge();
    }
    chunks.push(c as Buffer);
  }
  if ((stream as Readable & { truncated?: boolean }).truncated) throw new Error('truncated');
  return Buffer.concat(chunks);
}
