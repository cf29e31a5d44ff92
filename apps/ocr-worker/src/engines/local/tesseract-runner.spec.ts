import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TesseractRunner, packagedTessdataDir } from './tesseract-runner';

const TESSDATA = resolve(__dirname, '..', '..', '..', 'tessdata');

describe('packaged language data', () => {
  it('is found from the source tree and is the default when OCR_TESSDATA_DIR is unset', () => {
    expect(packagedTessdataDir()).toBe(TESSDATA);
    expect(new TesseractRunner({ initTimeoutMs: 1000 }).languageData()).toEqual({ langPath: TESSDATA, gzip: false });
  });

  it('gives way to an explicit folder', () => {
    const other = resolve(__dirname, '..', '..', '..', '..', '..', 'node_modules', '@tesseract.js-data', 'eng', '4.0.0');
    expect(new TesseractRunner({ langPath: other, initTimeoutMs: 1000 }).languageData()).toEqual({ langPath: other, gzip: true });
  });

  it('is the file its README describes (SHA-256)', () => {
    const readme = readFileSync(join(TESSDATA, 'README.md'), 'utf8');
    const sha = createHash('sha256')
      .update(readFileSync(join(TESSDATA, 'eng.traineddata')))
      .digest('hex');
    expect(readme).toContain(sha);
  });
});
