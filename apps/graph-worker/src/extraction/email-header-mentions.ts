import type { EmailMetadata } from '@casegraph/contracts';
import { type DocumentText, locateHeaderEntries } from '@casegraph/graph';
import type { ExtractedMention } from './entity-extractor';

/** method of the header mentions (entity_mentions.method). */
export const EMAIL_HEADER_METHOD = 'email:header';

/**
 * The mentions an e-mail's headers state for certain (document_metadata.email, located on its 'email-headers'
 * page): a PERSON for each display name (not when the name is only the address), an EMAIL for each address;
 * attributes.emailField = from | to | cc | bcc | reply-to and attributes.emailEntry = the entry's position in
 * its field, so the relationships stage pairs a name with its address (HAS_ADDRESS) and knows who sent and who
 * received. A "Last, First" name carries the key and display "First Last". Sorted, never overlapping.
 */
export function emailHeaderMentions(doc: DocumentText, meta: EmailMetadata): ExtractedMention[] {
  const out: ExtractedMention[] = [];
  for (const e of locateHeaderEntries(doc, meta)) {
    const attributes = { emailField: e.field, emailEntry: e.entry };
    if (e.name) {
      out.push({
        type: 'PERSON',
        text: e.name.text,
        start: e.name.start,
        end: e.name.end,
        confidence: 1,
        method: EMAIL_HEADER_METHOD,
        ...(e.personName ? { key: e.personName, display: e.personName } : {}),
        attributes,
      });
    }
    if (e.address) {
      out.push({
        type: 'EMAIL',
        text: e.address.text,
        start: e.address.start,
        end: e.address.end,
        confidence: 1,
        method: EMAIL_HEADER_METHOD,
        attributes,
      });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The header mentions with the extractor's: an extracted mention that overlaps a header mention (the same
 * address found by the e-mail pattern, a name read as an organisation, half a name) gives way to it.
 */
export function withHeaderMentions(found: ExtractedMention[], header: ExtractedMention[]): ExtractedMention[] {
  if (!header.length) return found;
  const spans = header.map((m) => [m.start, m.end] as const);
  // both lists are sorted: a linear sweep over the header spans
  let i = 0;
  const kept = found.filter((m) => {
    while (i < spans.length && spans[i][1] <= m.start) i++;
    for (let j = i; j < spans.length && spans[j][0] < m.end; j++) if (spans[j][1] > m.start) return false;
    return true;
  });
  return [...kept, ...header].sort((a, b) => a.start - b.start || a.end - b.end);
}
