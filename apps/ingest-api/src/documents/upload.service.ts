import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Detection, detectFormat, refusalReason } from '@casegraph/formats';
import { sealSecret } from '@casegraph/intake';
import { APP_CONFIG } from '@casegraph/platform';
import { StorageService, StorageTooLargeError, StoredObject, documentObjectKey, safeFilename } from '@casegraph/storage';
import { apiError, fieldError, notFound } from '../common/api-error';
import { refuseRequest, runMultipart } from '../common/request-body';
import type { IngestApiConfig } from '../config';
import { DocumentIntakeService, IntakeResult, NewDocument } from '../intake/document-intake.service';
import { ingestMetrics } from '../metrics';

/** Field name of the file parts. */
export const FILES_FIELD = 'files';
/** The one text field accepted: the password of the request's encrypted PDFs (sealed, never stored in clear or logged). */
export const PASSWORD_FIELD = 'password';
/** Longest password accepted (bytes). */
export const MAX_PASSWORD_BYTES = 1024;

export const NO_PASSWORD_KEY_MESSAGE = 'this server cannot keep passwords: DOCUMENT_PASSWORD_KEY is not set';

interface StoredPart {
  index: number;
  documentUuid: string;
  filename: string;
  declaredType: string | null;
  object: StoredObject;
  /** What the first bytes are (detectFormat). */
  detection: Detection;
}

/** The detected type recorded for a document: the format's MIME type (a container's family type until the worker resolves it). */
export function detectedMime(d: Detection): string | null {
  return d.kind === 'supported' || d.kind === 'container' ? d.mime : null;
}

