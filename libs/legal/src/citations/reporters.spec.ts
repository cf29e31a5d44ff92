import { normalizeReporterForm, REPORTERS, reporterOf } from './reporters';

describe('the reporter table', () => {
  it('has one entry per canonical form, each with a key, a kind and a rank', () => {
    const seen = new Set<string>();
    for (const r of REPORTERS) {
      expect(seen.has(r.canonical)).toBe(false);
      seen.add(r.canonical);
      expect(r.key).toMatch(/^[a-z0-9 ]+$/);
      expect(r.rank).toBeGreaterThanOrEqual(1);
      expect(r.rank).toBeLessThanOrEqual(4);
    }
    expect(REPORTERS.length).toBeGreaterThan(200);
  });

  it.each([
    ['U.S.', 'U.S.', 'federal', 1],
    ['S.Ct.', 'S. Ct.', 'federal', 3],
    ['L.Ed.2d', 'L. Ed. 2d', 'federal', 3],
    ['F.Supp.3d', 'F. Supp. 3d', 'federal', 1],
    ['F. App’x', "F. App'x", 'federal', 1],
    ['Fed.Appx.', "F. App'x", 'federal', 1],
    ['N.W.2d', 'N.W.2d', 'regional', 2],
    ['So.2d', 'So. 2d', 'regional', 2],
    ['AD3d', 'A.D.3d', 'state', 1],
    ['NYS2d', 'N.Y.S.2d', 'state', 3],
    ['Misc 3d', 'Misc. 3d', 'state', 1],
    ['Cal.Rptr.3d', 'Cal. Rptr. 3d', 'state', 3],
    ['Wn.2d', 'Wash. 2d', 'state', 1],
    ['Pa. Cmwlth.', 'Pa. Commw.', 'state', 1],
    ['I&N Dec.', 'I&N Dec.', 'agency', 1],
    ['WL', 'WL', 'database', 4],
    ['U.S. Dist. LEXIS', 'U.S. Dist. LEXIS', 'database', 4],
    ['ND', 'ND', 'neutral', 1],
    ['IL App (1st)', 'IL App (1st)', 'neutral', 1],
  ])('%s is %s (%s, rank %d)', (form, canonical, kind, rank) => {
    expect(reporterOf(form)).toMatchObject({ canonical, kind, rank });
  });

  it('knows the states’ official reports', () => {
    for (const f of ['Ala.', 'Alaska', 'Ariz.', 'Ark.', 'Colo.', 'Conn.', 'Del.', 'Fla.', 'Ga.', 'Haw.', 'Idaho', 'Ill.', 'Ind.', 'Iowa']) {
      expect(reporterOf(f)?.kind).toBe('state');
    }
    for (const f of ['Kan.', 'Ky.', 'La.', 'Me.', 'Md.', 'Mass.', 'Mich.', 'Minn.', 'Miss.', 'Mo.', 'Mont.', 'Neb.', 'Nev.', 'N.H.']) {
      expect(reporterOf(f)?.kind).toBe('state');
    }
    for (const f of ['N.J.', 'N.M.', 'N.Y.', 'N.C.', 'N.D.', 'Ohio St.', 'Okla.', 'Or.', 'Pa.', 'R.I.', 'S.C.', 'S.D.', 'Tenn.', 'Tex.']) {
      expect(reporterOf(f)?.kind).toBe('state');
    }
    for (const f of ['Utah', 'Vt.', 'Va.', 'Wash.', 'W. Va.', 'Wis.', 'Wyo.']) expect(reporterOf(f)?.kind).toBe('state');
  });

  it('does not take statutes, registers or words for reporters', () => {
    for (const f of ['Fed. Reg.', 'U.S.C.', 'C.F.R.', 'Stat.', 'Pub. L.', 'Or', 'Me', 'states', 'degrees', 'Page', 'Rule']) {
      expect(reporterOf(f)).toBeUndefined();
    }
  });

  it('normalises periods, spaces, line breaks and apostrophes away', () => {
    expect(normalizeReporterForm('F.  Supp.\n 3d')).toBe('FSupp3d');
    expect(normalizeReporterForm("F. App'x")).toBe(normalizeReporterForm('F. App’x'));
  });
});
