import { findCourts } from '../courts/courts';
import { findJudges } from './judges';

function judges(text: string): Array<[string, string, string | undefined]> {
  const courts = findCourts(text);
  return findJudges(text, { courts, citations: [] }).map((m) => {
    expect(text.slice(m.start, m.end)).toBe(m.text);
    expect([m.type, m.role, m.method]).toEqual(['PERSON', 'judge', 'legal:judge']);
    return [m.text, m.key, m.display];
  });
}
const names = (text: string): string[] => judges(text).map(([t]) => t);

const FIFTH = 'IN THE UNITED STATES COURT OF APPEALS\n\n        FOR THE FIFTH CIRCUIT\n\n';

describe('findJudges', () => {
  it('reads a panel before "Circuit Judges" as three judges of the document’s court', () => {
    const text = `${FIFTH}Before HIGGINBOTHAM, WIENER, and BARKSDALE, Circuit Judges.\n\nHIGGINBOTHAM, Circuit Judge:\n`;
    expect(judges(text)).toEqual([
      ['HIGGINBOTHAM', 'judge higginbotham us.ca5', 'Higginbotham'],
      ['WIENER', 'judge wiener us.ca5', 'Wiener'],
      ['BARKSDALE', 'judge barksdale us.ca5', 'Barksdale'],
      ['HIGGINBOTHAM', 'judge higginbotham us.ca5', 'Higginbotham'],
    ]);
  });

  it('gives later mentions of a judge the same key', () => {
    const text = `${FIFTH}Before: ALDER, BIRCH, and CEDAR, Circuit Judges.\n\nCEDAR, Circuit Judge, dissenting:\nAs Judge Cedar noted, and as Judge Birch’s opinion holds,`;
    const keys = judges(text).map(([, k]) => k);
    expect(keys).toEqual([
      'judge alder us.ca5',
      'judge birch us.ca5',
      'judge cedar us.ca5',
      'judge cedar us.ca5',
      'judge cedar us.ca5',
      'judge birch us.ca5',
    ]);
    expect(names(text).slice(-1)).toEqual(['Birch']);
  });

  it('reads ", J." forms, upper and mixed case, and lists before JJ.', () => {
    expect(names('Bryan, J.\n\n[¶1] The district court erred.')).toEqual(['Bryan']);
    expect(names('BRYAN, J., delivered the opinion of the Court.')).toEqual(['BRYAN']);
    expect(names('JONES, C.J., and CROTHERS and McEVERS, JJ., concur.')).toEqual(['JONES', 'CROTHERS', 'McEVERS']);
    expect(judges('CROTHERS and McEVERS, JJ., concur.').map(([, , d]) => d)).toEqual(['Crothers', 'McEvers']);
  });

  it('reads titles after full names and before them', () => {
    expect(names('SMITH, Circuit Judge:')).toEqual(['SMITH']);
    expect(names('Honorable Jane Roe, United States District Judge')).toEqual(['Jane Roe']);
    expect(names('Chief Judge Jones wrote for the court; Justice Ginsburg dissented.')).toEqual(['Jones', 'Ginsburg']);
    expect(names('Before Justices Alder, Birch, and Cedar\n')).toEqual(['Alder', 'Birch', 'Cedar']);
    expect(names('Present: All the Justices\n\nJOHN DOE\n')).toEqual([]);
    expect(names('United States Magistrate Judge\nCopies to: Carl Poe')).toEqual([]);
    expect(names('the order of Chief Judge\nAnn Fir was')).toEqual(['Ann Fir']);
    expect(names('Justice VanDevelder delivered the opinion of the Court.')).toEqual(['VanDevelder']);
    expect(names('the report of Magistrate Judge Ann B. Cole and of Bankruptcy Judge Dan Poe')).toEqual(['Ann B. Cole', 'Dan Poe']);
    expect(names('Robert Q. Lane, Senior District Judge, sitting by designation')).toEqual(['Robert Q. Lane']);
  });

  it('reads Author, Judges and Opinion by headers, inverted names included', () => {
    expect(judges('Author: Bahr, Douglas Alan\n')).toEqual([['Bahr, Douglas Alan', 'judge bahr', 'Douglas Alan Bahr']]);
    expect(names('Opinion by: Mary K. Stone\n')).toEqual(['Mary K. Stone']);
    expect(names('Judges: Alder, Ann; Birch, Bo C.\n')).toEqual(['Alder, Ann', 'Birch, Bo C.']);
  });

  it('reads signature blocks', () => {
    const text =
      'SO ORDERED.\n\n                     /s/ Jane Roe\n                     JANE ROE\n                     UNITED STATES DISTRICT JUDGE\n';
    expect(judges(text)).toEqual([
      ['Jane Roe', 'judge roe', 'Jane Roe'],
      ['JANE ROE', 'judge roe', 'Jane Roe'],
    ]);
    expect(names('Dated: May 1, 2020\n            s/ Carl D. Moss, Jr.\n            United States Magistrate Judge\n')).toEqual([
      'Carl D. Moss, Jr.',
    ]);
  });

  it('finds no judge in PER CURIAM, generic titles or the Department of Justice', () => {
    expect(findJudges('PER CURIAM:\n\nThe magistrate judge recommended dismissal.', { courts: [], citations: [] })).toEqual([]);
    expect(
      findJudges('the Department of Justice and the Texas Department of Criminal Justice, Institutional Division', { courts: [], citations: [] }),
    ).toEqual([]);
    expect(findJudges('Plaintiff-Appellant,          Justices\n', { courts: [], citations: [] })).toEqual([]);
  });

  it('keys a Supreme Court justice named in a lower federal court to the Supreme Court', () => {
    expect(judges(`${FIFTH}As Justice Powell explained,`)).toEqual([['Powell', 'judge powell us.scotus', 'Powell']]);
  });
});

