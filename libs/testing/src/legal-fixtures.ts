/**
 * The real court opinions of the shared fixtures (../shared/fixtures/legal, see its README): 48 opinions as
 * text, eyecite-ts's citations for each (a reference, not ground truth) and a scanned filing. Suites that read
 * them are declared with describeWithLegalFixtures (gated like describeWithFixtures: skipped with one printed
 * line when the folder is absent, failing instead under CASEGRAPH_REQUIRE_FIXTURES=1). Their text is read at
 * run time and never copied into the project.
 *
 * The opinions are split once, by position in CourtListener-id order (every fourth, from the second): the
 * HELD-OUT twelve were labelled by hand before any legal rule was tuned (test/fixtures/legal-heldout.labels.json)
 * and are never used for tuning; the other 36 are the TUNING split.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTextPdf, paginate } from './documents';
import { FIXTURES_DIR, describeWithFixturesIn } from './fixtures';

export const LEGAL_DIR = join(FIXTURES_DIR, 'legal');

export const HELD_OUT_OPINIONS: readonly string[] = [
  'cl-154001',
  'cl-902001',
  'cl-2684001',
  'cl-3058008',
  'cl-4070001',
  'cl-4356015',
  'cl-4664001',
  'cl-9944001',
  'cl-10186001',
  'cl-10362001',
  'cl-10582021',
  'cl-10846001',
];

export interface OpinionEntry {
  /** `cl-<id>` */
  id: string;
  file: string;
  courtlistenerId: number;
  chars: number;
  /** `010combined` (appellate) or `100trialcourt` */
  kind: string;
  ocr: boolean;
  split: 'tuning' | 'heldout';
}

/** One citation eyecite-ts reported: its own type names (case, shortFormCase, id, supra, statute, …). */
export interface EyeciteCitation {
  type: string;
  key: string;
  span: [number, number];
  resolvedTo: string | null;
}

export function legalFixturesAvailable(): boolean {
  return existsSync(join(LEGAL_DIR, 'opinions', 'manifest.json'));
}

/** The opinions in CourtListener-id order, each with its split. */
export function opinionManifest(): OpinionEntry[] {
  const raw = JSON.parse(readFileSync(join(LEGAL_DIR, 'opinions', 'manifest.json'), 'utf8')) as Array<{
    file: string;
    courtlistener_id: number;
    chars: number;
    type: string;
    ocr: boolean;
  }>;
  return raw
    .map((e) => {
      const id = `cl-${e.courtlistener_id}`;
      return {
        id,
        file: join(LEGAL_DIR, e.file),
        courtlistenerId: e.courtlistener_id,
        chars: e.chars,
        kind: e.type,
        ocr: e.ocr,
        split: HELD_OUT_OPINIONS.includes(id) ? ('heldout' as const) : ('tuning' as const),
      };
    })
    .sort((a, b) => a.courtlistenerId - b.courtlistenerId);
}

export function readOpinion(id: string): string {
  return readFileSync(join(LEGAL_DIR, 'opinions', `${id}.txt`), 'utf8');
}

/** eyecite-ts's citations, by opinion id. */
export function eyeciteReference(): Record<string, EyeciteCitation[]> {
  return JSON.parse(readFileSync(join(LEGAL_DIR, 'opinions-citations.eyecite-ts.json'), 'utf8')) as Record<string, EyeciteCitation[]>;
}

/** describe() for a suite that needs the legal fixtures (see describeWithFixtures). */
export function describeWithLegalFixtures(name: string, fn: () => void): void {
  describeWithFixturesIn(name, fn, legalFixturesAvailable(), `no legal fixtures at ${LEGAL_DIR} (set CASEGRAPH_FIXTURES to the fixtures folder)`);
}

/** Helvetica with WinAnsi encoding takes Latin-1: typographic quotes and dashes become ASCII, the rest '?' (line breaks stay). */
const latin1 = (s: string) =>
  s
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/&amp;/g, '&')
    .replace(/[^\n\t\f\u0020-\u007e\u00a0-\u00ff]/g, '?');

/** An opinion as a text-layer PDF: its own lines (long ones folded at 100 characters), 48 to a page. */
export function opinionPdf(text: string): Buffer {
  const lines = latin1(text)
    .split('\n')
    .flatMap((l) => (l.length <= 100 ? [l] : (l.match(/.{1,100}(\s|$)|\S+/g) ?? [l])))
    .map((l) => l.replace(/\s+$/, ''));
  return buildTextPdf(paginate(lines, 48), { fontSize: 9, leading: 14 });
}
