import type { HttpException } from '@nestjs/common';
import type { Request } from 'express';

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
