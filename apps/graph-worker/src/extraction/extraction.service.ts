import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EmailMetadata } from '@casegraph/contracts';
import { type DocumentText, recountMentions } from '@casegraph/graph';
import { rowsOf } from '@casegraph/pipeline';
import { ChunkRow, chunkOfSpan } from '../chunking/chunking.service';
import { mentionUuidOf } from '../pipeline/ids';
import { normalizeEntity } from '../resolution/normalizer';
import { emailHeaderMentions, withHeaderMentions } from './email-header-mentions';
import { ENTITY_EXTRACTOR, EntityExtractor, ExtractedMention } from './entity-extractor';

export interface MentionRow extends ExtractedMention {
  mentionUuid: string;
  chunkUuid: string | null;
  normalizedKey: string;
}

/**
 * A mention's entity key. The legal grammar gives one where the text alone does not tell (a short form,
 * `Id.` and `supra` carry their case's key, a defined short name its full name's, a judge
 * `judge <surname> <court>`): CASE, STATUTE, COURT and judge keys are used as given; a person's or
 * organisation's given key is a name, normalised like any other (honorifics, legal forms). Without one,
 * the text's key.
 */
export function mentionKey(m: Pick<ExtractedMention, 'type' | 'text' | 'key'>): string {
  if (m.key === undefined || m.key === '') return normalizeEntity(m.type, m.text);
  if ((m.type === 'PERSON' || m.type === 'ORG') && !m.key.startsWith('judge ')) return normalizeEntity(m.type, m.key);
  return m.key;
}

/** Stage 2: entity mentions at document-absolute offsets, each with its chunk and normalised key. */
@Injectable()
export class ExtractionService {
  constructor(@Inject(ENTITY_EXTRACTOR) private readonly extractor: EntityExtractor) {}

  get extractorName(): string {
    return this.extractor.name;
  }

  /**
   * The extractor's mentions; for an e-mail (`email`: its headers and the document's pages) also the header
   * mentions (emailHeaderMentions), which win over an extracted mention on the same span.
   */
  async extract(
    documentUuid: string,
    text: string,
    chunks: ChunkRow[],
    email?: { doc: DocumentText; meta: EmailMetadata } | null,
  ): Promise<MentionRow[]> {
    const extracted = await this.extractor.extract(text);
    const found = email ? withHeaderMentions(extracted, emailHeaderMentions(email.doc, email.meta)) : extracted;
    return found.map((m) => ({
      ...m,
      // The id uses UTF-16 offsets; it only has to be stable for the same text.
      mentionUuid: mentionUuidOf(documentUuid, m.type, m.start, m.end),
      chunkUuid: chunkOfSpan(chunks, m.start, m.end)?.chunkUuid ?? null,
      normalizedKey: mentionKey(m),
    }));
  }

  /**
   * Replaces the document's mentions (unlinked until resolution) and recounts the canonical entities its old
   * mentions were linked to; returns those entities. With `recount: false` the caller recounts them: resolution in
   * the same transaction, which must not lock entity rows before it has taken its (project, type) locks.
   */
  async replace(
    manager: EntityManager,
    projectUuid: string,
    documentUuid: string,
    mentions: MentionRow[],
    toCodePoint: (i: number) => number = (i) => i,
    opts: { recount?: boolean } = {},
  ): Promise<string[]> {
    const old = rowsOf<{ canonical_entity_uuid: string }>(
      await manager.query(
        `WITH d AS (DELETE FROM entity_mentions WHERE document_uuid = $1 RETURNING canonical_entity_uuid)
         SELECT DISTINCT canonical_entity_uuid FROM d WHERE canonical_entity_uuid IS NOT NULL`,
        [documentUuid],
      ),
    );
    if (mentions.length) {
      const rows = mentions.map((m) => ({
        mention_uuid: m.mentionUuid,
        chunk_uuid: m.chunkUuid,
        entity_text: m.text,
        entity_type: m.type,
        start_char: toCodePoint(m.start),
        end_char: toCodePoint(m.end),
        confidence_score: m.confidence,
        method: m.method,
        normalized_key: m.normalizedKey,
        role: m.role ?? null,
        display_name: m.display ?? null,
        attributes: m.attributes ?? null,
      }));
      await manager.query(
        `INSERT INTO entity_mentions (mention_uuid, document_uuid, chunk_uuid, project_uuid, entity_text, entity_type,
                                      start_char, end_char, confidence_score, method, normalized_key, canonical_entity_uuid,
                                      role, display_name, attributes)
         SELECT r.mention_uuid, $1, r.chunk_uuid, $2, r.entity_text, r.entity_type, r.start_char, r.end_char,
                r.confidence_score, r.method, r.normalized_key, NULL, r.role, r.display_name, r.attributes
           FROM jsonb_to_recordset($3::jsonb) AS r(mention_uuid uuid, chunk_uuid uuid, entity_text text, entity_type text,
                start_char int, end_char int, confidence_score real, method text, normalized_key text,
                role text, display_name text, attributes jsonb)`,
        [documentUuid, projectUuid, JSON.stringify(rows)],
      );
    }
    const unlinked = old.map((r) => r.canonical_entity_uuid);
    if (opts.recount !== false) await recountMentions(manager, unlinked);
    return unlinked;
  }
}
