import * as iconv from 'iconv-lite';
import { detectFormat } from './detect';
import { detectTextEncoding, htmlToPlainText, readHtml, readText } from './web';
import { limits, refusal } from './testing/expect';

const CAFE = 'café § 1983';

describe('readText', () => {
  it('UTF-8', async () => {
    const out = await readText(Buffer.from(`Memo\n${CAFE}\n`), limits());
    expect(out).toEqual({
      format: 'text',
      pages: [{ text: `Memo\n${CAFE}` }],
      metadata: { format: 'text', encoding: 'utf-8' },
      children: [],
      warnings: [],
    });
  });

  it('UTF-8 with a BOM: the BOM is not text', async () => {
    const out = await readText(Buffer.from(`\uFEFF${CAFE}`), limits());
    expect(out.pages[0].text).toBe(CAFE);
    expect(out.metadata.encoding).toBe('utf-8');
  });

  it('UTF-16LE with a BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${CAFE}\r\nline two`, 'utf16le')]);
    expect(detectFormat(bytes)).toMatchObject({ kind: 'supported', format: 'text' });
    const out = await readText(bytes, limits());
    expect(out.pages[0].text).toBe(`${CAFE}\nline two`);
    expect(out.metadata.encoding).toBe('utf-16le');
  });

  it('UTF-16BE with a BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(CAFE, 'utf-16be')]);
    const out = await readText(bytes, limits());
    expect(out.pages[0].text).toBe(CAFE);
    expect(out.metadata.encoding).toBe('utf-16be');
  });

  it('UTF-16LE without a BOM', async () => {
    const out = await readText(Buffer.from(`The witness said ${CAFE}.`, 'utf16le'), limits());
    expect(out.pages[0].text).toBe(`The witness said ${CAFE}.`);
    expect(out.metadata.encoding).toBe('utf-16le');
  });

  it('Windows-1252 "café § 1983", curly quotes and the euro sign', async () => {
    const text = `${CAFE} — “quoted” €5`;
    const bytes = iconv.encode(text, 'windows-1252');
    expect(bytes.includes(0xe9)).toBe(true);
    expect(detectFormat(bytes)).toMatchObject({ kind: 'supported', format: 'text' });
    const out = await readText(bytes, limits());
    expect(out.pages[0].text).toBe(text);
    expect(out.metadata.encoding).toBe('windows-1252');
  });

  it('a longer ISO-8859-1 letter reads right whichever Latin label it gets', async () => {
    const text = 'Sehr geehrte Frau Müller, die Gebühren für März betragen 300 €? Nein: 300 Franken. Grüße aus Zürich. '
      .replace('€', 'EUR')
      .repeat(20);
    const out = await readText(iconv.encode(text, 'latin1'), limits());
    expect(out.pages[0].text).toBe(text.trim());
    expect(['iso-8859-1', 'windows-1252']).toContain(out.metadata.encoding);
  });

  it('form feeds are page boundaries; a trailing one adds no page', async () => {
    const out = await readText(Buffer.from('Page one\r\n\fPage two\n\fPage three\n\f'), limits());
    expect(out.pages.map((p) => p.text)).toEqual(['Page one', 'Page two', 'Page three']);
    expect(out.pages.every((p) => p.part === undefined)).toBe(true);
  });

  it('empty', async () => {
    const err = await refusal(readText(Buffer.alloc(0), limits()));
    expect(err.code).toBe('empty');
  });

  it('NUL-heavy "text" is corrupt', async () => {
    const bytes = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? 0 : (i * 31) % 256)));
    const err = await refusal(readText(bytes, limits()));
    expect(err.code).toBe('corrupt');
    expect(err.message).toMatch(/control bytes/);
  });

  it('too much text', async () => {
    const err = await refusal(readText(Buffer.from('x'.repeat(2000)), limits({ maxTextChars: 1000 })));
    expect(err.code).toBe('too-large');
  });

  it('detectTextEncoding', () => {
    expect(detectTextEncoding(Buffer.from('plain ascii'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(detectTextEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(detectTextEncoding(iconv.encode('naïve façade', 'windows-1252')).encoding).toMatch(/^(windows-1252|iso-8859-1)$/);
  });
});

describe('readHtml', () => {
  const page = (body: string, head = '<meta charset="utf-8"><title>T</title>') =>
    `<!DOCTYPE html><html><head>${head}</head><body>${body}</body></html>`;

  it('text without markup, scripts or styles; links as their text; headings as written', async () => {
    const html = page(
      '<h1>Order of the Court</h1><script>alert("x")</script><style>p{color:red}</style>' +
        '<p>The motion is <b>granted</b>. See <a href="https://example.com/op">the opinion</a>.</p><img src="x.png" alt="seal"><ul><li>One</li><li>Two</li></ul>',
    );
    const out = await readHtml(Buffer.from(html), limits());
    expect(out.format).toBe('html');
    expect(out.metadata).toEqual({ format: 'html', encoding: 'utf-8' });
    expect(out.pages).toHaveLength(1);
    const text = out.pages[0].text;
    expect(text).toContain('Order of the Court');
    expect(text).toContain('The motion is granted. See the opinion.');
    expect(text).toMatch(/One[\s\S]*Two/);
    expect(text).not.toMatch(/alert|color:red|example\.com|seal|<p>/);
  });

  it('the charset from <meta http-equiv>', async () => {
    const html = page(`<p>${CAFE}</p>`, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">');
    const out = await readHtml(iconv.encode(html, 'windows-1252'), limits());
    expect(out.pages[0].text).toBe(CAFE);
    expect(out.metadata.encoding).toBe('windows-1252');
  });

  it('ISO-8859-1 declared is read as Windows-1252 (as browsers do)', async () => {
    const html = page('<p>“smart” quotes</p>', '<meta charset="ISO-8859-1">');
    const out = await readHtml(iconv.encode(html, 'windows-1252'), limits());
    expect(out.pages[0].text).toBe('“smart” quotes');
  });

  it('a UTF-16LE page with a BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(page(`<p>${CAFE}</p>`, ''), 'utf16le')]);
    expect(detectFormat(bytes)).toMatchObject({ kind: 'supported', format: 'html' });
    const out = await readHtml(bytes, limits());
    expect(out.pages[0].text).toBe(CAFE);
    expect(out.metadata.encoding).toBe('utf-16le');
  });

  it('no declaration and not UTF-8: guessed', async () => {
    const out = await readHtml(iconv.encode(page(`<p>${CAFE}</p>`, ''), 'windows-1252'), limits());
    expect(out.pages[0].text).toBe(CAFE);
  });

  it('a declaration that lies (says UTF-8, is Windows-1252) does not garble the text', async () => {
    const out = await readHtml(iconv.encode(page(`<p>${CAFE}</p>`), 'windows-1252'), limits());
    expect(out.pages[0].text).toBe(CAFE);
  });

  it('deeply nested markup is bounded, not a stack overflow', async () => {
    const html = '<div>'.repeat(20_000) + 'deep' + '</div>'.repeat(20_000);
    const out = await readHtml(Buffer.from(html), limits());
    expect(out.pages).toHaveLength(1);
  });

  it('empty, NUL-filled, too much', async () => {
    expect((await refusal(readHtml(Buffer.alloc(0), limits()))).code).toBe('empty');
    expect((await refusal(readHtml(Buffer.concat([Buffer.from('<html>'), Buffer.alloc(1000)]), limits()))).code).toBe('corrupt');
    expect((await refusal(readHtml(Buffer.from(page('<p>' + 'word '.repeat(500) + '</p>')), limits({ maxTextChars: 100 })))).code).toBe('too-large');
  });

  it('htmlToPlainText for e-mail bodies', () => {
    expect(htmlToPlainText('<div>Hi Bob,<br>see <a href="mailto:x@y.z">me</a>.</div><p>Thanks</p>')).toBe('Hi Bob,\nsee me.\n\nThanks');
    expect(htmlToPlainText('')).toBe('');
  });
});
