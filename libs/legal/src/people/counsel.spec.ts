import type { LegalMention } from '../types';
import { findCounsel } from './counsel';

const none = { courts: [], citations: [] };

function rows(text: string): [string, string, string, unknown][] {
  return findCounsel(text, none).map((m: LegalMention) => [m.type, m.role!, m.display ?? m.text, m.attributes?.for]);
}

describe('findCounsel', () => {
  it('reads ARGUED / ON BRIEF appearances with firms in capitals', () => {
    const text =
      'ARGUED: Jane Roe, ROE & DOE LLP, Dallas, Texas, for Appellant. ON BRIEF: Peter Poe,\n' +
      'POE LAW GROUP, PLLC, Austin, Texas, for Appellant.\n\nOPINION\n';
    expect(rows(text)).toEqual([
      ['PERSON', 'counsel', 'Jane Roe', 'appellant'],
      ['ORG', 'law_firm', 'Roe & Doe LLP', 'appellant'],
      ['PERSON', 'counsel', 'Peter Poe', 'appellant'],
      ['ORG', 'law_firm', 'Poe Law Group, PLLC', 'appellant'],
    ]);
  });

  it('reads "(argued)", titles and "with whom ... was on brief"', () => {
    const text =
      'Before the court.\n\n     Ann Farley, for appellant.\n     John Smith (argued), Assistant United States Attorney, with whom\n' +
      'Mary Major, United States Attorney, was on brief for appellee.\n\n     OPINION\n';
    const found = findCounsel(text, none);
    expect(found.map((m) => [m.text, m.attributes])).toEqual([
      ['Ann Farley', { for: 'appellant' }],
      ['John Smith', { for: 'appellee', argued: true }],
      ['Mary Major', { for: 'appellee' }],
    ]);
  });

  it('reads a signature block with a bar number, a firm and "Attorneys for Plaintiff"', () => {
    const text =
      'Respectfully submitted,\n\n/s/ Jane Roe\nJane Roe (Bar No. 12345)\nROE & DOE LLP\n123 Main St.\nDallas, Texas 75201\n' +
      'Attorneys for Plaintiff\n';
    // the signature and the typed name under it are two mentions of one counsel
    expect(rows(text)).toEqual([
      ['PERSON', 'counsel', 'Jane Roe', 'plaintiff'],
      ['PERSON', 'counsel', 'Jane Roe', 'plaintiff'],
      ['ORG', 'law_firm', 'Roe & Doe LLP', 'plaintiff'],
    ]);
    expect(
      new Set(
        findCounsel(text, none)
          .filter((m) => m.type === 'PERSON')
          .map((m) => m.key),
      ),
    ).toEqual(new Set(['jane roe']));
  });

  it("does not take a judge's signature for counsel", () => {
    const text = 'IT IS SO ORDERED.\n\n/s/ Mary Brennan\nUNITED STATES DISTRICT JUDGE\nLaw Clerk: R. Quill\n';
    expect(findCounsel(text, none)).toEqual([]);
  });

  it('reads a block of names, firm and address above "ATTORNEYS FOR DEFENDANT/APPELLEE"', () => {
    const text = [
      '       THE HONORABLE JAMES T. OWEN, CHANCELLOR',
      '',
      '',
      '',
      'WILLIAM A. BAKER',
      'SUSAN K. LANE',
      'Baker, Lane & Ford',
      '100 Elm Street, Suite 200',
      'Nashville, Tennessee 37219',
      '      ATTORNEYS FOR DEFENDANT/APPELLEE',
    ].join('\n');
    expect(rows(text)).toEqual([
      ['PERSON', 'counsel', 'William A. Baker', 'defendant'],
      ['PERSON', 'counsel', 'Susan K. Lane', 'defendant'],
      ['ORG', 'law_firm', 'Baker, Lane & Ford', 'defendant'],
    ]);
  });

  it('reads a labelled line "Attorney(s) for Appellant: …"', () => {
    const text = 'Attorney(s) for Appellant: Kevin Hart, Hart & Stone, P.C., Boston, Massachusetts.\n\nOPINION\n';
    expect(rows(text)).toEqual([
      ['PERSON', 'counsel', 'Kevin Hart', 'appellant'],
      ['ORG', 'law_firm', 'Hart & Stone, P.C.', 'appellant'],
    ]);
  });

  it('types a government office appearing as counsel as a law_firm ORG of kind government_office', () => {
    const text = 'Lisa Grant, Assistant Attorney General, Office of the Attorney General, Frankfort, Kentucky,\nfor Appellee.\n';
    const found = findCounsel(text, none);
    expect(found.map((m) => [m.type, m.role, m.text, m.attributes])).toEqual([
      ['PERSON', 'counsel', 'Lisa Grant', { for: 'appellee' }],
      ['ORG', 'law_firm', 'Office of the Attorney General', { for: 'appellee', kind: 'government_office' }],
    ]);
  });

  it('splits "Name of Firm" and keeps the party in parentheses', () => {
    const text =
      '  Oren T. Walsh of Walsh\nLaw Group, P.A., Tampa, for the\nappellant (petitioner).\n  Dana Price, assistant state’s attorney, for the appellee (respondent).\n';
    const found = findCounsel(text, none);
    expect(found.map((m) => [m.display ?? m.text, m.role, m.attributes?.alsoFor])).toEqual([
      ['Oren T. Walsh', 'counsel', 'petitioner'],
      ['Walsh Law Group, P.A.', 'law_firm', 'petitioner'],
      ['Dana Price', 'counsel', 'respondent'],
    ]);
  });

  it('finds nothing in a sentence of the opinion that ends "for the defendant."', () => {
    const text = 'After a two-day trial, the district court entered a judgment on the verdict for the defendant.\n';
    expect(findCounsel(text, none)).toEqual([]);
  });
});

describe('findCounsel: a "Counsel:" label with no party named', () => {
  it('reads the names and firm after the label', () => {
    const text = 'Counsel: Rhea Lindqvist, Lindqvist & Moss LLP, Portland, Oregon.\n\nOPINION\n';
    expect(rows(text)).toEqual([
      ['PERSON', 'counsel', 'Rhea Lindqvist', undefined],
      ['ORG', 'law_firm', 'Lindqvist & Moss LLP', undefined],
    ]);
  });
});

describe('findCounsel: New York appearances', () => {
  it('reads "(X of counsel)" and places before a state', () => {
    const text =
      'Orla Benning, New York, NY (Tomas Reyes of counsel), for appellant.\n' +
      'Hal Greer, District Attorney, Kew Gardens, NY (Ida Marsh and Lev Orton of counsel), for respondent.\n\nDECISION\n';
    expect(rows(text).map((r) => [r[2], r[3]])).toEqual([
      ['Orla Benning', 'appellant'],
      ['Tomas Reyes', 'appellant'],
      ['Hal Greer', 'respondent'],
      ['Ida Marsh', 'respondent'],
      ['Lev Orton', 'respondent'],
    ]);
  });
});
