// Minimal typings for cli-progress 3 (the package ships none; @types/cli-progress is not installed).
declare module 'cli-progress' {
  export interface Options {
    format?: string;
    stream?: NodeJS.WritableStream;
    clearOnComplete?: boolean;
    stopOnComplete?: boolean;
    hideCursor?: boolean | null;
    barsize?: number;
    barCompleteChar?: string;
    barIncompleteChar?: string;
    autopadding?: boolean;
    gracefulExit?: boolean;
    forceRedraw?: boolean;
    noTTYOutput?: boolean;
  }
  export interface Preset {
    format?: string;
    barCompleteChar: string;
    barIncompleteChar: string;
  }
  export class SingleBar {
    update(value: number, payload?: Record<string, unknown>): void;
    update(payload: Record<string, unknown>): void;
    stop(): void;
  }
  export class MultiBar {
    constructor(options: Options, preset?: Preset);
    create(total: number, startValue: number, payload?: Record<string, unknown>, barOptions?: Options): SingleBar;
    remove(bar: SingleBar): boolean;
    update(): void;
    stop(): void;
    log(text: string): void;
  }
  export const Presets: { shades_classic: Preset; shades_grey: Preset; rect: Preset; legacy: Preset };
}
