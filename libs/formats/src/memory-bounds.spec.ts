// The bounded paths of the readers (big HTML, big DOCX bodies, MSG caps, oversized DAT fields) on small inputs: what
// they read, and that they give the same text as the library paths they stand in for.
import JSZip from 'jszip';
import { parseDat } from './load-file';
import { readMsg } from './mail';
import { DOCX_MAX_BODY_XML_BYTES, readDocx, streamBodyText, wordXmlText } from './office';
import { buildDocx } from './testing/docx';
import { limits, refusal } from './testing/expect';
import { buildMsg } from './testing/mail';
import { htmlToPlainText, readHtml, STREAM_HTML_CHARS, streamHtmlToText } from './web';

describe('streamHtmlToText', () => {
  it('drops scripts, styles and the head; blocks are lines, paragraphs blank lines; entities decoded', () => {
    const html =
      '<html><head><title>T</title><style>p{}</style></head><body><h1>Order</h1><script>alert(1)</script>' +
      '<p>The motion is <b>granted</b> &amp; so&nbsp;ordered.</p><div>Line&#x20AC;<br>two</div><table><tr><td>a</td><td>b</td></tr></table></body></html>';
    expect(streamHtmlToText(html)).toBe('Order\n\nThe motion is granted & so\u00A0ordered.\n\nLine€\ntwo\n\na\tb');
  });

  it('gives the same text as html-to-text on plain e-mail markup', () => {
    const html = '<div>Hi Bob,<br>see <a href="mailto:x@y.z">me</a>.</div><p>Thanks</p>';
    expect(streamHtmlToText(html)).toBe(htmlToPlainText(html));
  });

  it('more text than the limit is too-large, whatever the nesting', () => {
    expect(() => streamHtmlToText('<div>'.repeat(1000) + 'word '.repeat(100), 50)).toThrow(/over the limit/);
  });

  it('readHtml and htmlToPlainText stream an HTML over STREAM_HTML_CHARS', async () => {
    const big = '<p>' + 'x'.repeat(STREAM_HTML_CHARS) + '</p><script>' + 'y'.repeat(10) + '</script>';
    expect(htmlToPlainText(big)).toBe('x'.repeat(STREAM_HTML_CHARS));
    const err = await refusal(readHtml(Buffer.from(big), limits({ maxTextChars: 1000 })));
    expect(err.code).toBe('too-large');
  });
});

describe('DOCX body in one pass', () => {
  const xmlOf = async (docx: Buffer) => (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');

  it('gives mammoth’s text on a document with tabs and page breaks', async () => {
    const docx = await buildDocx({ body: ['One\there', 'Two', '\fPage two', 'End'] });
    const viaMammoth = (await readDocx(docx, limits())).pages.filter((p) => p.part === 'body').map((p) => p.text);
    const streamed = streamBodyText(await xmlOf(docx), 1e6)
      .split('\uE000')
      .map((p) =>
        p
          .replace(/[ \t]+\n/g, '\n')
          .replace(/\n{3,}/g, '\n\n')
          .trim(),
      );
    expect(streamed).toEqual(viaMammoth);
  });

  it('a line break (w:br) is a newline (mammoth’s raw text drops it, joining the words)', async () => {
    expect(streamBodyText(await xmlOf(await buildDocx({ body: ['Two\nlines'] })), 100)).toBe('Two\nlines\n\n');
  });

  it('deleted runs and alternate content choices are not text; too much text is too-large', () => {
    const xml =
      '<w:body><w:p><w:r><w:t>kept</w:t></w:r><w:del><w:r><w:t>gone</w:t></w:r></w:del>' +
      '<mc:AlternateContent><mc:Choice><w:t>twice</w:t></mc:Choice><mc:Fallback><w:t> once</w:t></mc:Fallback></mc:AlternateContent></w:p></w:body>';
    expect(streamBodyText(xml, 100)).toBe('kept once\n\n');
    expect(() => streamBodyText(xml, 3)).toThrow(/over the 3 limit/);
  });

  it('a body that claims more than 64 MiB of XML is refused before it is inflated', async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<Types/>');
    zip.file('word/document.xml', '<w:document><w:body>' + ' '.repeat(DOCX_MAX_BODY_XML_BYTES) + '</w:body></w:document>');
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const err = await refusal(readDocx(bytes, limits({ maxCompressionRatio: 1e9 })));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/over the 64 MiB this reader takes/);
  });
});

