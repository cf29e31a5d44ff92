/**
 * A small e-discovery production for tests, as a vendor delivers one: a Concordance DAT (UTF-8 with a BOM,
 * þ-quoted, DC4-separated, header row), an Opticon OPT (Windows paths `.\IMAGES\0001\ABC000001.tif`, `Y` at each
 * document's first page) and one single-page TIFF per page (CCITT Group 4 by default) with the page's lines at the
 * top and its Bates stamp printed at the foot, right-aligned. Hostile variants break one record on purpose.
 */
import { createCanvas } from '@napi-rs/canvas';
import * as iconv from 'iconv-lite';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildTiff } from './tiff';
import { registerTestFont, TEST_FONT_FAMILY } from './font';

export interface ProductionRecordSpec {
  /** Lines of text per page. */
  pages: string[][];
  custodian?: string;
  /** Extra DAT fields (name → value); the header row is the union, in first-seen order. */
  fields?: Record<string, string>;
  /** Print the Bates stamp on the pages (default true). Without it, two records with the same pages have the same images. */
  stamp?: boolean;
}

export type ProductionHostility =
  /** The record's last DAT field opens a þ quote and never closes it. */
  | 'unclosed-quote'
  /** The record's DAT line has one field too few. */
  | 'wrong-field-count'
  /** The OPT names the record's first image, but no such image is delivered. */
  | 'missing-image'
  /** The record's first image is delivered as bytes that are not an image. */
  | 'corrupt-image';

export interface BuildProductionOptions {
  prefix: string;
  /** Bates number of the first page. */
  start: number;
  records: ProductionRecordSpec[];
  /** When set, the files are written there too: `<prefix>.dat`, `<prefix>.opt` and the images at their paths. */
  dir?: string;
  /** Digits of the Bates numbers (default 6). */
  digits?: number;
  /** Image compression (default Group 4). */
  compression?: 'ccittfax4' | 'lzw' | 'none';
  /** Image resolution (default 100 dpi: small files, still legible in the font used). */
  dpi?: number;
  /** DAT encoding (default UTF-8 with a BOM). */
  encoding?: 'utf8-bom' | 'utf8' | 'utf16le' | 'win1252';
  /** Break records on purpose: record index (0-based) → what to break. */
  hostile?: Array<{ record: number; kind: ProductionHostility }>;
}

export interface BuiltProduction {
  dat: Buffer;
  opt: Buffer;
  /** Each image at its path relative to the load files' folder (forward slashes), as the OPT names it. */
  images: Array<{ path: string; bytes: Buffer }>;
  /** Each record's Bates numbers, page by page (also for broken records). */
  bates: string[][];
  /** With `dir`: where the DAT and OPT were written. */
  datPath?: string;
  optPath?: string;
}

/** A letter-size page: the lines at the top, the stamp (if any) at the bottom right. */
function renderPage(lines: string[], stamp: string | null, dpi: number): Buffer {
  registerTestFont();
  const width = Math.round(8.5 * dpi);
  const height = Math.round(11 * dpi);
  const px = dpi / 72;
  const size = Math.round(18 * px);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = `${size}px "${TEST_FONT_FAMILY}"`;
  lines.forEach((line, i) => ctx.fillText(line, 0.75 * dpi, 0.75 * dpi + size + i * size * 1.6));
  if (stamp) {
    ctx.textAlign = 'right';
    ctx.fillText(stamp, width - 0.75 * dpi, height - 0.5 * dpi);
  }
  return canvas.toBuffer('image/png');
}

const D = '\x14';
const Q = 'þ';

export async function buildProduction(opts: BuildProductionOptions): Promise<BuiltProduction> {
  const digits = opts.digits ?? 6;
  const dpi = opts.dpi ?? 100;
  const hostile = new Map((opts.hostile ?? []).map((h) => [h.record, h.kind]));
  const batesOf = (n: number) => `${opts.prefix}${String(n).padStart(digits, '0')}`;

  const extra: string[] = [];
  for (const r of opts.records) for (const k of Object.keys(r.fields ?? {})) if (!extra.includes(k)) extra.push(k);
  const headers = ['BEGBATES', 'ENDBATES', 'CUSTODIAN', ...extra];
  const datLines = [headers.map((h) => `${Q}${h}${Q}`).join(D)];
  const optLines: string[] = [];
  const images: BuiltProduction['images'] = [];
  const bates: string[][] = [];

  let next = opts.start;
  for (let i = 0; i < opts.records.length; i++) {
    const r = opts.records[i];
    if (r.pages.length === 0) throw new Error(`buildProduction: record ${i} has no pages`);
    const numbers = r.pages.map(() => batesOf(next++));
    bates.push(numbers);
    const kind = hostile.get(i);
    for (let p = 0; p < r.pages.length; p++) {
      const path = `IMAGES/0001/${numbers[p]}.tif`;
      optLines.push(
        [numbers[p], 'VOL001', `.\\${path.replace(/\//g, '\\')}`, p === 0 ? 'Y' : '', '', '', p === 0 ? String(r.pages.length) : ''].join(','),
      );
      if (p === 0 && kind === 'missing-image') continue;
      if (p === 0 && kind === 'corrupt-image') {
        images.push({ path, bytes: Buffer.from('II*\0this is not really a TIFF', 'latin1') });
        continue;
      }
      const png = renderPage(r.pages[p], r.stamp === false ? null : numbers[p], dpi);
      images.push({ path, bytes: await buildTiff([{ png }], { compression: opts.compression ?? 'ccittfax4', dpi, stripsPerPage: 2 }) });
    }
    const values = [numbers[0], numbers.at(-1)!, r.custodian ?? '', ...extra.map((k) => r.fields?.[k] ?? '')];
    let line = values.map((v) => `${Q}${v}${Q}`).join(D);
    if (kind === 'wrong-field-count')
      line = values
        .slice(0, -1)
        .map((v) => `${Q}${v}${Q}`)
        .join(D);
    if (kind === 'unclosed-quote') line = [...values.slice(0, -1).map((v) => `${Q}${v}${Q}`), `${Q}${values.at(-1)}`].join(D);
    datLines.push(line);
  }

  const datText = `${datLines.join('\r\n')}\r\n`;
  const enc = opts.encoding ?? 'utf8-bom';
  const dat =
    enc === 'utf8-bom'
      ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(datText, 'utf8')])
      : enc === 'utf8'
        ? Buffer.from(datText, 'utf8')
        : enc === 'utf16le'
          ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(datText, 'utf16le')])
          : iconv.encode(datText, 'win1252');
  const opt = Buffer.from(`${optLines.join('\r\n')}\r\n`, 'latin1');

  const built: BuiltProduction = { dat, opt, images, bates };
  if (opts.dir) {
    built.datPath = join(opts.dir, `${opts.prefix}.dat`);
    built.optPath = join(opts.dir, `${opts.prefix}.opt`);
    await mkdir(opts.dir, { recursive: true });
    await writeFile(built.datPath, dat);
    await writeFile(built.optPath, opt);
    for (const im of images) {
      const to = join(opts.dir, im.path);
      await mkdir(dirname(to), { recursive: true });
      await writeFile(to, im.bytes);
    }
  }
  return built;
}
