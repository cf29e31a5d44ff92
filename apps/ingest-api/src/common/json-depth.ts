import type { IncomingMessage } from 'node:http';

/** Thrown from body-parser's `verify`: body-parser keeps `status` and `type`, and the error handler answers 400. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.too.deep';

  constructor(readonly maxDepth: number) {
    super(`JSON body nested deeper than ${maxDepth} levels (JSON_MAX_DEPTH)`);
    this.name = 'JsonTooDeepError';
  }
}

/** The charset body-parser could not be asked to decode for the depth scan (only UTF-32 in practice). */
export class JsonCharsetError extends Error {
  readonly status = 415;
  readonly statusCode = 415;
  readonly expose = true;
  readonly type = 'charset.unsupported';

  constructor(charset: string) {
    super(`unsupported charset "${charset.toUpperCase()}"`);
    this.name = 'JsonCharsetError';
  }
}

const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * True when the JSON text nests arrays/objects deeper than `maxDepth` (`{}` and `[]` are depth 1).
 * One pass over the text, no recursion and no allocation, so no input can blow the stack; it stops
 * at the first level too deep. Brackets inside strings do not count. It does not validate the JSON
 * (JSON.parse does that next): unbalanced or stray brackets only move the count.
 * A Buffer is scanned as UTF-8 bytes: every byte of a multi-byte character is >= 0x80, so the
 * ASCII brackets, quote and backslash are never part of one.
 */
export function jsonNestedDeeperThan(text: Uint8Array | string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0, n = text.length; i < n; i++) {
    const c = typeof text === 'string' ? text.charCodeAt(i) : text[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/**
 * A body-parser `verify` hook that refuses JSON nested deeper than `maxDepth` before JSON.parse
 * and the ValidationPipe see it (class-transformer, class-validator and Nest's stripProtoKeys all
 * recurse once per level). UTF-8 (the default, and all RFC 8259 allows) is scanned as bytes;
 * UTF-16 is decoded first; a charset TextDecoder cannot decode is refused with 415.
 */
export function jsonDepthVerifier(maxDepth: number): (req: IncomingMessage, res: unknown, buf: Buffer, encoding: string) => void {
  return (_req, _res, buf, encoding) => {
    let text: Uint8Array | string = buf;
    const charset = (encoding || 'utf-8').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      try {
        text = new TextDecoder(charset).decode(buf);
      } catch {
        throw new JsonCharsetError(charset);
      }
    }
    if (jsonNestedDeeperThan(text, maxDepth)) throw new JsonTooDeepError(maxDepth);
  };
}
