import type { EmailAddress, EmailMetadata } from '@casegraph/contracts';

/** Entries read per header field (To, Cc…); a longer list is cut there (the header page still has the rest). */
export const MAX_EMAIL_ENTRIES_PER_FIELD = 2000;
/** References ids kept (the newest ones: the last in the header). */
export const MAX_EMAIL_REFERENCES = 200;
/** Longest display name, address or message id read; a longer one is left out. */
const MAX_VALUE_CHARS = 998;

const text = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t && t.length <= MAX_VALUE_CHARS ? t : null;
};

/** A Message-ID as stored: trimmed, without angle brackets; null when empty. */
export function messageIdOf(v: unknown): string | null {
  const t = text(v);
  if (!t) return null;
  const bare = t.replace(/^<+/, '').replace(/>+$/, '').trim();
  return bare || null;
}

function addresses(v: unknown): EmailAddress[] {
  if (!Array.isArray(v)) return [];
  const out: EmailAddress[] = [];
  for (const e of v.slice(0, MAX_EMAIL_ENTRIES_PER_FIELD)) {
    if (!e || typeof e !== 'object') continue;
    const r = e as Record<string, unknown>;
    const name = text(r.name);
    const address = text(r.address)?.toLowerCase() ?? null;
    if (name === null && address === null) continue;
    out.push({ name, address });
  }
  return out;
}

/**
 * The e-mail headers of a document (source_documents.document_metadata.email), read defensively: any field may be
 * missing or of the wrong type (an old row, a hostile message); entries without a name and an address are left
 * out, lists are bounded. null when the document has no e-mail metadata.
 */
export function emailMetadataOf(documentMetadata: unknown): EmailMetadata | null {
  if (!documentMetadata || typeof documentMetadata !== 'object') return null;
  const email = (documentMetadata as Record<string, unknown>).email;
  if (!email || typeof email !== 'object' || Array.isArray(email)) return null;
  const e = email as Record<string, unknown>;
  const references = Array.isArray(e.references)
    ? e.references
        .map(messageIdOf)
        .filter((x): x is string => x !== null)
        .slice(-MAX_EMAIL_REFERENCES)
    : [];
  return {
    from: addresses(e.from),
    to: addresses(e.to),
    cc: addresses(e.cc),
    bcc: addresses(e.bcc),
    replyTo: addresses(e.replyTo),
    subject: text(e.subject),
    date: text(e.date),
    messageId: messageIdOf(e.messageId),
    inReplyTo: messageIdOf(e.inReplyTo),
    references,
    attachmentCount: typeof e.attachmentCount === 'number' && Number.isFinite(e.attachmentCount) ? e.attachmentCount : 0,
  };
}

/**
 * The Message-IDs a reply may answer, in order of preference: In-Reply-To, then References newest first; its own
 * Message-ID and repeats left out.
 */
export function replyCandidates(meta: EmailMetadata): string[] {
  const out: string[] = [];
  for (const id of [meta.inReplyTo, ...[...meta.references].reverse()]) {
    if (id && id !== meta.messageId && !out.includes(id)) out.push(id);
  }
  return out;
}
