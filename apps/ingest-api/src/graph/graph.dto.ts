import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ENTITY_TYPES, EntityType, MENTION_ROLES, MentionRole, RELATIONSHIP_TYPES, RelationshipType } from '@casegraph/contracts';
import { PageMetaDto, PageQueryDto } from '../common/pagination.dto';

/**
 * csv-nodes / csv-edges: the two files Neo4j's `neo4j-admin database import` and Gephi's spreadsheet import expect;
 * csv: the one-table layout of before (record = node | edge), kept for the scripts that read it.
 */
export const EXPORT_FORMATS = ['graphml', 'cypher', 'csv-nodes', 'csv-edges', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_EVIDENCE = ['all', 'first', 'none'] as const;
export type ExportEvidence = (typeof EXPORT_EVIDENCE)[number];

/** The orders of the entity list (?sort=) and their directions (?order=). */
export const ENTITY_SORTS = ['mentions', 'documents', 'name'] as const;
export type EntitySort = (typeof ENTITY_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** ?types=ORG,PERSON or ?types=ORG&types=PERSON */
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(','))
        .map((s) => s.trim())
        .filter(Boolean);

export class EntityListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ENTITY_TYPES, description: 'Only entities of this type' })
  @IsOptional()
  @IsIn(ENTITY_TYPES, { message: `type must be one of ${ENTITY_TYPES.join(', ')}` })
  type?: EntityType;

  @ApiPropertyOptional({ enum: MENTION_ROLES, description: 'Only entities mentioned in this role (judges: type=PERSON&role=judge)' })
  @IsOptional()
  @IsIn(MENTION_ROLES, { message: `role must be one of ${MENTION_ROLES.join(', ')}` })
  role?: MentionRole;

  @ApiPropertyOptional({ maxLength: 200, description: 'Search in names and aliases (case, accents and punctuation ignored)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  // eslint-disable-next-line no-control-regex -- rejects control characters in the search text
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'q must not contain control characters' })
  q?: string;

  @ApiPropertyOptional({
    enum: ENTITY_SORTS,
    default: 'mentions',
    description: 'Order: mentions (mention count), documents (documents that mention it) or name; ties by name',
  })
  @IsOptional()
  @IsIn(ENTITY_SORTS, { message: `sort must be one of ${ENTITY_SORTS.join(', ')}` })
  sort?: EntitySort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, description: 'Direction (default: desc for mentions and documents, asc for name)' })
  @IsOptional()
  @IsIn(SORT_ORDERS, { message: `order must be one of ${SORT_ORDERS.join(', ')}` })
  order?: SortOrder;
}

/** The relationship types a graph read shows unless told otherwise: every one but MENTIONED_IN (entity -> document). */
export const DEFAULT_READ_RELATIONSHIPS: readonly RelationshipType[] = RELATIONSHIP_TYPES.filter((t) => t !== 'MENTIONED_IN');

const RELATIONSHIP_TYPES_DOC: ApiPropertyOptions = {
  type: [String],
  enum: [...RELATIONSHIP_TYPES],
  description:
    "Comma-separated relationship types (default: all but MENTIONED_IN). CITES is read from the citing document's own " +
    "caption CASE when it has one (case cites case), else from the document (a node of kind 'document'); MENTIONED_IN " +
    'brings the documents in as nodes, and so do the e-mail edges: SENT (sender -> e-mail), RECEIVED (e-mail -> ' +
    'recipient, roles to/cc/bcc) and IN_REPLY_TO (reply -> the e-mail it answers).',
  example: 'PARTY_TO,JUDGE_OF,CITES',
};

const relationshipTypesList = () =>
  applyDecorators(
    IsOptional(),
    Transform(toList),
    IsArray(),
    ArrayMaxSize(RELATIONSHIP_TYPES.length * 2),
    IsIn(RELATIONSHIP_TYPES, { each: true, message: `relationshipTypes must be a comma-separated list of ${RELATIONSHIP_TYPES.join(', ')}` }),
  );

