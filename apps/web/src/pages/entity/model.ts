/**
 * The entity and curation pages' view of the API (GET entities, GET entities/:id, GET curation and the curation
 * actions' answers), and the pure decisions the pages make from it: sorting, the roles' labels, a mention's page, what
 * a logged action did and to whom, what to say when an action cannot be undone.
 */
import { ApiError } from '../../api';

/** @casegraph/contracts' ENTITY_TYPES (its index pulls Node modules into the bundle); model.spec keeps them equal. */
export const ENTITY_TYPES = [
  'PERSON',
  'ORG',
  'LOCATION',
  'DATE',
  'MONEY',
  'CASE',
  'STATUTE',
  'CASE_NUMBER',
  'CITATION',
  'COURT',
  'EMAIL',
  'PHONE',
  'URL',
] as const;

export interface EntityItem {
  uuid: string;
  type: string;
  name: string;
  aliases: string[];
  mentionCount: number;
  documentCount: number;
  curated: Record<string, boolean>;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface EntityPage {
  items: EntityItem[];
  page: number;
  pageSize: number;
  total: number;
}

export interface Mention {
  mentionUuid: string;
  documentUuid: string;
  documentName: string;
  text: string;
  start: number | null;
  end: number | null;
  pages: number[];
  page?: number | null;
  snippet: string;
  highlight?: [number, number] | null;
  role: string | null;
  displayName: string | null;
}

export interface EntityRef {
  uuid: string;
  type: string;
  name: string;
}

export interface Evidence {
  documentUuid: string;
  page: number | null;
  snippet: string;
}

export interface Related {
  relationshipUuid: string;
  entity: EntityRef;
  roles: string[];
  weight: number;
  documentCount: number;
  evidence: Evidence | null;
}

export interface EmailRole {
  relationshipUuid: string;
  documentUuid: string;
  documentName: string;
  subject: string | null;
  date: string | null;
  roles: string[];
}

export type Roles = Record<RelatedBucket, Related[]> & {
  sent: EmailRole[];
  sentTotal: number;
  received: EmailRole[];
  receivedTotal: number;
};

export interface Citation {
  relationshipUuid: string;
  documentUuid: string;
  documentName: string;
  count: number;
  pins: string[];
  signals: string[];
  evidence: Evidence | null;
  citingCase?: EntityRef | null;
  cited?: EntityRef;
}

export interface EntityDetail extends EntityItem {
  mentions: Mention[];
  mentionsTotal: number;
  documents: Array<{ documentUuid: string; documentName: string; mentions: number }>;
  neighbours: Array<EntityRef & { weight: number; documentCount: number }>;
  roles: Roles;
  citedBy: Citation[];
  cites: Citation[];
}

/** What merge, split and update answer. */
export interface CurationResult {
  uuid: string;
  type: string;
  name: string;
  aliases: string[];
  mentionCount: number;
  curated: Record<string, boolean>;
  actionUuid: string;
}

export interface RejectResult {
  actionUuid: string;
  entityUuid: string;
  unlinkedMentions: number;
  rejectedKeys: string[];
}

export interface CurationAction {
  actionUuid: string;
  kind: 'merge' | 'split' | 'update' | 'reject';
  actor: string;
  createdAt: string;
  entityUuids: string[];
  request: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  undoneAt: string | null;
  undoneBy: string | null;
}

export interface CurationPage {
  items: CurationAction[];
  page: number;
  pageSize: number;
  total: number;
}

export const SORTS = ['mentions', 'documents', 'name'] as const;
export type Sort = (typeof SORTS)[number];
export type Order = 'asc' | 'desc';

/** The sort of the list from the page's query (?sort=&order=), unknown values read as the default. */
export function readSort(sort: string | null, order: string | null): { sort: Sort; order: Order } {
  const s = (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : 'mentions';
  const o: Order = order === 'asc' || order === 'desc' ? order : defaultOrder(s);
  return { sort: s, order: o };
}

/** Counts read most-first, names A to Z. */
export function defaultOrder(sort: Sort): Order {
  return sort === 'name' ? 'asc' : 'desc';
}

/** Clicking a column header: the same column flips its direction, another starts at its natural direction. */
export function nextSort(current: { sort: Sort; order: Order }, clicked: Sort): { sort: Sort; order: Order } {
  if (current.sort === clicked) return { sort: clicked, order: current.order === 'asc' ? 'desc' : 'asc' };
  return { sort: clicked, order: defaultOrder(clicked) };
}

/** aria-sort of a column header. */
export function ariaSort(current: { sort: Sort; order: Order }, column: Sort): 'ascending' | 'descending' | 'none' {
  if (current.sort !== column) return 'none';
  return current.order === 'asc' ? 'ascending' : 'descending';
}

type RelatedBucket =
  'partyTo' | 'parties' | 'adverseTo' | 'represents' | 'representedBy' | 'judgeOf' | 'judges' | 'decidedBy' | 'decides' | 'addresses' | 'addressOf';

/** The typed relationships, each bucket with how the page says it ("Party to", "Counsel for"…), in reading order. */
export const ROLE_SECTIONS: ReadonlyArray<{ key: RelatedBucket; label: string }> = [
  { key: 'partyTo', label: 'Party to' },
  { key: 'parties', label: 'Parties' },
  { key: 'adverseTo', label: 'Adverse to' },
  { key: 'represents', label: 'Counsel for' },
  { key: 'representedBy', label: 'Represented by' },
  { key: 'judgeOf', label: 'Judge of' },
  { key: 'judges', label: 'Judges' },
  { key: 'decidedBy', label: 'Decided by' },
  { key: 'decides', label: 'Decided' },
  { key: 'addresses', label: 'E-mail addresses' },
  { key: 'addressOf', label: 'Address of' },
];

/** The non-empty role sections of an entity (roles may lack buckets when an older API answers). */
export function roleSections(roles: Partial<Roles> | undefined): Array<{ key: string; label: string; items: Related[] }> {
  if (!roles) return [];
  return ROLE_SECTIONS.map((s) => ({ ...s, items: roles[s.key] ?? [] })).filter((s) => s.items.length > 0);
}

/** A role word as shown: "law_firm" -> "law firm". */
export function roleWord(role: string): string {
  return role.replace(/_/g, ' ');
}

/** The page a mention is on: the API's page, else the first page of its chunk, else none (the document's start). */
export function mentionPage(m: Pick<Mention, 'page' | 'pages'>): number | undefined {
  if (typeof m.page === 'number' && m.page > 0) return m.page;
  const pages = (m.pages ?? []).filter((p) => p > 0);
  return pages.length ? Math.min(...pages) : undefined;
}

/** The ranges to mark in a mention's snippet: the API's highlight, else where the mention's text first appears. */
export function snippetRanges(m: Pick<Mention, 'snippet' | 'highlight' | 'text'>): Array<[number, number]> {
  if (!m.snippet) return [];
  if (m.highlight && m.highlight[1] > m.highlight[0] && m.highlight[1] <= m.snippet.length) return [[m.highlight[0], m.highlight[1]]];
  const at = m.text ? m.snippet.indexOf(m.text) : -1;
  return at >= 0 ? [[at, at + m.text.length]] : [];
}

/** The aliases typed in the dialog, one a line: trimmed, blanks dropped, repeats (ignoring case) once. */
export function parseAliases(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const a = line.trim();
    if (!a || seen.has(a.toLowerCase())) continue;
    seen.add(a.toLowerCase());
    out.push(a);
  }
  return out;
}

interface Snap {
  uuid: string;
  type: string;
  name: string;
}

function snaps(side: Record<string, unknown> | undefined): Snap[] {
  const list = side?.entities;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is Snap =>
      !!e &&
      typeof e === 'object' &&
      typeof (e as Snap).uuid === 'string' &&
      typeof (e as Snap).name === 'string' &&
      typeof (e as Snap).type === 'string',
  );
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export interface ActionSummary {
  /** One line saying what happened, with the names as text. */
  what: string;
  /** The entities involved, named as they were (before) or became (after); `exists` when it is there after the action. */
  entities: Array<Snap & { exists: boolean }>;
}

/**
 * What a logged action did, in words, from its request and before/after snapshots (the merged entities are gone
 * after a merge, so their names come from `before`).
 */
export function summarize(a: Pick<CurationAction, 'kind' | 'request' | 'before' | 'after' | 'entityUuids'>): ActionSummary {
  const before = snaps(a.before);
  const after = snaps(a.after);
  const afterIds = new Set(after.map((e) => e.uuid));
  const byId = new Map<string, Snap>();
  for (const e of [...before, ...after]) byId.set(e.uuid, e);
  const name = (uuid: string | undefined) => (uuid && byId.get(uuid)?.name) || 'an entity';
  const entities = a.entityUuids.map((u) => ({ ...(byId.get(u) ?? { uuid: u, type: '', name: u }), exists: afterIds.has(u) }));
  const r = a.request ?? {};
  switch (a.kind) {
    case 'merge': {
      const merged = Array.isArray(r.entityUuids) ? (r.entityUuids as unknown[]).filter((u): u is string => typeof u === 'string') : [];
      const into = str(r.into);
      return { what: `Merged ${merged.map((u) => `“${name(u)}”`).join(', ') || 'entities'} into “${name(into)}”`, entities };
    }
    case 'split': {
      const moved = Array.isArray(r.mentionUuids) ? r.mentionUuids.length : 0;
      const source = before[0]?.uuid ?? a.entityUuids[0];
      return {
        what: `Split ${moved} mention${moved === 1 ? '' : 's'} of “${name(source)}” into a new entity “${str(r.canonicalName) ?? '?'}”`,
        entities,
      };
    }
    case 'update': {
      const old = before[0];
      const parts: string[] = [];
      if (str(r.canonicalName) !== undefined) parts.push(`renamed to “${str(r.canonicalName)}”`);
      if (str(r.entityType) !== undefined) parts.push(`type changed${old ? ` from ${old.type}` : ''} to ${str(r.entityType)}`);
      if (Array.isArray(r.aliases)) parts.push(`aliases set (${r.aliases.length})`);
      return { what: `“${old?.name ?? name(a.entityUuids[0])}”: ${parts.join(', ') || 'changed'}`, entities };
    }
    case 'reject':
      return { what: `Marked “${before[0]?.name ?? name(a.entityUuids[0])}” as not an entity`, entities };
    default:
      return { what: String(a.kind), entities };
  }
}

/** An undo that failed, in words: a later action still holding (409 names it) or an action undone already. */
export function undoProblem(err: unknown): string {
  if (err instanceof ApiError && err.status === 409) {
    if (/already undone/i.test(err.message)) return `This action was undone already. ${err.message}.`;
    return `A later curation action on the same entities still holds, so this one cannot be undone yet: undo the later one first (see the Curation log). The server said: ${err.message}`;
  }
  if (err instanceof ApiError && err.status === 404) return 'This action is no longer in the log of this project.';
  return err instanceof Error ? err.message : 'The undo failed';
}

/** A curation failure, in words (409: a name another entity holds; 422: types differ or mentions cannot move). */
export function curationProblem(err: unknown): string {
  if (err instanceof ApiError && err.status === 409) return `Another entity already has that name and type: ${err.message}. Merge into it instead.`;
  if (err instanceof ApiError && err.status === 422) return `This cannot be done: ${err.message}`;
  if (err instanceof ApiError && err.status === 404) return 'The entity is gone (merged, split or rejected meanwhile). Reload the page.';
  return err instanceof Error ? err.message : 'The action failed';
}
