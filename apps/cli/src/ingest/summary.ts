/**
 * The summary printed after a run: documents, pages, entities by type, the top
 * relationships and the failures with their reasons. Data comes from the read API
 * (GET /v1/projects/:projectUuid/entities and /graph); field names are read
 * tolerantly so that a renamed field degrades one line, not the whole summary.
 */
import { ENTITY_TYPES } from '@casegraph/contracts';
import { ApiError, CaseGraphClient, DocumentState } from './api-client';

export interface EntityCounts {
  byType: Array<{ type: string; count: number }>;
  total: number;
  /** Set when the counts could not be read (the reason). */
  unavailable?: string;
  /** True when counted from a capped number of pages. */
  partial?: boolean;
}

export interface Relationship {
  source: string;
  target: string;
  type: string;
  weight: number;
}

type Json = Record<string, unknown>;
const str = (o: Json, ...keys: string[]) => {
  for (const k of keys) if (typeof o[k] === 'string' && o[k]) return o[k];
  return undefined;
};
const num = (o: Json, ...keys: string[]) => {
  for (const k of keys) if (typeof o[k] === 'number' && Number.isFinite(o[k])) return o[k];
  return undefined;
};
const itemsOf = (body: unknown): Json[] | undefined => {
  if (Array.isArray(body)) return body as Json[];
  const b = body as Json | undefined;
  for (const k of ['items', 'entities', 'data', 'results']) if (Array.isArray(b?.[k])) return b[k] as Json[];
  return undefined;
};
const reason = (err: unknown) => (err instanceof ApiError ? `HTTP ${err.status}: ${err.message}` : (err as Error).message);

const MAX_PAGES = 50;