export class GraphQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 1, description: 'Only CO_OCCURS edges with at least this weight' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  minWeight: number = 1;

  @ApiPropertyOptional({
    type: [String],
    enum: ENTITY_TYPES,
    description: 'Comma-separated entity types to include (default: all)',
    example: 'ORG,PERSON',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(ENTITY_TYPES.length)
  @IsIn(ENTITY_TYPES, { each: true, message: `types must be a comma-separated list of ${ENTITY_TYPES.join(', ')}` })
  types?: EntityType[];

  @ApiPropertyOptional({
    ...RELATIONSHIP_TYPES_DOC,
    description:
      "Comma-separated relationship types (default: all but MENTIONED_IN). CITES reads case cites case (from the citing document's " +
      'caption CASE); documents are nodes only when MENTIONED_IN is asked for (then also as the source of CITES from a document ' +
      'without a caption CASE).',
  })
  @relationshipTypesList()
  relationshipTypes?: RelationshipType[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 2000,
    default: 200,
    description:
      'Most entity nodes: up to half the ends of typed edges (taken in turn from each type, heaviest first), the rest the most ' +
      'mentioned; the documents MENTIONED_IN brings in come on top',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2000)
  limit: number = 200;
}

export class NeighbourhoodQueryDto {
  @ApiPropertyOptional({ enum: [1, 2], default: 1, description: 'Hops from the entity' })
  @IsOptional()
  @Type(() => Number)
  @IsIn([1, 2], { message: 'depth must be 1 or 2' })
  depth: 1 | 2 = 1;

  @ApiPropertyOptional({
    type: [String],
    enum: ENTITY_TYPES,
    description: 'Comma-separated entity types of the other nodes (default: all); the entity itself is always there; documents are not filtered',
    example: 'PERSON,ORG,CASE',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(ENTITY_TYPES.length * 2)
  @IsIn(ENTITY_TYPES, { each: true, message: `types must be a comma-separated list of ${ENTITY_TYPES.join(', ')}` })
  types?: EntityType[];

  @ApiPropertyOptional(RELATIONSHIP_TYPES_DOC)
  @relationshipTypesList()
  relationshipTypes?: RelationshipType[];

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 150, description: 'Most nodes, the entity included (readable views: 50–150)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 150;
}

export class ExportQueryDto {
  @ApiProperty({
    enum: EXPORT_FORMATS,
    description:
      'graphml (Gephi, yEd), cypher (Neo4j, replayable MERGE statements), csv-nodes and csv-edges (the two files of ' +
      "Neo4j's import tool and Gephi's spreadsheet import) or csv (one table, the layout of before)",
  })
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format: ExportFormat;

  @ApiPropertyOptional({
    enum: EXPORT_EVIDENCE,
    default: 'all',
    description:
      "Evidence written per edge: all (every stored occurrence, ≤ 20), first (the first only; a project's file is then " +
      'about a tenth of the size) or none; the evidence count and first snippet are written whatever the choice (none: no snippet)',
  })
  @IsOptional()
  @IsIn(EXPORT_EVIDENCE, { message: `evidence must be one of ${EXPORT_EVIDENCE.join(', ')}` })
  evidence: ExportEvidence = 'all';
}

export class EntityDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: EntityType;
  @ApiProperty({ example: 'Free Software Foundation, Inc.' }) name: string;
  @ApiProperty({ type: [String], example: ['Free Software Foundation', 'Free Software Foundation, Inc.'] }) aliases: string[];
  @ApiProperty({ example: 7 }) mentionCount: number;
  @ApiProperty({ example: 3, description: 'Documents that mention it (its MENTIONED_IN edges)' }) documentCount: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    example: { canonicalName: true },
    description: 'Fields a person fixed through curation (resolution keeps them); {} when none',
  })
  curated: Record<string, boolean>;
  @ApiProperty({ format: 'date-time' }) firstSeenAt: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
}

