import { detectFormat } from '@casegraph/formats';
import { OLE_CONTAINER_MIME, ZIP_CONTAINER_MIME, fileContentType } from './content-type';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

describe('fileContentType (GET /v1/documents/:id/file)', () => {
  it("knows detectFormat's container types", () => {
    const zip = detectFormat(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60)]));
    const ole = detectFormat(Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]));
    expect([zip.kind, ole.kind]).toEqual(['container', 'container']);
    expect([(zip as { mime: string }).mime, (ole as { mime: string }).mime]).toEqual([ZIP_CONTAINER_MIME, OLE_CONTAINER_MIME]);
  });

  it('serves the declared Office type of a ZIP container, else application/zip', () => {
    for (const declared of [DOCX, XLSX, PPTX]) expect(fileContentType(ZIP_CONTAINER_MIME, declared)).toBe(declared);
    expect(fileContentType(ZIP_CONTAINER_MIME, DOCX.toUpperCase())).toBe(DOCX.toUpperCase());
    for (const declared of [null, 'application/pdf', 'text/html', 'application/vnd.ms-outlook', 'not a type']) {
      expect(fileContentType(ZIP_CONTAINER_MIME, declared)).toBe(ZIP_CONTAINER_MIME);
    }
  });

  it('serves the declared MSG / Word 97 / Excel / PowerPoint type of an OLE container, else application/octet-stream', () => {
    for (const declared of ['application/vnd.ms-outlook', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint']) {
      expect(fileContentType(OLE_CONTAINER_MIME, declared)).toBe(declared);
    }
    for (const declared of [null, DOCX, 'text/html', 'application/x-ole-storage']) {
      expect(fileContentType(OLE_CONTAINER_MIME, declared)).toBe('application/octet-stream');
    }
  });

  it('otherwise: the detected type, then the declared one, then application/octet-stream', () => {
    expect(fileContentType(DOCX, 'application/pdf')).toBe(DOCX);
    expect(fileContentType('application/pdf', null)).toBe('application/pdf');
    expect(fileContentType(null, 'image/png')).toBe('image/png');
    expect(fileContentType('bad value', 'also bad')).toBe('application/octet-stream');
    expect(fileContentType(null, null)).toBe('application/octet-stream');
  });
});