describe('findJudges in citation parentheticals', () => {
  it('keys a judge of a cited case to that case’s court', () => {
    const text = `${FIFTH}See Doe v. Roe, 12 F.4th 34, 56 (D.C. Cir. 2022) (Alder, J., dissenting); Poe v. Moe, 501 U.S. 1, 9 (1991) (Birch, J., concurring).`;
    expect(judges(text)).toEqual([
      ['Alder', 'judge alder us.cadc', 'Alder'],
      ['Birch', 'judge birch us.scotus', 'Birch'],
    ]);
  });

  it('writes MCDONALD as McDonald', () => {
    expect(judges('MCDONALD, J.: The appellant argues')).toEqual([['MCDONALD', 'judge mcdonald', 'McDonald']]);
  });
});

describe('findJudges on a state supreme court bench', () => {
  it('reads the justices signed one a line beside the chief justice’s line', () => {
    const text =
      'IN THE SUPREME COURT\nSTATE OF NORTH DAKOTA\n\nOpinion of the Court by Alder, Justice.\n\n[¶1] We affirm.\n\n' +
      '[¶20] Ann B. Cole, C.J.\nDan E. Birch\nLisa Fay Cedar\nDouglas Alan Alder\n';
    expect(judges(text)).toEqual([
      ['Alder', 'judge alder nd.sup', 'Alder'],
      ['Ann B. Cole', 'judge cole nd.sup', 'Ann B. Cole'],
      ['Dan E. Birch', 'judge birch nd.sup', 'Dan E. Birch'],
      ['Lisa Fay Cedar', 'judge cedar nd.sup', 'Lisa Fay Cedar'],
      ['Douglas Alan Alder', 'judge alder nd.sup', 'Douglas Alan Alder'],
    ]);
  });

  it('reads "Chief Justice X and Justices A, B, and C joined"', () => {
    expect(names('Chief Justice Cole and Justices Birch, Cedar, and Alder joined.')).toEqual(['Cole', 'Birch', 'Cedar', 'Alder']);
  });
});