export class EntityPageDto extends PageMetaDto {
  @ApiProperty({ type: [EntityDto] }) items: EntityDto[];
}

export class MentionDto {
  @ApiProperty({ format: 'uuid' }) mentionUuid: string;
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ example: 'GPL-3.pdf' }) documentName: string;
  @ApiProperty({ example: 'Free Software Foundation, Inc.' }) text: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Code-point offset into the document text; null when unknown (an old row)' })
  start: number | null;
  @ApiProperty({ type: Number, nullable: true }) end: number | null;
  @ApiProperty({ type: [Number], description: 'Pages of the chunk the mention is in' }) pages: number[];
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The 1-based page the mention starts on (from the pages of the document text); null when the offsets or pages are unknown',
  })
  page: number | null;
  @ApiProperty({ example: '…Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>…', description: "'' when the offsets are unknown" })
  snippet: string;
  @ApiProperty({
    type: [Number],
    nullable: true,
    example: [21, 51],
    description: '[start, end) of the mention in `snippet` (UTF-16 indexes, as JavaScript slices); null when there is no snippet',
  })
  highlight: [number, number] | null;
  @ApiProperty() confidence: number;
  @ApiProperty({ example: 'pattern:org' }) method: string;
  @ApiProperty({ enum: MENTION_ROLES, nullable: true, description: 'What the text says the entity is here; null when nothing is stated' })
  role: MentionRole | null;
  @ApiProperty({ type: String, nullable: true, example: 'Douglas Alan Bahr', description: 'The name to show, when it differs from the text' })
  displayName: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { kind: 'full', volume: 550, reporter: 'U.S.', page: 544, pin: '570', year: 2007 },
    description: 'What the text states about the mention: party side, citation parts, statute section…',
  })
  attributes: Record<string, unknown> | null;
}

export class EntityDocumentDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty() documentName: string;
  @ApiProperty({ description: 'Mentions of the entity in the document' }) mentions: number;
}

export class NeighbourDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: EntityType;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Sentences in which both entities appear, over all documents' }) weight: number;
  @ApiProperty() documentCount: number;
}

export class EdgeEvidenceDto {
  @ApiProperty({ format: 'uuid' }) documentUuid: string;
  @ApiProperty({ type: Number, nullable: true, description: '1-based page of the occurrence; null when the document has no pages' })
  page: number | null;
  @ApiProperty({ description: 'Code-point offset into the document text' }) start: number;
  @ApiProperty() end: number;
  @ApiProperty({ example: '…The plaintiff, Rosa Hines, appeals from the judgment…', description: 'At most 240 characters around it' })
  snippet: string;
}

export class GraphNodeDto {
  @ApiProperty({ format: 'uuid', description: 'Entity UUID, or document UUID for a document node' }) id: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: ['entity', 'document'] }) kind: 'entity' | 'document';
  @ApiProperty({ enum: [...ENTITY_TYPES, 'DOCUMENT'] }) type: EntityType | 'DOCUMENT';
  @ApiProperty({ type: Number, nullable: true, description: 'null for a document' }) mentionCount: number | null;
}

export class GraphEdgeDto {
  @ApiProperty({ format: 'uuid', description: 'The stored edge (for CITES read from a caption CASE: the first of the edges it stands for)' })
  id: string;
  @ApiProperty({ format: 'uuid' }) source: string;
  @ApiProperty({ format: 'uuid' }) target: string;
  @ApiProperty({ enum: RELATIONSHIP_TYPES, example: 'PARTY_TO' }) type: RelationshipType;
  @ApiProperty({ description: 'Supporting occurrences (CO_OCCURS: sentences; CITES: citations; MENTIONED_IN: mentions)' }) weight: number;
  @ApiProperty() documentCount: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { roles: ['appellant', 'plaintiff'] },
    description: 'CITES: count, pins, signals; PARTY_TO and JUDGE_OF: roles (merged over documents); RECEIVED: roles (to, cc, bcc)',
  })
  properties: Record<string, unknown>;
  @ApiProperty({ description: 'Evidence stored for the edge (at most 20)' }) evidenceCount: number;
  @ApiProperty({ type: EdgeEvidenceDto, nullable: true, description: 'The first piece of evidence' }) evidence: EdgeEvidenceDto | null;
  @ApiPropertyOptional({ type: [String], description: 'CITES only: the citing documents' }) citingDocuments?: string[];
}

