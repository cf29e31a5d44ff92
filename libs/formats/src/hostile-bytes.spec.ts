// Seeded mutations of every builder's output, per format: each one is read or refused, and a refusal is always a
// FormatError whose message is our sentence (a library's own words at most in parentheses). Bounded: a fixed seed
// and count, so the same cases run every time.
import type { FormatId } from '@casegraph/contracts';
import { readDocument } from './read';
import { buildDocx } from './testing/docx';
import { buildEml, buildMsg } from './testing/mail';
import { buildZip } from './testing/zip';
import { FormatError, type FormatLimits } from './types';

const CASES_PER_FORMAT = 400;
const LIMITS: Partial<FormatLimits> = { maxChildBytes: 4 * 1024 * 1024, maxTotalChildBytes: 16 * 1024 * 1024, timeoutMs: 20_000 };

/** How our messages begin; a library's never do ("Invalid typed array length", "End of central directory…"). */
const OUR_OPENING = /^(the |not |"|attachment |reading |password-protected |more than )/;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** One damaged copy of `good`: bytes flipped, cut short, a range deleted, duplicated, zeroed, or noise inserted. */
function mutate(good: Buffer, rand: (n: number) => number): Buffer {
  const b = Buffer.from(good);
  const at = rand(b.length);
  const len = 1 + rand(Math.min(512, b.length - at));
  switch (rand(6)) {
    case 0: {
      for (let k = 0, n = 1 + rand(16); k < n; k++) b[rand(b.length)] = rand(256);
      return b;
    }
    case 1:
      return b.subarray(0, at);
    case 2:
      return Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
    case 3:
      return Buffer.concat([b.subarray(0, at + len), b.subarray(at)]);
    case 4:
      return b.fill(rand(2) ? 0 : 0xff, at, at + len);
    default:
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: len }, () => rand(256))), b.subarray(at)]);
  }
}

/** What is wrong with a failure, or null when it is a FormatError speaking our words. */
function badFailure(err: unknown): string | null {
  if (!(err instanceof FormatError)) return `not a FormatError: ${String((err as Error)?.stack ?? err).slice(0, 300)}`;
  if (!OUR_OPENING.test(err.message)) return `opens with a library's words: ${err.message}`;
  const cause = err.cause instanceof Error ? err.cause.message.replace(/\s+/g, ' ').trim().slice(0, 40) : '';
  if (cause) {
    const i = err.message.indexOf(cause);
    if (i !== -1 && err.message.lastIndexOf('(', i) === -1) return `library detail outside parentheses: ${err.message}`;
  }
  return null;
}

async function samples(): Promise<Array<{ format: FormatId; bytes: Buffer }>> {
  const text = 'Settlement offer: $42,500 within thirty days.\fPage two, § 4 and § 7.';
  const docx = await buildDocx({
    title: 'Engagement letter',
    author: 'Margaret Ellison',
    headers: ['Ellison & Park LLP'],
    footers: ['Privileged'],
    footnotes: ['Held in trust.'],
    comments: [{ author: 'ME', text: 'Confirm rates.' }],
    body: ['ENGAGEMENT LETTER', 'Dear Mr. Halvorsen,', '\fSincerely,'],
  });
  const mail = {
    from: 'Margaret Ellison <mellison@ellisonpark.example>',
    to: ['Daniel Okafor <dokafor@northwind.example>'],
    cc: ['erik@halvorsen.example'],
    subject: 'Settlement offer',
    date: new Date('2024-03-04T17:15:00Z'),
    messageId: 'offer-1@ellisonpark.example',
    text: 'Daniel, the terms are attached.',
    html: '<p>Daniel, the terms are <b>attached</b>.</p>',
    attachments: [
      { filename: 'terms.txt', contentType: 'text/plain', bytes: Buffer.from(text) },
      { filename: 'draft.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx },
    ],
  };
  const msg = buildMsg({
    ...mail,
    embeddedMessages: [{ name: 'earlier', message: { from: 'a@example.com', to: ['b@example.com'], subject: 'in', text: 'x' } }],
  });
  const inner = await buildZip([{ path: 'inner/note.txt', bytes: 'a nested note '.repeat(20) }]);
  const zip = await buildZip([
    { path: 'production/', bytes: '' },
    { path: 'production/letter.txt', bytes: 'Counsel: the first production. '.repeat(30) },
    { path: 'production/draft.docx', bytes: docx },
    { path: 'production/inner.zip', bytes: inner },
  ]);
  const html = Buffer.from(
    `<!DOCTYPE html><html><head><meta charset="windows-1252"><title>Docket</title></head><body><h1>Northwind v. Halvorsen</h1><table><tr><td>2024-01-22</td><td>Complaint filed</td></tr></table><script>x()</script></body></html>`,
    'latin1',
  );
  return [
    { format: 'docx', bytes: docx },
    { format: 'eml', bytes: buildEml(mail) },
    { format: 'msg', bytes: msg },
    { format: 'zip', bytes: zip },
    { format: 'html', bytes: html },
    { format: 'text', bytes: Buffer.from(text, 'latin1') },
  ];
}

describe('damaged documents fail as FormatErrors with our words', () => {
  let docs: Array<{ format: FormatId; bytes: Buffer }>;
  beforeAll(async () => {
    docs = await samples();
  });

  it.each(['docx', 'eml', 'msg', 'zip', 'html', 'text'] as FormatId[])(
    `%s: ${CASES_PER_FORMAT} seeded mutations are read or refused readably (children too)`,
    async (format) => {
      const good = docs.find((d) => d.format === format)!.bytes;
      await expect(readDocument(good, format, LIMITS)).resolves.toBeDefined();
      const rand = prng(1400 + good.length);
      const problems: string[] = [];
      const outcomes = new Set<string>();
      for (let i = 0; i < CASES_PER_FORMAT; i++) {
        const bytes = mutate(good, rand);
        try {
          const out = await readDocument(bytes, format, LIMITS);
          outcomes.add('read');
          for (const c of out.children) {
            await c.read().catch((err: unknown) => {
              const bad = badFailure(err);
              if (bad) problems.push(`case ${i}, child ${c.path}: ${bad}`);
            });
          }
        } catch (err) {
          outcomes.add(err instanceof FormatError ? err.code : 'other');
          const bad = badFailure(err);
          if (bad) problems.push(`case ${i}: ${bad}`);
        }
      }
      expect(problems).toEqual([]);
      // The mutations did reach the readers' failure paths (text and HTML may read almost anything).
      if (format !== 'text' && format !== 'html') expect(outcomes).toContain('corrupt');
      expect(outcomes).toContain('read');
    },
    120_000,
  );
});
