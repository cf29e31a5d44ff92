import { GlobalFonts } from '@napi-rs/canvas';
import { dirname, join } from 'node:path';

/** The family every test page is drawn in: Liberation Sans, the font file pdfjs-dist ships (every checkout renders alike). */
export const TEST_FONT_FAMILY = 'CaseGraph Test Sans';
let registered = false;

/** Registers Liberation Sans with @napi-rs/canvas as TEST_FONT_FAMILY (once) and returns the family name. */
export function registerTestFont(): string {
  if (registered) return TEST_FONT_FAMILY;
  const file = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts', 'LiberationSans-Regular.ttf');
  if (!GlobalFonts.registerFromPath(file, TEST_FONT_FAMILY)) throw new Error(`could not register ${file}`);
  registered = true;
  return TEST_FONT_FAMILY;
}