/** Counts a project's canonical entities per type: one small query per type when the API reports totals. */
export async function entityCounts(client: CaseGraphClient, projectUuid: string): Promise<EntityCounts> {
  const base = `/v1/projects/${projectUuid}/entities`;
  let first: unknown;
  try {
    first = await client.get(base);
  } catch (err) {
    return { byType: [], total: 0, unavailable: reason(err) };
  }
  const firstItems = itemsOf(first);
  if (!firstItems) return { byType: [], total: 0, unavailable: 'the entities route answered in an unknown shape' };
  const total = num(first as Json, 'total', 'count');

  if (total !== undefined) {
    const byType: EntityCounts['byType'] = [];
    for (const type of ENTITY_TYPES) {
      try {
        const body = await client.get<Json>(`${base}?type=${type}`);
        const n = num(body, 'total', 'count') ?? itemsOf(body)?.length ?? 0;
        if (n > 0) byType.push({ type, count: n });
      } catch (err) {
        return { byType: [], total, unavailable: reason(err) };
      }
    }
    byType.sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
    return { byType, total };
  }

  // No totals: count the pages we can read.
  const counts = new Map<string, number>();
  let items = firstItems;
  let page = 1;
  let seen = 0;
  while (items.length) {
    for (const e of items) {
      const type = str(e, 'type', 'entityType') ?? 'UNKNOWN';
      counts.set(type, (counts.get(type) ?? 0) + 1);
      seen++;
    }
    if (++page > MAX_PAGES) break;
    try {
      items = itemsOf(await client.get(`${base}?page=${page}`)) ?? [];
    } catch {
      break;
    }
  }
  const byType = [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  return { byType, total: seen, partial: page > MAX_PAGES };
}

/** The strongest relationships of the project graph, entity to entity first. */
export async function topRelationships(
  client: CaseGraphClient,
  projectUuid: string,
  top: number,
): Promise<{ items: Relationship[]; unavailable?: string }> {
  if (top === 0) return { items: [] };
  let body: Json;
  try {
    body = await client.get<Json>(`/v1/projects/${projectUuid}/graph?limit=${Math.max(top * 5, 50)}`);
  } catch (err) {
    return { items: [], unavailable: reason(err) };
  }
  const nodes = Array.isArray(body.nodes) ? (body.nodes as Json[]) : [];
  const edges = Array.isArray(body.edges) ? (body.edges as Json[]) : undefined;
  if (!edges) return { items: [], unavailable: 'the graph route answered without edges' };
  const labels = new Map<string, string>();
  for (const n of nodes) {
    const id = str(n, 'id', 'uuid', 'entityUuid', 'key');
    const label = str(n, 'label', 'canonicalName', 'name', 'filename');
    if (id && label) labels.set(id, label);
  }
  const rels = edges
    .map((e): Relationship | undefined => {
      const s = str(e, 'source', 'from', 'sourceUuid', 'sourceId');
      const t = str(e, 'target', 'to', 'targetUuid', 'targetId');
      if (!s || !t) return undefined;
      return {
        source: labels.get(s) ?? s,
        target: labels.get(t) ?? t,
        type: str(e, 'type', 'relationshipType', 'label') ?? 'RELATED',
        weight: num(e, 'weight', 'count', 'mentionCount') ?? 1,
      };
    })
    .filter((r): r is Relationship => !!r);
  const entityToEntity = rels.filter((r) => r.type !== 'MENTIONED_IN');
  const pool = entityToEntity.length ? entityToEntity : rels;
  pool.sort((a, b) => b.weight - a.weight || a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
  return { items: pool.slice(0, top) };
}

export interface SummaryInput {
  projectName: string;
  projectUuid: string;
  documents: Array<{ label: string; doc: DocumentState | undefined }>;
  duplicates: Array<{ file: string; of: string }>;
  refused: Array<{ file: string; reason: string }>;
  skipped: Array<{ path: string; reason: string }>;
  /** A production's records the server could not read (with the load file's line). */
  unreadable?: Array<{ line: number; source: string; reason: string }>;
  unfinished: Array<{ label: string; state: string }>;
  entities: EntityCounts;
  relationships: { items: Relationship[]; unavailable?: string };
}

export function renderSummary(s: SummaryInput): string {
  const lines: string[] = [];
  const done = s.documents.filter((d) => d.doc?.status === 'completed');
  const failed = s.documents.filter((d) => d.doc?.status === 'failed');
  lines.push(`Summary for project "${s.projectName}" (${s.projectUuid})`);
  const parts = [`${done.length} completed`, `${failed.length + s.refused.length} failed`];
  if (s.unfinished.length) parts.push(`${s.unfinished.length} unfinished`);
  if (s.duplicates.length) parts.push(`${s.duplicates.length} duplicate${s.duplicates.length === 1 ? '' : 's'}`);
  if (s.skipped.length) parts.push(`${s.skipped.length} skipped`);
  if (s.unreadable?.length) parts.push(`${s.unreadable.length} unreadable record${s.unreadable.length === 1 ? '' : 's'}`);
  lines.push(`  documents      ${parts.join(', ')}`);

  const withPages = done.filter((d) => typeof d.doc?.pageCount === 'number');
  if (!done.length) {
    lines.push('  pages          none processed');
  } else if (!withPages.length) {
    lines.push('  pages          not reported (GET /v1/documents/:documentUuid has no pageCount)');
  } else {
    const total = withPages.reduce((n, d) => n + (d.doc!.pageCount as number), 0);
    const each =
      withPages.length <= 6
        ? withPages.map((d) => `${d.label} ${d.doc!.pageCount}`).join(', ')
        : `${withPages.length} documents, most in ${[...withPages].sort((a, b) => (b.doc!.pageCount as number) - (a.doc!.pageCount as number))[0].label}`;
    lines.push(`  pages          ${total} (${each})`);
  }

  if (s.entities.unavailable) {
    lines.push(`  entities       unavailable (${s.entities.unavailable})`);
  } else if (!s.entities.byType.length) {
    lines.push('  entities       none yet');
  } else {
    lines.push(`  entities       ${s.entities.total}${s.entities.partial ? '+ (first pages only)' : ''} in the project`);
    const width = Math.max(...s.entities.byType.map((t) => t.type.length));
    for (const t of s.entities.byType) lines.push(`    ${t.type.padEnd(width)}  ${String(t.count).padStart(6)}`);
  }

  if (s.relationships.unavailable) {
    lines.push(`  relationships  unavailable (${s.relationships.unavailable})`);
  } else if (!s.relationships.items.length) {
    lines.push('  relationships  none yet');
  } else {
    lines.push('  top relationships');
    for (const r of s.relationships.items) {
      lines.push(`    ${String(Number(r.weight.toFixed(2))).padStart(6)}  ${r.source} — ${r.target}  (${r.type})`);
    }
  }

  if (s.duplicates.length) {
    lines.push('  duplicates (already in the project, not processed again)');
    for (const d of s.duplicates) lines.push(`    ${d.file} = document ${d.of}`);
  }
  if (s.skipped.length) {
    lines.push('  skipped');
    for (const k of s.skipped) lines.push(`    ${k.path}: ${k.reason}`);
  }
  if (s.unreadable?.length) {
    lines.push('  unreadable (production records not imported)');
    for (const u of s.unreadable) lines.push(`    ${u.source.toUpperCase()}${u.line > 0 ? ` line ${u.line}` : ''}: ${u.reason}`);
  }
  if (failed.length || s.refused.length) {
    lines.push('  failures');
    for (const r of s.refused) lines.push(`    ${r.file}: refused by the API: ${r.reason}`);
    for (const f of failed) {
      const stage = f.doc?.failedStage ? ` in ${f.doc.failedStage}` : '';
      lines.push(`    ${f.label}: failed${stage}: ${f.doc?.error ?? 'no reason given'}`);
    }
  }
  if (s.unfinished.length) {
    lines.push('  unfinished (still running on the server; follow with GET /v1/documents/:documentUuid)');
    for (const u of s.unfinished) lines.push(`    ${u.label}: ${u.state}`);
  }
  return `${lines.join('\n')}\n`;
}
