import { MAX_ALIASES } from '@casegraph/contracts';
import { mergeAliases, mergedAliasesSql } from './aliases';

describe('the alias rule', () => {
  it('merges aliases as resolution keeps them: distinct, whitespace collapsed, code-point order, bounded', () => {
    expect(
      mergeAliases(
        [
          ['Zeta Co', ' Alpha  Inc '],
          ['alpha inc', 'Alpha Inc', '', '  '],
        ],
        100,
      ),
    ).toEqual(['Alpha Inc', 'Zeta Co', 'alpha inc']);
    expect(mergeAliases([['c', 'b', 'a']], 2)).toEqual(['a', 'b']);
  });

  it('cuts at MAX_ALIASES by default, in TypeScript and in the SQL the worker runs', () => {
    const many = Array.from({ length: MAX_ALIASES + 5 }, (_, i) => `n${String(i).padStart(3, '0')}`);
    expect(mergeAliases([many])).toEqual(many.slice(0, MAX_ALIASES));
    expect(mergedAliasesSql('x.aliases')).toContain(`[1:${MAX_ALIASES}]`);
  });
});
