/**
 * Full-text search of a project's pages (GET /v1/projects/:p/search): the query and its filters live in the URL,
 * each hit links to its document at its page with the words marked. Snippets are text with [start, end) ranges,
 * rendered as text nodes and <mark> elements, never as HTML.
 */
import { FormEvent, useEffect, useState } from 'react';
import { api } from '../api';
import { Link, navigate, paths, useLocation, withParams } from '../router';
import { Empty, ErrorBox, FileName, Highlighted, Loading, PageTitle, Pager, useAsync } from '../ui';
import { ENTITY_TYPES } from './entity/model';
import { EntityPicker } from './search/entity-picker';
import { DOCUMENT_TYPES, PAGE_SIZE, SearchFilters, apiQuery, filterChange, filtersFromQuery, hasFilters } from './search/query';

interface SearchHit {
  documentUuid: string;
  filename: string;
  page: number | null;
  snippet: string;
  highlights: Array<[number, number]>;
  score: number;
  bates: string | null;
  documentType: string | null;
}

interface SearchAnswer {
  total: number;
  /** false: more pages match than the server counts (total is its cap). */
  totalIsExact?: boolean;
  page: number;
  pageSize: number;
  items: SearchHit[];
}

/** The document page at the hit's page, with the search words for marking. */
function hitPath(projectUuid: string, hit: SearchHit, q: string): string {
  const base = paths.document(projectUuid, hit.documentUuid, hit.page ?? undefined);
  return `${base}${base.includes('?') ? '&' : '?'}q=${encodeURIComponent(q)}`;
}

function SyntaxHelp() {
  return (
    <details className="syntax-help">
      <summary>How to search</summary>
      <ul>
        <li>
          Words find their forms: <code>dismiss</code> also finds “dismissed” and “dismissal”.
        </li>
        <li>
          <code>"exact phrase"</code> finds those words together, exactly as written.
        </li>
        <li>
          <code>mandamus or prohibition</code> finds either word.
        </li>
        <li>
          <code>-settlement</code> leaves out pages with that word.
        </li>
        <li>
          Citations: <code>"410 U.S. 113"</code>, <code>§ 1983</code>, <code>"42 U.S.C. § 1983"</code>, <code>F.3d</code>.
        </li>
      </ul>
    </details>
  );
}

function BatesFilter({ value, onApply }: { value: string; onApply: (v: string | null) => void }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(v.trim() || null);
  };
  return (
    <form className="field" onSubmit={submit}>
      <label htmlFor="search-bates">Bates</label>
      <input
        id="search-bates"
        type="text"
        value={v}
        placeholder="ABC0001 or ABC0001-ABC0100"
        onChange={(e) => setV(e.target.value)}
        onBlur={() => v.trim() !== value && onApply(v.trim() || null)}
        spellCheck={false}
      />
    </form>
  );
}

