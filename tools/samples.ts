/**
 * `npm run samples -- [folder] [--text]`: writes the generated sample documents (the ones the tests use:
 * three text-layer court filings, a scanned letter, a scanned PNG notice, a corrupt PDF) into `folder`
 * (default ./samples); with --text also each one's ground truth as <name>.txt. Those are the same bytes on every run.
 *
 * Then the other formats CaseGraph reads, made by the test builders of @casegraph/formats/testing: a Word file with a
 * header, a footer, a footnote and a comment (engagement-letter.docx), an e-mail with a PDF and a Word file attached
 * (settlement-offer.eml), an HTML page (docket.html), a plain-text note (file-note.txt) and a small ZIP with folders
 * (discovery-batch.zip). These too are the same bytes on every run (fixed ZIP entry dates, MIME boundaries derived
 * from the parts), so a second run's copies are duplicates to a project, not new documents.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDocx, buildEml, buildZip } from '@casegraph/formats/testing';
import { GENERATED_DOCUMENT_NAMES, buildTextPdf, writeGeneratedDocuments } from '../libs/testing/src/documents';

const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The other formats: file name → bytes (the same bytes on every call). */
export async function otherFormats(): Promise<Array<{ name: string; bytes: Buffer }>> {
  const letter = await buildDocx({
    title: 'Engagement letter',
    author: 'Margaret Ellison',
    headers: ['Ellison & Park LLP, 200 Market Street, San Francisco'],
    footers: ['Privileged and confidential: attorney-client communication'],
    footnotes: ['The retainer is held in the firm trust account until the first invoice.'],
    comments: [{ author: 'Margaret Ellison', text: 'Confirm the hourly rates with the client before sending.' }],
    body: [
      'ENGAGEMENT LETTER',
      'Dear Mr. Halvorsen,',
      'Thank you for selecting Ellison & Park LLP to represent Halvorsen Marine Supply, Inc. in Northwind Logistics LLC v. Halvorsen Marine Supply, Inc.',
      'This letter, dated January 8, 2024, sets out the scope of the engagement, the fees and the retainer of $15,000.',
      '\fSincerely,',
      'Margaret Ellison',
    ],
  });
  const exhibit = buildTextPdf([
    [
      'EXHIBIT A: PROPOSED SETTLEMENT TERMS',
      '',
      'Halvorsen Marine Supply, Inc. pays Northwind Logistics LLC $42,500',
      'within thirty days of the signed agreement.',
    ],
  ]);
  const draft = await buildDocx({
    body: [
      'DRAFT SETTLEMENT AGREEMENT',
      'Northwind Logistics LLC and Halvorsen Marine Supply, Inc. agree to settle the action on the terms of Exhibit A.',
    ],
  });
  const email = buildEml({
    from: 'Margaret Ellison <mellison@ellisonpark.example>',
    to: ['Daniel Okafor <dokafor@northwind-law.example>'],
    cc: ['Erik Halvorsen <erik@halvorsen-marine.example>'],
    subject: 'Settlement offer, Northwind v. Halvorsen',
    date: new Date('2024-03-04T17:15:00Z'),
    messageId: 'settlement-offer-1@ellisonpark.example',
    text: 'Daniel,\n\nAttached are the proposed settlement terms (Exhibit A) and a draft agreement. The offer stays open until March 15, 2024.\n\nMargaret Ellison',
    attachments: [
      { filename: 'exhibit-a.pdf', contentType: 'application/pdf', bytes: exhibit },
      { filename: 'draft-agreement.docx', contentType: DOCX_MIME, bytes: draft },
    ],
  });
  const html = Buffer.from(
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Docket: Northwind v. Halvorsen</title></head><body>' +
      '<h1>Northwind Logistics LLC v. Halvorsen Marine Supply, Inc.</h1><p>Case No. 3:24-cv-01187 (N.D. Cal.)</p>' +
      '<table><tr><th>Date</th><th>Entry</th></tr><tr><td>2024-01-22</td><td>Complaint filed</td></tr>' +
      '<tr><td>2024-02-20</td><td>Motion to dismiss</td></tr><tr><td>2024-04-02</td><td>Scheduling order</td></tr></table></body></html>',
    'utf8',
  );
  const note = Buffer.from(
    'FILE NOTE, 5 March 2024\n\nCall with Erik Halvorsen about the settlement offer. He accepts the payment terms but asks for a\n' +
      'mutual release and a non-disparagement clause. Next step: revise the draft agreement (§ 4, § 7).\n',
    'utf8',
  );
  const zip = await buildZip([
    {
      path: 'production-001/correspondence/letter-to-opposing-counsel.txt',
      bytes: 'Counsel: please find the first production of documents enclosed.\n',
    },
    {
      path: 'production-001/contracts/carriage-agreement.html',
      bytes: '<html><body><h1>Carriage Agreement</h1><p>Between Northwind and Halvorsen.</p></body></html>',
    },
    { path: 'production-001/exhibits/exhibit-a.pdf', bytes: exhibit },
  ]);
  return [
    { name: 'engagement-letter.docx', bytes: letter },
    { name: 'settlement-offer.eml', bytes: email },
    { name: 'docket.html', bytes: html },
    { name: 'file-note.txt', bytes: note },
    { name: 'discovery-batch.zip', bytes: zip },
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const target = resolve(args.find((a) => !a.startsWith('--')) ?? 'samples');
  // Not the noise PNG: it only exists to test upload size limits.
  const names = GENERATED_DOCUMENT_NAMES.filter((n) => n !== 'photo-noise.png');
  for (const path of writeGeneratedDocuments(target, names, { text: args.includes('--text') })) console.log(path);
  for (const f of await otherFormats()) {
    writeFileSync(join(target, f.name), f.bytes);
    console.log(join(target, f.name));
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
