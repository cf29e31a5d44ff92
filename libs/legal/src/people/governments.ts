import { displayName, isStateName, nameKey, stateIn, stateOfPostal, STATES } from './names';

/**
 * Governments as parties: always ORG, never LOCATION, never a court. Keys:
 * "United States (of America)" -> `united states`; "State of Ohio" -> `state of ohio`; "Commonwealth of
 * Kentucky" -> `commonwealth of kentucky`; "The People of the State of New York" -> `people of the state of
 * new york`; a bare "The State" / "the Commonwealth" / "the People" takes the key of the full form the caption
 * named, else the document's state ("state of georgia" when the court is Georgia's), else `state` /
 * `commonwealth` / `people`.
 */
export interface GovernmentContext {
  /** The state of the document's court, when known ("Georgia"). */
  docState?: string;
  /** Keys of the governments the caption named, by kind: { state: 'state of ohio', united: 'united states' }. */
  named: Partial<Record<'united' | 'state' | 'commonwealth' | 'people', string>>;
}

const UNITED = /^(?:the\s+)?united\s+states(?:\s+of\s+america)?$/i;
const FULL = /^(?:the\s+)?(state|commonwealth|territory|people\s+of\s+the\s+state|people\s+of\s+the\s+commonwealth|people)\s+of\s+(.+)$/i;
const BARE = /^(?:the\s+)?(state|commonwealth|people|government)$/i;
const COMMONWEALTHS = new Set(['kentucky', 'massachusetts', 'pennsylvania', 'virginia', 'puerto rico']);

export interface Government {
  key: string;
  kind: 'united' | 'state' | 'commonwealth' | 'people';
  /** A bare reference ("the State") rather than a full name. */
  bare: boolean;
}

/** Whether the name is a government's, and its key. */
export function governmentOf(name: string, ctx: GovernmentContext): Government | undefined {
  const text = name
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/['’]s$/, '');
  if (UNITED.test(text)) return { key: 'united states', kind: 'united', bare: false };
  let m = FULL.exec(text);
  if (m && isStateName(m[2])) {
    const word = m[1].toLowerCase().replace(/\s+/g, ' ');
    const kind = word.startsWith('people') ? 'people' : word === 'commonwealth' ? 'commonwealth' : 'state';
    return { key: nameKey(`${word} of ${m[2]}`), kind, bare: false };
  }
  m = BARE.exec(text);
  if (m) {
    const word = m[1].toLowerCase();
    const state = ctx.docState?.toLowerCase();
    if (word === 'government') {
      return ctx.named.united ? { key: ctx.named.united, kind: 'united', bare: true } : undefined;
    }
    if (word === 'state') return { key: ctx.named.state ?? (state ? `state of ${state}` : 'state'), kind: 'state', bare: true };
    if (word === 'commonwealth')
      return {
        key: ctx.named.commonwealth ?? (state && COMMONWEALTHS.has(state) ? `commonwealth of ${state}` : 'commonwealth'),
        kind: 'commonwealth',
        bare: true,
      };
    return {
      key: ctx.named.people ?? (state ? `people of the state of ${state}` : 'people'),
      kind: 'people',
      bare: true,
    };
  }
  // A state's bare name as a party ("TEXAS v. ...")
  if (isStateName(text) && STATES.some((s) => s.toLowerCase() === text.toLowerCase()))
    return { key: `state of ${text.toLowerCase()}`, kind: 'state', bare: false };
  return undefined;
}

/** The state of the document's own court: the first court mention's state, else a court line near the top. */
export function documentState(text: string, courtTexts: string[], jurisdictions: string[] = []): string | undefined {
  for (const j of jurisdictions.slice(0, 1)) {
    const s = stateOfPostal(j);
    if (s) return s;
    if (j === 'US') break;
  }
  for (const c of courtTexts.slice(0, 2)) {
    const s = stateIn(c);
    if (s) return s;
  }
  const head = text.slice(0, 3000);
  const re = /^.*\b(?:COURT|Court|STATE OF|State of|COMMONWEALTH|Commonwealth)\b.*$/gm;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(head)) && n++ < 12) {
    if (/\bUnited States\b|\bUNITED STATES\b/.test(m[0]) && !/\bSTATE OF\b|\bState of\b/.test(m[0])) continue;
    const s = stateIn(m[0]);
    if (s) return s;
  }
  return undefined;
}

export function governmentDisplay(name: string): string {
  return displayName(name).replace(/^The\s+(?=State$|Commonwealth$|People$|Government$)/, 'the ');
}
