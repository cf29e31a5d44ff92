/**
 * A local stand-in for AWS Textract that speaks its real wire protocol (JSON
 * 1.1: POST /, `X-Amz-Target: Textract.<Operation>`, content-type
 * application/x-amz-json-1.1; errors as HTTP 400 `{"__type", "message"}` or
 * 5xx), so the real @aws-sdk/client-textract is exercised end to end through
 * its `endpoint` setting. By default it serves responses synthesised from the
 * known text of generated documents (PAGE/LINE/WORD blocks with Geometry and
 * Confidence: @casegraph/testing synthTextractResponse), so it works on a fresh
 * clone; given a saved response's file name (`fixture`, `detectFixture`) it
 * serves that REAL response from ../shared/fixtures/textract/ instead. Results
 * are split into pages with NextToken; async jobs answer IN_PROGRESS a few times
 * before their outcome; errors can be injected per operation.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { generatedDocument, synthTextractResponse } from './documents';
import { fixtureTextract } from './fixtures';

export type TextractOperation = 'DetectDocumentText' | 'StartDocumentTextDetection' | 'GetDocumentTextDetection';
export type JobOutcome = 'SUCCEEDED' | 'PARTIAL_SUCCESS' | 'FAILED';

export interface InjectedError {
  /** HTTP status; 400 for client errors (default), 5xx for server errors. */
  status?: number;
  /** Exception name, e.g. ThrottlingException. */
  type: string;
  message?: string;
}

/** What a fake response holds: a saved real response (file name under fixtures/textract/) or the pages of a known text. */
export type FakeTextractSource = string | { pages: string[] };

/** StatusMessage of a job that ends FAILED. */
export const FAKE_TEXTRACT_FAILED_MESSAGE = 'Unable to process the document (fake Textract)';

/** Default results: the generated motion (2 text pages) for async jobs, the generated PNG notice for DetectDocumentText. */
export const defaultJobSource = (): FakeTextractSource => ({ pages: generatedDocument('motion.pdf').pages });
export const defaultDetectSource = (): FakeTextractSource => ({ pages: generatedDocument('scanned-notice.png').pages });

export interface FakeJobSettings {
  /** What the job returns (default: synthesised from the generated 2-page motion). */
  fixture?: FakeTextractSource;
  outcome?: JobOutcome;
  /** GetDocumentTextDetection answers IN_PROGRESS this many times first. */
  inProgressPolls?: number;
}

export interface FakeTextractOptions extends FakeJobSettings {
  /** Most blocks in one result page (forces NextToken paging). Default 40. */
  blocksPerPage?: number;
  /** What DetectDocumentText returns (default: synthesised from the generated PNG notice). */
  detectFixture?: FakeTextractSource;
  /** When set, StartDocumentTextDetection checks that the S3 object exists (else InvalidS3ObjectException). */
  s3ObjectExists?: (bucket: string, key: string) => Promise<boolean>;
}

export interface RecordedCall {
  operation: string;
  body: Record<string, unknown>;
  status: number;
}

interface FakeJob extends Required<FakeJobSettings> {
  jobId: string;
  token?: string;
  tag?: string;
  bucket: string;
  key: string;
  polls: number;
}

const fixtureCache = new Map<string, Record<string, unknown>>();
function loadFixture(source: FakeTextractSource, job = true): Record<string, unknown> {
  if (typeof source !== 'string') return synthTextractResponse(source.pages, { job }) as unknown as Record<string, unknown>;
  let f = fixtureCache.get(source);
  if (!f) {
    f = JSON.parse(readFileSync(fixtureTextract(source), 'utf8')) as Record<string, unknown>;
    delete f.ResponseMetadata;
    fixtureCache.set(source, f);
  }
  return f;
}

const IN_PROGRESS = { JobStatus: 'IN_PROGRESS' };
const FAILED = { JobStatus: 'FAILED', StatusMessage: FAKE_TEXTRACT_FAILED_MESSAGE };

