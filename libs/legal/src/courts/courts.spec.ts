import { courtKey, courtOfParenthetical, COURTS, findCourts, lookupCourt } from './courts';

const ids = (text: string): string[] => findCourts(text).map((m) => String(m.attributes?.courtId));
const texts = (text: string): string[] => findCourts(text).map((m) => m.text);

describe('court table', () => {
  it('has the Supreme Court, 13 courts of appeals, 94 district courts and their bankruptcy courts', () => {
    expect(COURTS.filter((c) => c.id === 'us.scotus')).toHaveLength(1);
    expect(COURTS.filter((c) => /^us\.ca(?:\d+|dc|fc)$/.test(c.id))).toHaveLength(13);
    expect(COURTS.filter((c) => c.id.startsWith('us.dist.'))).toHaveLength(94);
    expect(COURTS.filter((c) => c.id.startsWith('us.bankr.'))).toHaveLength(94);
  });

  it('has a highest court for every state, D.C. and Puerto Rico', () => {
    const highest = new Set(COURTS.filter((c) => c.level === 'supreme' && c.jurisdiction !== 'US').map((c) => c.jurisdiction));
    expect(highest.size).toBe(52);
  });

  it('gives district courts their citation forms', () => {
    const cite = (id: string): string | undefined => COURTS.find((c) => c.id === id)?.citation;
    expect([cite('us.dist.nd-tx'), cite('us.dist.sd-ny'), cite('us.dist.d-ma'), cite('us.dist.ed-mo')]).toEqual([
      'N.D. Tex.',
      'S.D.N.Y.',
      'D. Mass.',
      'E.D. Mo.',
    ]);
    expect([cite('us.dist.d-nj'), cite('us.dist.sd-wv'), cite('us.bankr.sd-ny')]).toEqual(['D.N.J.', 'S.D. W. Va.', 'Bankr. S.D.N.Y.']);
  });
});

