// Importing @casegraph/formats must not load sharp (native libvips) or pdf-lib: only imagesToPdf needs them, and
// the graph worker / the API outside production imports never call it.
describe('@casegraph/formats loads sharp and pdf-lib only when imagesToPdf runs', () => {
  afterEach(() => {
    jest.dontMock('sharp');
    jest.dontMock('pdf-lib');
  });

  it('import of the index loads neither; the first imagesToPdf call loads both', async () => {
    const loaded: string[] = [];
    await jest.isolateModulesAsync(async () => {
      jest.doMock('sharp', () => {
        loaded.push('sharp');
        return jest.requireActual('sharp');
      });
      jest.doMock('pdf-lib', () => {
        loaded.push('pdf-lib');
        return jest.requireActual('pdf-lib');
      });
      const formats = await import('./index');
      expect(typeof formats.imagesToPdf).toBe('function');
      expect(typeof formats.readDocument).toBe('function');
      expect(loaded).toEqual([]);

      // A 1×1 PNG: the call loads the libraries and still makes a PDF.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
      const pdf = await formats.imagesToPdf([png]);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(loaded.sort()).toEqual(['pdf-lib', 'sharp']);
    });
  });
});
