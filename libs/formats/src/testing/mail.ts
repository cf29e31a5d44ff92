// Test builders for e-mail: real MIME (EML) and real Outlook compound files (MSG), made by the tests themselves.
import { createHash } from 'node:crypto';
import * as CFB from 'cfb';

export interface MailAttachmentOpts {
  /** '' writes an attachment without any file name. */
  filename: string;
  contentType: string;
  bytes: Buffer;
  /** Written as an inline part with this Content-ID (EML) / PR_ATTACH_CONTENT_ID (MSG), referenced by the HTML body. */
  inlineCid?: string;
  /** MSG only: written as a link to a file elsewhere (attach method 2, PR_ATTACH_PATHNAME), without data. */
  linkOnly?: boolean;
}

export interface BuildMailOpts {
  /** `Jane Doe <jane@example.com>` or `jane@example.com`. */
  from: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  date?: Date;
  /** Written as given; without it the message has no Message-ID (nothing random is made up: same options, same bytes). */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  text?: string;
  html?: string;
  attachments?: MailAttachmentOpts[];
}

export interface BuildMsgOpts extends BuildMailOpts {
  /** Write the sender as an Exchange (EX) X.500 address, the SMTP address only in PR_SENDER_SMTP_ADDRESS. */
  exchangeSender?: boolean;
  /** Write Message-ID, In-Reply-To and References only in the transport headers (PR_TRANSPORT_MESSAGE_HEADERS). */
  idsOnlyInTransportHeaders?: boolean;
  /** Outlook messages attached to this one (embedded message objects, attach method 5). */
  embeddedMessages?: Array<{ name: string; message: BuildMsgOpts }>;
}

/** Splits `Name <addr>` into its parts; a bare address has no name. */
export function splitAddress(s: string): { name: string | null; address: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(s);
  if (!m) return { name: null, address: s.trim() };
  const name = m[1].replace(/^"(.*)"$/, '$1').trim();
  return { name: name || null, address: m[2].trim() };
}

const isAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);
const encodeWord = (s: string): string => (isAscii(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);

function mimeAddress(s: string): string {
  const { name, address } = splitAddress(s);
  if (!name) return `<${address}>`;
  if (!isAscii(name)) return `${encodeWord(name)} <${address}>`;
  if (/[(),:;<>@[\]\\".]/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${name} <${address}>`;
}

const base64Lines = (b: Buffer): string => (b.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
const angle = (id: string): string => `<${id.replace(/^<|>$/g, '')}>`;

function filenameParams(filename: string): { type: string; disposition: string } {
  if (!filename) return { type: '', disposition: '' };
  if (isAscii(filename) && !/["\\]/.test(filename)) return { type: `; name="${filename}"`, disposition: `; filename="${filename}"` };
  const pct = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return { type: `; name="${encodeWord(filename)}"`, disposition: `; filename*=UTF-8''${pct}` };
}

function textPart(type: 'plain' | 'html', body: string): string {
  return [`Content-Type: text/${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Lines(Buffer.from(body, 'utf8'))].join('\r\n');
}

function attachmentPart(a: MailAttachmentOpts): string {
  const p = filenameParams(a.filename);
  if (a.contentType.toLowerCase() === 'message/rfc822' && !a.inlineCid) {
    return [`Content-Type: message/rfc822${p.type}`, `Content-Disposition: attachment${p.disposition}`, '', a.bytes.toString('utf8')].join('\r\n');
  }
  const lines = [`Content-Type: ${a.contentType}${p.type}`, 'Content-Transfer-Encoding: base64'];
  if (a.inlineCid) lines.push(`Content-ID: <${a.inlineCid}>`, `Content-Disposition: inline${p.disposition}`);
  else lines.push(`Content-Disposition: attachment${p.disposition}`);
  return [...lines, '', base64Lines(a.bytes)].join('\r\n');
}

/** A multipart body; its boundary is a hash of the parts (never in them, and the same parts give the same bytes). */
function multipart(subtype: string, parts: string[]): string {
  const boundary = `----=_cg_${subtype}_${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16)}`;
  return [`Content-Type: multipart/${subtype}; boundary="${boundary}"`, '', ...parts.map((p) => `--${boundary}\r\n${p}`), `--${boundary}--`, ''].join(
    '\r\n',
  );
}

/** A real RFC 5322 / MIME message: multipart/mixed with base64 attachments, inline images in multipart/related. */
export function buildEml(opts: BuildMailOpts): Buffer {
  const headers = [`From: ${mimeAddress(opts.from)}`];
  if (opts.to.length) headers.push(`To: ${opts.to.map(mimeAddress).join(', ')}`);
  if (opts.cc?.length) headers.push(`Cc: ${opts.cc.map(mimeAddress).join(', ')}`);
  if (opts.bcc?.length) headers.push(`Bcc: ${opts.bcc.map(mimeAddress).join(', ')}`);
  headers.push(`Subject: ${encodeWord(opts.subject)}`);
  if (opts.date) headers.push(`Date: ${opts.date.toUTCString().replace('GMT', '+0000')}`);
  if (opts.messageId) headers.push(`Message-ID: ${angle(opts.messageId)}`);
  if (opts.inReplyTo) headers.push(`In-Reply-To: ${angle(opts.inReplyTo)}`);
  if (opts.references?.length) headers.push(`References: ${opts.references.map(angle).join(' ')}`);
  headers.push('MIME-Version: 1.0');

  const inline = (opts.attachments ?? []).filter((a) => a.inlineCid);
  const attached = (opts.attachments ?? []).filter((a) => !a.inlineCid);
  let htmlPart = opts.html !== undefined ? textPart('html', opts.html) : undefined;
  if (htmlPart && inline.length) htmlPart = multipart('related', [htmlPart, ...inline.map(attachmentPart)]);
  const textOnly = opts.text !== undefined ? textPart('plain', opts.text) : undefined;
  let body: string;
  if (textOnly && htmlPart) body = multipart('alternative', [textOnly, htmlPart]);
  else body = htmlPart ?? textOnly ?? textPart('plain', '');
  const top = attached.length ? multipart('mixed', [body, ...attached.map(attachmentPart)]) : body;
  return Buffer.from(`${headers.join('\r\n')}\r\n${top}`, 'utf8');
}

// ---- MSG ----------------------------------------------------------------------------------------------------------

type Prop = { tag: number; value: Buffer };

const utf16 = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf16le');
const propTag = (tag: number): string => tag.toString(16).toUpperCase().padStart(8, '0');

function fileTime(d: Date): Buffer {
  const b = Buffer.alloc(8);
  const ft = BigInt(d.getTime()) * 10_000n + 116_444_736_000_000_000n;
  b.writeBigUInt64LE(ft);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** Writes one object's streams (substg + properties) under `base` ('' = root). */
function writeObject(cfb: CFB.CFB$Container, base: string, props: Prop[], fixed: Prop[], header: Buffer): void {
  const entries: Buffer[] = [header];
  for (const p of props) {
    CFB.utils.cfb_add(cfb, `${base}/__substg1.0_${propTag(p.tag)}`, p.value);
    const e = Buffer.alloc(16);
    e.writeUInt32LE(p.tag >>> 0, 0);
    e.writeUInt32LE(6, 4);
    e.writeUInt32LE(p.value.length, 8);
    entries.push(e);
  }
  for (const p of fixed) {
    const e = Buffer.alloc(16);
    e.writeUInt32LE(p.tag >>> 0, 0);
    e.writeUInt32LE(6, 4);
    p.value.copy(e, 8, 0, 8);
    entries.push(e);
  }
  CFB.utils.cfb_add(cfb, `${base}/__properties_version1.0`, Buffer.concat(entries));
}

function messageProps(opts: BuildMsgOpts): { props: Prop[]; fixed: Prop[] } {
  const sender = splitAddress(opts.from);
  const props: Prop[] = [
    { tag: 0x001a001f, value: utf16('IPM.Note') },
    { tag: 0x0037001f, value: utf16(opts.subject) },
    { tag: 0x0c1a001f, value: utf16(sender.name ?? sender.address) },
  ];
  if (opts.exchangeSender) {
    const cn = sender.address.split('@')[0].toUpperCase();
    props.push(
      { tag: 0x0c1e001f, value: utf16('EX') },
      { tag: 0x0c1f001f, value: utf16(`/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=${cn}`) },
    );
  } else {
    props.push({ tag: 0x0c1e001f, value: utf16('SMTP') }, { tag: 0x0c1f001f, value: utf16(sender.address) });
  }
  props.push({ tag: 0x5d01001f, value: utf16(sender.address) });
  if (opts.text !== undefined) props.push({ tag: 0x1000001f, value: utf16(opts.text) });
  if (opts.html !== undefined) props.push({ tag: 0x10130102, value: Buffer.from(opts.html, 'utf8') });
  const ids = !opts.idsOnlyInTransportHeaders;
  if (opts.messageId && ids) props.push({ tag: 0x1035001f, value: utf16(angle(opts.messageId)) });
  if (opts.inReplyTo && ids) props.push({ tag: 0x1042001f, value: utf16(angle(opts.inReplyTo)) });
  if (opts.references?.length || !ids) {
    if (opts.references?.length && ids) props.push({ tag: 0x1039001f, value: utf16(opts.references.map(angle).join(' ')) });
    const transport = [`Subject: ${encodeWord(opts.subject)}`];
    if (opts.messageId) transport.push(`Message-ID: ${angle(opts.messageId)}`);
    if (opts.inReplyTo) transport.push(`In-Reply-To: ${angle(opts.inReplyTo)}`);
    if (opts.references?.length) transport.push(`References: ${opts.references.map(angle).join(' ')}`);
    transport.push('', '');
    props.push({ tag: 0x007d001f, value: utf16(transport.join('\r\n')) });
  }
  const fixed: Prop[] = [
    { tag: 0x3fde0003, value: u32(65001) },
    { tag: 0x0e070003, value: u32(opts.attachments?.length || opts.embeddedMessages?.length ? 0x11 : 0x01) },
  ];
  if (opts.date) fixed.push({ tag: 0x00390040, value: fileTime(opts.date) }, { tag: 0x0e060040, value: fileTime(opts.date) });
  return { props, fixed };
}

function writeMessage(cfb: CFB.CFB$Container, base: string, opts: BuildMsgOpts, embedded: boolean): void {
  const recipients: Array<{ s: string; type: number }> = [
    ...opts.to.map((s) => ({ s, type: 1 })),
    ...(opts.cc ?? []).map((s) => ({ s, type: 2 })),
    ...(opts.bcc ?? []).map((s) => ({ s, type: 3 })),
  ];
  const attachments = opts.attachments ?? [];
  const embeds = opts.embeddedMessages ?? [];
  const attachmentCount = attachments.length + embeds.length;
  const { props, fixed } = messageProps(opts);
  const header = Buffer.alloc(embedded ? 24 : 32);
  header.writeUInt32LE(recipients.length, 8);
  header.writeUInt32LE(attachmentCount, 12);
  header.writeUInt32LE(recipients.length, 16);
  header.writeUInt32LE(attachmentCount, 20);
  writeObject(cfb, base, props, fixed, header);

  recipients.forEach((r, i) => {
    const { name, address } = splitAddress(r.s);
    const dir = `${base}/__recip_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}`;
    writeObject(
      cfb,
      dir,
      [
        { tag: 0x3001001f, value: utf16(name ?? address) },
        { tag: 0x3002001f, value: utf16('SMTP') },
        { tag: 0x3003001f, value: utf16(address) },
        { tag: 0x39fe001f, value: utf16(address) },
      ],
      [
        { tag: 0x0c150003, value: u32(r.type) },
        { tag: 0x0ffe0003, value: u32(6) },
      ],
      Buffer.alloc(8),
    );
  });

  attachments.forEach((a, i) => {
    const dir = `${base}/__attach_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}`;
    const p: Prop[] = [{ tag: 0x370e001f, value: utf16(a.contentType) }];
    if (a.linkOnly) p.push({ tag: 0x3708001f, value: utf16(`\\\\fileserver\\share\\${a.filename}`) });
    else p.push({ tag: 0x37010102, value: a.bytes });
    if (a.filename) {
      const dot = a.filename.lastIndexOf('.');
      p.push(
        { tag: 0x3707001f, value: utf16(a.filename) },
        { tag: 0x3704001f, value: utf16(a.filename) },
        { tag: 0x3001001f, value: utf16(a.filename) },
      );
      if (dot > 0) p.push({ tag: 0x3703001f, value: utf16(a.filename.slice(dot)) });
    }
    if (a.inlineCid) p.push({ tag: 0x3712001f, value: utf16(a.inlineCid) });
    writeObject(cfb, dir, p, [{ tag: 0x37050003, value: u32(a.linkOnly ? 2 : 1) }], Buffer.alloc(8));
  });

  embeds.forEach((e, j) => {
    const i = attachments.length + j;
    const dir = `${base}/__attach_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}`;
    writeObject(
      cfb,
      dir,
      [
        { tag: 0x3001001f, value: utf16(e.name) },
        { tag: 0x370e001f, value: utf16('application/vnd.ms-outlook') },
      ],
      [{ tag: 0x37050003, value: u32(5) }],
      Buffer.alloc(8),
    );
    writeMessage(cfb, `${dir}/__substg1.0_3701000D`, e.message, true);
  });
}

/** A real Outlook .msg compound file ([MS-OXMSG]) written with `cfb`: properties, recipients, attachments. */
export function buildMsg(opts: BuildMsgOpts): Buffer {
  const cfb = CFB.utils.cfb_new();
  writeMessage(cfb, '', opts, false);
  // Named-property mapping storage (empty tables): present in every Outlook-written file.
  for (const t of ['00020102', '00030102', '00040102']) CFB.utils.cfb_add(cfb, `/__nameid_version1.0/__substg1.0_${t}`, Buffer.alloc(0));
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Buffer);
}
