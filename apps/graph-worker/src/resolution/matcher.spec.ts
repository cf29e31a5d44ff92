import { clusterKeys, isFuzzyMatch, moreInformativeKey, mostInformativeKey } from './matcher';
import { normalizeEntity } from './normalizer';
import { jaroWinkler, trigramSimilarity } from './similarity';

describe('similarity measures', () => {
  it('trigramSimilarity equals pg_trgm similarity() (values measured on PostgreSQL 15)', () => {
    expect(trigramSimilarity('free software foundation', 'free softwre foundation')).toBeCloseTo(0.8076923, 6);
    expect(trigramSimilarity('john smith', 'jane smith')).toBeCloseTo(0.46666667, 6);
    expect(trigramSimilarity('abc', 'abc')).toBe(1);
    expect(trigramSimilarity('', 'abc')).toBe(0);
  });

  it('jaroWinkler on textbook pairs', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});

describe('isFuzzyMatch (resolution threshold 0.55)', () => {
  const org = (a: string, b: string) => isFuzzyMatch('ORG', normalizeEntity('ORG', a), normalizeEntity('ORG', b));

  it('merges typo and OCR variants of one name', () => {
    expect(org('Free Software Foundation', 'Free Softwre Foundation')).toBe(true);
    expect(org('Apache Software Foundation', 'Apache Softwar Foundation')).toBe(true);
    expect(org('Acme Holdings, Inc.', 'Acme Holding LLC')).toBe(true);
    expect(isFuzzyMatch('PERSON', 'john a smith', 'john smith')).toBe(true);
    expect(isFuzzyMatch('PERSON', 'jon smith', 'john smith')).toBe(true);
  });

  it('keeps different entities apart even when they look alike', () => {
    expect(org('Free Software Foundation', 'Apache Software Foundation')).toBe(false);
    expect(org('Mozilla Foundation', 'Mozilla Corporation')).toBe(false);
    expect(isFuzzyMatch('PERSON', 'john smith', 'jane smith')).toBe(false);
    expect(
      isFuzzyMatch(
        'COURT',
        'united states district court for the southern district of new york',
        'united states district court for the eastern district of new york',
      ),
    ).toBe(false);
    expect(isFuzzyMatch('ORG', 'district 9 holdings', 'district 8 holdings')).toBe(false);
    expect(isFuzzyMatch('LOCATION', 'new york', 'new jersey')).toBe(false);
  });

  it("never fuzzes a judge's key: two judges of one court stay two people", () => {
    expect(isFuzzyMatch('PERSON', 'judge jon smith us.ca5', 'judge john smith us.ca5')).toBe(false);
    expect(isFuzzyMatch('PERSON', 'jon smith', 'john smith')).toBe(true);
    expect(isFuzzyMatch('PERSON', 'judge smith us.ca5', 'john smith')).toBe(false);
    expect(isFuzzyMatch('PERSON', 'judge smith us.ca5', 'judge smith us.ca5')).toBe(true);
    const groups = clusterKeys('PERSON', [
      { key: 'judge jon smith us.ca5' },
      { key: 'judge john smith us.ca5' },
      { key: 'jon smith' },
      { key: 'john smith' },
    ]);
    expect(groups.get('judge jon smith us.ca5')).toBe('judge jon smith us.ca5');
    expect(groups.get('judge john smith us.ca5')).toBe('judge john smith us.ca5');
    expect(groups.get('jon smith')).toBe('john smith');
  });

  it("never fuzzes a government's key: the United States is not United States Steel", () => {
    expect(isFuzzyMatch('ORG', 'united states', 'united states steel')).toBe(false);
    expect(isFuzzyMatch('ORG', 'united states steel', 'united states steel corporation')).toBe(true);
    expect(isFuzzyMatch('ORG', 'state of ohio', 'state of ohio department')).toBe(false);
    expect(isFuzzyMatch('ORG', 'people of the state of new york', 'people of the state of new york city')).toBe(false);
    const groups = clusterKeys('ORG', [{ key: 'united states' }, { key: 'united states steel' }, { key: 'united states steel corporation' }]);
    expect(groups.get('united states')).toBe('united states');
    expect(groups.get('united states steel')).toBe('united states steel corporation');
  });

  it('never fuzzes dates, money, citations or contact data', () => {
    expect(isFuzzyMatch('DATE', '2007-06-29', '2007-06-28')).toBe(false);
    expect(isFuzzyMatch('CITATION', '550 us 544', '550 us 545')).toBe(false);
    expect(isFuzzyMatch('EMAIL', 'a@b.com', 'a@b.co')).toBe(false);
  });
});

describe('clusterKeys', () => {
  it('groups the new keys of one document under their most informative key', () => {
    const groups = clusterKeys('ORG', [
      { key: 'free softwre foundation', count: 1 },
      { key: 'free software foundation', count: 5 },
      { key: 'apache software foundation', count: 2 },
    ]);
    expect(groups.get('free softwre foundation')).toBe('free software foundation');
    expect(groups.get('free software foundation')).toBe('free software foundation');
    expect(groups.get('apache software foundation')).toBe('apache software foundation');
  });

  it('groups by connected components, whatever the order of the keys', () => {
    const keys = ['united states', 'united states district', 'united states district judge', 'district of oregon'];
    for (const order of [keys, [...keys].reverse(), [keys[2], keys[0], keys[3], keys[1]]]) {
      const groups = clusterKeys(
        'LOCATION',
        order.map((key) => ({ key, count: 1 })),
      );
      expect(groups.get('united states')).toBe('united states district judge');
      expect(groups.get('united states district')).toBe('united states district judge');
      expect(groups.get('district of oregon')).toBe('district of oregon');
    }
  });
});

describe('moreInformativeKey', () => {
  it('prefers more tokens, then more characters, then code-point order, whatever the argument order', () => {
    expect(moreInformativeKey('halvorsen marine logistics', 'halvorsen marine')).toBe(true);
    expect(moreInformativeKey('halvorsen marine', 'halvorsen marine logistics')).toBe(false);
    expect(moreInformativeKey('seattle washington', 'washington')).toBe(true);
    expect(moreInformativeKey('free software foundation', 'free softwre foundation')).toBe(true);
    expect(moreInformativeKey('acme holdings', 'acme holdingz')).toBe(true);
    expect(moreInformativeKey('acme holdingz', 'acme holdings')).toBe(false);
    expect(moreInformativeKey('acme', 'acme')).toBe(false);
  });

  it('mostInformativeKey does not depend on the order of the keys', () => {
    const keys = ['united states', 'united states district', 'united statez district', 'states district'];
    const best = mostInformativeKey(keys);
    expect(best).toBe('united states district');
    expect(mostInformativeKey([...keys].reverse())).toBe(best);
  });
});
