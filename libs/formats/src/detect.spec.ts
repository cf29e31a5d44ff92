import * as CFB from 'cfb';
import JSZip from 'jszip';
import { SUPPORTED_FORMATS_SENTENCE } from '@casegraph/contracts';
import { detectFormat, identifyFormat, isValidUtf8, oleRootNames, refusalReason } from './detect';
import type { Detection } from './types';

const kindOf = (d: Detection): string => {
  switch (d.kind) {
    case 'supported':
    case 'unsupported':
      return `${d.kind}:${d.format}`;
    case 'container':
      return `container:${d.family}`;
    default:
      return 'unknown';
  }
};

async function zipOf(files: Record<string, string>, opts: { compression?: 'STORE' | 'DEFLATE' } = {}): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: opts.compression ?? 'DEFLATE' });
}

function oleOf(streams: Record<string, string>): Buffer {
  const cfb = CFB.utils.cfb_new();
  for (const [name, content] of Object.entries(streams)) CFB.utils.cfb_add(cfb, name, Buffer.from(content, 'utf8'));
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('detectFormat: the first 4 KiB, never the name', () => {
  it.each<[string, Buffer, string]>([
    ['PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'supported:pdf'],
    ['PDF after junk (within 1024 bytes)', Buffer.concat([Buffer.alloc(600, 0x20), Buffer.from('%PDF-1.4\n')]), 'supported:pdf'],
    ['PNG', PNG, 'supported:png'],
    ['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'supported:jpeg'],
    ['TIFF little-endian', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'supported:tiff'],
    ['TIFF big-endian', Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'supported:tiff'],
    ['ZIP', Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), 'container:zip'],
    ['empty ZIP', Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'), 'container:zip'],
    ['OLE', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'container:ole'],
    ['RTF', Buffer.from('{\\rtf1\\ansi\\deff0 {\\fonttbl}}'), 'unsupported:rtf'],
    ['gzip', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]), 'unsupported:gzip'],
    ['7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), 'unsupported:7z'],
    ['RAR', Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), 'unsupported:rar'],
    ['PST', Buffer.from('!BDN\x00\x00\x00\x00SM', 'latin1'), 'unsupported:pst'],
    ['HTML doctype', Buffer.from('<!DOCTYPE html>\n<html><body>Hi</body></html>'), 'supported:html'],
    ['HTML after BOM, comments and whitespace', Buffer.from('\uFEFF  \n<!-- saved from url -->\n<!-- x -->\n<HTML lang="en">'), 'supported:html'],
    ['HTML head first', Buffer.from('<head><title>t</title></head>'), 'supported:html'],
    ['HTML body first', Buffer.from('<body>text</body>'), 'supported:html'],
    ['an HTML fragment (WHATWG sniffing list)', Buffer.from('<div class="x">Saved fragment</div>'), 'supported:html'],
    ['a paragraph fragment', Buffer.from('<P>Dear Sir,</P>'), 'supported:html'],
    ['XML that is not HTML', Buffer.from('<?xml version="1.0"?><invoice><total>5</total></invoice>'), 'supported:text'],
    ['text that starts with an angle bracket', Buffer.from('<placeholder for the caption>\nMore text.'), 'supported:text'],
    [
      'XHTML root',
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'),
      'supported:html',
    ],
    ['XHTML doctype', Buffer.from('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">\n<html>'), 'supported:html'],
    [
      'EML',
      Buffer.from('Received: from mx.example.com\r\nFrom: Jane <jane@example.com>\r\nTo: bob@example.com\r\nSubject: Hi\r\n\r\nBody\r\n'),
      'supported:eml',
    ],
    [
      'EML with folded header and X- header',
      Buffer.from('X-Mailer: Foo\nSubject: a very\n long subject\nMIME-Version: 1.0\n\nBody'),
      'supported:eml',
    ],
    [
      'EML starting with Content-Type (as Outlook saves it)',
      Buffer.from('Content-Type: multipart/mixed;\r\n\tboundary="b1"\r\nMIME-Version: 1.0\r\nSubject: Draft\r\n\r\n--b1\r\n'),
      'supported:eml',
    ],
    [
      'EML whose header block runs past 4 KiB',
      Buffer.from(
        Array.from({ length: 80 }, (_, i) => `Received: from relay${i}.example.com by mx.example.com; Mon, 1 Jan 2024 00:00:00 +0000\r\n`).join('') +
          'Subject: x\r\n\r\nbody',
      ),
      'supported:eml',
    ],
    ['mbox', Buffer.from('From jane@example.com Mon Jan  1 00:00:00 2024\nFrom: jane@example.com\nSubject: x\n\nbody\n'), 'unsupported:mbox'],
    ['plain UTF-8 text', Buffer.from('Memorandum\n\nThe parties agree — café, § 12.\n'), 'supported:text'],
    ['UTF-8 text with BOM', Buffer.from('\uFEFFHello'), 'supported:text'],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hello world, café', 'utf16le')]), 'supported:text'],
    ['UTF-16BE with BOM', Buffer.from([0xfe, 0xff, 0, 0x48, 0, 0x69]), 'supported:text'],
    ['UTF-16LE without BOM', Buffer.from('Plain text without a byte order mark', 'utf16le'), 'supported:text'],
    ['Windows-1252 text', Buffer.from([...Buffer.from('caf'), 0xe9, ...Buffer.from(' '), 0xa7, ...Buffer.from(' 1983\r\n')]), 'supported:text'],
    ['a memo that only looks like headers for one line', Buffer.from('Subject: settlement\nWe discussed the terms.\n'), 'supported:text'],
    ['random binary', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256)), 'unknown'],
    ['binary with NULs', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x41, 0x00, 0x00, 0x7f, 0x10]), 'unknown'],
    ['an ELF executable', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]), 'unknown'],
  ])('%s', (_name, bytes, expected) => {
    expect(kindOf(detectFormat(bytes))).toBe(expected);
  });

  it('an empty file is unknown', () => {
    expect(detectFormat(Buffer.alloc(0))).toEqual({ kind: 'unknown' });
  });

  it('a supported detection carries the contract MIME type', () => {
    expect(detectFormat(PNG)).toEqual({ kind: 'supported', format: 'png', mime: 'image/png' });
    expect(detectFormat(Buffer.from('plain'))).toEqual({ kind: 'supported', format: 'text', mime: 'text/plain' });
  });

  it('looks at most at the first 4 KiB', () => {
    const text = Buffer.concat([Buffer.from('a'.repeat(4096)), Buffer.from([0, 0, 0, 0, 0xff, 0x00])]);
    expect(kindOf(detectFormat(text))).toBe('supported:text');
  });

  it('a UTF-8 character cut by the 4 KiB boundary is still text', () => {
    const bytes = Buffer.from('a'.repeat(4095) + 'é and more');
    expect(kindOf(detectFormat(bytes))).toBe('supported:text');
  });

  it.each<[string, Buffer, string]>([
    ['one byte of a PNG signature', Buffer.from([0x89]), 'unknown'],
    ['half a JPEG signature', Buffer.from([0xff, 0xd8]), 'unknown'],
    ['half an OLE signature', Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), 'unknown'],
    ['"PK" only', Buffer.from('PK'), 'supported:text'],
    ['"%PD"', Buffer.from('%PD'), 'supported:text'],
    ['an HTML head cut inside a comment', Buffer.from('<!-- never closed'), 'supported:text'],
  ])('a truncated head: %s', (_name, bytes, expected) => {
    expect(kindOf(detectFormat(bytes))).toBe(expected);
  });

  it('strict UTF-8: rejects overlongs, surrogates and stray continuation bytes', () => {
    expect(isValidUtf8(Buffer.from('ok é € 😀'))).toBe(true);
    expect(isValidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(false);
    expect(isValidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(false);
    expect(isValidUtf8(Buffer.from([0x80]))).toBe(false);
    expect(isValidUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toBe(false);
    expect(isValidUtf8(Buffer.from([0x61, 0xe2, 0x82]), true)).toBe(true);
  });
});

describe('identifyFormat: the whole file resolves containers', () => {
  it('a DOCX is docx whatever its name, and a docm too', async () => {
    const docx = await zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    expect(await identifyFormat(docx)).toEqual({ kind: 'supported', format: 'docx', mime: expect.stringContaining('wordprocessingml') });
    const docm = await zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>', 'word/vbaProject.bin': 'x' });
    expect(kindOf(await identifyFormat(docm))).toBe('supported:docx');
  });

  it.each<[string, Record<string, string>, string]>([
    ['XLSX', { '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' }, 'unsupported:xlsx'],
    ['PPTX', { '[Content_Types].xml': '<Types/>', 'ppt/presentation.xml': '<p/>' }, 'unsupported:pptx'],
    ['ODT', { mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<office/>', 'META-INF/manifest.xml': '<m/>' }, 'unsupported:odf'],
    ['a plain archive', { 'letters/one.txt': 'one', 'two.pdf': '%PDF-1.4' }, 'supported:zip'],
  ])('%s', async (_name, files, expected) => {
    expect(kindOf(await identifyFormat(await zipOf(files)))).toBe(expected);
  });

  it('an empty ZIP is a ZIP', async () => {
    expect(kindOf(await identifyFormat(await zipOf({})))).toBe('supported:zip');
  });

  it('a password-protected ZIP (bit 0 of the flags) is refused as such', async () => {
    const zip = await zipOf({ 'secret.txt': 'hidden' }, { compression: 'STORE' });
    // Set the encryption flag in the local header and in the central directory entry.
    const out = Buffer.from(zip);
    out.writeUInt16LE(out.readUInt16LE(6) | 1, 6);
    const cd = out.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
    out.writeUInt16LE(out.readUInt16LE(cd + 8) | 1, cd + 8);
    expect(kindOf(await identifyFormat(out))).toBe('unsupported:encrypted-zip');
  });

  it('a corrupt ZIP stays a ZIP (its reader reports the damage)', async () => {
    const zip = await zipOf({ 'word/document.xml': '<w:document/>' });
    expect(kindOf(await identifyFormat(zip.subarray(0, zip.length - 30)))).toBe('supported:zip');
  });

  it.each<[string, Record<string, string>, string]>([
    ['MSG', { '__properties_version1.0': 'x', '__substg1.0_0037001F': 'Subject' }, 'supported:msg'],
    ['DOC', { WordDocument: 'x', '1Table': 'y' }, 'unsupported:doc'],
    ['XLS', { Workbook: 'x' }, 'unsupported:xls'],
    ['XLS (Excel 5)', { Book: 'x' }, 'unsupported:xls'],
    ['PPT', { 'PowerPoint Document': 'x', 'Current User': 'y' }, 'unsupported:ppt'],
    ['an OLE file of something else', { Contents: 'x' }, 'unknown'],
  ])('OLE: %s', async (_name, streams, expected) => {
    expect(kindOf(await identifyFormat(oleOf(streams)))).toBe(expected);
  });

  it('OLE: a password-protected DOCX (encrypted package) is refused with advice', async () => {
    const d = await identifyFormat(oleOf({ EncryptionInfo: 'x', EncryptedPackage: 'y' }));
    expect(d).toMatchObject({ kind: 'unsupported', label: expect.stringContaining('password-protected') });
  });

  it('OLE: reads only the root storage names', () => {
    expect(oleRootNames(oleOf({ WordDocument: 'x', '1Table': 'y' }))?.sort()).toEqual(expect.arrayContaining(['1Table', 'WordDocument']));
    expect(oleRootNames(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBeNull();
  });

  it('OLE: a damaged directory still tells MSG from DOC by its stream names, else unknown', async () => {
    const msg = oleOf({ '__substg1.0_0037001F': 'Subject' });
    const broken = Buffer.from(msg);
    broken.writeUInt32LE(0x7ffffff0, 0x30); // first directory sector out of range
    expect(kindOf(await identifyFormat(broken))).toBe('supported:msg');
    const head = Buffer.alloc(512);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(head);
    expect(kindOf(await identifyFormat(head))).toBe('unknown');
  });

  it('non-containers are what detectFormat says', async () => {
    expect(kindOf(await identifyFormat(Buffer.from('%PDF-1.4\n')))).toBe('supported:pdf');
    expect(kindOf(await identifyFormat(Buffer.alloc(0)))).toBe('unknown');
  });
});

describe('refusalReason', () => {
  it('names the file, the format and the advice', () => {
    expect(
      refusalReason({ kind: 'unsupported', format: 'doc', label: 'Word 97-2003 document (.doc)', advice: 'convert it to DOCX or PDF' }, 'brief.doc'),
    ).toBe('"brief.doc" is a Word 97-2003 document (.doc): convert it to DOCX or PDF');
  });

  it('uses "an" before a vowel', async () => {
    const d = await identifyFormat(await zipOf({ 'xl/workbook.xml': '<w/>' }));
    expect(refusalReason(d, 'figures.xlsx')).toBe('"figures.xlsx" is an Excel workbook (.xlsx): convert it to PDF');
  });

  it('an unknown file: judged from the content, with the supported list', () => {
    expect(refusalReason({ kind: 'unknown' }, 'x.bin')).toBe(
      `"x.bin" is not a supported document type (judged from its content, not its name): CaseGraph reads ${SUPPORTED_FORMATS_SENTENCE}`,
    );
  });

  it('the name in the sentence is a base name without quotes or control characters', () => {
    const s = refusalReason({ kind: 'unknown' }, '../../etc/"evil"\r\nname.bin');
    expect(s.startsWith('"evilname.bin" is not')).toBe(true);
    expect(refusalReason({ kind: 'unknown' }, '')).toMatch(/^"the file" is not/);
  });

  it('a file named like a PDF but holding RTF is refused as RTF', () => {
    const d = detectFormat(Buffer.from('{\\rtf1 hello}'));
    expect(refusalReason(d, 'motion.pdf')).toBe('"motion.pdf" is a Rich Text Format document (.rtf): convert it to DOCX or PDF');
  });
});
