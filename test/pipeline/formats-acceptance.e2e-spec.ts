/**
 * Acceptance of issue 14: every new format through the whole stack (ingest-api in-process, ocr-worker as a child
 * process with its logs kept, graph-worker in-process; real PostgreSQL and Redis; PipelineStack), read through the
 * REST API only (except the scan of the database for a password). Every document is built here by the test builders
 * (@casegraph/formats/testing, libs/testing): a DOCX with headers, footers, footnotes and comments; an EML with a PDF
 * and a DOCX attached and a reply to it (uploaded first); an MSG with an attachment; an HTML page; UTF-16LE and
 * Windows-1252 text; a ZIP with folders and a nested ZIP; a 3-page multi-strip TIFF; encrypted PDFs; duplicates from
 * two uploads and an attachment. All of it is uploaded at once (the workers run it in parallel), then checked.
 */
import { randomUUID } from 'node:crypto';
import * as iconv from 'iconv-lite';
import request from 'supertest';
import { BuiltProduction, buildDocx, buildEml, buildEncryptedPdf, buildMsg, buildProduction, buildTiff, buildZip } from '@casegraph/formats/testing';
import { buildTextPdf } from '../../libs/testing/src/documents';
import { ApiDocument, FormatsStack, UploadFile } from '../support/formats-stack';

jest.setTimeout(240_000);

const PASSWORD = `Pw-${randomUUID().slice(0, 13)}`;
const WRONG_PASSWORD = `Wrong-${randomUUID().slice(0, 13)}`;
const tag = randomUUID().slice(0, 6);

// ---- the documents ------------------------------------------------------------------------------------------------

const docxFile = async (): Promise<UploadFile> => ({
  name: 'lease-memo.docx',
  bytes: await buildDocx({
    body: [
      'MEMORANDUM ON THE WHITFIELD LEASE',
      'On March 3, 2024, Jane Whitfield signed the lease of the warehouse with Acme Holdings LLC in Springfield.',
      '\fThe second page of the memorandum discusses the renewal option and the security deposit.',
    ],
    headers: ['Privileged header Whitfield matter'],
    footers: ['Confidential footer page marker'],
    footnotes: ['Footnote text citing the renewal clause'],
    comments: [{ author: 'Reviewer', text: 'Comment asking to check the signature date' }],
    title: 'Whitfield lease memo',
    author: 'Jane Whitfield',
  }),
});

const attachedPdf = buildTextPdf([['EXHIBIT PDF ATTACHMENT', 'Invoice number 4417 issued to Acme Holdings LLC for storage fees.']]);
const attachedDocx = () => buildDocx({ body: ['ATTACHED DOCX DRAFT', 'Draft settlement terms prepared by Bob Nguyen for the Whitfield matter.'] });

const FIRST_ID = `first-${tag}@mail.example.com`;
const firstEml = async (): Promise<UploadFile> => ({
  name: 'settlement.eml',
  bytes: buildEml({
    from: 'Alice Carter <alice.carter@example.com>',
    to: ['Bob Nguyen <bob.nguyen@example.com>'],
    cc: ['carol.diaz@example.org'],
    subject: 'Settlement documents',
    date: new Date('2024-05-06T15:30:00Z'),
    messageId: FIRST_ID,
    text: 'Bob, attached are the invoice and the draft settlement. Regards, Alice Carter',
    attachments: [
      { filename: 'invoice.pdf', contentType: 'application/pdf', bytes: attachedPdf },
      {
        filename: 'draft.docx',
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bytes: await attachedDocx(),
      },
    ],
  }),
});

const replyEml = (): UploadFile => ({
  name: 'reply.eml',
  bytes: buildEml({
    from: 'Bob Nguyen <bob.nguyen@example.com>',
    to: ['Alice Carter <alice.carter@example.com>'],
    subject: 'Re: Settlement documents',
    date: new Date('2024-05-07T09:00:00Z'),
    messageId: `reply-${tag}@mail.example.com`,
    inReplyTo: FIRST_ID,
    references: [FIRST_ID],
    text: 'Alice, thank you. I will review the draft settlement by Friday. Bob Nguyen',
  }),
});

const msgFile = (): UploadFile => ({
  name: 'status.msg',
  bytes: buildMsg({
    from: 'Dana Price <dana.price@example.com>',
    to: ['Evan Moss <evan.moss@example.com>'],
    cc: ['Gina Ross <gina.ross@example.com>'],
    subject: 'Case status',
    date: new Date('2024-06-01T10:00:00Z'),
    messageId: `msg-${tag}@mail.example.com`,
    text: 'Evan, the deposition of the warehouse manager is scheduled. Dana Price',
    attachments: [
      { filename: 'schedule.txt', contentType: 'text/plain', bytes: Buffer.from('MSG ATTACHMENT deposition schedule for the warehouse manager\n') },
    ],
  }),
});