describe('findJudges, more forms', () => {
  it('reads a Virginia-style "Present:" line with C.J., JJ. and S.J.', () => {
    expect(names('Present: Alder, C.J., Birch, Cedar, and Dove, JJ., and Elm, S.J.\n')).toEqual(['Alder', 'Birch', 'Cedar', 'Dove', 'Elm']);
  });

  it('does not take an honourable attorney general or a judge advocate for a judge', () => {
    expect(names('Hon. Jane Roe, Attorney General, for the State.')).toEqual([]);
    expect(names('Hon. Carl Poe, Assistant United States Attorney')).toEqual([]);
    expect(names('Hon. Ann Fir, Presiding Judge')).toEqual(['Ann Fir']);
    expect(names('the Judge Advocate General of the Navy')).toEqual([]);
  });
});

describe('findJudges in a signature beside the place of signing', () => {
  it('reads the right-hand cell above the title line', () => {
    const text =
      'SO ORDERED.\n\nDated: May 1, 2020\n     Miami, Florida                    CARL D. MOSS, JR. \n                                   United States District  Judge \n';
    expect(judges(text)).toEqual([['CARL D. MOSS, JR.', 'judge moss', 'Carl D. Moss, Jr.']]);
  });
});

describe('findJudges, header and signature variants', () => {
  it('reads "/s/ Jane Roe" right above the title line', () => {
    expect(judges('IT IS SO ORDERED.\n\n     /s/ Jane Roe\n     UNITED STATES DISTRICT JUDGE\n')).toEqual([['Jane Roe', 'judge roe', 'Jane Roe']]);
  });

  it('reads a "Judges:" header that holds a Before line, and writes DeMOSS as DeMoss', () => {
    expect(judges('Judges: Before ALDER, BIRCH, and DeMOSS, Circuit Judges.\n').map(([, , d]) => d)).toEqual(['Alder', 'Birch', 'DeMoss']);
  });

  it('reads "Opinion of the Court by Bahr, Justice." and "Bankruptcy Judge" after a name', () => {
    expect(names('Opinion of the Court by Alder, Justice.\n')).toEqual(['Alder']);
    expect(names('Cora D. Elm, United States Bankruptcy Judge\n')).toEqual(['Cora D. Elm']);
  });
});

describe('findJudges, New York and California benches', () => {
  it('reads "Present: A, J.P., B, C, JJ." and "D, Acting P.J."', () => {
    expect(names('Present: Alder-Birch, J.P., Cedar, Dove, Elm, JJ.\n')).toEqual(['Alder-Birch', 'Cedar', 'Dove', 'Elm']);
    expect(names('WE CONCUR:\n\nFIR, Acting P.J.\n\nGUM, J.\n')).toEqual(['FIR', 'GUM']);
  });
});

describe('findJudges in a U.S. Supreme Court slip opinion', () => {
  it('reads the justices of the syllabus and the opinion headings', () => {
    const text =
      'SUPREME COURT OF THE UNITED STATES\n\nON WRIT OF CERTIORARI TO THE UNITED STATES COURT OF APPEALS FOR THE NINTH CIRCUIT\n\n' +
      'ALDER, J., delivered the opinion of the Court, in which ROBERTS, C. J., and BIRCH and CEDAR, JJ., joined. ' +
      'DOVE, J., filed a dissenting opinion.\n\nJUSTICE ALDER delivered the opinion of the Court.\n\nCHIEF JUSTICE ROBERTS, concurring.\n';
    expect(judges(text).map(([t, k]) => `${t}|${k}`)).toEqual([
      'ALDER|judge alder us.scotus',
      'ROBERTS|judge roberts us.scotus',
      'BIRCH|judge birch us.scotus',
      'CEDAR|judge cedar us.scotus',
      'DOVE|judge dove us.scotus',
      'ALDER|judge alder us.scotus',
      'ROBERTS|judge roberts us.scotus',
    ]);
  });
});

describe('findJudges at a sentence end', () => {
  it('keeps the last name before the period, and an abbreviation out of the name', () => {
    expect(names('The case was reassigned to Judge William Alsup.')).toEqual(['William Alsup']);
    expect(names('It was heard by Judge Jane Roe. She ruled.')).toEqual(['Jane Roe']);
    expect(names('It went before Judge Smith of the Fifth Cir.')).toEqual(['Smith']);
  });
});
