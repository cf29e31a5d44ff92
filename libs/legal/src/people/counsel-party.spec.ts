import { findLegalMentions } from '../legal-text';

const counsel = (text: string) =>
  findLegalMentions(text)
    .filter((m) => m.role === 'counsel' || m.role === 'law_firm')
    .map((m) => [m.display ?? m.text, m.attributes?.for ?? null, m.attributes?.forParty ?? null]);

describe('counsel: the party they appear for', () => {
  const caption = [
    'IN THE COURT OF APPEALS OF THE STATE OF WASHINGTON',
    '',
    'STATE OF WASHINGTON,                    )',
    '                                        )     No. 58812-4-II',
    '               Respondent,              )',
    '                                        )',
    '          v.                            )',
    '                                        )',
    'CORNELIUS J. FAIRWEATHER,               )',
    '                                        )',
    '               Appellant.               )',
    '',
  ];

  it('names the government a counsel appears for by its caption key, and a party named after "for"', () => {
    const text = [
      ...caption,
      'Ingrid Solvang, Deputy Prosecuting Attorney, Tacoma, for the State.',
      'Desmond Oyelowo, Oyelowo Appellate Law PLLC, Seattle, for Appellant Cornelius J. Fairweather.',
      '',
      'The appellant challenges his conviction for residential burglary on the ground that the jury was misinstructed.',
    ].join('\n');
    const got = counsel(text);
    expect(got).toContainEqual(['Ingrid Solvang', 'state', 'state of washington']);
    expect(got).toContainEqual(['Desmond Oyelowo', 'appellant', 'cornelius j fairweather']);
  });

  it('leaves forParty out when only the role is stated', () => {
    const text = [
      ...caption,
      'Desmond Oyelowo, Oyelowo Appellate Law PLLC, Seattle, for appellant.',
      '',
      'The appellant challenges his conviction for residential burglary on the ground that the jury was misinstructed.',
    ].join('\n');
    const got = counsel(text);
    expect(got).toContainEqual(['Desmond Oyelowo', 'appellant', null]);
  });
});
