import type { EntityType } from '@casegraph/contracts';
import type { EntityExtractor, ExtractedMention } from '../entity-extractor';
import { CombinationStats, CombinedExtractor, RULES_WIN_TYPES, combineMentions } from './combined.extractor';

const m = (type: EntityType, start: number, end: number, method: string): ExtractedMention => ({
  type,
  text: 'x'.repeat(end - start),
  start,
  end,
  confidence: method.startsWith('llm:') ? 0.75 : 0.9,
  method,
});
const rule = (type: EntityType, start: number, end: number) => m(type, start, end, type === 'PERSON' ? 'nlp:compromise' : 'legal:citation');
const llm = (type: EntityType, start: number, end: number) => m(type, start, end, 'llm:test-model');
const spans = (ms: ExtractedMention[]) => ms.map((x) => `${x.type}@${x.start}-${x.end}:${x.method.split(':')[0]}`);

describe('combineMentions (offline+llm)', () => {
  it('drops a model mention overlapping a rules mention of a citation, statute, court or contact type', () => {
    for (const type of RULES_WIN_TYPES) {
      const stats: CombinationStats = { droppedForRules: 0, droppedForOverlap: 0 };
      const out = combineMentions([rule(type, 10, 30)], [llm('PERSON', 25, 40), llm('DATE', 0, 11)], stats);
      expect(spans(out)).toEqual([`${type}@10-30:legal`]);
      expect(stats).toEqual({ droppedForRules: 2, droppedForOverlap: 0 });
    }
  });

  it('keeps a model mention of a protected type where the rules found nothing', () => {
    const out = combineMentions([rule('STATUTE', 0, 10)], [llm('CASE', 20, 35), llm('STATUTE', 40, 50)]);
    expect(spans(out)).toEqual(['STATUTE@0-10:legal', 'CASE@20-35:llm', 'STATUTE@40-50:llm']);
  });

  it('unites the rest with the rules first: a longer model mention does not replace an overlapping rules one', () => {
    const stats: CombinationStats = { droppedForRules: 0, droppedForOverlap: 0 };
    const out = combineMentions(
      [rule('PERSON', 10, 15), rule('CASE', 40, 60)],
      [llm('PERSON', 5, 20), llm('ORG', 20, 30), llm('LOCATION', 60, 70)],
      stats,
    );
    expect(spans(out)).toEqual(['PERSON@10-15:nlp', 'ORG@20-30:llm', 'CASE@40-60:legal', 'LOCATION@60-70:llm']);
    expect(stats).toEqual({ droppedForRules: 0, droppedForOverlap: 1 });
  });

  it('finds overlaps among many rules mentions (touching spans do not overlap)', () => {
    const rules = Array.from({ length: 50 }, (_, i) => rule(i % 2 ? 'CASE' : 'PERSON', i * 10, i * 10 + 5));
    const model = [llm('ORG', 5, 10), llm('ORG', 204, 206), llm('ORG', 215, 221), llm('ORG', 495, 499)];
    const out = combineMentions(rules, model);
    expect(spans(out.filter((x) => x.method.startsWith('llm:')))).toEqual(['ORG@5-10:llm', 'ORG@495-499:llm']);
    expect(out).toHaveLength(52);
    for (let i = 1; i < out.length; i++) expect(out[i].start).toBeGreaterThanOrEqual(out[i - 1].end);
  });

  it('runs both extractors on the same text', async () => {
    const seen: string[] = [];
    const fake = (name: string, result: ExtractedMention[]): EntityExtractor => ({
      name,
      extract: async (text) => {
        seen.push(`${name}:${text}`);
        return result;
      },
    });
    const combined = new CombinedExtractor(
      'offline+llm',
      fake('rules', [rule('COURT', 0, 5)]),
      fake('model', [llm('COURT', 2, 8), llm('PERSON', 9, 12)]),
    );
    expect(spans(await combined.extract('some text'))).toEqual(['COURT@0-5:legal', 'PERSON@9-12:llm']);
    expect(seen.sort()).toEqual(['model:some text', 'rules:some text']);
  });
});