export class FakeTextract {
  readonly calls: RecordedCall[] = [];
  readonly jobs = new Map<string, FakeJob>();
  private readonly byToken = new Map<string, string>();
  private readonly injected = new Map<string, InjectedError[]>();
  private nextJobSettings: FakeJobSettings[] = [];
  private nextDetectSources: FakeTextractSource[] = [];
  private server!: Server;

  private constructor(private readonly options: FakeTextractOptions) {}

  static async start(options: FakeTextractOptions = {}): Promise<FakeTextract> {
    const fake = new FakeTextract(options);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', () => resolve()));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `times` calls of `operation` fail with `error`. */
  failNext(operation: TextractOperation, error: InjectedError, times = 1): void {
    const list = this.injected.get(operation) ?? [];
    for (let i = 0; i < times; i++) list.push(error);
    this.injected.set(operation, list);
  }

  /** Settings of the next job started (queue; falls back to the server's options). */
  nextJob(settings: FakeJobSettings): void {
    this.nextJobSettings.push(settings);
  }

  /** What the next DetectDocumentText call returns (queue; falls back to the server's detectFixture). */
  nextDetect(source: FakeTextractSource): void {
    this.nextDetectSources.push(source);
  }

  callsOf(operation: TextractOperation): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('Textract.') ? target.slice('Textract.'.length) : '';
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return this.error(res, operation, body, { type: 'SerializationException', message: 'body is not JSON' });
    }
    if (req.method !== 'POST' || !operation) {
      return this.error(res, operation, body, { type: 'UnknownOperationException', message: `unknown target ${target}` });
    }
    const injected = this.injected.get(operation)?.shift();
    if (injected) return this.error(res, operation, body, injected);
    try {
      switch (operation) {
        case 'DetectDocumentText':
          return this.detect(res, body);
        case 'StartDocumentTextDetection':
          return await this.startJob(res, body);
        case 'GetDocumentTextDetection':
          return this.getJob(res, body);
        default:
          return this.error(res, operation, body, { type: 'UnknownOperationException', message: `unknown operation ${operation}` });
      }
    } catch (err) {
      return this.error(res, operation, body, { status: 500, type: 'InternalServerError', message: (err as Error).message });
    }
  }

  private send(res: ServerResponse, operation: string, body: Record<string, unknown>, status: number, payload: unknown): void {
    this.calls.push({ operation, body, status });
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }

  private error(res: ServerResponse, operation: string, body: Record<string, unknown>, e: InjectedError): void {
    const status = e.status ?? 400;
    res.setHeader('x-amzn-errortype', e.type);
    this.send(res, operation, body, status, { __type: e.type, message: e.message ?? e.type });
  }

  private detect(res: ServerResponse, body: Record<string, unknown>): void {
    const doc = body.Document as { Bytes?: string } | undefined;
    if (!doc?.Bytes) {
      return this.error(res, 'DetectDocumentText', body, { type: 'InvalidParameterException', message: 'Request has invalid parameters' });
    }
    const bytes = Buffer.from(doc.Bytes, 'base64');
    if (bytes.length > 10 * 1024 * 1024) {
      return this.error(res, 'DetectDocumentText', body, {
        type: 'DocumentTooLargeException',
        message: 'S3 object size is more than the maximum limit',
      });
    }
    this.send(
      res,
      'DetectDocumentText',
      { ...body, Document: { Bytes: `<${bytes.length} bytes>` } },
      200,
      loadFixture(this.nextDetectSources.shift() ?? this.options.detectFixture ?? defaultDetectSource(), false),
    );
  }

  private async startJob(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const s3 = (body.DocumentLocation as { S3Object?: { Bucket?: string; Name?: string } } | undefined)?.S3Object;
    if (!s3?.Bucket || !s3.Name) {
      return this.error(res, 'StartDocumentTextDetection', body, { type: 'InvalidParameterException', message: 'Request has invalid parameters' });
    }
    const token = body.ClientRequestToken as string | undefined;
    if (token && (!/^[a-zA-Z0-9-_]+$/.test(token) || token.length > 64)) {
      return this.error(res, 'StartDocumentTextDetection', body, { type: 'ValidationException', message: 'ClientRequestToken is invalid' });
    }
    const tag = body.JobTag as string | undefined;
    if (tag && (!/^[a-zA-Z0-9_.\-:]+$/.test(tag) || tag.length > 64)) {
      return this.error(res, 'StartDocumentTextDetection', body, { type: 'ValidationException', message: 'JobTag is invalid' });
    }
    if (token && this.byToken.has(token)) {
      return this.send(res, 'StartDocumentTextDetection', body, 200, { JobId: this.byToken.get(token) });
    }
    if (this.options.s3ObjectExists && !(await this.options.s3ObjectExists(s3.Bucket, s3.Name))) {
      return this.error(res, 'StartDocumentTextDetection', body, {
        type: 'InvalidS3ObjectException',
        message: 'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
      });
    }
    const settings = this.nextJobSettings.shift() ?? {};
    const job: FakeJob = {
      jobId: randomUUID().replace(/-/g, ''),
      token,
      tag,
      bucket: s3.Bucket,
      key: s3.Name,
      polls: 0,
      fixture: settings.fixture ?? this.options.fixture ?? defaultJobSource(),
      outcome: settings.outcome ?? this.options.outcome ?? 'SUCCEEDED',
      inProgressPolls: settings.inProgressPolls ?? this.options.inProgressPolls ?? 2,
    };
    this.jobs.set(job.jobId, job);
    if (token) this.byToken.set(token, job.jobId);
    this.send(res, 'StartDocumentTextDetection', body, 200, { JobId: job.jobId });
  }

  private getJob(res: ServerResponse, body: Record<string, unknown>): void {
    const job = this.jobs.get(String(body.JobId));
    if (!job)
      return this.error(res, 'GetDocumentTextDetection', body, { type: 'InvalidJobIdException', message: 'An invalid job identifier was passed.' });
    if (!body.NextToken && job.polls < job.inProgressPolls) {
      job.polls++;
      return this.send(res, 'GetDocumentTextDetection', body, 200, IN_PROGRESS);
    }
    if (job.outcome === 'FAILED') return this.send(res, 'GetDocumentTextDetection', body, 200, FAILED);
    const fixture = loadFixture(job.fixture);
    const blocks = (fixture.Blocks as unknown[]) ?? [];
    const per = Math.max(1, Math.min(Number(body.MaxResults ?? 1000), this.options.blocksPerPage ?? 40));
    let offset = 0;
    if (body.NextToken) {
      // A token that is not a string decodes to nothing, so it is invalid like any other unknown token.
      const token = typeof body.NextToken === 'string' ? body.NextToken : '';
      const [id, at] = Buffer.from(token, 'base64url').toString('utf8').split(':');
      if (id !== job.jobId || !Number.isInteger(Number(at))) {
        return this.error(res, 'GetDocumentTextDetection', body, { type: 'InvalidParameterException', message: 'Invalid NextToken' });
      }
      offset = Number(at);
    }
    const end = offset + per;
    const page: Record<string, unknown> = {
      DocumentMetadata: fixture.DocumentMetadata ?? { Pages: 1 },
      JobStatus: job.outcome,
      DetectDocumentTextModelVersion: '1.0',
      Blocks: blocks.slice(offset, end),
    };
    if (end < blocks.length) page.NextToken = Buffer.from(`${job.jobId}:${end}`).toString('base64url');
    if (job.outcome === 'PARTIAL_SUCCESS') {
      page.StatusMessage = 'Some pages could not be processed';
      page.Warnings = [{ ErrorCode: 'PAGE_PROCESSING_FAILED', Pages: [2] }];
    }
    this.send(res, 'GetDocumentTextDetection', body, 200, page);
  }
}
