import type { FormatId } from '@casegraph/contracts';
import { buildDocx } from './testing/docx';
import { buildEml, buildMsg } from './testing/mail';
import { buildZip } from './testing/zip';
import { identifyFormat } from './detect';
import { isReadFormat, readDocument } from './read';
import { FormatError } from './types';

/** What the upload and the OCR worker do: identify from the bytes, then read. */
async function identifyAndRead(bytes: Buffer) {
  const d = await identifyFormat(bytes);
  if (d.kind !== 'supported') throw new Error(`not supported: ${JSON.stringify(d)}`);
  return readDocument(bytes, d.format);
}

describe('readDocument: from bytes to pages, whatever the format', () => {
  it('DOCX', async () => {
    const out = await identifyAndRead(await buildDocx({ body: ['Docx body.'], footnotes: ['A note.'] }));
    expect(out.format).toBe('docx');
    expect(out.pages.map((p) => [p.part, p.text])).toEqual([
      ['body', 'Docx body.'],
      ['footnotes', 'A note.'],
    ]);
  });

  it('HTML', async () => {
    const out = await identifyAndRead(Buffer.from('<!doctype html><html><body><p>Html body.</p></body></html>'));
    expect(out.format).toBe('html');
    expect(out.pages).toEqual([{ text: 'Html body.' }]);
  });

  it('text', async () => {
    const out = await identifyAndRead(Buffer.from('Text page one.\fText page two.'));
    expect(out.format).toBe('text');
    expect(out.pages.map((p) => p.text)).toEqual(['Text page one.', 'Text page two.']);
  });

  it('EML with a DOCX attached: the attachment is a child whose bytes read as DOCX', async () => {
    const docx = await buildDocx({ body: ['Attached memo.'] });
    const eml = buildEml({
      from: 'Jane Doe <jane@example.com>',
      to: ['bob@example.com'],
      subject: 'The memo',
      text: 'See attached.',
      attachments: [{ filename: 'memo.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx }],
    });
    const out = await identifyAndRead(eml);
    expect(out.format).toBe('eml');
    expect(out.metadata.email?.subject).toBe('The memo');
    expect(out.children).toHaveLength(1);
    const child = await identifyAndRead(await out.children[0].read());
    expect(child.pages[0].text).toBe('Attached memo.');
  });

  it('MSG', async () => {
    const out = await identifyAndRead(
      buildMsg({ from: 'jane@example.com', to: ['bob@example.com'], subject: 'Outlook subject', text: 'Outlook body.' }),
    );
    expect(out.format).toBe('msg');
    expect(out.metadata.email?.subject).toBe('Outlook subject');
  });

  it('ZIP: entries are children', async () => {
    const out = await identifyAndRead(await buildZip([{ path: 'folder/note.txt', bytes: 'zip entry' }]));
    expect(out.format).toBe('zip');
    expect(out.children.map((c) => c.filename)).toEqual(['note.txt']);
  });

  it('partial limits are merged over the defaults', async () => {
    await expect(readDocument(Buffer.from('x'.repeat(2000)), 'text', { maxTextChars: 1000 })).rejects.toMatchObject({ code: 'too-large' });
    await expect(readDocument(Buffer.from('x'.repeat(2000)), 'text', {})).resolves.toMatchObject({ format: 'text' });
  });

  it('hostile input rejects with a FormatError, not a crash', async () => {
    for (const format of ['docx', 'eml', 'msg', 'html', 'text', 'zip'] as FormatId[]) {
      const err: unknown = await readDocument(Buffer.alloc(0), format).then(
        () => null,
        (e: unknown) => e,
      );
      expect([format, err instanceof FormatError]).toEqual([format, true]);
    }
  });

  it('PDF and images are OCR’s: a programming error, not a FormatError', async () => {
    for (const format of ['pdf', 'png', 'jpeg', 'tiff'] as FormatId[]) {
      expect(isReadFormat(format)).toBe(false);
      const err: unknown = await readDocument(Buffer.from('%PDF-1.4'), format).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(FormatError);
    }
  });
});
