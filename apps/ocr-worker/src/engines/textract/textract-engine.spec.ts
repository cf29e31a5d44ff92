import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PermanentError } from '../../ocr/ocr.errors';
import { pagesFromBlocks, TextractPageBuilder } from './textract-blocks';
import { classifyTextractError, clientRequestToken, isThrottling, jobTag } from './textract-engine';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../../../../shared/fixtures/textract', name), 'utf8'));

describe('Textract page text', () => {
  it('builds each page from its LINE blocks in the PAGE reading order', () => {
    const doc = fixture('textractor-multipage-doc.get-document-text-detection.json');
    const pages = pagesFromBlocks(doc.Blocks, doc.DocumentMetadata.Pages);
    expect(pages.map((p) => p.pageNumber)).toEqual([1, 2]);
    expect(pages.every((p) => p.engine === 'textract')).toBe(true);
    const lines = doc.Blocks.filter((b: { BlockType: string }) => b.BlockType === 'LINE');
    const page1Lines = lines.filter((b: { Page: number }) => b.Page === 1).map((b: { Text: string }) => b.Text);
    expect(pages[0].text.split('\n')).toEqual(expect.arrayContaining(page1Lines));
    expect(pages[0].text.split('\n')).toHaveLength(page1Lines.length);
    expect(pages[0].confidence).toBeGreaterThan(50);
  });

  it('gives the same text whether the blocks come in one response or split across NextToken pages', () => {
    const doc = fixture('textractor-multipage-doc.get-document-text-detection.json');
    const whole = pagesFromBlocks(doc.Blocks, 2);
    const builder = new TextractPageBuilder();
    for (let i = 0; i < doc.Blocks.length; i += 7) builder.add(doc.Blocks.slice(i, i + 7));
    expect(builder.build(2)).toEqual(whole);
  });

  it('keeps the columns of a two-column page apart (PAGE child order, not position sort)', () => {
    const doc = fixture('multi-column.analyze.json');
    const [page] = pagesFromBlocks(doc.Blocks, 1);
    const pageBlock = doc.Blocks.find((b: { BlockType: string }) => b.BlockType === 'PAGE');
    const byId = new Map(doc.Blocks.map((b: { Id: string }) => [b.Id, b]));
    const expected = pageBlock.Relationships[0].Ids.map((id: string) => byId.get(id) as { BlockType: string; Text: string })
      .filter((b: { BlockType: string }) => b.BlockType === 'LINE')
      .map((b: { Text: string }) => b.Text);
    expect(page.text.split('\n')).toEqual(expected);
  });

  it('returns empty pages for pages without lines', () => {
    expect(pagesFromBlocks([], 2).map((p) => [p.pageNumber, p.text, p.confidence])).toEqual([
      [1, '', null],
      [2, '', null],
    ]);
  });
});

describe('Textract request identifiers', () => {
  it('derives a stable 64-character token from project and content hash', () => {
    const a = clientRequestToken('5b0c4ad5-7d0e-4f0e-9a55-0d8e7e8f1a2b', 'ab'.repeat(32));
    expect(a).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    expect(a).toHaveLength(64);
    expect(clientRequestToken('5b0c4ad5-7d0e-4f0e-9a55-0d8e7e8f1a2b', 'ab'.repeat(32))).toBe(a);
    expect(clientRequestToken('6b0c4ad5-7d0e-4f0e-9a55-0d8e7e8f1a2b', 'ab'.repeat(32))).not.toBe(a);
  });

  it('uses the document UUID as JobTag', () => {
    expect(jobTag('5b0c4ad5-7d0e-4f0e-9a55-0d8e7e8f1a2b')).toBe('5b0c4ad5-7d0e-4f0e-9a55-0d8e7e8f1a2b');
    expect(jobTag('a b/c')).toBe('abc');
  });
});

describe('classifyTextractError', () => {
  const err = (name: string, message = 'm') => Object.assign(new Error(message), { name });

  it.each(['InvalidS3ObjectException', 'UnsupportedDocumentException', 'DocumentTooLargeException', 'BadDocumentException', 'InvalidParameterException'])(
    '%s is permanent, with Textract message',
    (name) => {
      const out = classifyTextractError(err(name, 'Textract says no'));
      expect(out).toBeInstanceOf(PermanentError);
      expect(out.message).toContain('Textract says no');
      expect(out.message).toContain(name);
    },
  );

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'LimitExceededException', 'InternalServerError'])(
    '%s stays transient',
    (name) => {
      const e = err(name);
      expect(classifyTextractError(e)).toBe(e);
    },
  );

  it('recognises throttling', () => {
    expect(isThrottling(err('ThrottlingException'))).toBe(true);
    expect(isThrottling(err('BadDocumentException'))).toBe(false);
  });
});
