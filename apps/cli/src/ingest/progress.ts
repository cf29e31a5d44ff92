/**
 * How document progress is shown: one cli-progress bar per document on a terminal,
 * plain timestamped lines otherwise (CI logs, pipes, files).
 */
import type { MultiBar, SingleBar } from 'cli-progress';
import { STAGES } from '@casegraph/contracts';
import type { DocumentState } from './api-client';

export interface ProgressView {
  /** Adds a document to follow. */
  add(documentUuid: string, label: string): void;
  update(doc: DocumentState): void;
  /** A message that must not garble the bars. */
  log(line: string): void;
  stop(): void;
}

/** Stages completed, out of STAGES.length. */
export function stagesDone(doc: DocumentState): number {
  if (doc.status === 'completed') return STAGES.length;
  return STAGES.filter((s) => doc.stages?.[s]?.status === 'completed').length;
}

/** The stage a document is in (or failed in), from the API's answer. */
export function activeStage(doc: DocumentState): string | undefined {
  if (doc.status === 'failed') return doc.failedStage ?? STAGES.find((s) => doc.stages?.[s]?.status === 'failed');
  return (
    doc.currentStage ?? STAGES.find((s) => doc.stages?.[s]?.status === 'processing') ?? STAGES.find((s) => doc.stages?.[s]?.status !== 'completed')
  );
}

/** One short phrase: "queued", "ocr…", "completed (3 pages)", "failed in ocr: reason". */
export function describeState(doc: DocumentState, maxReason = 80): string {
  switch (doc.status) {
    case 'completed':
      return typeof doc.pageCount === 'number' ? `completed (${doc.pageCount} page${doc.pageCount === 1 ? '' : 's'})` : 'completed';
    case 'failed': {
      const stage = activeStage(doc);
      const reason = (doc.error ?? 'no reason given').replace(/\s+/g, ' ');
      const short = reason.length > maxReason ? `${reason.slice(0, maxReason - 1)}…` : reason;
      return `failed${stage ? ` in ${stage}` : ''}: ${short}`;
    }
    case 'pending':
      return 'queued';
    default: {
      const stage = activeStage(doc);
      const ocr = doc.stages?.ocr;
      if (stage === 'ocr' && typeof ocr?.pageCount === 'number' && ocr.pageCount > 0 && typeof ocr.pagesDone === 'number') {
        return `ocr ${ocr.pagesDone}/${ocr.pageCount} pages…`;
      }
      return stage ? `${stage}…` : `${doc.status}…`;
    }
  }
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** Bars on a terminal. cli-progress is loaded lazily: it is a dev dependency, absent from production images. */
export class BarsView implements ProgressView {
  private readonly bars = new Map<string, SingleBar>();
  private readonly multibar: MultiBar;
  private readonly labelWidth: number;

  static tryCreate(stream: NodeJS.WritableStream, labelWidth: number): BarsView | undefined {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a TTY; if it fails to load we fall back to plain lines
      const lib = require('cli-progress') as typeof import('cli-progress');
      return new BarsView(lib, stream, labelWidth);
    } catch {
      return undefined;
    }
  }

  private constructor(lib: typeof import('cli-progress'), stream: NodeJS.WritableStream, labelWidth: number) {
    this.labelWidth = Math.min(Math.max(labelWidth, 8), 40);
    this.multibar = new lib.MultiBar(
      {
        stream,
        format: '{label} {bar} {value}/{total} {state}',
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        gracefulExit: false,
      },
      lib.Presets.shades_classic,
    );
  }

  add(documentUuid: string, label: string): void {
    if (this.bars.has(documentUuid)) return;
    this.bars.set(documentUuid, this.multibar.create(STAGES.length, 0, { label: pad(label, this.labelWidth), state: 'uploaded' }));
  }

  update(doc: DocumentState): void {
    this.bars.get(doc.documentUuid)?.update(stagesDone(doc), { state: describeState(doc, 60) });
  }

  log(line: string): void {
    this.multibar.log(`${line}\n`);
  }

  stop(): void {
    this.multibar.stop();
  }
}

/** Plain lines, one per change of a document's state. */
export class LinesView implements ProgressView {
  private readonly labels = new Map<string, string>();
  private readonly last = new Map<string, string>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(documentUuid: string, label: string): void {
    this.labels.set(documentUuid, label);
  }

  update(doc: DocumentState): void {
    const state = `${stagesDone(doc)}/${STAGES.length} ${describeState(doc, 200)}`;
    if (this.last.get(doc.documentUuid) === state) return;
    this.last.set(doc.documentUuid, state);
    this.write(`${this.now().toISOString().slice(11, 19)}  ${this.labels.get(doc.documentUuid) ?? doc.filename}  ${state}`);
  }

  log(line: string): void {
    this.write(line);
  }

  stop(): void {
    /* nothing to tidy */
  }
}
