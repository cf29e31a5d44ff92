import {
  DocumentItem,
  batesRange,
  countsLine,
  duplicateOrigins,
  errorInWords,
  needsPassword,
  pageProgress,
  parentLabel,
  statusLine,
  uploadErrorWords,
} from './documents';

const stage = (status: DocumentItem['status'], extra = {}) => ({ status, startedAt: null, finishedAt: null, ...extra });
const doc = (over: Partial<DocumentItem> = {}): DocumentItem => ({
  documentUuid: 'd',
  filename: 'a.pdf',
  status: 'pending',
  currentStage: null,
  failedStage: null,
  stages: {
    ocr: stage('pending'),
    chunking: stage('pending'),
    entities: stage('pending'),
    resolution: stage('pending'),
    relationships: stage('pending'),
  },
  error: null,
  fileSizeBytes: 10,
  fileType: 'application/pdf',
  pageCount: null,
  createdAt: '2026-01-01T00:00:00Z',
  family: { parent: null, children: [] },
  occurrences: [],
  metadata: {},
  bates: null,
  ...over,
});

describe('status words', () => {
  it('shows page progress while the text stage runs, and the step it is at', () => {
    const d = doc({
      status: 'processing',
      currentStage: 'ocr',
      stages: { ...doc().stages, ocr: stage('processing', { pagesDone: 3, pageCount: 10 }) },
    });
    expect(pageProgress(d)).toEqual({ done: 3, count: 10, text: '3 of 10 pages' });
    expect(statusLine(d)).toBe('Reading the text (OCR for scans) (step 1 of 5): 3 of 10 pages');
    expect(pageProgress(doc())).toBeNull();
    const at = (s: 'completed' | 'processing', n: number) =>
      Object.fromEntries(
        Object.keys(doc().stages).map((k, i) => [k, stage(i < n ? 'completed' : i === n ? s : 'pending')]),
      ) as DocumentItem['stages'];
    expect(statusLine(doc({ status: 'processing', currentStage: 'entities', stages: at('processing', 2) }))).toMatch(
      /^Finding people.*\(step 3 of 5\)$/,
    );
    // Between two stages the document names the one it waits for, not the one it left.
    expect(statusLine(doc({ status: 'processing', currentStage: 'ocr', stages: at('completed', 0) }))).toBe(
      'Waiting for the next step: splitting the text into passages (step 2 of 5)',
    );
    expect(statusLine(doc({ status: 'completed', pageCount: 1 }))).toBe('Done, 1 page');
    expect(statusLine(doc({ status: 'failed', failedStage: 'ocr' }))).toBe('Failed at Text');
  });

  it('tells an encrypted PDF (retry needs its password) from other failures', () => {
    const locked = doc({
      status: 'failed',
      failedStage: 'ocr',
      error:
        'PDF is password-protected: retry it with its password (POST /v1/documents/<id>/retry with {"password": "..."}) or upload it with a password field',
    });
    expect(needsPassword(locked)).toBe(true);
    expect(errorInWords(locked)).toBe('This PDF is protected by a password. Retry it and type its password.');
    const wrong = doc({ status: 'failed', error: 'the password given for this PDF is wrong' });
    expect(needsPassword(wrong)).toBe(true);
    expect(errorInWords(wrong)).toMatch(/wrong\. Retry with the right password/);
    const corrupt = doc({ status: 'failed', error: 'PDF is corrupt or not a valid PDF: bad xref' });
    expect(needsPassword(corrupt)).toBe(false);
    expect(errorInWords(corrupt)).toBe('PDF is corrupt or not a valid PDF: bad xref');
    expect(errorInWords(doc({ status: 'failed', failedStage: 'entities' }))).toMatch(/names step/);
    expect(errorInWords(doc({ status: 'completed', error: 'old' }))).toBeNull();
  });

  it('names a child’s parent, the other copies, and the Bates range', () => {
    expect(parentLabel({ documentUuid: 'p', filename: 'offer.eml', attachmentIndex: 1, path: 'contract.pdf' })).toBe('Attachment 2 of offer.eml');
    expect(parentLabel({ documentUuid: 'p', filename: 'box.zip', attachmentIndex: 0, path: 'A/b.pdf' })).toBe('In box.zip: A/b.pdf');
    expect(parentLabel({ documentUuid: 'p', filename: null, attachmentIndex: null, path: null })).toBe('From a deleted document');
    const o = (source: string, path: string, custodian: string | null = null) => ({
      source,
      path,
      custodian,
      parentDocumentUuid: null,
      attachmentIndex: null,
      createdAt: '',
    });
    expect(duplicateOrigins(doc({ occurrences: [o('upload', 'a.pdf')] }))).toEqual([]);
    expect(
      duplicateOrigins(doc({ occurrences: [o('upload', 'a.pdf'), o('attachment', 'a-copy.pdf'), o('production', 'VOL1/a.pdf', 'Smith')] })),
    ).toEqual(['uploaded as a.pdf', 'attached as a-copy.pdf', 'production: VOL1/a.pdf (custodian Smith)']);
    expect(batesRange(doc({ bates: { first: 'ABC01', last: 'ABC09' } }))).toBe('ABC01 – ABC09');
    expect(batesRange(doc({ bates: { first: 'ABC01', last: 'ABC01' } }))).toBe('ABC01');
  });

  it('sums up a project’s counts', () => {
    expect(countsLine({ pending: 1, processing: 2, completed: 9, failed: 1, total: 13 })).toBe(
      '13 documents: 9 done, 2 processing, 1 waiting, 1 failed',
    );
    expect(countsLine({ pending: 0, processing: 0, completed: 0, failed: 0, total: 0 })).toBe('No documents yet');
  });
});

describe('uploadErrorWords', () => {
  it('drops the field prefix and frames the API’s message by its status', () => {
    expect(uploadErrorWords(415, 'files[0]: "brief.rtf" is a Rich Text Format document (.rtf): convert it to DOCX or PDF')).toBe(
      'Not a format CaseGraph reads: "brief.rtf" is a Rich Text Format document (.rtf): convert it to DOCX or PDF',
    );
    expect(uploadErrorWords(413, 'files[0]: big.pdf is larger than MAX_FILE_MB (100 MiB)')).toBe(
      'Too large: big.pdf is larger than the limit of 100 MiB. Split it, or ask your administrator to raise the limit.',
    );
    expect(uploadErrorWords(400, 'files[0]: empty.pdf is empty')).toBe('empty.pdf is empty');
    expect(uploadErrorWords(0, 'The upload was interrupted (network error)')).toBe('The upload was interrupted (network error)');
    expect(uploadErrorWords(404, 'Project x not found')).toBe('This project no longer exists.');
  });
});
