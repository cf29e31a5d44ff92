import type { HttpException } from '@nestjs/common';
import type busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';

/** After a refusal, at most this much of the rest of the body is read (so the client sees the answer), then the connection closes. */
export const DRAIN_CAP_BYTES = 64 * 1024 * 1024;
export const DRAIN_TIMEOUT_MS = 15_000;

/**
 * Reads (and discards) the rest of a request body, so the client receives the answer. Resolves true when it gave
 * up early (over DRAIN_CAP_BYTES or DRAIN_TIMEOUT_MS): the connection should then close.
 */
export function drainRequest(req: Request): Promise<boolean> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) return resolve(false);
    let seen = 0;
    let settled = false;
    const done = (early: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onEnd);
      req.off('error', onEnd);
      if (early) req.resume(); // keep discarding in the background until the socket closes
      resolve(early);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_CAP_BYTES) done(true);
    };
    const onEnd = () => done(false);
    const timer = setTimeout(() => done(true), DRAIN_TIMEOUT_MS);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onEnd);
    req.on('error', onEnd);
    req.resume();
  });
}

/** Drains the body before a refusal is answered (closing the connection when the drain gave up); returns `err`. */
export async function refuseRequest(req: Request, err: HttpException): Promise<HttpException> {
  if (await drainRequest(req)) req.res?.setHeader('Connection', 'close');
  return err;
}

/** The shared lifecycle of a streamed multipart request (uploads, productions): see `runMultipart`. */
export interface MultipartRun {
  /** A file part as it starts: its errors are left to whoever reads it, and stop() ends it if it is cut short. */
  track(part: Readable): void;
  /** Settles the run (once): after every piece of `work` has settled and, after stop(), the rest of the body is read. */
  finish(): void;
  /** Stops reading after a refusal: unpipes, drains the rest (asking to close the connection when the drain gives up), destroys busboy and every open part, then finishes. */
  stop(): void;
  /** Pipes the request into busboy; `aborted` runs when the client goes away before the body is complete. */
  start(aborted: () => void): void;
}

/**
 * The part of a busboy request both multipart routes share. `work` is the caller's list of per-part promises (it
 * grows while parts arrive); `settled` runs once, when the run finishes.
 */
export function runMultipart(req: Request, bb: busboy.Busboy, work: Promise<unknown>[], settled: () => void): MultipartRun {
  let finished = false;
  let draining: Promise<unknown> = Promise.resolve();
  const active = new Set<Readable>();
  const finish = () => {
    if (finished) return;
    finished = true;
    void Promise.allSettled(work)
      .then(() => draining)
      .then(settled);
  };
  return {
    track(part) {
      part.on('error', () => undefined);
      active.add(part);
      part.once('close', () => active.delete(part));
      part.once('end', () => active.delete(part));
    },
    finish,
    stop() {
      req.unpipe(bb);
      draining = drainRequest(req).then((early) => {
        if (early) req.res?.setHeader('Connection', 'close');
      });
      bb.destroy(); // ends the part being read
      // A part cut short (an aborted upload) may never end by itself: end every open one, so its reader settles.
      for (const part of active) part.destroy(new Error('the request failed'));
      finish();
    },
    start(aborted) {
      bb.on('close', finish);
      req.on('close', () => {
        if (!req.complete) aborted();
      });
      req.on('aborted', aborted);
      req.pipe(bb);
      // Closed before this (e.g. while the project was looked up): 'close' was already emitted and busboy would wait forever.
      if (req.destroyed && !req.complete) aborted();
    },
  };
}
