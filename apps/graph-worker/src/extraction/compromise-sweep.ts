/**
 * A faster drop-in for compromise's `methods.one.bulkMatch` (the step of its tagger that runs its ~570 correction
 * rules, "postTagger", over each sentence), with the same result.
 *
 * compromise picks the rules worth trying on a sentence by walking every one of its ~730 rule hooks (words and
 * tags) and asking whether the sentence has it, for each comma-separated piece of each sentence; on court
 * opinions that walk was more than half of the postTagger's time. This version walks the piece's own words and
 * tags instead and puts the hits back into the hooks' order, so the same rules are tried in the same order on
 * the same terms (the tags a later rule sees depend on that order). Checked against compromise's own
 * bulkMatch in compromise-sweep.spec.ts.
 */
import nlp from 'compromise';

/** One parsed rule of compromise's match net (only the fields the sweep reads). */
interface NetRule {
  match: string;
  needs: string[];
  wants: string[];
  minWant: number;
  minWords: number;
  ifNo?: string[];
}
export interface MatchNet {
  hooks: Record<string, NetRule[]>;
  always: NetRule[];
}
interface SweepMethods {
  one: {
    cacheDoc(document: unknown[][]): Array<Set<string>>;
    match(docs: unknown[][], rule: NetRule): { ptrs: number[][] };
  };
}
type BulkMatch = (document: unknown[][], net: MatchNet, methods: SweepMethods, opts?: { matchOne?: boolean }) => unknown[];

/**
 * Each net's hook keys in compromise's order (Object.keys of the hooks object), each hook's rules with a number
 * per distinct match string (compromise drops a rule whose match string it has already queued for the piece).
 */
interface NetIndex {
  index: Map<string, number>;
  rules: Array<Array<{ rule: NetRule; id: number }>>;
  ids: number;
}
const netIndex = new WeakMap<MatchNet, NetIndex>();

function indexOf(net: MatchNet): NetIndex {
  let o = netIndex.get(net);
  if (!o) {
    const keys = Object.keys(net.hooks);
    const ids = new Map<string, number>();
    const rules = keys.map((k) =>
      net.hooks[k].map((rule) => {
        let id = ids.get(rule.match);
        if (id === undefined) ids.set(rule.match, (id = ids.size));
        return { rule, id };
      }),
    );
    o = { index: new Map(keys.map((k, i) => [k, i])), rules, ids: ids.size };
    netIndex.set(net, o);
  }
  return o;
}

/** Whether compromise's trimDown and tooSmall keep the rule for a sentence with these words and tags. */
function applies(rule: NetRule, haves: Set<string>, termCount: number): boolean {
  if (termCount < rule.minWords) return false;
  for (const need of rule.needs) if (!haves.has(need)) return false;
  if (rule.ifNo !== undefined && rule.ifNo.some((no) => haves.has(no))) return false;
  if (rule.wants.length) {
    let found = 0;
    for (const want of rule.wants) if (haves.has(want)) found++;
    if (found < rule.minWant) return false;
  }
  return true;
}

let seen = new Uint32Array(0);
let stamp = 0;

export const fastBulkMatch: BulkMatch = (document, net, methods, opts = {}) => {
  const docCache = methods.one.cacheDoc(document);
  const { index, rules, ids } = indexOf(net);
  if (seen.length < ids) seen = new Uint32Array(ids);
  const results: unknown[] = [];
  for (let n = 0; n < document.length; n++) {
    const haves = docCache[n];
    const termCount = document[n].length;
    const hits: number[] = [];
    for (const item of haves) {
      const i = index.get(item);
      if (i !== undefined) hits.push(i);
    }
    hits.sort((a, b) => a - b);
    // compromise: concatenate the hooks' rules in hook order, drop repeated match strings, then filter.
    if (++stamp === 0xffffffff) {
      seen.fill(0);
      stamp = 1;
    }
    const todo: NetRule[] = [];
    for (const i of hits) {
      for (const { rule, id } of rules[i]) {
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
        if (applies(rule, haves, termCount)) todo.push(rule);
      }
    }
    for (const rule of net.always) if (termCount >= rule.minWords) todo.push(rule);
    for (const rule of todo) {
      const res = methods.one.match([document[n]], rule);
      if (res.ptrs.length > 0) {
        for (const ptr of res.ptrs) {
          ptr[0] = n;
          // compromise's runMatch: a copy of the rule with where it matched.
          results.push({ ...rule, pointer: ptr });
        }
        if (opts.matchOne === true) return [results[0]];
      }
    }
  }
  return results;
};

interface CompromiseWorld {
  methods: { one: { bulkMatch: BulkMatch } };
}

/** compromise's own bulkMatch, as it was before installFastSweep (for the spec). */
export const compromiseBulkMatch: BulkMatch = (nlp.world() as unknown as CompromiseWorld).methods.one.bulkMatch;

/** Makes compromise (process-wide: it has one world) use fastBulkMatch. Idempotent. */
export function installFastSweep(): void {
  (nlp.world() as unknown as CompromiseWorld).methods.one.bulkMatch = fastBulkMatch;
}
