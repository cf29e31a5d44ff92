/**
 * The e-mail family the end-to-end suites upload (browser intake, the container stack): a letter about unpaid
 * invoices with a PDF schedule attached, so one upload makes a parent and a child document.
 */
import { buildEml } from '@casegraph/formats/testing';
import { buildPdf } from '@casegraph/testing';

export const INVOICES_ATTACHMENT = 'schedule-of-invoices.pdf';

export function invoicesEml(attachment = INVOICES_ATTACHMENT): Buffer {
  return buildEml({
    from: 'Ingrid Solberg <ingrid@halvorsen.example>',
    to: ['Margaret A. Okafor <mokafor@okaforlindqvist.example>'],
    subject: 'Invoices under the Agreement',
    date: new Date('2023-09-14T10:00:00Z'),
    text: 'Halvorsen Marine does not dispute the invoices. Please allow us time to pay.',
    attachments: [
      { filename: attachment, contentType: 'application/pdf', bytes: buildPdf(['Schedule A: unpaid invoices', 'Invoice 1001 $12,400.00']) },
    ],
  });
}
