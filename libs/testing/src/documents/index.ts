// Generated test documents: PDFs with text layers, scans, images, filings, Textract responses.
export * from './filings';
export * from './generated';
export * from './pdf';
export * from './scan';
export * from './textract';
