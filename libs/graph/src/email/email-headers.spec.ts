import type { EmailMetadata } from '@casegraph/contracts';
import { typedContributions } from '../relationships/typed-relationships';
import { documentText } from '../text/document-text';
import { emailMetadataOf, replyCandidates } from './email-metadata';
import { locateHeaderEntries, personKeyForm } from './email-headers';

const meta = (m: Partial<EmailMetadata>): EmailMetadata => ({
  from: [],
  to: [],
  cc: [],
  bcc: [],
  subject: null,
  date: null,
  messageId: null,
  inReplyTo: null,
  references: [],
  attachmentCount: 0,
  ...m,
});

describe('locateHeaderEntries', () => {
  const headers = [
    'From: "Doe, Jane" <Jane@Example.com>',
    'To: John Roe <john@example.com>, John Roe <john.roe@example.com>,',
    '  ann@example.com',
    'Cc: bob@example.org <bob@example.org>',
    'Subject: To: John Roe',
  ].join('\n');
  const doc = documentText([
    { pageNumber: 1, text: headers, part: 'email-headers' },
    { pageNumber: 2, text: 'John Roe <john@example.com> wrote: hello', part: 'email-body' },
  ]);
  const m = meta({
    from: [{ name: 'Doe, Jane', address: 'jane@example.com' }],
    to: [
      { name: 'John Roe', address: 'john@example.com' },
      { name: 'John Roe', address: 'john.roe@example.com' },
      { name: null, address: 'ann@example.com' },
    ],
    cc: [{ name: 'bob@example.org', address: 'bob@example.org' }],
    bcc: [{ name: 'Not Written', address: 'ghost@example.com' }],
  });
  const found = locateHeaderEntries(doc, m);
  const at = (s?: { start: number; end: number }) => (s ? doc.text.slice(s.start, s.end) : undefined);

  it('finds each entry on its own line, in order, the address without case, a folded line too', () => {
    expect(found.map((e) => [e.field, e.entry, at(e.name), e.personName, at(e.address)])).toEqual([
      ['from', 0, 'Doe, Jane', 'Jane Doe', 'Jane@Example.com'],
      ['to', 0, 'John Roe', undefined, 'john@example.com'],
      ['to', 1, 'John Roe', undefined, 'john.roe@example.com'],
      ['to', 2, undefined, undefined, 'ann@example.com'],
      // a name that is the address: no person
      ['cc', 0, undefined, undefined, 'bob@example.org'],
    ]);
    // the second John Roe is the one before his second address, not the first one again nor the Subject's
    expect(found[2].name!.start).toBeGreaterThan(found[1].address!.end);
    expect(found[2].name!.end).toBeLessThan(headers.indexOf('Subject'));
    // never on the body page
    for (const e of found) expect(e.address!.end).toBeLessThanOrEqual(headers.length);
  });

  it('puts "Last, First" first-name first, but not a company form or a suffix', () => {
    expect(personKeyForm('Doe, Jane')).toBe('Jane Doe');
    expect(personKeyForm('Acme, Inc.')).toBe('Acme, Inc.');
    expect(personKeyForm('Roe, Jr.')).toBe('Roe, Jr.');
    expect(personKeyForm('Jane Doe')).toBe('Jane Doe');
  });
});

describe('emailMetadataOf / replyCandidates', () => {
  it('reads hostile metadata without throwing and keeps what is well formed', () => {
    for (const bad of [null, 'x', 3, [], { email: null }, { email: [] }, { email: 'From: x' }]) expect(emailMetadataOf(bad)).toBeNull();
    const m = emailMetadataOf({
      email: {
        from: 'x',
        to: [null, 7, { name: 7, address: 'A@B.C' }, { name: ' ', address: '' }],
        references: ['<r1>', 2, ' r2 '],
        messageId: '<m@x>',
      },
    })!;
    expect(m.from).toEqual([]);
    expect(m.to).toEqual([{ name: null, address: 'a@b.c' }]);
    expect(m.references).toEqual(['r1', 'r2']);
    expect(m.messageId).toBe('m@x');
    expect(m.inReplyTo).toBeNull();
  });

  it('prefers In-Reply-To, then References newest first, never its own id', () => {
    expect(replyCandidates(meta({ messageId: 'c', inReplyTo: 'b', references: ['a', 'b', 'c'] }))).toEqual(['b', 'a']);
    expect(replyCandidates(meta({ messageId: 'c', inReplyTo: 'c' }))).toEqual([]);
  });
});

describe('typedContributions: e-mail headers', () => {
  const DOC = '00000000-0000-4000-8000-0000000000d0';
  const mention = (canonicalUuid: string, entityType: string, field: string, entry: number, start: number, end: number) => ({
    canonicalUuid,
    entityType,
    role: null,
    attributes: { emailField: field, emailEntry: entry },
    normalizedKey: null,
    start,
    end,
    chunkUuid: null,
  });

  it('SENT from the person (else the address), RECEIVED with merged roles, HAS_ADDRESS per entry', () => {
    const out = typedContributions(DOC, [
      mention('p-jane', 'PERSON', 'from', 0, 6, 14),
      mention('e-jane', 'EMAIL', 'from', 0, 16, 32),
      mention('p-ann', 'PERSON', 'to', 0, 40, 47),
      mention('e-ann', 'EMAIL', 'to', 0, 49, 64),
      mention('p-ann', 'PERSON', 'cc', 0, 70, 77),
      mention('e-ann', 'EMAIL', 'cc', 0, 79, 94),
      mention('e-bulk', 'EMAIL', 'bcc', 0, 100, 120),
      mention('e-reply', 'EMAIL', 'reply-to', 0, 130, 140),
      // not a header mention: nothing
      { ...mention('p-other', 'PERSON', 'from', 0, 200, 210), attributes: null },
    ]);
    expect(out.map((c) => [c.type, c.source, c.target, c.weight, c.properties.roles ?? [], c.occurrences])).toEqual([
      [
        'HAS_ADDRESS',
        'p-ann',
        'e-ann',
        2,
        [],
        [
          { start: 40, end: 64 },
          { start: 70, end: 94 },
        ],
      ],
      ['HAS_ADDRESS', 'p-jane', 'e-jane', 1, [], [{ start: 6, end: 32 }]],
      ['RECEIVED', DOC, 'e-bulk', 1, ['bcc'], [{ start: 100, end: 120 }]],
      [
        'RECEIVED',
        DOC,
        'p-ann',
        2,
        ['cc', 'to'],
        [
          { start: 40, end: 64 },
          { start: 70, end: 94 },
        ],
      ],
      ['SENT', 'p-jane', DOC, 1, [], [{ start: 6, end: 32 }]],
    ]);
  });
});
