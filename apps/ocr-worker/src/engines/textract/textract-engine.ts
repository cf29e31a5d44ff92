import {
  DetectDocumentTextCommand,
  GetDocumentTextDetectionCommand,
  GetDocumentTextDetectionCommandOutput,
  StartDocumentTextDetectionCommand,
  TextractClient,
  Warning,
} from '@aws-sdk/client-textract';
import { createHash } from 'node:crypto';
import { PermanentError } from '../../ocr/ocr.errors';
import type { ExtractionResult, PageText } from '../engine.types';
import { TextractPageBuilder, pagesFromBlocks } from './textract-blocks';

/** Textract's documented limits, checked before any call. */
export const TEXTRACT_LIMITS = {
  syncMaxBytes: 10 * 1024 * 1024,
  asyncMaxBytes: 500 * 1024 * 1024,
  asyncMaxPages: 3000,
} as const;

/** Errors that retrying cannot fix: the document is failed with Textract's own message. */
export const TEXTRACT_PERMANENT_ERRORS = new Set([
  'InvalidS3ObjectException',
  'UnsupportedDocumentException',
  'DocumentTooLargeException',
  'BadDocumentException',
  'InvalidParameterException',
  'InvalidJobIdException',
  'InvalidKMSKeyException',
  'IdempotentParameterMismatchException',
]);

/** Throttling: retried (by the SDK a few times, then by Bull with backoff). */
export const TEXTRACT_THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'LimitExceededException']);

/**
 * Textract's ClientRequestToken: the same project and content always give the
 * same token, so a re-run after a crash gets the same JobId back instead of
 * paying for a second job. 64 hex characters (limit: 64 of [a-zA-Z0-9-_]).
 */
export function clientRequestToken(projectUuid: string, contentSha256: string): string {
  return createHash('sha256').update(`${projectUuid}:${contentSha256}`).digest('hex');
}

/** Textract's JobTag: the document UUID (limit: 64 of [a-zA-Z0-9_.\-:]). */
export function jobTag(documentUuid: string): string {
  const tag = documentUuid.replace(/[^a-zA-Z0-9_.\-:]/g, '').slice(0, 64);
  return tag || 'document';
}

/** Maps an SDK error: permanent Textract errors become PermanentError; the rest stays transient. */
export function classifyTextractError(err: unknown): Error {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name && TEXTRACT_PERMANENT_ERRORS.has(e.name)) {
    return new PermanentError(`Textract rejected the document: ${e.name}: ${e.message ?? ''}`.trim(), `textract:${e.name}`, {
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function isThrottling(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return !!name && TEXTRACT_THROTTLING_ERRORS.has(name);
}

function warningText(w: Warning): string {
  return `${w.ErrorCode ?? 'warning'}${w.Pages?.length ? ` on pages ${w.Pages.join(', ')}` : ''}`;
}

export type TextractJobOutcome =
  | { status: 'IN_PROGRESS' }
  | { status: 'FAILED'; message: string }
  | { status: 'SUCCEEDED' | 'PARTIAL_SUCCESS'; pages: PageText[]; warnings: string[]; pageCount: number; resultPages: number };

/** Calls to AWS Textract through the real SDK client (its endpoint is configurable for tests). */
export class TextractEngine {
  constructor(readonly client: TextractClient) {}

  /** Synchronous OCR of one image (≤ 10 MB). */
  async detect(bytes: Buffer): Promise<ExtractionResult> {
    if (bytes.length > TEXTRACT_LIMITS.syncMaxBytes) {
      throw new PermanentError(`file is ${bytes.length} bytes, over Textract's synchronous limit of ${TEXTRACT_LIMITS.syncMaxBytes}`, 'too-large');
    }
    const t0 = Date.now();
    let out;
    try {
      out = await this.client.send(new DetectDocumentTextCommand({ Document: { Bytes: bytes } }));
    } catch (err) {
      throw classifyTextractError(err);
    }
    const pages = pagesFromBlocks(out.Blocks, out.DocumentMetadata?.Pages ?? 1);
    return {
      provider: 'textract',
      pages: pages.map((p) => ({ ...p, ms: Date.now() - t0 })),
      warnings: [],
      details: { method: 'DetectDocumentText', modelVersion: out.DetectDocumentTextModelVersion },
    };
  }

  /** Starts an asynchronous job on an S3 object; returns Textract's JobId. */
  async start(input: { bucket: string; key: string; token: string; jobTag: string }): Promise<string> {
    try {
      const out = await this.client.send(
        new StartDocumentTextDetectionCommand({
          DocumentLocation: { S3Object: { Bucket: input.bucket, Name: input.key } },
          ClientRequestToken: input.token,
          JobTag: input.jobTag,
        }),
      );
      if (!out.JobId) throw new Error('Textract returned no JobId');
      return out.JobId;
    } catch (err) {
      throw classifyTextractError(err);
    }
  }

  /**
   * Reads an async job. IN_PROGRESS and FAILED come back as they are; on
   * success every result page is fetched by following NextToken to the end (no
   * paginator exists for this operation).
   */
  async fetch(jobId: string, maxResultPages = 10_000): Promise<TextractJobOutcome> {
    const builder = new TextractPageBuilder();
    const warnings: string[] = [];
    let nextToken: string | undefined;
    let status: string | undefined;
    let pageCount = 0;
    let resultPages = 0;
    do {
      let out: GetDocumentTextDetectionCommandOutput;
      try {
        out = await this.client.send(new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: 1000, NextToken: nextToken }));
      } catch (err) {
        throw classifyTextractError(err);
      }
      resultPages++;
      status = out.JobStatus;
      if (status === 'IN_PROGRESS') return { status: 'IN_PROGRESS' };
      if (status === 'FAILED') return { status: 'FAILED', message: out.StatusMessage || 'Textract job failed without a message' };
      if (status !== 'SUCCEEDED' && status !== 'PARTIAL_SUCCESS') throw new Error(`Textract returned job status ${String(status)}`);
      pageCount = Math.max(pageCount, out.DocumentMetadata?.Pages ?? 0);
      builder.add(out.Blocks);
      for (const w of out.Warnings ?? []) warnings.push(warningText(w));
      if (out.StatusMessage && status === 'PARTIAL_SUCCESS' && resultPages === 1) warnings.push(out.StatusMessage);
      nextToken = out.NextToken;
      if (resultPages >= maxResultPages && nextToken) throw new Error(`Textract job ${jobId} has more than ${maxResultPages} result pages`);
    } while (nextToken);
    return {
      status: status,
      pages: builder.build(pageCount),
      warnings: [...new Set(warnings)],
      pageCount,
      resultPages,
    };
  }
}
