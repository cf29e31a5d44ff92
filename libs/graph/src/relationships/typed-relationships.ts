import {
  EMAIL_HEADER_FIELDS,
  EMAIL_RECIPIENT_ROLES,
  EVIDENCE_SNIPPET_CHARS,
  JUDGE_ROLES,
  MAX_EVIDENCE_PER_DOCUMENT,
  PARTY_ROLES,
  type TypedRelationshipType,
} from '@casegraph/contracts';
import type { Span } from '../text/sentences';

/** A linked mention of the document as the typed builder reads it (entity_mentions, offsets in code points). */
export interface GraphMention {
  canonicalUuid: string;
  entityType: string;
  /** entity_mentions.role: 'judge' | 'party' | 'counsel' | 'law_firm' | null. */
  role: string | null;
  attributes: Record<string, unknown> | null;
  normalizedKey: string | null;
  /** null: unknown offsets (an old row): counted, never evidence. */
  start: number | null;
  end: number | null;
  chunkUuid: string | null;
}

/** Merged into the aggregate edge: arrays distinct and sorted, count summed. */
export interface TypedProperties {
  count?: number;
  pins?: string[];
  signals?: string[];
  roles?: string[];
}

export interface TypedContribution {
  source: string;
  target: string;
  type: TypedRelationshipType;
  weight: number;
  properties: TypedProperties;
  /** Chunk ids of the supporting mentions (sorted). */
  evidence: string[];
  /** The first supporting spans in document order (at most MAX_EVIDENCE_PER_DOCUMENT). */
  occurrences: Span[];
}

export interface TypedOptions {
  /** The document's text between two code-point offsets; without it a judge's every panel mention counts. */
  between?: (start: number, end: number) => string;
}

/**
 * What may separate two names of one bench list: commas, "and", titles ("Chief Judge", "Circuit Judges", "J.", "JJ."),
 * "WE CONCUR:", signature lines ("____", "/s/").
 */
const BENCH_GLUE =
  /^(?:[\s,;:.&_]|\/s\/|\band\b|\bchief\b|\bsenior\b|\bcircuit\b|\bassociate\b|\bpresiding\b|\bacting\b|\bjudges?\b|\bjustices?\b|\bjj?\.|\b[cpa]\.\s?j\.|\bwe\b|\bconcurs?\b|\bconcurring\b)*$/i;
/** Longest gap (white space collapsed) between two names of one bench list. */
const BENCH_GAP = 60;

function inBenchList(m: GraphMention, judges: GraphMention[], between: (start: number, end: number) => string): boolean {
  if (!isPlaced(m)) return false;
  return judges.some((o) => {
    if (o === m || o.canonicalUuid === m.canonicalUuid || !isPlaced(o)) return false;
    const [a, z] = o.start < m.start ? [o.end, m.start] : [m.end, o.start];
    if (z < a) return false;
    const gap = between(a, z).replace(/_+/g, '_').replace(/\s+/g, ' ');
    return gap.length <= BENCH_GAP && BENCH_GLUE.test(gap);
  });
}

/** A case name and its reporter cite (or two parallel cites) closer than this (", ") are one citation. */
const SAME_CITATION_GAP = 3;
/** Without a marked caption court: the first COURT mention this close to the top. */
const CAPTION_COURT_REACH = 3000;

/** Opposite sides by role word, for parties whose mentions carry no attributes.side. */
const OPPOSITE: ReadonlyArray<readonly [string, string]> = [
  ['plaintiff', 'defendant'],
  ['petitioner', 'respondent'],
  ['claimant', 'respondent'],
  ['relator', 'respondent'],
  ['movant', 'respondent'],
  ['appellant', 'appellee'],
  ['cross-appellant', 'cross-appellee'],
];
/** Counsel "for the State" / "for the People": a caption party whose key names that government. */
const GOVERNMENT_WORDS = new Set(['state', 'people', 'commonwealth', 'united states', 'government']);
const PARTY_ROLE_SET = new Set<string>(PARTY_ROLES);
const JUDGE_ROLE_SET = new Set<string>(JUDGE_ROLES);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((x): x is string => !!x) : str(v) ? [str(v)!] : []);
const attr = (m: GraphMention, name: string): unknown => m.attributes?.[name];
const isPlaced = (m: GraphMention): m is GraphMention & { start: number; end: number } => m.start !== null && m.end !== null;
const byOffset = (a: GraphMention, b: GraphMention) => (a.start ?? Infinity) - (b.start ?? Infinity) || (a.end ?? Infinity) - (b.end ?? Infinity);

