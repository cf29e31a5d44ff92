/**
 * `npm run samples -- [folder] [--text]`: writes the generated sample documents (the ones the tests use:
 * three text-layer court filings, a scanned letter, a scanned PNG notice, a corrupt PDF) into `folder`
 * (default ./samples); with --text also each one's ground truth as <name>.txt. Same bytes on every run.
 */
import { resolve } from 'node:path';
import { GENERATED_DOCUMENT_NAMES, writeGeneratedDocuments } from '../libs/testing/src/documents';

const args = process.argv.slice(2);
const target = resolve(args.find((a) => !a.startsWith('--')) ?? 'samples');
// Not the noise PNG: it only exists to test upload size limits.
const names = GENERATED_DOCUMENT_NAMES.filter((n) => n !== 'photo-noise.png');
for (const path of writeGeneratedDocuments(target, names, { text: args.includes('--text') })) console.log(path);
