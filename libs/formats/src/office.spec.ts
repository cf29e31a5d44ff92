import JSZip from 'jszip';
import { createInflateRaw } from 'node:zlib';
import { buildDocx, buildDocxBomb } from './testing/docx';
import { identifyFormat } from './detect';
import { readDocx, wordXmlText } from './office';
import { limits, refusal } from './testing/expect';

describe('readDocx', () => {
  it('reads the body and every part, each its own page with its part', async () => {
    const docx = await buildDocx({
      body: ['The plaintiff, Jane Roe, filed on 3 March 2021.', 'Second paragraph & more <text>.'],
      headers: ['Roe v. Acme — Confidential'],
      footers: ['Page footer text'],
      footnotes: ['See Smith v. Jones, 123 F.3d 456.'],
      endnotes: ['Endnote about the deposition.'],
      comments: [{ author: 'A. Lawyer', text: 'Check this date.' }],
      title: 'Complaint',
      author: 'Jane Counsel',
    });
    expect(await identifyFormat(docx)).toMatchObject({ kind: 'supported', format: 'docx' });
    const out = await readDocx(docx, limits());
    expect(out.format).toBe('docx');
    expect(out.children).toEqual([]);
    expect(out.pages.map((p) => p.part)).toEqual(['body', 'headers', 'footers', 'footnotes', 'endnotes', 'comments']);
    const [body, headers, footers, footnotes, endnotes, comments] = out.pages.map((p) => p.text);
    expect(body).toContain('The plaintiff, Jane Roe, filed on 3 March 2021.');
    expect(body).toContain('Second paragraph & more <text>.');
    expect(body).not.toContain('Smith v. Jones');
    expect(headers).toBe('Roe v. Acme — Confidential');
    expect(footers).toBe('Page footer text');
    expect(footnotes).toBe('See Smith v. Jones, 123 F.3d 456.');
    expect(endnotes).toBe('Endnote about the deposition.');
    expect(comments).toBe('Comment by A. Lawyer: Check this date.');
    expect(out.metadata).toEqual({
      format: 'docx',
      office: expect.objectContaining({
        title: 'Complaint',
        creator: 'Jane Counsel',
        lastModifiedBy: 'Jane Counsel',
        created: '2024-01-02T03:04:05Z',
      }),
    });
  });

  it('splits the body at explicit page breaks', async () => {
    const out = await readDocx(await buildDocx({ body: ['Page one text.', 'Still one.\fPage two starts here.', 'Two.', '\fPage three.'] }), limits());
    expect(out.pages.map((p) => p.text)).toEqual(['Page one text.\n\nStill one.', 'Page two starts here.\n\nTwo.', 'Page three.']);
    expect(out.pages.every((p) => p.part === 'body')).toBe(true);
  });

  it('a section that starts on a new page ends a page; a continuous one does not', async () => {
    const src = await JSZip.loadAsync(await buildDocx({ body: ['Caption page.', 'Body one.', 'Body two.'] }));
    const xml = await src.file('word/document.xml')!.async('string');
    const sect = (type: string) => `<w:pPr><w:sectPr>${type}<w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:pPr>`;
    let n = 0;
    const edited = xml.replace(/<w:p>/g, (p) => {
      n++;
      if (n === 1) return `<w:p>${sect('<w:type w:val="nextPage"/>')}`;
      if (n === 2) return `<w:p>${sect('<w:type w:val="continuous"/>')}`;
      return p;
    });
    src.file('word/document.xml', edited);
    const out = await readDocx(await src.generateAsync({ type: 'nodebuffer' }), limits());
    expect(out.pages.map((p) => p.text)).toEqual(['Caption page.', 'Body one.\n\nBody two.']);
  });

  it('a body without breaks is one page; empty parts make no pages; a trailing break adds none', async () => {
    const one = await readDocx(await buildDocx({ body: ['Only.'], headers: [''], comments: [] }), limits());
    expect(one.pages).toEqual([{ text: 'Only.', part: 'body' }]);
    const trailing = await readDocx(await buildDocx({ body: ['A.\f'] }), limits());
    expect(trailing.pages.map((p) => p.text)).toEqual(['A.']);
    const empty = await readDocx(await buildDocx({ body: [] }), limits());
    expect(empty.pages).toEqual([{ text: '', part: 'body' }]);
  });

  it('several headers: each text once, in part order', async () => {
    const out = await readDocx(await buildDocx({ body: ['x'], headers: ['First header', 'Other header', 'First header'] }), limits());
    expect(out.pages.find((p) => p.part === 'headers')?.text).toBe('First header\n\nOther header');
  });

  it('a macro-enabled document (.docm) is read the same', async () => {
    const out = await readDocx(await buildDocx({ body: ['Macro file body.'], macroEnabled: true }), limits());
    expect(out.pages[0].text).toBe('Macro file body.');
  });

  it('a file without core properties has no office metadata', async () => {
    const src = await JSZip.loadAsync(await buildDocx({ body: ['x'] }));
    src.remove('docProps/core.xml');
    const out = await readDocx(await src.generateAsync({ type: 'nodebuffer' }), limits());
    expect(out.metadata).toEqual({ format: 'docx' });
  });

  it('wordXmlText: runs, tabs, breaks, paragraphs; tab stops and deletions are not text', () => {
    const xml =
      '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>A</w:t><w:tab/><w:t xml:space="preserve">B &amp; C</w:t></w:r></w:p>' +
      '<w:p><w:r><w:t>line</w:t><w:br/><w:t>two</w:t></w:r><w:del w:id="1"><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>';
    expect(wordXmlText(xml)).toBe('A\tB & C\nline\ntwo');
  });

  describe('hostile packages fail with a reason', () => {
    it('empty', async () => {
      expect((await refusal(readDocx(Buffer.alloc(0), limits()))).code).toBe('empty');
    });

    it('not a ZIP at all', async () => {
      const err = await refusal(readDocx(Buffer.from('this is not a zip file'), limits()));
      expect(err.code).toBe('corrupt');
      expect(err.message).toMatch(/^not a readable Word document: its ZIP package is damaged/);
    });

    it('truncated', async () => {
      const docx = await buildDocx({ body: ['Some text here.'] });
      expect((await refusal(readDocx(docx.subarray(0, Math.floor(docx.length / 2)), limits()))).code).toBe('corrupt');
    });

    it('a ZIP without word/document.xml', async () => {
      const zip = new JSZip();
      zip.file('hello.txt', 'hi');
      const err = await refusal(readDocx(await zip.generateAsync({ type: 'nodebuffer' }), limits()));
      expect(err.code).toBe('corrupt');
      expect(err.message).toContain('no word/document.xml');
    });

    it('a document part that is not XML', async () => {
      const src = await JSZip.loadAsync(await buildDocx({ body: ['x'] }));
      src.file('word/document.xml', 'garbage, not XML at all');
      expect((await refusal(readDocx(await src.generateAsync({ type: 'nodebuffer' }), limits()))).code).toBe('corrupt');
    });

    it('a part claiming 1 GiB is refused before anything is inflated', async () => {
      const bomb = buildDocxBomb({ actualSize: 1000, claimedSize: 1024 * 1024 * 1024 });
      expect(bomb.length).toBeLessThan(2048);
      const err = await refusal(readDocx(bomb, limits()));
      expect(err.code).toBe('bomb');
      expect(err.message).toContain('word/document.xml claims 1024 MiB');
    });

    it('a 1 MB package whose part really inflates to 1 GiB (claiming 1000 bytes) is stopped with memory bounded', async () => {
      const bomb = buildDocxBomb({ actualSize: 1024 * 1024 * 1024, claimedSize: 1000 });
      expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
      // The bomb is real: zlib inflates it to 1 GiB (counted in a stream, never held).
      let inflated = 0;
      // The document part is the last local entry: its data runs from after its name to the central directory.
      const cd = bomb.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
      const start = bomb.lastIndexOf(Buffer.from('word/document.xml'), cd) + 'word/document.xml'.length;
      await new Promise<void>((resolve, reject) => {
        const z = createInflateRaw();
        z.on('data', (c: Buffer) => (inflated += c.length));
        z.on('end', resolve);
        z.on('error', reject);
        z.end(bomb.subarray(start, cd));
      });
      expect(inflated).toBe(1024 * 1024 * 1024);
      const before = process.memoryUsage().rss;
      const err = await refusal(readDocx(bomb, limits()));
      expect(err.code).toBe('bomb');
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    }, 60_000);

    it('a part whose ratio gives it away is refused before it is inflated', async () => {
      const bomb = buildDocxBomb({ actualSize: 20 * 1024 * 1024 });
      const err = await refusal(readDocx(bomb, limits()));
      expect(err.code).toBe('bomb');
      expect(err.message).toMatch(/expands \d+ times \(limit 100\)/);
    }, 30_000);

    it('a part that inflates past the size it claims is stopped there', async () => {
      // Claims 1000 bytes (no ratio alarm), really 16 MiB: inflating stops at the declared size.
      const bomb = buildDocxBomb({ actualSize: 16 * 1024 * 1024, claimedSize: 1000 });
      const err = await refusal(readDocx(bomb, limits()));
      expect(err.code).toBe('bomb');
      expect(err.message).toMatch(/inflates past its declared size/);
    }, 30_000);

    it('a part over maxChildBytes', async () => {
      const docx = await buildDocx({ body: ['x'.repeat(5000)] });
      const err = await refusal(readDocx(docx, limits({ maxChildBytes: 2000 })));
      expect(err.code).toBe('bomb');
    });

    it('too much text', async () => {
      const docx = await buildDocx({ body: ['word '.repeat(2000)] });
      const err = await refusal(readDocx(docx, limits({ maxTextChars: 1000 })));
      expect(err.code).toBe('too-large');
      expect(err.message).toMatch(/over the 1000 limit/);
    });

    it('a timeout', async () => {
      const docx = await buildDocx({ body: ['Some text.'] });
      const err = await refusal(readDocx(docx, limits({ timeoutMs: 0 })));
      expect(err.code).toBe('timeout');
    });
  });
});
