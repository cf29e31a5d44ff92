/**
 * Progress of long scans: a cli-progress bar on a terminal, plain lines
 * otherwise (CI logs, kubectl logs). cli-progress is loaded lazily: it is a
 * dev dependency and may be absent from a production image, where plain lines
 * are used.
 */
export interface Progress {
  /** Adds `n` processed items. */
  increment(n: number): void;
  stop(): void;
}

export const silentProgress = (): Progress => ({ increment: () => undefined, stop: () => undefined });

interface Bar {
  start(total: number, start: number): void;
  increment(n: number): void;
  stop(): void;
}
type BarCtor = new (opts: Record<string, unknown>, preset?: unknown) => Bar;

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a TTY; if it fails to load we fall back to plain lines
      const lib = require('cli-progress') as { SingleBar: BarCtor; Presets: { shades_classic: unknown } };
      const bar = new lib.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream, hideCursor: true },
        lib.Presets.shades_classic,
      );
      bar.start(total, 0);
      return { increment: (n) => bar.increment(n), stop: () => bar.stop() };
    } catch {
      /* fall through to plain lines */
    }
  }
  let done = 0;
  let lastLine = 0;
  return {
    increment(n) {
      done += n;
      // At most one line per second, plus the final one.
      if (Date.now() - lastLine >= 1000 || done >= total) {
        lastLine = Date.now();
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
    stop() {
      if (done < total) stream.write(`${label}: ${done}/${total}\n`);
    },
  };
}