const lateReplyEml = (): UploadFile => ({
  name: 'reply-to-msg.eml',
  bytes: buildEml({
    from: 'Evan Moss <evan.moss@example.com>',
    to: ['Dana Price <dana.price@example.com>'],
    subject: 'Re: Case status',
    messageId: `late-${tag}@mail.example.com`,
    inReplyTo: `msg-${tag}@mail.example.com`,
    text: 'Dana, noted. Evan Moss',
  }),
});

const htmlFile: UploadFile = {
  name: 'order.html',
  bytes: Buffer.from(
    '<!DOCTYPE html><html><head><title>Scheduling order</title><style>p{color:red}</style></head><body>' +
      '<h1>Scheduling Order</h1><p>The hearing on the motion is set for the courtroom of the district.</p>' +
      '<script>document.write("SCRIPTMARKER")</script><ul><li>Discovery closes soon</li></ul></body></html>',
  ),
};

const utf16File: UploadFile = {
  name: 'notes-utf16.txt',
  bytes: Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from('UTF16 notes: the witness statement of Zoë Ångström, résumé attached.\r\n', 'utf16le'),
  ]),
};

const cp1252Text =
  'Claim under 42 U.S.C. § 1983 filed by the owner of the café on Main Street.\r\n' +
  'The café owner alleges that the officers entered the café without a warrant; see § 1983 and the déjà vu doctrine.\r\n' +
  'Damages for the café are claimed as “special damages” – about €12,000 – with interest.\r\n';
const cp1252File: UploadFile = { name: 'claim-1252.txt', bytes: iconv.encode(cp1252Text, 'windows-1252') };

const zipFile = async (): Promise<UploadFile> => ({
  name: 'bundle.zip',
  bytes: await buildZip([
    { path: 'correspondence/2024/letter.txt', bytes: 'ZIP LETTER about the warehouse inspection\n' },
    { path: 'pleadings/answer.html', bytes: '<html><body><p>ZIP ANSWER to the complaint</p></body></html>' },
    { path: 'nested/inner.zip', bytes: await buildZip([{ path: 'deep/memo.txt', bytes: 'NESTED MEMO inside the inner archive\n' }]) },
  ]),
});

const TIFF_WORDS = ['ALPHA', 'BRAVO', 'CHARLIE'];
const tiffFile = async (): Promise<UploadFile> => ({
  name: 'scan.tif',
  bytes: await buildTiff(
    TIFF_WORDS.map((w, i) => ({ lines: [`PAGE ${i + 1} ${w}`, `${w} WAREHOUSE`] })),
    { stripsPerPage: 3, fontSize: 28, dpi: 150 },
  ),
});

const lockedPdf: UploadFile = {
  name: 'sealed.pdf',
  bytes: buildEncryptedPdf({ password: PASSWORD, pages: ['SEALED SETTLEMENT between the parties', 'Second sealed page'] }),
};
const lockedAtUpload: UploadFile = {
  name: 'sealed-with-password.pdf',
  bytes: buildEncryptedPdf({ password: PASSWORD, pages: ['UNLOCKED AT UPLOAD exhibit text'] }),
};

const dupPdf = buildTextPdf([['DUPLICATE EXHIBIT', 'The same bytes from three places.']]);
const forwardEml = (): UploadFile => ({
  name: 'forward.eml',
  bytes: buildEml({
    from: 'Frank Hale <frank.hale@example.com>',
    to: ['alice.carter@example.com'],
    subject: 'Fwd: exhibit',
    messageId: `fwd-${tag}@mail.example.com`,
    text: 'Forwarding the exhibit.',
    attachments: [{ filename: 'exhibit-copy.pdf', contentType: 'application/pdf', bytes: dupPdf }],
  }),
});

const PROD_PREFIX = 'ACME';
const production = () =>
  buildProduction({
    prefix: PROD_PREFIX,
    start: 1,
    records: [
      {
        pages: [['PRODUCED MEMO about the warehouse lease'], ['PRODUCED MEMO second page']],
        fields: { TITLE: 'Warehouse memo', DOCDATE: '2023-11-02' },
      },
      { pages: [['PRODUCED LETTER to opposing counsel']], fields: { TITLE: 'Letter', DOCDATE: '2023-12-01' } },
      { pages: [['this record has a broken image']], fields: { TITLE: 'Broken', DOCDATE: '2024-01-01' } },
    ],
    hostile: [{ record: 2, kind: 'corrupt-image' }],
  });

