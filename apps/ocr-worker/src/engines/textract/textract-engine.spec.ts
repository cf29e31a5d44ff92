import { readFileSync } from 'node:fs';
import {
  SynthBlock,
  describeWithFixtures,
  fixtureTextract,
  generatedDocument,
  synthTextractBlocks,
  synthTextractResponse,
  textractLines,
} from '@casegraph/testing';
import { PermanentError } from '../../ocr/ocr.errors';
import { pagesFromBlocks, TextractPageBuilder } from './textract-blocks';
import { classifyTextractError, clientRequestToken, isThrottling, jobTag } from './textract-engine';

const fixture = (name: string) => JSON.parse(readFileSync(fixtureTextract(name), 'utf8'));

/** A two-column page: every left line sits at the height of a right line, so a position sort would interleave them. */
function twoColumnPage(left: string[], right: string[]): SynthBlock[] {
  const l = synthTextractBlocks([left.join('\n')], 'left');
  const r = synthTextractBlocks([right.join('\n')], 'right').filter((b) => b.BlockType !== 'PAGE');
  for (const b of r) {
    b.Geometry.BoundingBox.Left += 0.45;
    for (const pt of b.Geometry.Polygon) pt.X += 0.45;
  }
  l[0].Relationships![0].Ids.push(...r.filter((b) => b.BlockType === 'LINE').map((b) => b.Id));
  return [...l, ...r];
}

describe('Textract page text', () => {
  // A Textract-shaped response synthesised from the motion's ground truth (2 pages).
  const motion = generatedDocument('motion.pdf');
  const doc = synthTextractResponse(motion.pages);

  it('builds each page from its LINE blocks in the PAGE reading order', () => {
    const pages = pagesFromBlocks(doc.Blocks, doc.DocumentMetadata.Pages);
    expect(pages.map((p) => p.pageNumber)).toEqual([1, 2]);
    expect(pages.every((p) => p.engine === 'textract')).toBe(true);
    const lines = textractLines(doc);
    expect(pages[0].text.split('\n')).toEqual(lines.get(1));
    expect(pages[1].text.split('\n')).toEqual(lines.get(2));
    // The LINE texts are the ground truth's non-blank lines with runs of spaces folded.
    expect(pages[0].text.split('\n')).toEqual(
      motion.pages[0]
        .split('\n')
        .filter((t) => t.trim())
        .map((t) => t.trim().split(/\s+/).join(' ')),
    );
    expect(pages[0].confidence).toBeGreaterThan(90);
  });

  it('gives the same text whether the blocks come in one response or split across NextToken pages', () => {
    const whole = pagesFromBlocks(doc.Blocks, 2);
    const builder = new TextractPageBuilder();
    for (let i = 0; i < doc.Blocks.length; i += 7) builder.add(doc.Blocks.slice(i, i + 7));
    expect(builder.build(2)).toEqual(whole);
  });

  it('keeps the columns of a two-column page apart (PAGE child order, not position sort)', () => {
    const left = ['Left column one', 'Left column two', 'Left column three'];
    const right = ['Right column one', 'Right column two', 'Right column three'];
    const [page] = pagesFromBlocks(twoColumnPage(left, right), 1);
    expect(page.text.split('\n')).toEqual([...left, ...right]);
  });

  describeWithFixtures('on the real saved Textract responses', () => {
    it('builds each page from its LINE blocks in the PAGE reading order', () => {
      const real = fixture('textractor-multipage-doc.get-document-text-detection.json');
      const pages = pagesFromBlocks(real.Blocks, real.DocumentMetadata.Pages);
      expect(pages.map((p) => p.pageNumber)).toEqual([1, 2]);
      expect(pages.every((p) => p.engine === 'textract')).toBe(true);
      const lines = real.Blocks.filter((b: { BlockType: string }) => b.BlockType === 'LINE');
      const page1Lines = lines.filter((b: { Page: number }) => b.Page === 1).map((b: { Text: string }) => b.Text);
      expect(pages[0].text.split('\n')).toEqual(expect.arrayContaining(page1Lines));
      expect(pages[0].text.split('\n')).toHaveLength(page1Lines.length);
      expect(pages[0].confidence).toBeGreaterThan(50);
    });

    it('gives the same text whether the blocks come in one response or split across NextToken pages', () => {
      const real = fixture('textractor-multipage-doc.get-document-text-detection.json');
      const whole = pagesFromBlocks(real.Blocks, 2);
      const builder = new TextractPageBuilder();
      for (let i = 0; i < real.Blocks.length; i += 7) builder.add(real.Blocks.slice(i, i + 7));
      expect(builder.build(2)).toEqual(whole);
    });

    it('keeps the columns of a two-column page apart (PAGE child order, not position sort)', () => {
      const real = fixture('multi-column.analyze.json');
      const [page] = pagesFromBlocks(real.Blocks, 1);
      const pageBlock = real.Blocks.find((b: { BlockType: string }) => b.BlockType === 'PAGE');
      const byId = new Map(real.Blocks.map((b: { Id: string }) => [b.Id, b]));
      const expected = pageBlock.Relationships[0].Ids.map((id: string) => byId.get(id) as { BlockType: string; Text: string })
        .filter((b: { BlockType: string }) => b.BlockType === 'LINE')
        .map((b: { Text: string }) => b.Text);
      expect(page.text.split('\n')).toEqual(expected);
    });
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

  it.each([
    'InvalidS3ObjectException',
    'UnsupportedDocumentException',
    'DocumentTooLargeException',
    'BadDocumentException',
    'InvalidParameterException',
  ])('%s is permanent, with Textract message', (name) => {
    const out = classifyTextractError(err(name, 'Textract says no'));
    expect(out).toBeInstanceOf(PermanentError);
    expect(out.message).toContain('Textract says no');
    expect(out.message).toContain(name);
  });

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