describe('lookupCourt', () => {
  it('normalises every form of the Fifth Circuit to one court', () => {
    const forms = ['U.S. Court of Appeals for the Fifth Circuit', '5th Cir.', 'FIFTH CIRCUIT', 'the Fifth Circuit'];
    expect(forms.map((f) => lookupCourt(f)?.id)).toEqual(['us.ca5', 'us.ca5', 'us.ca5', 'us.ca5']);
  });

  it('reads district, bankruptcy and state citation forms', () => {
    expect(['N.D. Tex.', 'S.D.N.Y.', 'D. Mass.', 'E.D. Mo.', 'Bankr. S.D.N.Y.', 'D.C. Cir.', 'Fed. Cir.'].map((f) => lookupCourt(f)?.id)).toEqual([
      'us.dist.nd-tx',
      'us.dist.sd-ny',
      'us.dist.d-ma',
      'us.dist.ed-mo',
      'us.bankr.sd-ny',
      'us.cadc',
      'us.cafc',
    ]);
    expect(lookupCourt('Supreme Court of North Dakota')?.id).toBe('nd.sup');
    expect(lookupCourt('Court of Appeals of Texas, Fifth District')?.id).toBe('tx.app.5');
    expect(lookupCourt('Appellate Division, Second Department')?.id).toBe('ny.appdiv.2');
    expect(lookupCourt('Board of Immigration Appeals')?.id).toBe('us.bia');
  });

  it('finds no court in a country, a state name or a half name', () => {
    expect(['United States', 'UNITED STATES DISTRICT', 'U.S.', 'Ohio', 'the district court'].map((f) => lookupCourt(f))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads the court of a citation parenthetical', () => {
    expect(courtOfParenthetical('5th Cir.')?.id).toBe('us.ca5');
    expect(courtOfParenthetical('N.D.')?.id).toBe('nd.sup');
    expect(courtOfParenthetical('Tex. App.—Dallas')?.id).toBe('tx.app');
    expect(courtOfParenthetical('BIA')?.id).toBe('us.bia');
  });
});

describe('findCourts', () => {
  it('reads a centred caption split over lines as one mention from UNITED to CIRCUIT', () => {
    const text = '         IN THE UNITED STATES COURT OF APPEALS\n\n                FOR THE FIFTH CIRCUIT\n\n   No. 12-34567\n';
    const [m] = findCourts(text);
    expect(m?.text).toBe('UNITED STATES COURT OF APPEALS\n\n                FOR THE FIFTH CIRCUIT');
    expect(m?.key).toBe('united states court of appeals for the fifth circuit');
    expect(m?.attributes?.courtId).toBe('us.ca5');
    expect(text.slice(m.start, m.end)).toBe(m.text);
  });

  it('gives the caption, the text form and the short form one key', () => {
    const text =
      'IN THE UNITED STATES COURT OF APPEALS\n   FOR THE FIFTH CIRCUIT\n\nWe agree with the Fifth Circuit and with the ' +
      'United States Court of Appeals for the Fifth Circuit as it sat in 1999. The Fifth Circuit’s rule stands.';
    const keys = new Set(findCourts(text).map((m) => m.key));
    expect(findCourts(text)).toHaveLength(4);
    expect([...keys]).toEqual([courtKey(lookupCourt('5th Cir.')!)]);
    expect(texts(text)[3]).toBe('Fifth Circuit');
  });

  it('reads district court captions with and without "for the", and line-numbered ones', () => {
    expect(ids('          IN THE UNITED STATES DISTRICT COURT\n             WESTERN DISTRICT OF ARKANSAS\n   FAYETTEVILLE DIVISION')).toEqual([
      'us.dist.wd-ar',
    ]);
    expect(ids('   United States District Court\n        for the\n   Southern District of Florida\n')).toEqual(['us.dist.sd-fl']);
    expect(ids('7\n8        UNITED STATES DISTRICT COURT\n9        FOR THE EASTERN DISTRICT OF CALIFORNIA\n10\n')).toEqual(['us.dist.ed-ca']);
    expect(texts('appeal from the United States District Court for the Northern District of Texas, Dallas Division')).toEqual([
      'United States District Court for the Northern District of Texas',
    ]);
  });

  it('reads a caption beside a clerk’s stamp', () => {
    const text =
      '                    UNITED STATES COURT OF APPEALS                       JAN 02 2020\n' +
      '                                                                      JANE Q. CLERK, CLERK\n' +
      '                              FOR THE NINTH CIRCUIT\n';
    const [m] = findCourts(text);
    expect(m?.attributes?.courtId).toBe('us.ca9');
    expect(m?.text.startsWith('UNITED STATES COURT OF APPEALS')).toBe(true);
    expect(m?.text.endsWith('NINTH CIRCUIT')).toBe(true);
  });

  it('never takes "United States", "UNITED STATES DISTRICT" or generic courts for a court', () => {
    expect(findCourts('The United States appeals. UNITED STATES DISTRICT JUDGE. This Court and the district court agree.')).toEqual([]);
    expect(findCourts('the trial court erred; the court of appeals affirmed')).toEqual([]);
  });

  it('leaves citation parentheticals to the citation grammar', () => {
    expect(findCourts('Doe v. Roe, 123 F.3d 456, 460 (5th Cir. 2001); Roe v. Poe, 99 F. Supp. 3d 1 (S.D.N.Y. 2015).')).toEqual([]);
  });

  it('reads state high courts in headers and text', () => {
    expect(ids('IN THE SUPREME COURT\nSTATE OF NORTH DAKOTA')).toEqual(['nd.sup']);
    expect(ids('Filed by the Supreme Court of North Dakota')).toEqual(['nd.sup']);
    expect(ids('IN THE SUPREME COURT OF THE STATE OF NORTH DAKOTA')).toEqual(['nd.sup']);
    expect(ids('as the North Dakota Supreme Court held')).toEqual(['nd.sup']);
    expect(ids('the Texas Court of Criminal Appeals denied relief')).toEqual(['tx.cca']);
    expect(ids('the Supreme Judicial Court of Massachusetts')).toEqual(['ma.sjc']);
    expect(ids('The New York Court of Appeals reversed')).toEqual(['ny.ca']);
  });

  it('reads intermediate courts with numbered districts and departments', () => {
    expect(ids('Court of Appeals of Texas, Fifth District, at Dallas')).toEqual(['tx.app.5']);
    expect(ids('   COURT OF APPEALS\n   THIRTEENTH DISTRICT OF TEXAS\n')).toEqual(['tx.app.13']);
    expect(ids('In The\n   Fourteenth Court of Appeals\n')).toEqual(['tx.app.14']);
    expect(ids('the Appellate Division, Second Department, affirmed')).toEqual(['ny.appdiv.2']);
    expect(ids('IN THE COURT OF APPEAL OF THE STATE OF CALIFORNIA\n\n     SIXTH APPELLATE DISTRICT')).toEqual(['ca.app.6']);
    expect(ids('IN THE DISTRICT COURT OF APPEAL\n     OF FLORIDA\n     SECOND DISTRICT')).toEqual(['fl.dca.2']);
    expect(ids('IN THE COMMONWEALTH COURT OF PENNSYLVANIA')).toEqual(['pa.commw']);
    expect(ids('IN THE SUPERIOR COURT OF     :\n           :   PENNSYLVANIA')).toEqual(['pa.super']);
  });

  it('reads state trial courts as a pattern family', () => {
    const la = findCourts('an appeal from the Superior Court of Los Angeles County, California, which');
    expect(la.map((m) => [m.attributes?.courtId, m.key])).toEqual([['ca.super.los-angeles', 'superior court of los angeles county california']]);
    expect(ids('The Circuit Court of Cook County, Illinois, dismissed')).toEqual(['il.cir.cook']);
    expect(ids('IN THE COMMONWEALTH COURT OF PENNSYLVANIA\nfrom the Court of Common Pleas of Dauphin County')).toEqual(['pa.commw', 'pa.cp.dauphin']);
    expect(ids('Fourteenth Court of Appeals\nOn Appeal from the 61st District Court\n   Harris County, Texas')).toEqual([
      'tx.app.14',
      'tx.dist.61st',
    ]);
    // New York's Supreme Court is a trial court
    expect(ids('Supreme Court, Kings County')).toEqual(['ny.supct.kings']);
    expect(ids('SUPREME COURT OF THE STATE OF NEW YORK')).toEqual(['ny.supct']);
  });

  it('reads agencies and the abbreviation they define as the same court', () => {
    const text =
      'Petitioner seeks review of the Board of Immigration Appeals (“BIA”) order. The BIA dismissed the appeal. ' +
      'See Matter of Roe, 25 I&N Dec. 111 (BIA 2009).';
    const found = findCourts(text);
    expect(found.map((m) => m.text)).toEqual(['Board of Immigration Appeals', 'BIA', 'BIA']);
    expect(new Set(found.map((m) => m.key)).size).toBe(1);
    expect(ids('the National Labor Relations Board and the Merit Systems Protection Board')).toEqual(['us.nlrb', 'us.mspb']);
  });

  it('reads specialised federal courts', () => {
    expect(ids('In the United States Court of Federal Claims')).toEqual(['us.cofc']);
    expect(ids('ON APPEAL FROM THE DECISION OF\n  THE UNITED STATES TAX COURT')).toEqual(['us.tax']);
    expect(ids('the Court of International Trade and the Court of Appeals for Veterans Claims')).toEqual(['us.cit', 'us.cavc']);
    expect(ids('the Bankruptcy Appellate Panel for the Ninth Circuit')).toEqual(['us.bap9']);
    expect(ids('the United States Bankruptcy Court for the Southern District of New York')).toEqual(['us.bankr.sd-ny']);
  });
});

describe('findCourts, more state forms', () => {
  it('reads county superior courts named the California way', () => {
    expect(ids('SUPERIOR COURT OF CALIFORNIA, COUNTY OF LOS ANGELES')).toEqual(['ca.super.los-angeles']);
    expect(ids('the Superior Court of the State of California in and for the County of Kern denied')).toEqual(['ca.super.kern']);
  });

  it('reads New York departments and Texas districts with "Judicial" and "for the"', () => {
    expect(ids('Appellate Division of the Supreme Court of the State of New York, Second Judicial Department')).toEqual(['ny.appdiv.2']);
    expect(ids('the Court of Appeals for the Fifth District of Texas at Dallas')).toEqual(['tx.app.5']);
  });

  it('reads Louisiana’s "Fifth Circuit Court of Appeal" as Louisiana’s, not the federal Fifth Circuit', () => {
    expect(ids('the Louisiana Fifth Circuit Court of Appeal and the Fifth Circuit Court of Appeals')).toEqual(['la.app.5', 'us.ca5']);
  });
});

describe('findCourts, bare names in a state court’s document', () => {
  const caption = 'IN THE SUPREME COURT OF THE STATE OF CONNECTICUT\n\n';
  it('reads "the Appellate Court" and "the Superior Court" as the state’s courts', () => {
    expect(ids(`${caption}The Appellate Court affirmed the judgment of the Superior Court.`)).toEqual(['ct.sup', 'ct.app', 'ct.super']);
  });

  it('reads them as nothing where the state has no such court, or in a federal court’s document', () => {
    expect(ids('IN THE SUPREME COURT OF THE STATE OF CALIFORNIA\n\nthe Superior Court erred')).toEqual(['ca.sup']);
    expect(ids('UNITED STATES COURT OF APPEALS\nFOR THE FIRST CIRCUIT\n\nthe Appellate Court erred')).toEqual(['us.ca1']);
  });

  it('reads a bare "the Supreme Court" as the state’s highest court, or New York’s trial court, or the U.S. Supreme Court', () => {
    expect(ids(`${caption}the Supreme Court held`)).toEqual(['ct.sup', 'ct.sup']);
    expect(ids('SUPREME COURT OF THE STATE OF NEW YORK\nCOUNTY OF KINGS\n\nthe Supreme Court granted')).toEqual(['ny.supct', 'ny.supct']);
    expect(ids('UNITED STATES COURT OF APPEALS\nFOR THE FIRST CIRCUIT\n\nThe Supreme Court held')).toEqual(['us.ca1', 'us.scotus']);
  });
});

describe('findCourts, look-alikes', () => {
  it('does not take a state’s numbered circuit court for a federal circuit', () => {
    expect(ids('filed in the 6th Circuit Court for Oakland County')).toEqual([]);
    expect(ids('the Sixth Circuit Court of Appeals and the Sixth Circuit')).toEqual(['us.ca6', 'us.ca6']);
    expect(texts('United States Court of Appeals,\n   Fifth Circuit.')).toEqual(['United States Court of Appeals,\n   Fifth Circuit']);
  });

  it('reads the Superior Court for the District of Columbia', () => {
    expect(ids('the Superior Court for the District of Columbia')).toEqual(['dc.super']);
    expect(ids('the United States District Court for the District of Columbia')).toEqual(['us.dist.d-dc']);
  });
});

describe('findCourts: a court alone in parentheses', () => {
  it('reads "(W.D. Okla.)" under a caption\'s docket number as the district court, not a parenthetical with a year', () => {
    const caption = 'UNITED STATES COURT OF APPEALS\nFOR THE TENTH CIRCUIT\n\nNo. 24-6012\n(D.C. No. 5:23-CV-00418-R)\n(W.D. Okla.)\n';
    expect(texts(caption)).toEqual(['UNITED STATES COURT OF APPEALS\nFOR THE TENTH CIRCUIT', 'W.D. Okla.']);
    expect(ids(caption)[1]).toBe('us.dist.wd-ok');
    expect(texts('The court (D. Mass.) agreed.')).toEqual(['D. Mass.']);
    // a country, a state, a signal: not courts
    expect(texts('Made in the court of the (U.S.) and (N.D.) (Id.) region.')).toEqual([]);
  });
});
