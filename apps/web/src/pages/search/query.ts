/**
 * The search page's state lives in the URL (`?q=&types=&entity=&from=&to=&documentType=&bates=&page=`), so a search
 * can be bookmarked, shared and reloaded; these turn it into the API's query and back, and pick out the words a
 * document view marks.
 */
import type { Query } from '../../api';

export interface SearchFilters {
  q: string;
  types: string[];
  entity: string;
  from: string;
  to: string;
  documentType: string;
  bates: string;
  page: number;
}

/** The formats GET /search filters on (documentType), with the words a user knows them by. */
export const DOCUMENT_TYPES: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'pdf', label: 'PDF' },
  { id: 'docx', label: 'Word (.docx)' },
  { id: 'eml', label: 'E-mail (.eml)' },
  { id: 'msg', label: 'Outlook message (.msg)' },
  { id: 'image', label: 'Image (PNG, JPEG, TIFF)' },
  { id: 'html', label: 'HTML page' },
  { id: 'text', label: 'Plain text' },
  { id: 'zip', label: 'ZIP archive' },
];

export const PAGE_SIZE = 20;

const list = (v: string | null) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function filtersFromQuery(query: URLSearchParams): SearchFilters {
  const page = Number(query.get('page'));
  const date = (k: string) => {
    const v = query.get(k) ?? '';
    return DATE.test(v) ? v : '';
  };
  return {
    q: (query.get('q') ?? '').trim(),
    types: list(query.get('types')),
    entity: query.get('entity') ?? '',
    from: date('from'),
    to: date('to'),
    documentType: list(query.get('documentType')).join(','),
    bates: (query.get('bates') ?? '').trim(),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The query of GET /v1/projects/:p/search for these filters (empty ones left out). */
export function apiQuery(f: SearchFilters): Query {
  return {
    q: f.q,
    page: f.page,
    pageSize: PAGE_SIZE,
    types: f.types,
    entity: f.entity,
    from: f.from,
    to: f.to,
    documentType: f.documentType,
    bates: f.bates,
  };
}

/** The URL changes for a new filter value: any change but paging goes back to page 1. */
export function filterChange(changes: Partial<Record<keyof SearchFilters, string | null>>): Record<string, string | null> {
  return { ...changes, page: 'page' in changes ? (changes.page ?? null) : null };
}

/** True when any filter besides q is set (the empty state then suggests removing them). */
export function hasFilters(f: SearchFilters): boolean {
  return !!(f.types.length || f.entity || f.from || f.to || f.documentType || f.bates);
}

/**
 * The words and phrases of a web-search query that a document shows marked: quoted phrases whole, other words
 * alone; `or`, excluded `-words` and lone punctuation left out. Longest first, so a phrase wins over its words.
 */
export function searchTerms(q: string): string[] {
  const out = new Set<string>();
  const rest = q.replace(/"([^"]*)"/g, (_, phrase: string) => {
    const p = phrase.replace(/\s+/g, ' ').trim();
    if (p) out.add(p);
    return ' ';
  });
  for (const w of rest.split(/\s+/)) {
    if (!w || w.startsWith('-') || /^or$/i.test(w)) continue;
    const word = w.replace(/^[^\p{L}\p{N}§¶]+|[^\p{L}\p{N}.]+$/gu, '');
    if (word && /[\p{L}\p{N}]/u.test(word)) out.add(word);
  }
  return [...out].sort((a, b) => b.length - a.length);
}
