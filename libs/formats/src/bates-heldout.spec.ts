import { findBates } from './bates';

/**
 * Held-out page tails and heads for findBates, written with the tuning set in bates.spec.ts and never used to tune
 * the rules: precision and recall on these are the figures reported in /work/14/NOTES-H6.md and docs/productions.md.
 * `expect` is the page's own stamp as printed, or null when the page has none (look-alikes only).
 */
const HELD_OUT: Array<{ text: string; expect: string | null }> = [
  // stamps
  { text: 'the parties agree to the terms set out above.\n\n\nMSFT0004471', expect: 'MSFT0004471' },
  { text: 'PRIVILEGED & CONFIDENTIAL\nMemo to file\nRe: supply contract\n...\nGOOG-PROD-00012345', expect: 'GOOG-PROD-00012345' },
  { text: 'Highly Confidential - Attorneys Eyes Only\nAPL_0000991', expect: 'APL_0000991' },
  { text: 'XYZ 0000456\nFrom: jim@example.com\nTo: ann@example.com\nSubject: shipment', expect: 'XYZ 0000456' },
  { text: 'We will call on Monday.\nRegards,\nTom\nCONFIDENTIAL                                  DEF00000077', expect: 'DEF00000077' },
  { text: 'Invoice total: $4,312.00\nPaid in full.\n\nHOLT-E-000202', expect: 'HOLT-E-000202' },
  { text: 'SMITH000001\nDeposition of John Smith\nVolume I', expect: 'SMITH000001' },
  { text: 'exhibit list attached\n\nPage 2 of 7                ACME.00231', expect: 'ACME.00231' },
  { text: 'end of message\nKLM 000000119', expect: 'KLM 000000119' },
  {
    text: 'Dear Counsel,\nPlease find enclosed...\nSincerely,\nB. Jones\nJONES_PROD_000444\nProduced subject to protective order',
    expect: 'JONES_PROD_000444',
  },
  // look-alikes, no stamp
  { text: 'See 42 U.S.C. § 2000e-2 (2018).\nId. at 1121.\n\n12', expect: null },
  { text: 'Case 3:19-cv-04567-JD   Document 88   Filed 02/11/20   Page 4 of 22', expect: null },
  { text: 'Mail payment to:\nP.O. Box 12345\nChicago, IL 60601-1234', expect: null },
  { text: 'Call 1-800-555-0199 or (212) 555-0134 for details.\nFax: 212.555.0135', expect: null },
  { text: 'Dated: March 3, 2021\nRespectfully submitted,\nSBN 123456', expect: null },
  { text: 'Civil Action No. 1:20-cv-01234\nUNITED STATES DISTRICT COURT\nFOR THE DISTRICT OF COLUMBIA', expect: null },
  { text: 'Order No. 4512 shipped via UPS\nTracking 1Z999AA10123456784', expect: null },
  { text: 'Pub. L. No. 111-148, 124 Stat. 119 (2010)\nFED. R. CIV. P. 26', expect: null },
  { text: 'Room 4012, 1600 Pennsylvania Ave NW\nWashington, DC 20500', expect: null },
  { text: 'ISBN 9780306406157\nAll rights reserved\n2019', expect: null },
];

function score(cases: typeof HELD_OUT): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const c of cases) {
    const got = findBates(c.text)?.bates ?? null;
    if (got !== null && got === c.expect) tp++;
    else {
      if (got !== null) fp++;
      if (c.expect !== null) fn++;
    }
  }
  return { tp, fp, fn };
}

describe('findBates on the held-out set', () => {
  it('keeps precision at 1 and recall at least 0.9', () => {
    const { tp, fp, fn } = score(HELD_OUT);
    const precision = tp / Math.max(1, tp + fp);
    const recall = tp / Math.max(1, tp + fn);
    const misses = HELD_OUT.filter((c) => (findBates(c.text)?.bates ?? null) !== c.expect).map((c) => ({
      text: c.text.slice(-60),
      expect: c.expect,
      got: findBates(c.text)?.bates ?? null,
    }));
    // Printed so the run shows the figures the notes quote.
    process.stdout.write(`findBates held-out: tp=${tp} fp=${fp} fn=${fn} precision=${precision.toFixed(2)} recall=${recall.toFixed(2)}\n`);
    expect({ precision: precision === 1, recall: recall >= 0.9, misses: misses.length <= 1 ? [] : misses }).toEqual({
      precision: true,
      recall: true,
      misses: [],
    });
  });
});