/** POST /v1/projects/:p/productions: the DAT, the OPT, each image named by its OPT path, a default custodian. */
function importProduction(s: FormatsStack, p: BuiltProduction, custodian: string): Promise<request.Response> {
  let r = request(s.http)
    .post(`/v1/projects/${s.projectUuid}/productions`)
    .field('custodian', custodian)
    .attach('loadFile', p.dat, 'VOL001.dat')
    .attach('images', p.opt, 'VOL001.opt');
  for (const im of p.images) r = r.attach('files', im.bytes, { filepath: im.path, contentType: 'image/tiff' } as never);
  return r;
}

// ---- the run ------------------------------------------------------------------------------------------------------

describe('issue 14 acceptance: every format, upload → OCR → graph, through the API', () => {
  let s: FormatsStack;
  const ids: Record<string, string> = {};
  const bytesOf: Record<string, Buffer> = {};
  const docs: Record<string, ApiDocument> = {};
  let dupSecond: request.Response;
  let prod: BuiltProduction;
  let prodOne: request.Response;
  let prodTwo: request.Response;

  const byName = (name: string): ApiDocument => {
    if (!docs[name]) throw new Error(`no document ${name}: ${Object.keys(docs).join(', ')}`);
    return docs[name];
  };
  /** SENT / RECEIVED / IN_REPLY_TO around a person, through the entity neighbourhood route, ends by name. */
  const emailEdges = async (person: string) => {
    const [who] = (await s.entities({ type: 'PERSON', q: person })).filter((e) => e.name === person);
    expect(who).toBeDefined();
    const res = await request(s.http)
      .get(`/v1/projects/${s.projectUuid}/entities/${who.uuid}/neighbourhood`)
      .query({ depth: '2', limit: '50', relationshipTypes: 'SENT,RECEIVED,IN_REPLY_TO' });
    expect(res.status).toBe(200);
    const names = new Map<string, string>((res.body.nodes as Array<{ id: string; name: string }>).map((n) => [n.id, n.name]));
    return (res.body.edges as Array<{ type: string; source: string; target: string; properties: { roles?: string[] } }>).map((e) => ({
      type: e.type,
      from: names.get(e.source) ?? e.source,
      to: names.get(e.target) ?? e.target,
      roles: e.properties?.roles,
    }));
  };
  const allText = async (uuid: string) => {
    const t = await s.text(uuid);
    expect(t.status).toBe(200);
    return t.pages;
  };

  beforeAll(async () => {
    s = await FormatsStack.start('acceptance', { ocr: 'child', ocrEnv: { LOG_LEVEL: 'trace', OCR_CONCURRENCY: '2' } });
    // The reply first: IN_REPLY_TO must not depend on the order.
    const singles: UploadFile[] = [
      replyEml(),
      await docxFile(),
      msgFile(),
      htmlFile,
      utf16File,
      cp1252File,
      await zipFile(),
      await tiffFile(),
      lockedPdf,
      { name: 'exhibit-a.pdf', bytes: dupPdf },
    ];
    for (const f of singles) {
      bytesOf[f.name] = f.bytes;
      [ids[f.name]] = await s.upload([f]);
    }
    const first = await firstEml();
    bytesOf[first.name] = first.bytes;
    [ids[first.name]] = await s.upload([first]);
    bytesOf[lockedAtUpload.name] = lockedAtUpload.bytes;
    [ids[lockedAtUpload.name]] = await s.upload([lockedAtUpload], { password: PASSWORD });
    dupSecond = await s.uploadRaw([{ name: 'copy-of-exhibit.pdf', bytes: dupPdf }]);
    const fwd = forwardEml();
    bytesOf[fwd.name] = fwd.bytes;
    [ids[fwd.name]] = await s.upload([fwd]);
    prod = await production();
    prodOne = await importProduction(s, prod, 'Smith, Jane');
    prodTwo = await importProduction(s, prod, 'Jones, Mark');
    const produced = prodOne.status === 202 ? (prodOne.body.documents as Array<{ documentUuid: string }>).map((d) => d.documentUuid) : [];
    produced.forEach((u) => s.stack.documentUuids.add(u));
    for (const d of await s.waitDone([...Object.values(ids), ...produced], 150_000)) docs[d.filename] = d;
    // The other order: a reply (EML) to the MSG, uploaded once the MSG is done.
    const late = lateReplyEml();
    bytesOf[late.name] = late.bytes;
    [ids[late.name]] = await s.upload([late]);
    for (const d of await s.waitDone([ids[late.name]])) docs[d.filename] = d;
  });

  afterAll(async () => {
    await s?.close();
  });

  it('DOCX: completed, every part kept as text (body pages, headers, footers, footnotes, comments), PERSON and DATE found', async () => {
    const d = byName('lease-memo.docx');
    expect({ status: d.status, error: d.error }).toEqual({ status: 'completed', error: null });
    const pages = await allText(d.documentUuid);
    expect(d.pageCount).toBe(pages.length);
    const byPart = (part: string) =>
      pages
        .filter((p) => (p.part ?? 'body') === part)
        .map((p) => p.text)
        .join('\n');
    expect(byPart('body')).toContain('Jane Whitfield signed the lease');
    expect(byPart('body')).toContain('renewal option'); // the second page (after the page break)
    expect(pages.filter((p) => (p.part ?? 'body') === 'body').length).toBeGreaterThanOrEqual(2);
    expect(byPart('headers')).toContain('Privileged header Whitfield matter');
    expect(byPart('footers')).toContain('Confidential footer page marker');
    expect(byPart('footnotes')).toContain('Footnote text citing the renewal clause');
    expect(byPart('comments')).toContain('Comment asking to check the signature date');
    // Each page through ?page=N is the same page.
    const one = await s.text(d.documentUuid, pages.length);
    expect(one.status).toBe(200);
    expect(one.pages).toEqual([pages[pages.length - 1]]);
    expect((await s.text(d.documentUuid, pages.length + 1)).status).toBe(404);
    expect(d.metadata.format).toBe('docx');
    // Found in this document's body: the person and the date, through the entity detail's documents.
    const inThisDocument = async (type: string, match: RegExp) => {
      const found = (await s.entities({ type })).filter((e) => match.test([e.name, ...e.aliases].join(' | ')));
      const details = await Promise.all(found.map((e) => request(s.http).get(`/v1/projects/${s.projectUuid}/entities/${e.uuid}`)));
      return details
        .filter((r) => (r.body.documents as Array<{ documentUuid: string }>).some((x) => x.documentUuid === d.documentUuid))
        .map((r) => r.body.name);
    };
    expect(await inThisDocument('PERSON', /Jane Whitfield/)).toEqual(['Jane Whitfield']);
    expect((await inThisDocument('DATE', /2024-03-03|March 3, 2024/i)).length).toBe(1);
  });

  it('EML with a PDF and a DOCX attached: two children with family links, each completed with its own text', async () => {
    const { parent, children } = await s.waitFamily(ids['settlement.eml'], 2);
    expect({ status: parent.status, error: parent.error }).toEqual({ status: 'completed', error: null });
    expect(parent.family.parent).toBeNull();
    expect(parent.family.children.map((c) => ({ i: c.attachmentIndex, path: c.path, filename: c.filename }))).toEqual([
      { i: 0, path: 'invoice.pdf', filename: 'invoice.pdf' },
      { i: 1, path: 'draft.docx', filename: 'draft.docx' },
    ]);
    expect(children.map((c) => c.status)).toEqual(['completed', 'completed']);
    for (const [i, c] of children.entries()) {
      expect(c.projectUuid).toBe(s.projectUuid);
      expect(c.family.parent).toEqual(expect.objectContaining({ documentUuid: parent.documentUuid, attachmentIndex: i }));
      expect(c.occurrences).toEqual(
        expect.arrayContaining([expect.objectContaining({ source: 'attachment', parentDocumentUuid: parent.documentUuid, attachmentIndex: i })]),
      );
    }
    expect((await allText(children[0].documentUuid)).map((p) => p.text).join('\n')).toContain('Invoice number 4417');
    expect((await allText(children[1].documentUuid)).map((p) => p.text).join('\n')).toContain('Draft settlement terms prepared by Bob Nguyen');
    // The parent's own text: a header block and the body.
    const pages = await allText(parent.documentUuid);
    expect(pages.map((p) => p.part)).toEqual(expect.arrayContaining(['email-headers', 'email-body']));
    expect(pages.find((p) => p.part === 'email-body')!.text).toContain('attached are the invoice');
    expect(parent.metadata.email).toEqual(
      expect.objectContaining({
        subject: 'Settlement documents',
        messageId: FIRST_ID,
        from: [expect.objectContaining({ address: 'alice.carter@example.com' })],
        to: [expect.objectContaining({ address: 'bob.nguyen@example.com' })],
        cc: [expect.objectContaining({ address: 'carol.diaz@example.org' })],
        attachmentCount: 2,
      }),
    );
  });

  it('e-mail in the graph: PERSON / EMAIL entities, SENT and RECEIVED (to/cc) edges, the reply IN_REPLY_TO the first', async () => {
    const persons = (await s.entities({ type: 'PERSON' })).map((e) => e.name);
    expect(persons).toEqual(expect.arrayContaining(['Alice Carter', 'Bob Nguyen']));
    const emails = await s.entities({ type: 'EMAIL' });
    expect(emails.map((e) => e.name.toLowerCase())).toEqual(expect.arrayContaining(['carol.diaz@example.org']));
    // Documents are ends of these edges: the entity's neighbourhood shows them (the project graph view shows entity
    // ends only, documents only through MENTIONED_IN).
    const edges = await emailEdges('Alice Carter');
    expect(edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'SENT', from: 'Alice Carter', to: 'settlement.eml' }),
        expect.objectContaining({ type: 'RECEIVED', from: 'settlement.eml', to: 'Bob Nguyen', roles: ['to'] }),
        expect.objectContaining({
          type: 'RECEIVED',
          from: 'settlement.eml',
          to: expect.stringMatching(/^carol\.diaz@example\.org$/i),
          roles: ['cc'],
        }),
        expect.objectContaining({ type: 'SENT', from: 'Bob Nguyen', to: 'reply.eml' }),
        expect.objectContaining({ type: 'IN_REPLY_TO', from: 'reply.eml', to: 'settlement.eml' }),
      ]),
    );
  });

  it('e-mail in the project graph view: SENT / RECEIVED / IN_REPLY_TO with the e-mails as document nodes', async () => {
    const res = await s.graph(['SENT', 'RECEIVED', 'IN_REPLY_TO']);
    expect(res.status).toBe(200);
    const names = new Map<string, string>((res.body.nodes as Array<{ id: string; label: string }>).map((n) => [n.id, n.label]));
    const edges = (res.body.edges as Array<{ type: string; source: string; target: string }>).map(
      (e) => `${e.type} ${names.get(e.source) ?? e.source} ${names.get(e.target) ?? e.target}`,
    );
    expect(edges).toEqual(
      expect.arrayContaining([
        'SENT Alice Carter settlement.eml',
        'RECEIVED settlement.eml Bob Nguyen',
        'SENT Bob Nguyen reply.eml',
        'IN_REPLY_TO reply.eml settlement.eml',
        'SENT Dana Price status.msg',
        // Uploaded after the message it answers was done (an EML answering an MSG).
        'IN_REPLY_TO reply-to-msg.eml status.msg',
      ]),
    );
  });

  it('MSG: sender, recipient and an attachment child; SENT and RECEIVED edges', async () => {
    const { parent, children } = await s.waitFamily(ids['status.msg'], 1);
    expect({ status: parent.status, error: parent.error }).toEqual({ status: 'completed', error: null });
    expect(parent.metadata.email).toEqual(
      expect.objectContaining({ from: [expect.objectContaining({ address: 'dana.price@example.com' })], subject: 'Case status' }),
    );
    expect(parent.family.children).toEqual([expect.objectContaining({ attachmentIndex: 0, path: 'schedule.txt' })]);
    expect(children[0].status).toBe('completed');
    expect((await allText(children[0].documentUuid))[0].text).toContain('MSG ATTACHMENT deposition schedule');
    const edges = (await emailEdges('Dana Price')).map((e) => `${e.type} ${e.from} ${e.to}${e.roles ? ` ${e.roles.join(',')}` : ''}`);
    expect(edges).toEqual(
      expect.arrayContaining(['SENT Dana Price status.msg', 'RECEIVED status.msg Evan Moss to', 'RECEIVED status.msg Gina Ross cc']),
    );
  });

  it('HTML and text: the words, not the markup; UTF-16LE with a BOM and Windows-1252 decoded', async () => {
    const html = byName('order.html');
    expect(html.status).toBe('completed');
    const htmlText = (await allText(html.documentUuid)).map((p) => p.text).join('\n');
    expect(htmlText).toContain('Scheduling Order');
    expect(htmlText).toContain('The hearing on the motion is set');
    expect(htmlText).toContain('Discovery closes soon');
    expect(htmlText).not.toMatch(/<p>|SCRIPTMARKER|color:red/);
    const u16 = byName('notes-utf16.txt');
    expect(u16.status).toBe('completed');
    expect((await allText(u16.documentUuid)).map((p) => p.text).join('\n')).toContain('Zoë Ångström, résumé attached');
    const w = byName('claim-1252.txt');
    expect(w.status).toBe('completed');
    const wText = (await allText(w.documentUuid)).map((p) => p.text).join('\n');
    expect(wText).toContain('§ 1983');
    expect(wText).toContain('café on Main Street');
    expect(wText).toContain('“special damages” – about €12,000');
  });

  it('ZIP with folders and a nested ZIP: every entry a child with its folder path, each processed', async () => {
    const { parent, children } = await s.waitFamily(ids['bundle.zip'], 3);
    expect({ status: parent.status, error: parent.error }).toEqual({ status: 'completed', error: null });
    expect(parent.family.children.map((c) => c.path).sort()).toEqual(['correspondence/2024/letter.txt', 'nested/inner.zip', 'pleadings/answer.html']);
    expect(children.map((c) => c.status)).toEqual(['completed', 'completed', 'completed']);
    const letter = children.find((c) => c.family.parent?.path === 'correspondence/2024/letter.txt')!;
    expect((await allText(letter.documentUuid))[0].text).toContain('ZIP LETTER about the warehouse inspection');
    const answer = children.find((c) => c.family.parent?.path === 'pleadings/answer.html')!;
    expect((await allText(answer.documentUuid)).map((p) => p.text).join('\n')).toContain('ZIP ANSWER to the complaint');
    const inner = children.find((c) => c.family.parent?.path === 'nested/inner.zip')!;
    const nested = await s.waitFamily(inner.documentUuid, 1);
    expect(nested.parent.family.children.map((c) => c.path)).toEqual([expect.stringMatching(/(^|\/)deep\/memo\.txt$/)]);
    expect(nested.children[0].status).toBe('completed');
    expect(nested.children[0].metadata.familyDepth).toBeUndefined(); // internal: not shown
    expect((await allText(nested.children[0].documentUuid))[0].text).toContain('NESTED MEMO inside the inner archive');
  });

  it('3-page multi-strip TIFF: pageCount 3, each page its own text, OCR progress reported', async () => {
    const d = byName('scan.tif');
    expect({ status: d.status, error: d.error }).toEqual({ status: 'completed', error: null });
    expect(d.pageCount).toBe(3);
    expect(d.stages.ocr).toEqual(expect.objectContaining({ pagesDone: 3, pageCount: 3 }));
    for (const [i, word] of TIFF_WORDS.entries()) {
      const t = await s.text(d.documentUuid, i + 1);
      expect(t.status).toBe(200);
      expect(t.pages).toHaveLength(1);
      expect(t.pages[0].page).toBe(i + 1);
      expect(t.pages[0].text.toUpperCase()).toContain(word);
      for (const other of TIFF_WORDS.filter((o) => o !== word)) expect(t.pages[0].text.toUpperCase()).not.toContain(other);
    }
  });

  it('encrypted PDF without a password: failed with a reason that names the retry with a password', async () => {
    const d = byName('sealed.pdf');
    expect(d.status).toBe('failed');
    expect(d.error).toMatch(/password/i);
    expect(d.error).toMatch(/retry/i);
    // An empty password is refused, nothing changes.
    expect((await request(s.http).post(`/v1/documents/${d.documentUuid}/retry`).send({ password: '' })).status).toBe(400);
  });

  it('encrypted PDF on retry: a wrong password fails saying so; the right one completes with its text, the secret deleted', async () => {
    const id = ids['sealed.pdf'];
    const wrong = await request(s.http).post(`/v1/documents/${id}/retry`).send({ password: WRONG_PASSWORD });
    expect(wrong.status).toBe(202);
    const [afterWrong] = await s.waitDone([id]);
    expect(afterWrong.status).toBe('failed');
    expect(afterWrong.error).toMatch(/password.*wrong|wrong.*password/i);
    const right = await request(s.http).post(`/v1/documents/${id}/retry`).send({ password: PASSWORD });
    expect(right.status).toBe(202);
    const [ok] = await s.waitDone([id]);
    expect({ status: ok.status, error: ok.error }).toEqual({ status: 'completed', error: null });
    expect(ok.pageCount).toBe(2);
    expect((await s.text(id, 1)).pages[0].text).toContain('SEALED SETTLEMENT between the parties');
    expect(await s.db.query(`SELECT count(*)::int AS n FROM document_secrets WHERE document_uuid = $1`, [id])).toEqual([{ n: 0 }]);
  });

  it('encrypted PDF with its password at upload: completed, the secret deleted', async () => {
    const d = byName('sealed-with-password.pdf');
    expect({ status: d.status, error: d.error }).toEqual({ status: 'completed', error: null });
    expect((await allText(d.documentUuid))[0].text).toContain('UNLOCKED AT UPLOAD');
    expect(await s.db.query(`SELECT count(*)::int AS n FROM document_secrets WHERE document_uuid = $1`, [d.documentUuid])).toEqual([{ n: 0 }]);
  });

  it('the passwords given are nowhere in clear: not in the database, not in the OCR worker logs or the API output', async () => {
    const both = [ids['sealed.pdf'], ids['sealed-with-password.pdf']];
    const dump: Array<{ t: string }> = await s.db.query(
      `SELECT row_to_json(d)::text AS t FROM source_documents d WHERE d.document_uuid = ANY($1::uuid[])
        UNION ALL SELECT encode(ciphertext, 'escape') FROM document_secrets WHERE document_uuid = ANY($1::uuid[])
        UNION ALL SELECT row_to_json(p)::text FROM document_pages p WHERE p.document_uuid = ANY($1::uuid[])
        UNION ALL SELECT row_to_json(o)::text FROM document_occurrences o WHERE o.document_uuid = ANY($1::uuid[])`,
      [both],
    );
    expect(dump.length).toBeGreaterThanOrEqual(2);
    for (const secret of [PASSWORD, WRONG_PASSWORD]) {
      for (const r of dump) expect(r.t).not.toContain(secret);
      // LOG_LEVEL=trace on the worker: every line it has.
      expect(s.workerOutput()).not.toContain(secret);
      expect(s.apiOutput()).not.toContain(secret);
    }
    expect(s.workerOutput().length).toBeGreaterThan(0);
  });

  it('duplicates: one PDF from two uploads and an e-mail attachment is one document with every origin', async () => {
    const a = byName('exhibit-a.pdf');
    expect(dupSecond.status).toBe(202);
    expect(dupSecond.body.documents[0]).toEqual(expect.objectContaining({ documentUuid: a.documentUuid, duplicateOf: a.documentUuid }));
    const { parent } = await s.waitFamily(ids['forward.eml'], 1);
    expect(parent.status).toBe('completed');
    expect(parent.family.children.map((c) => c.documentUuid)).toEqual([a.documentUuid]);
    const again = await s.doc(a.documentUuid);
    expect(again.status).toBe('completed');
    expect(
      again.occurrences
        .map((o) => ({ source: o.source, path: o.path, parent: o.parentDocumentUuid, i: o.attachmentIndex }))
        .sort((x, y) => `${x.source}${x.path}`.localeCompare(`${y.source}${y.path}`)),
    ).toEqual([
      { source: 'attachment', path: 'exhibit-copy.pdf', parent: parent.documentUuid, i: 0 },
      { source: 'upload', path: 'copy-of-exhibit.pdf', parent: null, i: null },
      { source: 'upload', path: 'exhibit-a.pdf', parent: null, i: null },
    ]);
    const rows = await s.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_uuid = $1 AND sha256 = $2`, [
      s.projectUuid,
      a.sha256,
    ]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('production: one document per record with its fields, Bates per page, lookup by Bates, unreadable reported, two custodians', async () => {
    expect(prodOne.status).toBe(202);
    expect(prodOne.body.counts).toEqual(expect.objectContaining({ records: 3, imported: 2, duplicates: 0, unreadable: 1, pages: 3 }));
    expect(prodOne.body.unreadable).toEqual([expect.objectContaining({ source: 'image', reason: expect.stringContaining(prod.bates[2][0]) })]);
    const [memo, letter] = prodOne.body.documents as Array<{ documentUuid: string; begBates: string; endBates: string; pages: number }>;
    expect([memo.begBates, memo.endBates, memo.pages, letter.begBates, letter.pages]).toEqual([
      prod.bates[0][0],
      prod.bates[0][1],
      2,
      prod.bates[1][0],
      1,
    ]);
    const m = await s.doc(memo.documentUuid);
    expect({ status: m.status, error: m.error, pageCount: m.pageCount }).toEqual({ status: 'completed', error: null, pageCount: 2 });
    expect(m.metadata.production).toEqual(
      expect.objectContaining({
        begBates: prod.bates[0][0],
        endBates: prod.bates[0][1],
        pageBates: prod.bates[0],
        fields: expect.objectContaining({ TITLE: 'Warehouse memo', DOCDATE: '2023-11-02' }),
      }),
    );
    expect(m.bates).toEqual({ first: prod.bates[0][0], last: prod.bates[0][1] });
    const pages = await allText(memo.documentUuid);
    expect(pages.map((p) => p.bates)).toEqual(prod.bates[0]);
    expect(pages[0].text.toUpperCase()).toContain('PRODUCED MEMO');
    expect((await s.text(memo.documentUuid, 2)).pages[0]).toEqual(expect.objectContaining({ page: 2, bates: prod.bates[0][1] }));
    const l = await s.doc(letter.documentUuid);
    expect({ status: l.status, pageCount: l.pageCount }).toEqual({ status: 'completed', pageCount: 1 });
    expect((await s.text(letter.documentUuid, 1)).pages[0].bates).toBe(prod.bates[1][0]);
    // The Bates lookup finds the page (stored per page by the OCR stage), in any spelling.
    const hit = await request(s.http).get(`/v1/projects/${s.projectUuid}/bates/${encodeURIComponent(prod.bates[0][1].toLowerCase())}`);
    expect(hit.status).toBe(200);
    expect(hit.body).toEqual(expect.objectContaining({ documentUuid: memo.documentUuid, page: 2, matchedBy: 'page' }));
    expect((await request(s.http).get(`/v1/projects/${s.projectUuid}/bates/${PROD_PREFIX}999999`)).status).toBe(404);
    // The same production from a second custodian: the same documents, an occurrence each.
    expect(prodTwo.status).toBe(202);
    expect(prodTwo.body.counts).toEqual(expect.objectContaining({ imported: 0, duplicates: 2 }));
    expect((prodTwo.body.documents as Array<{ duplicateOf?: string }>).map((d) => d.duplicateOf)).toEqual([memo.documentUuid, letter.documentUuid]);
    const again = await s.doc(memo.documentUuid);
    expect(again.occurrences.map((o) => [o.source, o.custodian]).sort()).toEqual([
      ['production', 'Jones, Mark'],
      ['production', 'Smith, Jane'],
    ]);
    const byCustodian = await request(s.http).get(`/v1/projects/${s.projectUuid}/documents`).query({ custodian: 'Jones, Mark' });
    expect(byCustodian.status).toBe(200);
    expect((byCustodian.body.items as Array<{ documentUuid: string }>).map((d) => d.documentUuid).sort()).toEqual(
      [memo.documentUuid, letter.documentUuid].sort(),
    );
  });

  it('GET /file answers the original bytes with the type of every format, as an attachment, nosniff, sandboxed', async () => {
    const expected: Record<string, string> = {
      'lease-memo.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'settlement.eml': 'message/rfc822',
      'status.msg': 'application/vnd.ms-outlook',
      'order.html': 'text/html',
      'notes-utf16.txt': 'text/plain',
      'claim-1252.txt': 'text/plain',
      'bundle.zip': 'application/zip',
      'scan.tif': 'image/tiff',
      'sealed.pdf': 'application/pdf',
    };
    const got: Record<string, unknown> = {};
    for (const [name, type] of Object.entries(expected)) {
      const res = await s.file(ids[name]);
      got[name] = {
        status: res.status,
        type: String(res.headers['content-type']).split(';')[0],
        same: Buffer.isBuffer(res.body) && res.body.equals(bytesOf[name]),
        attachment: /^attachment;/.test(String(res.headers['content-disposition'])) && String(res.headers['content-disposition']).includes(name),
        nosniff: res.headers['x-content-type-options'],
        // Opened directly with the browser session's cookie, a hostile HTML original runs no script on this origin.
        sandboxed: /^sandbox; default-src 'none'/.test(String(res.headers['content-security-policy'])),
      };
      expect(got[name]).toEqual({ status: 200, type, same: true, attachment: true, nosniff: 'nosniff', sandboxed: true });
    }
    // A child's bytes too (the PDF attached to the e-mail).
    const child = (await s.doc(ids['settlement.eml'])).family.children[0];
    const res = await s.file(child.documentUuid);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/pdf/);
    expect((res.body as Buffer).equals(attachedPdf)).toBe(true);
    // A production record: the PDF made of its page images.
    const produced = await s.file(prodOne.body.documents[0].documentUuid);
    expect(produced.status).toBe(200);
    expect(String(produced.headers['content-type'])).toMatch(/^application\/pdf/);
    expect((produced.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