/** "Plaintiffs" -> "plaintiff", "Cross Appellant" -> "cross-appellant"; undefined when not a role word. */
export function partyRoleWord(raw: unknown): string | undefined {
  const w = str(raw)
    ?.toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .replace(/^(cross|third party|third-party)\s/, (x) => x.trim().replace(' ', '-') + '-')
    .replace(/-+/g, '-')
    .replace(/^third-party-defendant(s?)$/, 'third-party defendant$1');
  if (!w) return undefined;
  if (PARTY_ROLE_SET.has(w)) return w;
  return w.endsWith('s') && PARTY_ROLE_SET.has(w.slice(0, -1)) ? w.slice(0, -1) : undefined;
}

/** What supports one contribution: the spans of evidence and the chunks they lie in. */
interface Support {
  spans: Span[];
  chunks: Array<string | null>;
}

const supportOf = (ms: GraphMention[]): Support => ({
  spans: ms.filter(isPlaced).map((m) => ({ start: m.start, end: m.end })),
  chunks: ms.map((m) => m.chunkUuid),
});

/** Collects one edge's weight, properties and support per (type, source, target). */
class Builder {
  private readonly edges = new Map<string, { c: TypedContribution; spans: Span[]; chunks: Set<string> }>();

  add(type: TypedRelationshipType, source: string, target: string, weight: number, properties: TypedProperties, support: Support): void {
    if (source === target) return;
    const key = `${type}|${source}|${target}`;
    let e = this.edges.get(key);
    if (!e) {
      e = { c: { source, target, type, weight: 0, properties: {}, evidence: [], occurrences: [] }, spans: [], chunks: new Set() };
      this.edges.set(key, e);
    }
    e.c.weight += weight;
    const p = e.c.properties;
    if (properties.count !== undefined) p.count = (p.count ?? 0) + properties.count;
    for (const k of ['pins', 'signals', 'roles'] as const) {
      const values = properties[k];
      if (values?.length) p[k] = [...new Set([...(p[k] ?? []), ...values])].sort();
    }
    e.spans.push(...support.spans);
    for (const c of support.chunks) if (c) e.chunks.add(c);
  }