export class GraphDto {
  @ApiProperty({ type: [GraphNodeDto] }) nodes: GraphNodeDto[];
  @ApiProperty({ type: [GraphEdgeDto], description: 'Typed edges first, then by weight' }) edges: GraphEdgeDto[];
  @ApiProperty({ description: 'True when more nodes or edges matched than were returned' }) truncated: boolean;
}

export class NeighbourhoodNodeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['entity', 'document'] }) kind: 'entity' | 'document';
  @ApiProperty({ enum: [...ENTITY_TYPES, 'DOCUMENT'] }) type: EntityType | 'DOCUMENT';
  @ApiProperty({ description: "The entity's canonical name, or the document's file name" }) name: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null for a document' }) mentionCount: number | null;
  @ApiProperty({ enum: [0, 1, 2], description: '0 for the entity asked about' }) depth: number;
}

export class NeighbourhoodDto {
  @ApiProperty({ type: [NeighbourhoodNodeDto], description: 'The entity first, then depth 1 (typed edges first, heaviest first), then depth 2' })
  nodes: NeighbourhoodNodeDto[];
  @ApiProperty({ type: [GraphEdgeDto], description: 'Edges among the returned nodes, typed first, then by weight' }) edges: GraphEdgeDto[];
  @ApiProperty({ description: 'True when more nodes or edges were reachable than returned' }) truncated: boolean;
}

export class EntityRefDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ enum: ENTITY_TYPES }) type: EntityType;
  @ApiProperty() name: string;
}

export class RelatedEntityDto {
  @ApiProperty({ format: 'uuid' }) relationshipUuid: string;
  @ApiProperty({ type: EntityRefDto }) entity: EntityRefDto;
  @ApiProperty({
    type: [String],
    example: ['appellant', 'plaintiff'],
    description: 'PARTY_TO: party roles; JUDGE_OF: author, panel, dissent, concurrence; [] for the others',
  })
  roles: string[];
  @ApiProperty() weight: number;
  @ApiProperty() documentCount: number;
  @ApiProperty() evidenceCount: number;
  @ApiProperty({ type: EdgeEvidenceDto, nullable: true }) evidence: EdgeEvidenceDto | null;
}

export class EmailDocumentRoleDto {
  @ApiProperty({ format: 'uuid', description: 'The SENT or RECEIVED edge' }) relationshipUuid: string;
  @ApiProperty({ format: 'uuid', description: 'The e-mail document' }) documentUuid: string;
  @ApiProperty({ example: 'settlement.eml', description: "The e-mail document's file name" }) documentName: string;
  @ApiProperty({ type: String, nullable: true, example: 'Re: settlement', description: 'Its Subject header; null when it has none' })
  subject: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2024-03-02T09:00:00.000Z', description: 'Its Date header (ISO 8601); null when absent' })
  date: string | null;
  @ApiProperty({
    type: [String],
    enum: ['to', 'cc', 'bcc'],
    example: ['cc', 'to'],
    description: 'RECEIVED: the header fields that name the entity (to, cc, bcc); [] for SENT',
  })
  roles: string[];
  @ApiProperty() evidenceCount: number;
  @ApiProperty({ type: EdgeEvidenceDto, nullable: true, description: 'The first header entry that names it (page 1)' })
  evidence: EdgeEvidenceDto | null;
}

