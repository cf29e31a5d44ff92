// Moved to @casegraph/testing (libs/testing/src/documents/pdf.ts); kept so existing imports keep working.
export { buildMixedPdf, buildPdf, buildTextPdf } from '@casegraph/testing';
