import {
  CanonicalEntity,
  CurationAction,
  CurationRule,
  DocumentChunk,
  DocumentOccurrence,
  DocumentPage,
  DocumentSecret,
  EntityMention,
  Project,
  RelationshipContribution,
  RelationshipStaging,
  SourceDocument,
  TextractJob,
} from './entities';
import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema';
import { GraphEntityTrigramLookup1764400000000 } from './migrations/1764400000000-graph-entity-trigram-lookup';
import { EntityMentionKeyLookup1764500000000 } from './migrations/1764500000000-entity-mention-key-lookup';
import { AdoptLegacyDatabase1764600000000 } from './migrations/1764600000000-adopt-legacy-database';
import { AliasesJsonbOffsetsUnknown1764700000000 } from './migrations/1764700000000-aliases-jsonb-offsets-unknown';
import { MentionRolesAttributes1764800000000 } from './migrations/1764800000000-mention-roles-attributes';
import { TypedEdgesCuration1764900000000 } from './migrations/1764900000000-typed-edges-curation';
import { DocumentSourcedEdges1765000000000 } from './migrations/1765000000000-document-sourced-edges';
import { DocumentFormats1765100000000 } from './migrations/1765100000000-document-formats';
import { PageSearch1765200000000 } from './migrations/1765200000000-page-search';

export const ENTITIES = [
  Project,
  SourceDocument,
  DocumentPage,
  DocumentChunk,
  EntityMention,
  CanonicalEntity,
  RelationshipStaging,
  RelationshipContribution,
  TextractJob,
  CurationAction,
  CurationRule,
  DocumentOccurrence,
  DocumentSecret,
];

/** In order. Migrations are classes, not globs, so bundled builds run them too. */
export const MIGRATIONS = [
  InitialSchema1764300000000,
  GraphEntityTrigramLookup1764400000000,
  EntityMentionKeyLookup1764500000000,
  AdoptLegacyDatabase1764600000000,
  AliasesJsonbOffsetsUnknown1764700000000,
  MentionRolesAttributes1764800000000,
  TypedEdgesCuration1764900000000,
  DocumentSourcedEdges1765000000000,
  DocumentFormats1765100000000,
  PageSearch1765200000000,
];
