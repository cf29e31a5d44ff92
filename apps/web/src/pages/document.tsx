/**
 * One document: its header (name, status, format, Bates, family, download), its text page by page with the entities
 * marked by type (each a link to the entity) or its original (PDF pages drawn by PDF.js), and the parties, judges,
 * court and citations beside it. Everything shown from the document is text (React children), never HTML.
 */
import { KeyboardEvent, useEffect, useMemo, useRef } from 'react';
import { api } from '../api';
import { navigate, useLocation, withParams } from '../router';
import { ErrorBox, Loading, useAsync, useInterval } from '../ui';
import { visibleName } from '../text';
import { DocumentHeader } from './document/header';
import type { DocumentEntities, DocumentView } from './document/model';
import { OriginalView } from './document/original-view';
import { SidePanel } from './document/side-panel';
import { TextView } from './document/text-view';
import { searchTerms } from './search/query';

const VIEWS = [
  { id: 'text', label: 'Text' },
  { id: 'original', label: 'Original' },
] as const;
type View = (typeof VIEWS)[number]['id'];

function Tabs({ view, onView }: { view: View; onView: (v: View) => void }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKey = (e: KeyboardEvent) => {
    const i = VIEWS.findIndex((v) => v.id === view);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % VIEWS.length
        : e.key === 'ArrowLeft'
          ? (i + VIEWS.length - 1) % VIEWS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? VIEWS.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    onView(VIEWS[next].id);
    refs.current[next]?.focus();
  };
  return (
    <div className="doc-tabs" role="tablist" aria-label="View" onKeyDown={onKey}>
      {VIEWS.map((v, i) => (
        <button
          key={v.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${v.id}`}
          aria-selected={view === v.id}
          aria-controls={`panel-${v.id}`}
          tabIndex={view === v.id ? 0 : -1}
          className={view === v.id ? 'active' : ''}
          onClick={() => onView(v.id)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}

function GoToPage({ pageCount, onPage }: { pageCount: number; onPage: (n: number) => void }) {
  if (pageCount < 2) return null;
  return (
    <form
      className="go-to-page"
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(new FormData(e.currentTarget).get('page'));
        if (Number.isInteger(n) && n >= 1 && n <= pageCount) onPage(n);
      }}
    >
      <label htmlFor="go-to-page">Go to page</label>
      <input id="go-to-page" name="page" type="number" min={1} max={pageCount} required />
      <span className="muted">of {pageCount}</span>
      <button type="submit" className="secondary">
        Go
      </button>
    </form>
  );
}

const BUSY = new Set(['pending', 'processing']);

export function DocumentPage({ projectUuid, documentUuid }: { projectUuid: string; documentUuid: string }) {
  const loc = useLocation();
  const asked = Number(loc.query.get('page'));
  const focusPage = Number.isInteger(asked) && asked >= 1 ? asked : null;
  const view: View = loc.query.get('view') === 'original' ? 'original' : 'text';
  const q = loc.query.get('q') ?? '';
  const terms = useMemo(() => searchTerms(q), [q]);

  const doc = useAsync((signal) => api.get<DocumentView>(`/v1/documents/${documentUuid}`, undefined, signal), [documentUuid]);
  const busy = !!doc.data && BUSY.has(doc.data.status);
  useInterval(doc.reload, 3000, busy);
  const ocrDone = doc.data?.stages.ocr.status === 'completed';
  const firstPage = Math.max(1, Math.min(focusPage ?? 1, doc.data?.pageCount ?? 1));
  // The summary with the mentions of the first page shown (the text view takes them from here, not asking twice).
  const entities = useAsync(
    (signal) =>
      doc.data
        ? api.get<DocumentEntities>(`/v1/documents/${documentUuid}/entities`, doc.data.pageCount ? { page: firstPage } : undefined, signal)
        : Promise.resolve(undefined),
    [documentUuid, !!doc.data, ocrDone, doc.data?.status === 'completed'],
  );

  useEffect(() => {
    if (doc.data) document.title = `${visibleName(doc.data.filename)} · CaseGraph`;
  }, [doc.data]);

  if (doc.error && !doc.data) return <ErrorBox title="This document cannot be opened" error={doc.error} />;
  if (!doc.data) return <Loading label="Loading the document…" />;
  const d = doc.data;
  const pageCount = entities.data?.pageCount ?? 0;
  const setView = (v: View) => navigate(withParams(loc, { view: v === 'text' ? null : v }), { replace: true });
  const goTo = (n: number) => navigate(withParams(loc, { page: n }), { replace: true });

  return (
    <section className="document-page">
      <DocumentHeader projectUuid={projectUuid} doc={d} />
      <div className="grid-2 doc-body">
        <div className="doc-main">
          <div className="doc-toolbar">
            <Tabs view={view} onView={setView} />
            {view === 'text' ? <GoToPage pageCount={pageCount} onPage={goTo} /> : null}
            {terms.length ? (
              <span className="muted terms-note">
                Marked: <mark>{terms.join(', ')}</mark>
              </span>
            ) : null}
          </div>
          <div role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`} className="doc-panel">
            {view === 'original' ? (
              <OriginalView doc={d} focusPage={focusPage} />
            ) : !ocrDone ? (
              <p className="empty" role="status">
                {d.status === 'failed'
                  ? `The text could not be extracted: ${d.error ?? 'the reading failed'}.`
                  : `The text is being extracted (${d.stages.ocr.status}); this page updates by itself.`}
              </p>
            ) : entities.error ? (
              <ErrorBox error={entities.error} />
            ) : !entities.data ? (
              <Loading label="Loading the text…" />
            ) : pageCount === 0 ? (
              <p className="empty">This document has no text.</p>
            ) : (
              <TextView
                projectUuid={projectUuid}
                documentUuid={documentUuid}
                pageCount={pageCount}
                focusPage={focusPage}
                terms={terms}
                seed={{ page: firstPage, entities: entities.data }}
              />
            )}
          </div>
        </div>
        <SidePanel projectUuid={projectUuid} documentUuid={documentUuid} summary={entities.data?.summary} />
      </div>
    </section>
  );
}