export class EntityRolesDto {
  @ApiProperty({ type: [RelatedEntityDto], description: 'PARTY_TO, outgoing: the cases it is a party to, as what' }) partyTo: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'PARTY_TO, incoming (a CASE): its parties and their roles' }) parties: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'ADVERSE_TO: parties on the other side of a caption' }) adverseTo: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'REPRESENTS, outgoing: the parties it appears for (counsel, law firm)' })
  represents: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'REPRESENTS, incoming (a party): its counsel' }) representedBy: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'JUDGE_OF, outgoing: the cases it judged, as what' }) judgeOf: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'JUDGE_OF, incoming (a CASE): its judges' }) judges: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'DECIDED_BY, outgoing (a CASE): its court' }) decidedBy: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'DECIDED_BY, incoming (a COURT): the cases it decided' }) decides: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'HAS_ADDRESS, outgoing (a PERSON): its e-mail addresses (EMAIL entities)' })
  addresses: RelatedEntityDto[];
  @ApiProperty({ type: [RelatedEntityDto], description: 'HAS_ADDRESS, incoming (an EMAIL): the persons it is the address of' })
  addressOf: RelatedEntityDto[];
  @ApiProperty({
    type: [EmailDocumentRoleDto],
    description: 'SENT (a PERSON or EMAIL): the e-mails it sent (From), newest first (at most 50; sentTotal counts them all)',
  })
  sent: EmailDocumentRoleDto[];
  @ApiProperty({ description: 'How many e-mails it sent' }) sentTotal: number;
  @ApiProperty({
    type: [EmailDocumentRoleDto],
    description:
      'RECEIVED (a PERSON or EMAIL): the e-mails it received and as what (to, cc, bcc), newest first (at most 50; receivedTotal counts them all)',
  })
  received: EmailDocumentRoleDto[];
  @ApiProperty({ description: 'How many e-mails it received' }) receivedTotal: number;
}

export class CitationDto {
  @ApiProperty({ format: 'uuid' }) relationshipUuid: string;
  @ApiProperty({ format: 'uuid', description: 'The citing document' }) documentUuid: string;
  @ApiProperty() documentName: string;
  @ApiProperty({ description: 'Citations in the document (full, short, Id., supra)' }) count: number;
  @ApiProperty({ type: [String], example: ['570', '556'] }) pins: string[];
  @ApiProperty({ type: [String], example: ['see', 'cf.'] }) signals: string[];
  @ApiProperty() evidenceCount: number;
  @ApiProperty({ type: EdgeEvidenceDto, nullable: true }) evidence: EdgeEvidenceDto | null;
}

export class CitedByDto extends CitationDto {
  @ApiProperty({ type: EntityRefDto, nullable: true, description: "The citing document's own case (its caption CASE); null when it has none" })
  citingCase: EntityRefDto | null;
}

export class CitesDto extends CitationDto {
  @ApiProperty({ type: EntityRefDto, description: 'The CASE or STATUTE cited' }) cited: EntityRefDto;
}

export class EntityDetailDto extends EntityDto {
  @ApiProperty({ type: [MentionDto], description: 'The first 50 mentions' }) mentions: MentionDto[];
  @ApiProperty() mentionsTotal: number;
  @ApiProperty({ type: [EntityDocumentDto], description: 'Documents that mention it (MENTIONED_IN), most mentions first' })
  documents: EntityDocumentDto[];
  @ApiProperty({ type: [NeighbourDto], description: 'CO_OCCURS neighbours, heaviest first (at most 50)' })
  neighbours: NeighbourDto[];
  @ApiProperty({ type: EntityRolesDto, description: 'Typed edges of the entity by kind (at most 100 each, heaviest first)' })
  roles: EntityRolesDto;
  @ApiProperty({
    type: [CitedByDto],
    description: 'CITES edges to it (a CASE or STATUTE): the citing documents and their cases, most citations first (at most 100)',
  })
  citedBy: CitedByDto[];
  @ApiProperty({
    type: [CitesDto],
    description: 'For a caption CASE: what its documents cite, most citations first (at most 200); [] for anything else',
  })
  cites: CitesDto[];
}