describe('DOCX parts with unclosed elements are read in one pass', () => {
  it('200,000 unclosed <w:del> (a lazy regular expression retried each: quadratic)', () => {
    expect(wordXmlText('<w:p><w:r><w:t>kept</w:t></w:r></w:p>' + '<w:del w:id="1">'.repeat(200_000) + '<w:t>x</w:t>')).toBe('kept\nx');
    expect(wordXmlText('<w:t>a</w:t><w:del><w:t>b</w:t></w:del><w:del/><w:tabs><w:tab w:val="left"/></w:tabs><w:t>c</w:t>')).toBe('ac');
  });

  it('footnotes and comments parts of 100,000 unclosed notes', async () => {
    // Over DOCX_STREAM_PARAGRAPHS paragraphs, so that mammoth (which refuses malformed parts) is not used.
    const docx = await buildDocx({
      body: Array.from({ length: 10_001 }, () => 'Body'),
      footnotes: ['Real note'],
      comments: [{ author: 'Ann', text: 'Real comment' }],
    });
    const zip = await JSZip.loadAsync(docx);
    const notes = await zip.file('word/footnotes.xml')!.async('string');
    const comments = await zip.file('word/comments.xml')!.async('string');
    const flood = (tag: string) => `<${tag} w:id="9">`.repeat(100_000);
    zip.file('word/footnotes.xml', notes.replace('</w:footnotes>', `${flood('w:footnote')}</w:footnotes>`));
    zip.file('word/comments.xml', comments.replace('</w:comments>', `${flood('w:comment')}</w:comments>`));
    const out = await readDocx(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), limits({ maxCompressionRatio: 1e6 }));
    expect(out.pages.find((p) => p.part === 'footnotes')?.text).toBe('Real note');
    expect(out.pages.find((p) => p.part === 'comments')?.text).toBe('Comment by Ann: Real comment');
  });
});

describe('MSG bounds', () => {
  it('a body over maxTextChars is refused from the compound directory', async () => {
    const msg = buildMsg({ from: 'a@example.com', to: ['b@example.com'], subject: 's', text: 'word '.repeat(100) });
    const err = await refusal(readMsg(msg, limits({ maxTextChars: 200 })));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/body holds 50[01] characters of text, over the 200 limit/);
  });

  it('an HTML body whose text is over maxTextChars is too-large', async () => {
    const msg = buildMsg({ from: 'a@example.com', to: ['b@example.com'], subject: 's', html: '<p>' + 'word '.repeat(100) + '</p>' });
    expect((await refusal(readMsg(msg, limits({ maxTextChars: 200 })))).code).toBe('too-large');
  });
});

describe('DAT fields over 1 MiB', () => {
  it('make their record unreadable, with its line; the other records are read', () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const text = `þBEGDOCþ\x14þTEXTþ\r\nþA1þ\x14þshortþ\r\nþA2þ\x14þ${big}þ\r\nþA3þ\x14${big}\r\nþA4þ\x14þlastþ\r\n`;
    const dat = parseDat(Buffer.from(text, 'utf8'));
    expect(dat.records.map((r) => r.fields.BEGDOC)).toEqual(['A1', 'A4']);
    expect(dat.errors).toEqual([
      { line: 3, reason: expect.stringMatching(/^field "TEXT" is over 1 MiB/) as unknown },
      { line: 4, reason: expect.stringMatching(/^field "TEXT" is over 1 MiB/) as unknown },
    ]);
  });

  it('a field of exactly 1 MiB is kept whole', () => {
    const v = 'y'.repeat(1024 * 1024);
    const dat = parseDat(Buffer.from(`þBEGDOCþ\x14þTEXTþ\nþA1þ\x14þ${v}þ\n`, 'utf8'));
    expect(dat.errors).toEqual([]);
    expect(dat.records[0].fields.TEXT).toBe(v);
  });
});