function Filters({
  projectUuid,
  f,
  set,
}: {
  projectUuid: string;
  f: SearchFilters;
  set: (c: Partial<Record<keyof SearchFilters, string | null>>) => void;
}) {
  return (
    <div className="filters search-filters" role="group" aria-label="Filters">
      <div className="field">
        <label htmlFor="search-types">Entity type</label>
        <select id="search-types" value={f.types[0] ?? ''} onChange={(e) => set({ types: e.target.value || null })}>
          <option value="">Any</option>
          {ENTITY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <EntityPicker projectUuid={projectUuid} value={f.entity} onChange={(uuid) => set({ entity: uuid })} />
      <div className="field">
        <label htmlFor="search-from">From</label>
        <input id="search-from" type="date" value={f.from} max={f.to || undefined} onChange={(e) => set({ from: e.target.value || null })} />
      </div>
      <div className="field">
        <label htmlFor="search-to">To</label>
        <input id="search-to" type="date" value={f.to} min={f.from || undefined} onChange={(e) => set({ to: e.target.value || null })} />
      </div>
      <div className="field">
        <label htmlFor="search-doctype">Document type</label>
        <select id="search-doctype" value={f.documentType} onChange={(e) => set({ documentType: e.target.value || null })}>
          <option value="">Any</option>
          {DOCUMENT_TYPES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <BatesFilter value={f.bates} onApply={(v) => set({ bates: v })} />
      {hasFilters(f) ? (
        <button
          type="button"
          className="secondary"
          onClick={() => set({ types: null, entity: null, from: null, to: null, documentType: null, bates: null })}
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

function NoResults({ f, clear }: { f: SearchFilters; clear: () => void }) {
  const words = f.q.split(/\s+/).filter(Boolean).length;
  return (
    <div className="empty search-empty" role="status">
      <p>
        No results for <strong className="query">{f.q}</strong>.
      </p>
      <ul>
        {hasFilters(f) ? (
          <li>
            The filters may hide it:{' '}
            <button type="button" className="link-button" onClick={clear}>
              search without filters
            </button>
            .
          </li>
        ) : null}
        {words > 1 ? <li>Try fewer words: every word must be on the same page.</li> : null}
        {f.q.includes('"') ? <li>A phrase in quotes must match exactly; try it without the quotes.</li> : null}
        <li>Check the spelling, or try another form of the word or a synonym.</li>
        <li>A document still being read (OCR) is found once its text is extracted.</li>
      </ul>
    </div>
  );
}

export function SearchPage({ projectUuid }: { projectUuid: string }) {
  const loc = useLocation();
  const f = filtersFromQuery(loc.query);
  const key = loc.query.toString();
  const set = (changes: Partial<Record<keyof SearchFilters, string | null>>) =>
    navigate(withParams(loc, filterChange(changes)), { replace: !('page' in changes) });
  const result = useAsync(
    (signal) => (f.q ? api.get<SearchAnswer>(`/v1/projects/${projectUuid}/search`, apiQuery(f), signal) : Promise.resolve(undefined)),
    [projectUuid, key],
  );
  const data = f.q ? result.data : undefined;

  return (
    <section className="search-page">
      <PageTitle>{f.q ? `Search: ${f.q}` : 'Search'}</PageTitle>
      <Filters projectUuid={projectUuid} f={f} set={set} />
      <SyntaxHelp />
      {!f.q ? (
        <Empty>Type words, a phrase in quotes or a citation in the search box above, then press Search.</Empty>
      ) : result.error ? (
        <ErrorBox title="The search failed" error={result.error} />
      ) : !data ? (
        <Loading label="Searching…" />
      ) : (
        <>
          <p className="result-count" role="status" aria-live="polite">
            {data.total.toLocaleString('en-US')}
            {data.totalIsExact === false ? '+ results' : data.total === 1 ? ' result' : ' results'}
            {result.loading ? <span className="muted"> (updating…)</span> : null}
          </p>
          {data.total === 0 ? (
            <NoResults f={f} clear={() => set({ types: null, entity: null, from: null, to: null, documentType: null, bates: null })} />
          ) : (
            <ol className="search-results" aria-label="Search results" start={(data.page - 1) * data.pageSize + 1}>
              {data.items.map((hit, i) => (
                <li key={`${hit.documentUuid}-${hit.page ?? 0}-${i}`} className="search-hit">
                  <div className="hit-head">
                    <Link to={hitPath(projectUuid, hit, f.q)} className="hit-link">
                      <FileName name={hit.filename} />
                      {hit.page ? <span className="hit-page">, page {hit.page}</span> : null}
                    </Link>
                    {hit.bates ? <span className="bates mono">{hit.bates}</span> : null}
                    {hit.documentType ? <span className="badge doc-type">{hit.documentType}</span> : null}
                  </div>
                  <p className="snippet">
                    <Highlighted text={hit.snippet} ranges={hit.highlights ?? []} />
                  </p>
                </li>
              ))}
            </ol>
          )}
          <Pager page={data.page} pageSize={data.pageSize || PAGE_SIZE} total={data.total} onPage={(p) => set({ page: String(p) })} />
        </>
      )}
    </section>
  );
}
