/**
 * The upload queue: one request per file (the API's upload is all-or-nothing per request, so one file per request
 * gives each file its own progress, its own error and its own cancel), at most `limit` at a time. Plain TypeScript
 * with an injected `send`, so the scheduling is tested without a browser; the page subscribes to it.
 */

export type UploadState = 'queued' | 'uploading' | 'done' | 'duplicate' | 'failed' | 'cancelled';

export interface UploadItem<F = unknown> {
  id: number;
  file: F;
  /** The name shown (the file's name; its folder path, when it came from a folder, is in `path`). */
  name: string;
  path: string;
  size: number;
  state: UploadState;
  loaded: number;
  total: number;
  /** The error in words (failed) or what happened (duplicate). */
  message?: string;
  documentUuid?: string;
  /** A duplicate: the existing document with the same bytes. */
  duplicateOf?: string;
  duplicateName?: string | null;
}

export interface SendResult {
  documentUuid: string;
  duplicateOf?: string;
  duplicateName?: string | null;
}

export type Send<F> = (file: F, onProgress: (loaded: number, total: number) => void, signal: AbortSignal) => Promise<SendResult>;

export const SETTLED: ReadonlySet<UploadState> = new Set(['done', 'duplicate', 'failed', 'cancelled']);

export class UploadQueue<F extends { name: string; size: number }> {
  private items: Array<UploadItem<F>> = [];
  private readonly controllers = new Map<number, AbortController>();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  constructor(
    private readonly send: Send<F>,
    private readonly describeError: (err: unknown) => string,
    private readonly limit = 3,
    /** Called after each file that reached the server (a new document or a duplicate). */
    private readonly onStored?: (item: UploadItem<F>) => void,
  ) {}

  /** A snapshot (a new array after every change, for useSyncExternalStore). */
  snapshot = (): ReadonlyArray<UploadItem<F>> => this.items;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  add(files: Array<{ file: F; path: string }>): void {
    const added = files.map(({ file, path }): UploadItem<F> => ({
      id: this.nextId++,
      file,
      name: file.name,
      path,
      size: file.size,
      state: 'queued',
      loaded: 0,
      total: file.size,
    }));
    this.items = [...this.items, ...added];
    this.pump();
  }

  cancel(id: number): void {
    const item = this.items.find((i) => i.id === id);
    if (!item || SETTLED.has(item.state)) return;
    this.controllers.get(id)?.abort();
    this.update(id, { state: 'cancelled', message: 'Cancelled: nothing was stored' });
    this.pump();
  }

  cancelAll(): void {
    for (const i of this.items) if (!SETTLED.has(i.state)) this.cancel(i.id);
  }

  /** Queues a failed or cancelled file again. */
  again(id: number): void {
    const item = this.items.find((i) => i.id === id);
    if (!item || (item.state !== 'failed' && item.state !== 'cancelled')) return;
    this.update(id, { state: 'queued', loaded: 0, message: undefined });
    this.pump();
  }

  /** Forgets the settled uploads (the list keeps only what still runs). */
  clearSettled(): void {
    this.items = this.items.filter((i) => !SETTLED.has(i.state));
    this.emit();
  }

  private update(id: number, change: Partial<UploadItem<F>>): void {
    this.items = this.items.map((i) => (i.id === id ? { ...i, ...change } : i));
    this.emit();
  }

  private emit(): void {
    this.listeners.forEach((l) => l());
  }

  private pump(): void {
    let running = this.items.filter((i) => i.state === 'uploading').length;
    for (const item of this.items) {
      if (running >= this.limit) break;
      if (item.state !== 'queued') continue;
      running++;
      void this.start(item);
    }
  }

  private async start(item: UploadItem<F>): Promise<void> {
    const ctl = new AbortController();
    this.controllers.set(item.id, ctl);
    this.update(item.id, { state: 'uploading', loaded: 0 });
    try {
      const r = await this.send(
        item.file,
        (loaded, total) => !ctl.signal.aborted && this.update(item.id, { loaded, total: total || item.size }),
        ctl.signal,
      );
      if (ctl.signal.aborted) return;
      const done: Partial<UploadItem<F>> = r.duplicateOf
        ? { state: 'duplicate', documentUuid: r.documentUuid, duplicateOf: r.duplicateOf, duplicateName: r.duplicateName ?? null }
        : { state: 'done', documentUuid: r.documentUuid };
      this.update(item.id, { ...done, loaded: item.size, total: item.size });
      const stored = this.items.find((i) => i.id === item.id);
      if (stored) this.onStored?.(stored);
    } catch (err) {
      if (!ctl.signal.aborted) this.update(item.id, { state: 'failed', message: this.describeError(err) });
    } finally {
      this.controllers.delete(item.id);
      this.pump();
    }
  }
}

/** "3 of 10 uploaded, 1 failed" style summary of a queue. */
export function queueSummary(items: ReadonlyArray<Pick<UploadItem, 'state'>>): string {
  const n = (s: UploadState) => items.filter((i) => i.state === s).length;
  const stored = n('done') + n('duplicate');
  const parts = [`${stored} of ${items.length} uploaded`];
  if (n('duplicate')) parts.push(`${n('duplicate')} already in the project`);
  if (n('failed')) parts.push(`${n('failed')} failed`);
  if (n('cancelled')) parts.push(`${n('cancelled')} cancelled`);
  if (n('uploading') + n('queued')) parts.push(`${n('uploading') + n('queued')} to go`);
  return parts.join(', ');
}
