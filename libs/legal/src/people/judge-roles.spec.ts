import { findLegalMentions } from '../legal-text';
import type { LegalMention } from '../types';
import { judgeRoleOf } from './judges';

const judges = (text: string): LegalMention[] => findLegalMentions(text).filter((m) => m.role === 'judge');
const roles = (text: string) => judges(text).map((m) => [m.display, m.attributes?.judgeRole, m.attributes?.alsoDissent ?? false]);

describe('judge roles', () => {
  it('reads the author, the panel and a dissent in a circuit opinion', () => {
    const text = [
      'Before OKAFOR, LINDQVIST, and BARRETO-SOLIS, Circuit Judges.',
      '',
      'LINDQVIST, Circuit Judge:',
      '',
      'The borrower challenges the district court’s dismissal of her claims under the lending statute, and we affirm.',
      '',
      'AFFIRMED.',
      '',
      'BARRETO-SOLIS, Circuit Judge, dissenting:',
      '',
      'I would hold that the notice the lender sent did not satisfy the statute, and so I respectfully dissent.',
    ].join('\n');
    expect(roles(text)).toEqual([
      ['Okafor', 'panel', false],
      ['Lindqvist', 'panel', false],
      ['Barreto-Solis', 'panel', false],
      ['Lindqvist', 'author', false],
      ['Barreto-Solis', 'dissent', false],
    ]);
  });

  it('reads "Opinion by Judge X", "Dissent by Judge Y" and "Z, J., concurring in part and dissenting in part"', () => {
    const text = [
      'Opinion by Judge Marisol Ferreira; Dissent by Judge Tobias Whitlock',
      '',
      'We consider whether the agency explained its change of position, and we hold that it did.',
      '',
      'ABERNATHY, J., concurring in part and dissenting in part.',
      '',
      'I agree with the majority on the first question but not on the remedy it orders on remand.',
    ].join('\n');
    expect(roles(text)).toEqual([
      ['Marisol Ferreira', 'author', false],
      ['Tobias Whitlock', 'dissent', false],
      ['Abernathy', 'concurrence', true],
    ]);
  });

  it('reads "X, J., delivered the opinion", a concurrence and a judge that only joins', () => {
    expect(judgeRoleOf('HALLORAN, J., delivered the opinion of the Court.', { start: 0, end: 8 })).toEqual({ role: 'author' });
    expect(judgeRoleOf('PRUITT, C.J., concurring.', { start: 0, end: 6 })).toEqual({ role: 'concurrence' });
    expect(judgeRoleOf('Judge Esposito concurs.', { start: 6, end: 14 })).toEqual({ role: 'panel' });
    expect(judgeRoleOf('Judge Esposito concurs in the judgment.', { start: 6, end: 14 })).toEqual({ role: 'concurrence' });
    expect(judgeRoleOf('Judge Esposito dissents without opinion.', { start: 6, end: 14 })).toEqual({ role: 'dissent' });
    expect(judgeRoleOf('Author: Esposito, Carla', { start: 8, end: 23 })).toEqual({ role: 'author' });
  });

  it('reads a state court’s "X, Justice." line before the body as the author, and no author under PER CURIAM', () => {
    const text = [
      'DRUMMOND, Justice.',
      '',
      'The appellant challenges the sufficiency of the evidence supporting his conviction for aggravated assault.',
    ].join('\n');
    expect(roles(text)).toEqual([['Drummond', 'author', false]]);
    const perCuriam = ['PER CURIAM.', '', 'The petition is denied. Justice Halvorsen would grant the petition and set the case for argument.'].join(
      '\n',
    );
    expect(roles(perCuriam)).toEqual([['Halvorsen', 'panel', false]]);
  });

  it('reads the author on the line the opinion opens on, and the judge who signs alone at the end', () => {
    const inline = [
      'Before Quist, Chief Judge, and Marchetti, Circuit Judge.',
      '',
      '      MARCHETTI, Circuit Judge.     In 2019, the appellant was charged with',
      'wire fraud after a scheme that ran through three shell companies he controlled.',
    ].join('\n');
    expect(roles(inline)).toEqual([
      ['Quist', 'panel', false],
      ['Marchetti', 'panel', false],
      ['Marchetti', 'author', false],
    ]);
    const body = 'For these reasons, the motion to dismiss is granted in part and denied in part, as set out above. '.repeat(3);
    const signed = [
      body,
      '',
      'IT IS SO ORDERED.',
      '',
      '                                  /s/ Rosalind T. Achterberg',
      '                                  UNITED STATES DISTRICT JUDGE',
    ].join('\n');
    expect(roles(signed)).toEqual([['Rosalind T. Achterberg', 'author', false]]);
    const bench = [body, '', 'Renata Oyelaran, C.J.', 'Tomas Heikkinen', 'Marguerite Dubois', ''].join('\n');
    expect(roles(bench).map((r) => r[1])).not.toContain('author');
    const dated = [
      body,
      '',
      '____________________________                 March 3, 2026',
      '   Ottilie R. Marchbanks, Judge                 Date',
    ].join('\n');
    expect(roles(dated)).toEqual([['Ottilie R. Marchbanks', 'author', false]]);
    const concur = [body, '', '          HALVERSON, P.J.', '', 'WE CONCUR:', '', '______________', '          IBARRA, J.'].join('\n');
    expect(roles(concur)).toEqual([
      ['Halverson', 'author', false],
      ['Ibarra', 'panel', false],
    ]);
  });

  it('marks the judges of a bench list (attributes.bench), not judges merely named or of the court below', () => {
    const text = [
      'Appeal from the Circuit Court for Marlow County; Tobias Renwick, Judge.',
      '',
      'BEFORE: ASHWORTH, P.J., DELACROIX, J., and FENWICK, J.',
      '',
      'ASHWORTH, P.J.: The trial court denied the motion, and Judge Renwick later explained the ruling at length.',
    ].join('\n');
    const got = judges(text).map((m) => [m.display, m.attributes?.bench ?? false]);
    expect(got).toEqual([
      ['Tobias Renwick', false],
      ['Ashworth', true],
      ['Delacroix', true],
      ['Fenwick', true],
      ['Ashworth', true],
      ['Renwick', false],
    ]);
  });

  it('marks a judge named in a cited case’s parenthetical as that case’s', () => {
    const text = 'The rule is settled. See Quimby v. Marsh Holdings, 41 F.4th 210, 222 (8th Cir. 2022) (Okonkwo, J., dissenting).';
    const [j] = judges(text);
    expect(j.attributes).toMatchObject({ judgeRole: 'dissent', cited: true });
  });
});
