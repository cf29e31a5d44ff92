import { createHash } from 'node:crypto';
import { GENERATED_DOCUMENT_NAMES, generatedBytes } from '../libs/testing/src/documents';
import { atFakeNow } from '../libs/formats/src/testing/clock';
import { otherFormats } from './samples';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Every sample `npm run samples` writes, name → SHA-256, built with the clock at `iso` (only Date is faked). */
async function samplesAt(iso: string): Promise<Record<string, string>> {
  return atFakeNow(iso, async () => {
    const out: Record<string, string> = {};
    for (const name of GENERATED_DOCUMENT_NAMES) out[name] = sha(generatedBytes(name));
    for (const f of await otherFormats()) out[f.name] = sha(f.bytes);
    return out;
  });
}

describe('npm run samples', () => {
  it('writes the same bytes every run: every sample, whatever the clock says', async () => {
    const first = await samplesAt('2024-06-01T09:00:00Z');
    const second = await samplesAt('2030-12-31T23:59:59Z');
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['engagement-letter.docx', 'settlement-offer.eml', 'discovery-batch.zip']));
    expect(second).toEqual(first);
  });
});
