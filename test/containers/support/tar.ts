/**
 * A streaming reader of the tar that `docker export` writes (ustar, with PAX path records): calls `onFile` for every
 * entry with its path, type and size, and lets it ask for the entry's bytes (streamed to a sink, never all held).
 */

export interface TarEntry {
  path: string;
  /** '0' file, '2' symlink, '5' folder, ... */
  type: string;
  size: number;
  /** The link target of a symlink. */
  linkname: string;
}

/** What receives an entry's content (a crypto Hash, a collector). */
export interface Sink {
  update(chunk: Buffer): unknown;
}

/** Returns a `write(chunk)` to feed with the tar; `onFile` may return a Sink that receives the entry's content. */
export function tarReader(onFile: (e: TarEntry) => Sink | undefined): { write(chunk: Buffer): void; end(): void } {
  let buf: Buffer = Buffer.alloc(0);
  let remaining = 0; // content bytes of the current entry still to come
  let padding = 0;
  let hash: Sink | undefined;
  let paxPath: string | undefined;
  let paxBody: Buffer[] | undefined;
  let done = false;

  const str = (b: Buffer, start: number, len: number) => {
    const s = b.subarray(start, start + len);
    const nul = s.indexOf(0);
    return (nul === -1 ? s : s.subarray(0, nul)).toString('utf8');
  };
  const octal = (b: Buffer, start: number, len: number) => {
    const s = str(b, start, len).trim();
    return s ? parseInt(s, 8) : 0;
  };

  function header(h: Buffer): void {
    if (h.every((x) => x === 0)) {
      done = true;
      return;
    }
    const type = String.fromCharCode(h[156] || 48);
    const size = octal(h, 124, 12);
    const prefix = str(h, 257, 6).startsWith('ustar') ? str(h, 345, 155) : '';
    let path = prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100);
    remaining = size;
    padding = (512 - (size % 512)) % 512;
    hash = undefined;
    paxBody = undefined;
    if (type === 'x' || type === 'L') {
      paxBody = [];
      return;
    }
    if (paxPath !== undefined) {
      path = paxPath;
      paxPath = undefined;
    }
    path = path.replace(/^\.\//, '').replace(/\/$/, '');
    hash = onFile({ path, type, size, linkname: str(h, 157, 100) });
  }

  function endOfBody(): void {
    if (!paxBody) return;
    const body = Buffer.concat(paxBody).toString('utf8');
    paxBody = undefined;
    const long = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body);
    // 'L' (GNU long name) is the name itself, NUL-terminated.
    paxPath = long ? long[1] : body.includes('=') ? undefined : body.replace(/\0+$/, '');
  }

  return {
    write(chunk: Buffer) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (!done) {
        if (remaining > 0) {
          if (!buf.length) return;
          const n = Math.min(remaining, buf.length);
          const part = buf.subarray(0, n);
          hash?.update(part);
          paxBody?.push(Buffer.from(part));
          remaining -= n;
          buf = buf.subarray(n);
          if (remaining === 0) endOfBody();
          continue;
        }
        if (padding > 0) {
          if (!buf.length) return;
          const n = Math.min(padding, buf.length);
          padding -= n;
          buf = buf.subarray(n);
          continue;
        }
        if (buf.length < 512) return;
        const h = buf.subarray(0, 512);
        buf = buf.subarray(512);
        header(h);
        if (remaining === 0) endOfBody();
      }
    },
    end() {
      /* nothing buffered matters after the last entry */
    },
  };
}