  result(): TypedContribution[] {
    const out = [...this.edges.values()].map(({ c, spans, chunks }) => {
      const seen = new Set<string>();
      const occurrences = spans
        .sort((a, b) => a.start - b.start || a.end - b.end)
        .filter((s) => {
          const k = `${s.start}:${s.end}`;
          return !seen.has(k) && !!seen.add(k);
        })
        .slice(0, MAX_EVIDENCE_PER_DOCUMENT);
      return { ...c, evidence: [...chunks].sort(), occurrences };
    });
    return out.sort((a, b) => cmp(a.type, b.type) || cmp(a.source, b.source) || cmp(a.target, b.target));
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The typed edges one document asserts, from its linked mentions and what the legal grammar says about them
 * (role, attributes). Missing attributes give no edge rather than a guessed one:
 * - CITES document -> CASE (every citation form but the caption) and STATUTE; one citation = the adjacent mentions
 *   of one case ("Caldwell v. Ferris", "512 F.3d 1104"); properties {count, pins, signals}.
 * - PARTY_TO party -> the caption CASE (attributes.caseKey, else its caption's index, else the only caption);
 *   properties.roles = attributes.party and attributes.appealRole (a party without either only with a caseKey).
 * - ADVERSE_TO party <-> party on opposite sides of one caption (attributes.side, else opposite role words),
 *   stored once with source < target.
 * - REPRESENTS counsel / law firm -> the party named by attributes.forParty, else every party whose role is
 *   attributes.for; properties.roles = the role words.
 * - JUDGE_OF judge -> each caption CASE; properties.roles from attributes.judgeRole (default 'panel'); never a judge
 *   of a cited case (attributes.cited); a mere 'panel' mention only in a bench list, and not of another court.
 * - DECIDED_BY caption CASE -> the caption's COURT (attributes.caption; else the COURT whose courtId is the
 *   caption's; else the first COURT mention near the top).
 */
export function typedContributions(documentUuid: string, mentions: GraphMention[], options: TypedOptions = {}): TypedContribution[] {
  const all = [...mentions].sort(byOffset);
  const b = new Builder();

  // ---- the caption's case(s) and court
  const captions = all.filter((m) => m.entityType === 'CASE' && attr(m, 'kind') === 'caption');
  const captionUuids = new Set(captions.map((m) => m.canonicalUuid));
  const captionOf = (m: GraphMention): string | undefined => {
    const caseKey = str(attr(m, 'caseKey'));
    const byKey = caseKey !== undefined ? captions.find((c) => c.normalizedKey === caseKey) : undefined;
    if (byKey) return byKey.canonicalUuid;
    const index = attr(m, 'captionIndex');
    const byIndex = typeof index === 'number' ? captions.find((c) => attr(c, 'captionIndex') === index) : undefined;
    if (byIndex) return byIndex.canonicalUuid;
    return captionUuids.size === 1 ? captions[0].canonicalUuid : undefined;
  };

  // ---- CITES
  const cited = all.filter(
    (m) => (m.entityType === 'CASE' && attr(m, 'kind') !== 'caption' && !captionUuids.has(m.canonicalUuid)) || m.entityType === 'STATUTE',
  );
  const byEntity = new Map<string, GraphMention[]>();
  for (const m of cited) byEntity.set(m.canonicalUuid, [...(byEntity.get(m.canonicalUuid) ?? []), m]);
  for (const [entity, ms] of byEntity) {
    // group adjacent mentions into citations
    const citations: GraphMention[][] = [];
    for (const m of ms) {
      const last = citations[citations.length - 1]?.at(-1);
      if (last && sameCitation(last, m)) citations[citations.length - 1].push(m);
      else citations.push([m]);
    }
    const pins = ms.flatMap((m) => strs(attr(m, 'pin')));
    const signals = ms.flatMap((m) => strs(attr(m, 'signal')).map((x) => x.toLowerCase().replace(/,$/, '')));
    const spans = citations.flatMap((c) => {
      const placed = c.filter(isPlaced);
      return placed.length ? [{ start: placed[0].start, end: Math.max(...placed.map((x) => x.end)) }] : [];
    });
    b.add('CITES', documentUuid, entity, citations.length, { count: citations.length, pins, signals }, { spans, chunks: ms.map((m) => m.chunkUuid) });
  }

  // ---- parties: PARTY_TO, and what ADVERSE_TO / REPRESENTS need
  interface PartyEntity {
    uuid: string;
    roles: Set<string>;
    /** caption (its CASE uuid, or '' when unknown) -> sides stated */
    sides: Map<string, Set<number>>;
    keys: Set<string>;
    government: boolean;
    mentions: GraphMention[];
  }
  const parties = new Map<string, PartyEntity>();
  for (const m of all) {
    if (m.role !== 'party' || (m.entityType !== 'PERSON' && m.entityType !== 'ORG')) continue;
    const p = parties.get(m.canonicalUuid) ?? {
      uuid: m.canonicalUuid,
      roles: new Set<string>(),
      sides: new Map<string, Set<number>>(),
      keys: new Set<string>(),
      government: false,
      mentions: [],
    };
    parties.set(m.canonicalUuid, p);
    p.mentions.push(m);
    if (m.normalizedKey) p.keys.add(m.normalizedKey);
    if (attr(m, 'government') === true) p.government = true;
    const roles = [partyRoleWord(attr(m, 'party')), partyRoleWord(attr(m, 'appealRole'))].filter((r): r is string => !!r);
    for (const r of roles) p.roles.add(r);
    const caption = captionOf(m);
    const side = attr(m, 'side');
    if (side === 0 || side === 1) {
      const at = caption ?? '';
      p.sides.set(at, (p.sides.get(at) ?? new Set<number>()).add(side));
    }
    // a party with no role word counts only when its mention names the caption it belongs to ("In re X")
    const linked = str(attr(m, 'caseKey')) !== undefined;
    if (caption && (roles.length || linked)) b.add('PARTY_TO', m.canonicalUuid, caption, 1, { roles }, supportOf([m]));
  }

  // ADVERSE_TO: per caption, parties with one stated side each on different sides; else opposite role words
  const list = [...parties.values()].sort((x, y) => cmp(x.uuid, y.uuid));
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [p, q] = [list[i], list[j]];
      let adverse = 0;
      const shared = [...p.sides.keys()].filter((c) => q.sides.has(c));
      for (const c of shared) {
        const [sp, sq] = [p.sides.get(c)!, q.sides.get(c)!];
        if (sp.size === 1 && sq.size === 1 && [...sp][0] !== [...sq][0]) adverse++;
      }
      if (!shared.length && !(p.sides.size && q.sides.size) && opposed(p.roles, q.roles)) adverse = 1;
      if (!adverse) continue;
      // evidence: the two parties' first mentions (the caption), as one span when they are close
      const [mp, mq] = [p.mentions[0], q.mentions[0]];
      const support = supportOf([mp, mq]);
      if (isPlaced(mp) && isPlaced(mq) && Math.max(mp.end, mq.end) - Math.min(mp.start, mq.start) <= EVIDENCE_SNIPPET_CHARS) {
        support.spans = [{ start: Math.min(mp.start, mq.start), end: Math.max(mp.end, mq.end) }];
      }
      b.add('ADVERSE_TO', p.uuid, q.uuid, adverse, {}, support);
    }
  }

  // REPRESENTS
  const partyByKey = new Map<string, string>();
  for (const p of list) for (const k of p.keys) partyByKey.set(k, p.uuid);
  for (const m of all) {
    if (!((m.role === 'counsel' && m.entityType === 'PERSON') || (m.role === 'law_firm' && m.entityType === 'ORG'))) continue;
    const forParty = str(attr(m, 'forParty'));
    const named = forParty !== undefined ? partyByKey.get(forParty) : undefined;
    const words = [...strs(attr(m, 'for')), ...(forParty !== undefined && !named ? [forParty] : [])].map((w) => w.toLowerCase());
    const roles = [
      ...new Set(words.map((w) => partyRoleWord(w) ?? (GOVERNMENT_WORDS.has(w) ? w : undefined)).filter((w): w is string => !!w)),
    ].sort();
    const targets = named
      ? [named]
      : list.filter((p) => roles.some((r) => (GOVERNMENT_WORDS.has(r) ? governs(p, r) : p.roles.has(r)))).map((p) => p.uuid);
    for (const t of targets) b.add('REPRESENTS', m.canonicalUuid, t, 1, { roles: roles.filter((r) => PARTY_ROLE_SET.has(r)) }, supportOf([m]));
  }

  // JUDGE_OF
  const judges = all.filter((m) => m.role === 'judge' && m.entityType === 'PERSON' && attr(m, 'cited') !== true);
  const markedCourt = all.find((m) => m.entityType === 'COURT' && attr(m, 'caption') === true);
  const benchCourtId =
    (markedCourt && str(attr(markedCourt, 'courtId'))) ?? captions.map((c) => str(attr(c, 'courtId'))).find((x) => x !== undefined);
  for (const m of captionUuids.size ? judges : []) {
    // ("(Frankfurter, J., concurring)" after a cited case, attributes.cited, is a judge of that case: left out above)
    const stated = strs(attr(m, 'judgeRole'))
      .map((r) => r.toLowerCase())
      .filter((r) => JUDGE_ROLE_SET.has(r));
    const roles = stated.length ? stated : ['panel'];
    if (attr(m, 'alsoDissent') === true) roles.push('dissent');
    // A judge only named ("Judge Meier appointed two experts", "[Hon. X, U.S. District Judge]", "Justice Stevens would
    // have granted the stay") is no judge of this case: a panel mention counts when it is in a bench list with
    // another judge ("Before A, B, and C, Circuit Judges", "WE CONCUR: A, J. B, J.") and is not of another court.
    if (roles.length === 1 && roles[0] === 'panel' && options.between) {
      const court = str(attr(m, 'courtId'));
      if (court !== undefined && benchCourtId !== undefined && court !== benchCourtId) continue;
      if (!inBenchList(m, judges, options.between)) continue;
    }
    for (const c of captionUuids) b.add('JUDGE_OF', m.canonicalUuid, c, 1, { roles }, supportOf([m]));
  }

  // DECIDED_BY
  if (captionUuids.size) {
    const courts = all.filter((m) => m.entityType === 'COURT');
    const captionCourtId = captions.map((c) => str(attr(c, 'courtId'))).find((x) => x !== undefined);
    const court =
      courts.find((m) => attr(m, 'caption') === true) ??
      (captionCourtId !== undefined ? courts.find((m) => str(attr(m, 'courtId')) === captionCourtId) : undefined) ??
      courts.find((m) => isPlaced(m) && m.start < CAPTION_COURT_REACH);
    if (court) for (const c of captionUuids) b.add('DECIDED_BY', c, court.canonicalUuid, 1, {}, supportOf([court]));
  }

  emailContributions(documentUuid, all, b);
  return b.result();
}

const EMAIL_FIELD_SET = new Set<string>(EMAIL_HEADER_FIELDS);
const RECIPIENT_SET = new Set<string>(EMAIL_RECIPIENT_ROLES);

/**
 * The e-mail edges, from the header mentions (attributes.emailField, attributes.emailEntry; written by the
 * extraction stage from document_metadata.email): per entry its PERSON (display name) and EMAIL (address) mention.
 * - SENT: each From entry (its PERSON, else its EMAIL) -> the document;
 * - RECEIVED: the document -> each To / Cc / Bcc entry (PERSON, else EMAIL), roles = the fields;
 * - HAS_ADDRESS: PERSON -> EMAIL of one entry (every field, Reply-To too).
 * Evidence: the entry as written on the header page (name through address).
 */
function emailContributions(documentUuid: string, all: GraphMention[], b: Builder): void {
  const entries = new Map<string, { field: string; person?: GraphMention; email?: GraphMention }>();
  for (const m of all) {
    const field = attr(m, 'emailField');
    const entry = attr(m, 'emailEntry');
    if (typeof field !== 'string' || !EMAIL_FIELD_SET.has(field) || typeof entry !== 'number') continue;
    const key = `${field}|${entry}`;
    const e = entries.get(key) ?? { field };
    entries.set(key, e);
    if (m.entityType === 'EMAIL') e.email ??= m;
    else e.person ??= m;
  }
  for (const { field, person, email } of entries.values()) {
    const ms = [person, email].filter((m): m is GraphMention => !!m);
    const placed = ms.filter(isPlaced);
    const support: Support = {
      spans: placed.length ? [{ start: Math.min(...placed.map((m) => m.start)), end: Math.max(...placed.map((m) => m.end)) }] : [],
      chunks: ms.map((m) => m.chunkUuid),
    };
    const party = person ?? email;
    if (party && field === 'from') b.add('SENT', party.canonicalUuid, documentUuid, 1, {}, support);
    if (party && RECIPIENT_SET.has(field)) b.add('RECEIVED', documentUuid, party.canonicalUuid, 1, { roles: [field] }, support);
    if (person && email) b.add('HAS_ADDRESS', person.canonicalUuid, email.canonicalUuid, 1, {}, support);
  }
}

/**
 * Whether `next` continues the citation `prev` belongs to: a case name just before its reporter cite, short cite
 * or supra ("Caldwell v. Ferris Grain Co., 512 F.3d 1104"; "Dunmore, supra"), or a parallel reporter cite.
 */
function sameCitation(prev: GraphMention, next: GraphMention): boolean {
  if (!isPlaced(prev) || !isPlaced(next) || next.start - prev.end > SAME_CITATION_GAP) return false;
  const [a, b] = [attr(prev, 'kind'), attr(next, 'kind')];
  return ((a === 'name' || a === 'shortname') && (b === 'full' || b === 'short' || b === 'supra')) || (a === 'full' && b === 'full');
}

/** Whether some role of one party is the opposite of some role of the other, and no role is shared. */
function opposed(a: Set<string>, b: Set<string>): boolean {
  if ([...a].some((r) => b.has(r))) return false;
  return OPPOSITE.some(([x, y]) => (a.has(x) && b.has(y)) || (a.has(y) && b.has(x)));
}

/** Whether a party is the government counsel say they appear for ("for the State"). */
function governs(p: { keys: Set<string>; government: boolean }, word: string): boolean {
  if (word === 'government') return p.government;
  return [...p.keys].some((k) => new RegExp(`(?:^|\\s)${word}(?:\\s|$)`).test(k));
}
