import MsgReader from '@kenjiuno/msgreader';
import * as CFB from 'cfb';
import { randomBytes } from 'node:crypto';
import { readEml, readMsg, MAX_EML_HEADER_BYTES } from './mail';
import { buildEml, buildMsg, type BuildMsgOpts } from './testing/mail';
import { buildZip } from './testing/zip';
import type { Extracted } from './types';
import { limits, refusal } from './testing/expect';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n'), randomBytes(1500), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(200)]);
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
let DOCX: Buffer;
beforeAll(async () => {
  DOCX = await buildZip([
    { path: '[Content_Types].xml', bytes: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    { path: 'word/document.xml', bytes: '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>' },
  ]);
});

const DATE = new Date('2024-03-01T10:15:00.000Z');

function mailOpts(): BuildMsgOpts {
  return {
    from: 'Jane Doe <Jane.Doe@Example.com>',
    to: ['John Roe <john@example.com>', 'Doe, Richard <richard@example.com>'],
    cc: ['Zoë Ünal <zoe@example.org>'],
    bcc: ['audit@example.net'],
    subject: 'Settlement — draft v2',
    date: DATE,
    messageId: 'CAF=abc123@mail.example.com',
    inReplyTo: 'orig-1@mail.example.com',
    references: ['root-0@mail.example.com', 'orig-1@mail.example.com'],
    text: 'Please find the draft attached.\nRegards, Jane',
    html: '<p>Please find the draft attached.</p><p><img src="cid:logo@example"> Regards, <b>Jane</b></p>',
    attachments: [
      { filename: 'Settlement draft.pdf', contentType: 'application/pdf', bytes: PDF },
      { filename: 'Vergleich Entwurf – Müller.docx', contentType: DOCX_TYPE, bytes: DOCX },
      { filename: '', contentType: 'application/pdf', bytes: PDF.subarray(0, 300) },
      { filename: 'logo.png', contentType: 'image/png', bytes: PNG, inlineCid: 'logo@example' },
    ],
  };
}

const EXPECTED_EMAIL = {
  from: [{ name: 'Jane Doe', address: 'jane.doe@example.com' }],
  to: [
    { name: 'John Roe', address: 'john@example.com' },
    { name: 'Doe, Richard', address: 'richard@example.com' },
  ],
  cc: [{ name: 'Zoë Ünal', address: 'zoe@example.org' }],
  bcc: [{ name: null, address: 'audit@example.net' }],
  subject: 'Settlement — draft v2',
  date: '2024-03-01T10:15:00.000Z',
  messageId: 'CAF=abc123@mail.example.com',
  inReplyTo: 'orig-1@mail.example.com',
  references: ['root-0@mail.example.com', 'orig-1@mail.example.com'],
  attachmentCount: 3,
};

const EXPECTED_HEADERS = [
  'From: Jane Doe <jane.doe@example.com>',
  'To: John Roe <john@example.com>, Doe, Richard <richard@example.com>',
  'Cc: Zoë Ünal <zoe@example.org>',
  'Bcc: audit@example.net',
  'Date: 2024-03-01T10:15:00.000Z',
  'Subject: Settlement — draft v2',
].join('\n');

/** What the graph worker relies on: every name and address of the metadata appears verbatim in the header page. */
function expectHeaderPageNamesEveryone(out: Extracted): void {
  const page = out.pages[0];
  expect(page.part).toBe('email-headers');
  const email = out.metadata.email!;
  for (const a of [...email.from, ...email.to, ...email.cc, ...email.bcc]) {
    if (a.name) expect(page.text).toContain(a.name);
    if (a.address) expect(page.text).toContain(a.address);
  }
}

async function expectAttachments(out: Extracted): Promise<void> {
  expect(out.children.map(({ index, filename, path, contentType, size }) => ({ index, filename, path, contentType, size }))).toEqual([
    { index: 0, filename: 'Settlement draft.pdf', path: 'Settlement draft.pdf', contentType: 'application/pdf', size: PDF.length },
    { index: 1, filename: 'Vergleich Entwurf – Müller.docx', path: 'Vergleich Entwurf – Müller.docx', contentType: DOCX_TYPE, size: DOCX.length },
    { index: 2, filename: 'attachment-3.pdf', path: 'attachment-3.pdf', contentType: 'application/pdf', size: 300 },
  ]);
  expect(await out.children[0].read()).toEqual(PDF);
  expect(await out.children[1].read()).toEqual(DOCX);
  expect(await out.children[2].read()).toEqual(PDF.subarray(0, 300));
  expect(out.warnings).toContain('1 inline image referenced by the HTML body skipped (not attachments)');
}

describe('readEml', () => {
  it('reads headers into metadata, a header page, a body page and every attachment', async () => {
    const out = await readEml(buildEml(mailOpts()), limits());
    expect(out.format).toBe('eml');
    expect(out.metadata.format).toBe('eml');
    expect(out.metadata.email).toEqual({ ...EXPECTED_EMAIL, replyTo: [] });
    expect(out.pages).toHaveLength(2);
    expect(out.pages[0]).toEqual({ text: EXPECTED_HEADERS, part: 'email-headers' });
    expect(out.pages[1]).toEqual({ text: 'Please find the draft attached.\nRegards, Jane', part: 'email-body' });
    expectHeaderPageNamesEveryone(out);
    await expectAttachments(out);
  });

  it('turns an HTML-only body into text', async () => {
    const out = await readEml(
      buildEml({ from: 'a@example.com', to: ['b@example.com'], subject: 'html', html: '<h1>Notice</h1><p>The hearing is <b>moved</b>.</p>' }),
      limits(),
    );
    expect(out.pages[1].part).toBe('email-body');
    expect(out.pages[1].text).toMatch(/NOTICE\s+The hearing is moved\./i);
    expect(out.pages[1].text).not.toContain('<');
  });

  it('flattens groups, unquotes names, lower-cases addresses; no date, no ids: nulls and only lines with values', async () => {
    const raw = [
      'From: "O\'Brien, Pat" <PAT@Example.COM>',
      'To: Litigation Team: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.de>, ann@example.com;, "Bob" <bob@example.com>',
      'Reply-To: Clerk <Clerk@Example.com>',
      'Subject: group test',
      'Date: not a date at all',
      '',
      'body',
      '',
    ].join('\r\n');
    const out = await readEml(Buffer.from(raw), limits());
    expect(out.metadata.email).toEqual({
      from: [{ name: "O'Brien, Pat", address: 'pat@example.com' }],
      to: [
        { name: 'Jörg Müller', address: 'joerg@example.de' },
        { name: null, address: 'ann@example.com' },
        { name: 'Bob', address: 'bob@example.com' },
      ],
      cc: [],
      bcc: [],
      replyTo: [{ name: 'Clerk', address: 'clerk@example.com' }],
      subject: 'group test',
      date: null,
      messageId: null,
      inReplyTo: null,
      references: [],
      attachmentCount: 0,
    });
    expect(out.pages[0].text).toBe(
      "From: O'Brien, Pat <pat@example.com>\nTo: Jörg Müller <joerg@example.de>, ann@example.com, Bob <bob@example.com>\nSubject: group test",
    );
    expectHeaderPageNamesEveryone(out);
    expect(out.children).toEqual([]);
  });

  it('extracts an attached message (message/rfc822) as an .eml child', async () => {
    const inner = buildEml({ from: 'x@example.com', to: ['y@example.com'], subject: 'the original', text: 'original text' });
    const out = await readEml(
      buildEml({
        from: 'a@example.com',
        to: ['b@example.com'],
        subject: 'Fwd: the original',
        text: 'see below',
        attachments: [
          { filename: 'forwarded', contentType: 'message/rfc822', bytes: inner },
          { filename: '', contentType: 'message/rfc822', bytes: inner },
        ],
      }),
      limits(),
    );
    expect(out.children.map((c) => [c.filename, c.contentType])).toEqual([
      ['forwarded.eml', 'message/rfc822'],
      ['attachment-2.eml', 'message/rfc822'],
    ]);
    const child = await readEml(await out.children[0].read(), limits());
    expect(child.metadata.email?.subject).toBe('the original');
    expect(child.pages[1].text).toBe('original text');
  });

  it('keeps the first maxChildren attachments, with a warning naming how many there were', async () => {
    const attachments = [1, 2, 3, 4].map((i) => ({ filename: `f${i}.pdf`, contentType: 'application/pdf', bytes: PDF }));
    const out = await readEml(
      buildEml({ from: 'a@example.com', to: ['b@example.com'], subject: 's', text: 't', attachments }),
      limits({ maxChildren: 2 }),
    );
    expect(out.children.map((c) => c.filename)).toEqual(['f1.pdf', 'f2.pdf']);
    expect(out.metadata.email?.attachmentCount).toBe(4);
    expect(out.warnings).toContain('the e-mail has 4 attachments: only the first 2 were extracted');
  });

  describe('hostile e-mails', () => {
    const small = (): Buffer => buildEml({ ...mailOpts(), attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', bytes: PDF }] });

    it('refuses empty files', async () => {
      for (const b of [Buffer.alloc(0), Buffer.from('\r\n\r\n  \n')]) {
        const err = await refusal(readEml(b, limits()));
        expect(err.code).toBe('empty');
        expect(err.message).toBe('the e-mail file is empty');
      }
    });

    it('refuses what is not an e-mail', async () => {
      for (const b of [
        PDF,
        randomBytes(3000),
        Buffer.from('Dear Sir,\n\nthis is a letter, not an e-mail.\n'),
        Buffer.from('X-Foo: bar\r\n\r\nbody'),
      ]) {
        const err = await refusal(readEml(b, limits()));
        expect(err.code).toBe('corrupt');
        expect(err.message).toMatch(/^not an e-mail: /);
      }
    });

    it('refuses a file over twice maxChildBytes before parsing it', async () => {
      const bytes = small();
      const err = await refusal(readEml(bytes, limits({ maxChildBytes: Math.floor(bytes.length / 2) - 1 })));
      expect(err.code).toBe('too-large');
      expect(err.message).toContain(`the e-mail is ${bytes.length} bytes`);
    });

    it('refuses a header block that never ends', async () => {
      const huge = Buffer.from(`From: a@example.com\r\nX-Padding: ${'a'.repeat(MAX_EML_HEADER_BYTES + 10)}\r\n\r\nbody`);
      const err = await refusal(readEml(huge, limits()));
      expect(err.code).toBe('too-large');
      expect(err.message).toBe(`the e-mail's header block is over ${MAX_EML_HEADER_BYTES} bytes`);
      const endless = Buffer.from(`From: a@example.com\r\n${'X-A: b\r\n'.repeat(MAX_EML_HEADER_BYTES / 8 + 10)}`);
      expect((await refusal(readEml(endless, limits()))).code).toBe('too-large');
    });

    it('refuses attachments adding up to more than maxTotalChildBytes (an attachment bomb)', async () => {
      const err = await refusal(readEml(buildEml(mailOpts()), limits({ maxTotalChildBytes: PDF.length + 10 })));
      expect(err.code).toBe('too-large');
      expect(err.message).toMatch(/^the e-mail has 3 attachments of \d+ bytes in all, over the \d+-byte limit/);
    });

    it('lists an attachment over maxChildBytes but refuses to read it', async () => {
      const big = randomBytes(20_000);
      const bytes = buildEml({
        ...mailOpts(),
        attachments: [
          { filename: 'big.pdf', contentType: 'application/pdf', bytes: big },
          { filename: 'small.pdf', contentType: 'application/pdf', bytes: PDF },
        ],
      });
      const out = await readEml(bytes, limits({ maxChildBytes: 19_999 }));
      expect(out.children.map((c) => [c.filename, c.size])).toEqual([
        ['big.pdf', 20_000],
        ['small.pdf', PDF.length],
      ]);
      const err = await refusal(out.children[0].read());
      expect(err.code).toBe('too-large');
      expect(err.message).toBe('attachment "big.pdf" is 20000 bytes, over the 19999-byte limit for one file');
      expect(await out.children[1].read()).toEqual(PDF);
    });

    it('gives up with a timeout on a message that takes longer than timeoutMs', async () => {
      const big = buildEml({ from: 'a@example.com', to: ['b@example.com'], subject: 'big', text: 'word '.repeat(4_000_000) });
      const err = await refusal(readEml(big, limits({ timeoutMs: 1 })));
      expect(err.code).toBe('timeout');
      expect(err.message).toMatch(/^the e-mail took longer than/);
    });
  });
});

describe('buildMsg', () => {
  it('writes a compound file msgreader reads every field back from', () => {
    const bytes = buildMsg(mailOpts());
    const reader = new MsgReader(new Uint8Array(bytes).buffer);
    reader.parserConfig = { includeRawProps: true };
    const f = reader.getFileData();
    expect(f.subject).toBe('Settlement — draft v2');
    expect(f.body).toBe('Please find the draft attached.\nRegards, Jane');
    expect(f.senderName).toBe('Jane Doe');
    expect(f.senderEmail).toBe('Jane.Doe@Example.com');
    expect(f.messageId).toBe('<CAF=abc123@mail.example.com>');
    expect(f.rawProps?.find((p) => p.propertyTag === '1042001f')?.value).toBe('<orig-1@mail.example.com>');
    expect(new Date(f.clientSubmitTime!).toISOString()).toBe(DATE.toISOString());
    expect(f.recipients?.map((r) => [r.name, r.email, r.recipType])).toEqual([
      ['John Roe', 'john@example.com', 'to'],
      ['Doe, Richard', 'richard@example.com', 'to'],
      ['Zoë Ünal', 'zoe@example.org', 'cc'],
      ['audit@example.net', 'audit@example.net', 'bcc'],
    ]);
    expect(f.attachments?.map((a) => a.fileName ?? null)).toEqual(['Settlement draft.pdf', 'Vergleich Entwurf – Müller.docx', null, 'logo.png']);
    expect(Buffer.from(reader.getAttachment(0).content)).toEqual(PDF);
  });
});

describe('readMsg', () => {
  it('reads sender, recipients by role, ids, dates and attachments', async () => {
    const out = await readMsg(buildMsg(mailOpts()), limits());
    expect(out.format).toBe('msg');
    expect(out.metadata.format).toBe('msg');
    expect(out.metadata.email).toEqual({ ...EXPECTED_EMAIL, replyTo: [] });
    expect(out.pages[0]).toEqual({ text: EXPECTED_HEADERS, part: 'email-headers' });
    expect(out.pages[1]).toEqual({ text: 'Please find the draft attached.\nRegards, Jane', part: 'email-body' });
    expectHeaderPageNamesEveryone(out);
    await expectAttachments(out);
  });

  it('uses the SMTP address when the sender is an Exchange X.500 address', async () => {
    const out = await readMsg(buildMsg({ ...mailOpts(), exchangeSender: true }), limits());
    expect(out.metadata.email?.from).toEqual([{ name: 'Jane Doe', address: 'jane.doe@example.com' }]);
    expect(out.pages[0].text).not.toContain('/O=EXCHANGELABS');
  });

  it('reads In-Reply-To and References from the transport headers when the properties lack them', async () => {
    const bytes = buildMsg({ ...mailOpts(), inReplyTo: undefined, attachments: [] });
    const out = await readMsg(bytes, limits());
    expect(out.metadata.email?.inReplyTo).toBeNull();
    expect(out.metadata.email?.references).toEqual(['root-0@mail.example.com', 'orig-1@mail.example.com']);
    // a message whose only ids are in its transport headers (PR_TRANSPORT_MESSAGE_HEADERS)
    const transportOnly = await readMsg(buildMsg({ ...mailOpts(), attachments: [], idsOnlyInTransportHeaders: true }), limits());
    expect(transportOnly.metadata.email).toMatchObject({
      messageId: 'CAF=abc123@mail.example.com',
      inReplyTo: 'orig-1@mail.example.com',
      references: ['root-0@mail.example.com', 'orig-1@mail.example.com'],
    });
  });

  it('extracts an embedded Outlook message as a .msg child that reads back', async () => {
    const inner: BuildMsgOpts = { from: 'Ann Lee <ann@example.com>', to: ['bob@example.com'], subject: 'the first offer', text: 'We offer 10.' };
    const out = await readMsg(
      buildMsg({
        from: 'a@example.com',
        to: ['b@example.com'],
        subject: 'FW: the first offer',
        text: 'below',
        embeddedMessages: [{ name: 'the first offer', message: inner }],
      }),
      limits(),
    );
    expect(out.children.map((c) => [c.index, c.filename, c.contentType])).toEqual([[0, 'the first offer.msg', 'application/vnd.ms-outlook']]);
    expect(out.metadata.email?.attachmentCount).toBe(1);
    const child = await readMsg(await out.children[0].read(), limits());
    expect(child.metadata.email).toMatchObject({ subject: 'the first offer', from: [{ name: 'Ann Lee', address: 'ann@example.com' }] });
    expect(child.pages[1].text).toBe('We offer 10.');
  });

  it('warns about an attachment that is only a link to a file elsewhere, and keeps the others', async () => {
    const out = await readMsg(
      buildMsg({
        from: 'a@example.com',
        to: ['b@example.com'],
        subject: 'links',
        text: 't',
        attachments: [
          { filename: 'on the share.pdf', contentType: 'application/pdf', bytes: Buffer.alloc(0), linkOnly: true },
          { filename: 'real.pdf', contentType: 'application/pdf', bytes: PDF },
        ],
      }),
      limits(),
    );
    expect(out.children.map((c) => [c.index, c.filename])).toEqual([[0, 'real.pdf']]);
    expect(await out.children[0].read()).toEqual(PDF);
    expect(out.warnings).toEqual(['attachment on the share.pdf has no data in the message (a link or an embedded object) and was not extracted']);
  });

  it('turns an HTML-only body into text', async () => {
    const out = await readMsg(
      buildMsg({ from: 'a@example.com', to: ['b@example.com'], subject: 'h', html: '<p>Only <i>HTML</i> here.</p>' }),
      limits(),
    );
    expect(out.pages[1].text).toBe('Only HTML here.');
  });

  describe('hostile messages', () => {
    it('refuses empty, non-compound, truncated and non-message compound files', async () => {
      expect((await refusal(readMsg(Buffer.alloc(0), limits()))).code).toBe('empty');
      for (const b of [randomBytes(4096), buildEml(mailOpts())]) {
        const err = await refusal(readMsg(b, limits()));
        expect(err.code).toBe('corrupt');
        expect(err.message).toBe('not an Outlook message: the file is not a compound file (or is truncated)');
      }
      const full = buildMsg(mailOpts());
      for (const cut of [100, 2048, Math.floor(full.length / 2)]) {
        const err = await refusal(readMsg(full.subarray(0, cut), limits()));
        expect(err.code).toBe('corrupt');
        expect(err.message).toMatch(/^not an Outlook message|^the Outlook message is damaged or not an Outlook \.msg file/);
      }
      const other = CFB.utils.cfb_new();
      CFB.utils.cfb_add(other, '/WordDocument', randomBytes(2000));
      const err = await refusal(readMsg(Buffer.from(CFB.write(other, { type: 'buffer' }) as Buffer), limits()));
      expect(err.code).toBe('corrupt');
      expect(err.message).toMatch(/^not an Outlook message: /);
    });

    it("says a garbage message is damaged in words, msgreader's own words only in parentheses", async () => {
      // A sound compound file whose property streams are noise (msgreader: "Invalid typed array length: 77").
      const ole = CFB.utils.cfb_new();
      CFB.utils.cfb_add(ole, '/__properties_version1.0', randomBytes(200));
      CFB.utils.cfb_add(ole, '/__substg1.0_0037001F', randomBytes(77));
      CFB.utils.cfb_add(ole, '/__substg1.0_1000001F', randomBytes(333));
      const err = await refusal(readMsg(Buffer.from(CFB.write(ole, { type: 'buffer' }) as Buffer), limits()));
      expect(err.code).toBe('corrupt');
      expect(err.message).toMatch(/^the Outlook message is damaged or not an Outlook \.msg file( \([^()]+\))?$/);
    });

    it('refuses a compound file whose sector chain or directory tree loops, before msgreader walks it', async () => {
      const good = buildMsg(mailOpts());
      const sectorSize = 1 << good.readUInt16LE(0x1e);
      const at = (sector: number): number => (sector + 1) * sectorSize;
      const fatSector = good.readUInt32LE(0x4c);
      const dirStart = good.readUInt32LE(0x30);

      const chainLoop = Buffer.from(good);
      chainLoop.writeUInt32LE(dirStart, at(fatSector) + 4 * dirStart);
      const a = await refusal(readMsg(chainLoop, limits()));
      expect(a.code).toBe('corrupt');
      expect(a.message).toBe('the Outlook message is damaged or not an Outlook .msg file (the directory chain loops)');

      const treeLoop = Buffer.from(good);
      const rootChild = treeLoop.readUInt32LE(at(dirStart) + 0x4c);
      treeLoop.writeUInt32LE(rootChild, at(dirStart) + 128 * rootChild + 0x44);
      const b = await refusal(readMsg(treeLoop, limits()));
      expect(b.code).toBe('corrupt');
      expect(b.message).toBe('the Outlook message is damaged or not an Outlook .msg file (the directory tree loops)');
    });

    it('refuses attachments over maxTotalChildBytes, and a file over twice maxChildBytes', async () => {
      const bytes = buildMsg(mailOpts());
      const bomb = await refusal(readMsg(bytes, limits({ maxTotalChildBytes: PDF.length })));
      expect(bomb.code).toBe('too-large');
      expect(bomb.message).toMatch(/^the Outlook message has 3 attachments/);
      const big = await refusal(readMsg(bytes, limits({ maxChildBytes: 1000 })));
      expect(big.code).toBe('too-large');
      expect(big.message).toContain(`the Outlook message is ${bytes.length} bytes`);
    });
  });
});