/**
 * Multipart uploads, streamed: each part named `files` is piped through
 * StorageService.put (SHA-256, size limit and the first 4 KiB on the way) into
 * `documents/{projectUuid}/{documentUuid}/{safe filename}`; nothing is buffered
 * beyond that head. The request is all-or-nothing: if any file is refused (too
 * large 413, not a supported format by its bytes 415, empty 400) or the database
 * write fails, every object stored by this request is deleted and no row exists.
 * An optional `password` text field is sealed (AES-256-GCM under DOCUMENT_PASSWORD_KEY) into
 * document_secrets for every PDF of the request, in the same transaction; it is never logged.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger('Upload');
  private readonly maxBytes: number;

  constructor(
    private readonly storage: StorageService,
    private readonly intake: DocumentIntakeService,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {
    this.maxBytes = Math.floor(config.maxFileMb * 1024 * 1024);
  }

  async upload(req: Request, projectUuid: string): Promise<IntakeResult> {
    const contentType = String(req.headers['content-type'] ?? '');
    if (!/^multipart\/form-data\s*;/i.test(contentType)) {
      throw await this.refuse(
        req,
        'content-type',
        apiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `Expected multipart/form-data with one or more file parts named "${FILES_FIELD}"`),
      );
    }
    const declaredLength = Number(req.headers['content-length']);
    const hardCap = this.config.maxFilesPerUpload * (this.maxBytes + 1024 * 1024);
    if (Number.isFinite(declaredLength) && declaredLength > hardCap) {
      // Too large to be acceptable whatever it holds: answer at once and close, without reading it.
      req.res?.setHeader('Connection', 'close');
      ingestMetrics.rejectedUploads.inc({ reason: 'too-large' });
      throw apiError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        `Request body of ${declaredLength} bytes exceeds ${this.config.maxFilesPerUpload} files of MAX_FILE_MB (${this.config.maxFileMb} MiB)`,
      );
    }
    // Unknown project: refuse before a single byte is stored.
    if (!(await this.intake.findProject(projectUuid))) throw await this.refuse(req, 'unknown-project', notFound('Project', projectUuid));

    const { parts, failure, password } = await this.receive(req, projectUuid);
    const problem = failure ?? this.check(parts);
    if (problem) {
      await this.deleteAll(parts);
      throw problem;
    }

    const docs: NewDocument[] = parts.map((p) => ({
      documentUuid: p.documentUuid,
      filename: p.filename,
      s3Bucket: p.object.bucket,
      s3Key: p.object.key,
      fileSizeBytes: p.object.sizeBytes,
      fileType: p.declaredType,
      detectedFileType: detectedMime(p.detection),
      sha256: p.object.sha256,
      occurrence: { source: 'upload', path: p.filename },
    }));
    const secrets = new Map<string, Buffer>();
    if (password !== null && this.config.documentPasswordKey) {
      for (const p of parts) {
        if (p.detection.kind === 'supported' && p.detection.format === 'pdf') {
          secrets.set(p.documentUuid, sealSecret(this.config.documentPasswordKey, p.documentUuid, password));
        }
      }
    }
    let result: IntakeResult;
    try {
      result = await this.intake.create(projectUuid, docs, { source: 'upload', secrets });
    } catch (err) {
      await this.deleteAll(parts);
      throw err;
    }
    ingestMetrics.uploadedBytes.inc(parts.reduce((n, p) => n + p.object.sizeBytes, 0));
    // Duplicates: the existing document stands; the copy just stored is not kept.
    const bucket = this.storage.bucket;
    await Promise.all(
      result.items
        .filter((i) => i.duplicateOf)
        .map((i) => this.storage.delete(i.submittedKey, bucket).catch((e) => this.logger.warn(`orphan ${i.submittedKey}: ${e}`))),
    );
    return result;
  }

  /** Streams every file part to storage. Stops at the first problem (and drains the rest of the body). */
  private receive(req: Request, projectUuid: string): Promise<{ parts: StoredPart[]; failure: HttpException | null; password: string | null }> {
    const parts: StoredPart[] = [];
    const work: Promise<void>[] = [];
    let failure: HttpException | null = null;
    let password: string | null = null;
    let count = 0;

    return new Promise((resolve) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: {
            files: this.config.maxFilesPerUpload,
            fields: 2, // `password`, then the first other text field is refused by name (see 'field')
            fieldSize: MAX_PASSWORD_BYTES + 1, // busboy marks a value truncated once it reaches the limit
            parts: this.config.maxFilesPerUpload + 2,
            fieldNameSize: 200,
            headerPairs: 50,
          },
        });
      } catch (err) {
        // Not a parseable multipart content-type (e.g. no boundary).
        void this.refuse(req, 'malformed', apiError(HttpStatus.BAD_REQUEST, `Malformed multipart request: ${(err as Error).message}`)).then((e) =>
          resolve({ parts, failure: e, password: null }),
        );
        return;
      }

      // Answer only once every put has settled and, after a refusal, the rest of the body is read.
      const run = runMultipart(req, bb, work, () => resolve({ parts, failure, password }));
      const fail = (err: HttpException, reason: string) => {
        if (failure) return;
        failure = err;
        ingestMetrics.rejectedUploads.inc({ reason });
        run.stop(); // ends the part being read, so its put() rejects and removes its temp data
      };

      bb.on('file', (name: string, stream: Readable, info: busboy.FileInfo) => {
        const index = count++;
        // A part cut short (abort, refusal) is destroyed with an error; put() reports it, nobody else needs it.
        run.track(stream);
        if (failure) {
          stream.resume();
          return;
        }
        if (name !== FILES_FIELD) {
          stream.resume();
          fail(fieldError(name || '(unnamed)', `unexpected file field; send files in parts named "${FILES_FIELD}"`), 'unexpected-field');
          return;
        }
        const documentUuid = randomUUID();
        const filename = safeFilename(info.filename ?? '');
        const key = documentObjectKey(projectUuid, documentUuid, filename);
        const declaredType = info.mimeType && info.mimeType !== 'application/octet-stream' ? info.mimeType.slice(0, 255) : null;
        work.push(
          this.storage.put(key, stream, { maxBytes: this.maxBytes, contentType: declaredType ?? undefined }).then(
            (object) => {
              parts.push({ index, documentUuid, filename, declaredType, object, detection: detectFormat(object.head) });
            },
            (err: Error) => {
              stream.resume();
              if (err instanceof StorageTooLargeError) {
                fail(
                  fieldError(
                    `files[${index}]`,
                    `${filename} is larger than MAX_FILE_MB (${this.config.maxFileMb} MiB)`,
                    HttpStatus.PAYLOAD_TOO_LARGE,
                  ),
                  'too-large',
                );
              } else if (!failure) {
                this.logger.warn(`storing ${key} failed: ${err.message}`);
                fail(
                  apiError(
                    // The client's stream broke (aborted request) or storage failed: either way nothing is kept.
                    /Unexpected end|aborted|premature close/i.test(err.message) ? HttpStatus.BAD_REQUEST : HttpStatus.SERVICE_UNAVAILABLE,
                    /Unexpected end|aborted|premature close/i.test(err.message)
                      ? 'The upload ended before the file was complete'
                      : 'Storage is unavailable, so nothing was stored. Retry later.',
                  ),
                  'storage',
                );
              }
            },
          ),
        );
      });
      // Never put the value in a message or a log line: it is a password.
      bb.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
        if (name !== PASSWORD_FIELD) {
          fail(
            fieldError(
              name || '(unnamed)',
              `unknown field; only file parts named "${FILES_FIELD}" and a text field "${PASSWORD_FIELD}" are accepted`,
            ),
            'unexpected-field',
          );
        } else if (!this.config.documentPasswordKey) {
          fail(fieldError(PASSWORD_FIELD, NO_PASSWORD_KEY_MESSAGE), 'password');
        } else if (password !== null) {
          fail(fieldError(PASSWORD_FIELD, 'sent more than once; send one password per request'), 'password');
        } else if (info.valueTruncated || Buffer.byteLength(value) > MAX_PASSWORD_BYTES) {
          fail(fieldError(PASSWORD_FIELD, `longer than ${MAX_PASSWORD_BYTES} bytes`), 'password');
        } else if (value === '') {
          fail(fieldError(PASSWORD_FIELD, 'empty; leave the field out when the files have no password'), 'password');
        } else {
          password = value;
        }
      });
      bb.on('fieldsLimit', () =>
        fail(
          apiError(HttpStatus.BAD_REQUEST, `Only file parts named "${FILES_FIELD}" and one text field "${PASSWORD_FIELD}" are accepted`),
          'unexpected-field',
        ),
      );
      bb.on('filesLimit', () =>
        fail(
          apiError(HttpStatus.PAYLOAD_TOO_LARGE, `Too many files: at most ${this.config.maxFilesPerUpload} per request (MAX_FILES_PER_UPLOAD)`),
          'too-many-files',
        ),
      );
      bb.on('partsLimit', () =>
        fail(apiError(HttpStatus.PAYLOAD_TOO_LARGE, `Too many parts: at most ${this.config.maxFilesPerUpload} files per request`), 'too-many-files'),
      );
      bb.on('error', (err: Error) => {
        fail(apiError(HttpStatus.BAD_REQUEST, `Malformed multipart request: ${err.message}`), 'malformed');
      });
      run.start(() => fail(apiError(HttpStatus.BAD_REQUEST, 'The upload was aborted'), 'aborted'));
    }).then((r) => {
      const res = r as { parts: StoredPart[]; failure: HttpException | null; password: string | null };
      res.parts.sort((a, b) => a.index - b.index);
      return res;
    });
  }

  /** Refusals that need every file: none at all, empty, or not a document type by its bytes. */
  private check(parts: StoredPart[]): HttpException | null {
    if (!parts.length) {
      ingestMetrics.rejectedUploads.inc({ reason: 'no-files' });
      return fieldError(FILES_FIELD, `no files: send one or more file parts named "${FILES_FIELD}"`);
    }
    const empty = parts.find((p) => p.object.sizeBytes === 0);
    if (empty) {
      ingestMetrics.rejectedUploads.inc({ reason: 'empty' });
      return fieldError(`files[${empty.index}]`, `${empty.filename} is empty`);
    }
    const refused = parts.find((p) => detectedMime(p.detection) === null);
    if (refused) {
      ingestMetrics.rejectedUploads.inc({ reason: 'unsupported-type' });
      return fieldError(`files[${refused.index}]`, refusalReason(refused.detection, refused.filename), HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }
    return null;
  }

  private async deleteAll(parts: StoredPart[]): Promise<void> {
    await Promise.all(
      parts.map((p) =>
        this.storage.delete(p.object.key, p.object.bucket).catch((err) => this.logger.warn(`could not delete ${p.object.key}: ${err}`)),
      ),
    );
  }

  /** Reads (and discards) the rest of the body before answering, so the client receives the answer. */
  private async refuse(req: Request, reason: string, err: HttpException): Promise<HttpException> {
    ingestMetrics.rejectedUploads.inc({ reason });
    return refuseRequest(req, err);
  }
}
