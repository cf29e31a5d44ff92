import type { DocumentSummary } from '@casegraph/contracts';
import { partyRoleWord } from '@casegraph/graph';

/** One linked mention of the document, as the summary reads it. */
export interface SummaryMention {
  entityUuid: string;
  type: string;
  role: string | null;
  attributes: Record<string, unknown> | null;
  /** The page it is on (null: its offsets are unknown). */
  page: number | null;
  /** Document-absolute start (code points), for document order; null when unknown. */
  start: number | null;
}

/** One of the document's typed edge contributions (relationship_contributions), as the graph worker stored it. */
export interface SummaryContribution {
  type: string;
  source: string;
  target: string;
  properties: Record<string, unknown> | null;
}

export type { DocumentSummary, SummaryEntity } from '@casegraph/contracts';

const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && !!x.trim()).map((x) => x.trim());

interface Acc {
  entityUuid: string;
  type: string;
  roles: Set<string>;
  mentions: number;
  firstPage: number | null;
  first: number;
  /** Ordering within the bucket before document order (the caption side of a party; the caption court first). */
  rank: number;
}

/**
 * The document's parties (with their roles), judges (with theirs; a judge named in a cited case's parenthetical,
 * `cited: true`, is not one of them), courts (the caption's first), the cases and statutes it cites (with their
 * signals) and its own cases (the captions'), from its mentions and the typed edges the graph worker stored for
 * it (PARTY_TO and JUDGE_OF roles, DECIDED_BY, CITES signals), so an entity the worker linked only by an edge is
 * there too. Names come from `names` (the canonical entities of the project); an entity without one is left out
 * (rejected or of another project). Each list in document order.
 */
export function documentSummary(
  mentions: readonly SummaryMention[],
  contributions: readonly SummaryContribution[],
  names: ReadonlyMap<string, { name: string; type: string }>,
): DocumentSummary {
  const buckets = {
    parties: new Map<string, Acc>(),
    judges: new Map<string, Acc>(),
    courts: new Map<string, Acc>(),
    citations: new Map<string, Acc>(),
    cases: new Map<string, Acc>(),
  };
  type Bucket = keyof typeof buckets;
  const acc = (bucket: Bucket, uuid: string, type: string): Acc => {
    let a = buckets[bucket].get(uuid);
    if (!a) {
      a = { entityUuid: uuid, type, roles: new Set(), mentions: 0, firstPage: null, first: Infinity, rank: Infinity };
      buckets[bucket].set(uuid, a);
    }
    return a;
  };
  const seen = (a: Acc, m: SummaryMention, rank: number) => {
    a.mentions++;
    a.rank = Math.min(a.rank, rank);
    if (m.start !== null && m.start < a.first) {
      a.first = m.start;
      a.firstPage = m.page;
    }
    if (a.firstPage === null && m.page !== null) a.firstPage = m.page;
  };

  for (const m of mentions) {
    const attr = m.attributes ?? {};
    if (m.role === 'party') {
      const a = acc('parties', m.entityUuid, m.type);
      const side = typeof attr.side === 'number' ? attr.side : 2;
      seen(a, m, side);
      const role = partyRoleWord(attr.party);
      if (role) a.roles.add(role);
    } else if (m.role === 'judge') {
      if (attr.cited === true) continue;
      const a = acc('judges', m.entityUuid, m.type);
      seen(a, m, attr.judgeRole === 'author' ? 0 : 1);
      for (const r of strings(attr.judgeRole)) a.roles.add(r);
    } else if (m.type === 'COURT') {
      seen(acc('courts', m.entityUuid, m.type), m, attr.caption === true ? 0 : 1);
    } else if (m.type === 'CASE' && attr.kind === 'caption') {
      seen(acc('cases', m.entityUuid, m.type), m, 0);
    } else if (m.type === 'CASE' || m.type === 'STATUTE' || m.type === 'CITATION') {
      const a = acc('citations', m.entityUuid, m.type);
      seen(a, m, 0);
      for (const s of strings(attr.signal)) a.roles.add(s);
    }
  }

  for (const c of contributions) {
    const roles = strings(c.properties?.roles);
    const add = (bucket: Bucket, uuid: string, values: string[], rank: number) => {
      const a = buckets[bucket].get(uuid) ?? acc(bucket, uuid, names.get(uuid)?.type ?? '');
      a.rank = Math.min(a.rank, rank);
      for (const r of values) a.roles.add(r);
    };
    if (c.type === 'PARTY_TO') add('parties', c.source, roles, 2);
    else if (c.type === 'JUDGE_OF') add('judges', c.source, roles, roles.includes('author') ? 0 : 1);
    else if (c.type === 'DECIDED_BY') add('courts', c.target, [], 0);
    else if (c.type === 'CITES') add('citations', c.target, strings(c.properties?.signals), 0);
  }

  const out = {} as DocumentSummary;
  for (const bucket of Object.keys(buckets) as Bucket[]) {
    out[bucket] = [...buckets[bucket].values()]
      .filter((a) => names.has(a.entityUuid))
      .sort((x, y) => x.rank - y.rank || x.first - y.first || (x.entityUuid < y.entityUuid ? -1 : 1))
      .map((a) => {
        const n = names.get(a.entityUuid)!;
        return { entityUuid: a.entityUuid, name: n.name, type: n.type, roles: [...a.roles].sort(), mentions: a.mentions, firstPage: a.firstPage };
      });
  }
  return out;
}
