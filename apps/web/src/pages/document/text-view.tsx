import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../../api';
import { Link, paths } from '../../router';
import { ErrorBox, Highlighted, typeClass } from '../../ui';
import { useNearViewport } from './lazy';
import { Mention, PAGE_PREFETCH, TextPage, mentionTitle, pagePieces, type DocumentEntities } from './model';

type PageState = { state: 'loading' } | { state: 'ready'; parts: TextPage[]; mentions: Mention[] } | { state: 'error'; error: unknown };

function PageText({ projectUuid, part, mentions, terms }: { projectUuid: string; part: TextPage; mentions: Mention[]; terms: string[] }) {
  const pieces = useMemo(() => pagePieces(part.text, mentions, terms), [part.text, mentions, terms]);
  return (
    <div className="page-text">
      {pieces.map((p, k) => {
        if (p.mention) {
          const m = p.mention;
          return m.entityUuid ? (
            <Link key={k} to={paths.entity(projectUuid, m.entityUuid)} className={`entity ${typeClass(m.type)}`} title={mentionTitle(m)}>
              {p.marks ? <Highlighted text={p.text} ranges={p.marks} /> : p.text}
            </Link>
          ) : (
            <span key={k} className={`entity unlinked ${typeClass(m.type)}`} title={`${mentionTitle(m)} (not resolved yet)`}>
              {p.marks ? <Highlighted text={p.text} ranges={p.marks} /> : p.text}
            </span>
          );
        }
        return p.term ? <mark key={k}>{p.text}</mark> : <span key={k}>{p.text}</span>;
      })}
    </div>
  );
}

/**
 * The document's pages of text, each a region `Page N text`, fetched (text and mentions) as they come near the
 * viewport; `focusPage` (the URL's ?page=N) is scrolled to and focused.
 */
export function TextView({
  projectUuid,
  documentUuid,
  pageCount,
  focusPage,
  terms,
  seed,
}: {
  projectUuid: string;
  documentUuid: string;
  pageCount: number;
  focusPage: number | null;
  terms: string[];
  seed?: { page: number; entities: DocumentEntities };
}) {
  const [pages, setPages] = useState<Map<number, PageState>>(() => new Map());
  const asked = useRef(new Set<number>());
  const seedRef = useRef(seed);
  seedRef.current = seed;

  useEffect(() => {
    asked.current = new Set();
    setPages(new Map());
  }, [documentUuid]);

  const load = useCallback(
    (n: number) => {
      if (n < 1 || n > pageCount || asked.current.has(n)) return;
      asked.current.add(n);
      setPages((m) => new Map(m).set(n, { state: 'loading' }));
      const seeded = seedRef.current?.page === n ? Promise.resolve(seedRef.current.entities) : null;
      Promise.all([
        api.get<{ pages: TextPage[] }>(`/v1/documents/${documentUuid}/text`, { page: n }),
        seeded ?? api.get<DocumentEntities>(`/v1/documents/${documentUuid}/entities`, { page: n }),
      ]).then(
        ([text, entities]) =>
          setPages((m) => new Map(m).set(n, { state: 'ready', parts: text.pages, mentions: entities.mentions.filter((x) => x.page === n) })),
        (error: unknown) => {
          asked.current.delete(n);
          setPages((m) => new Map(m).set(n, { state: 'error', error }));
        },
      );
    },
    [documentUuid, pageCount],
  );

  const near = useCallback(
    (n: number) => {
      for (let k = n - PAGE_PREFETCH; k <= n + PAGE_PREFETCH; k++) load(k);
    },
    [load],
  );
  const observe = useNearViewport(near);

  // ?page=N: scrolled to and focused, once when asked and once more when its text is in (its height changed).
  const regions = useRef(new Map<number, HTMLElement>());
  const settled = useRef<string>('');
  const target = focusPage && focusPage >= 1 && focusPage <= pageCount ? focusPage : null;
  const targetState = target ? pages.get(target)?.state : undefined;
  useEffect(() => {
    if (!target) return;
    const el = regions.current.get(target);
    if (!el) return;
    const key = `${documentUuid}:${target}:${targetState === 'ready' ? 'ready' : 'asked'}`;
    if (settled.current === key) return;
    settled.current = key;
    near(target);
    // Page 1 is where the document starts: its header stays in view.
    if (target > 1) el.scrollIntoView({ block: 'start' });
    el.focus({ preventScroll: true });
  }, [documentUuid, target, targetState, near]);

  const numbers = useMemo(() => Array.from({ length: pageCount }, (_, i) => i + 1), [pageCount]);
  return (
    <div className="text-view">
      {numbers.map((n) => {
        const p = pages.get(n);
        const bates = p?.state === 'ready' ? p.parts.find((x) => x.bates)?.bates : null;
        const part = p?.state === 'ready' ? p.parts.find((x) => x.part)?.part : null;
        return (
          <section
            key={n}
            id={`page-${n}`}
            className={`doc-page${p?.state === 'ready' ? ' loaded' : ''}`}
            aria-label={`Page ${n} text`}
            tabIndex={-1}
            ref={(el) => {
              observe(n)(el);
              if (el) regions.current.set(n, el);
              else regions.current.delete(n);
            }}
          >
            <h2 className="page-label">
              Page {n}
              {part ? <span className="muted"> · {part.replace(/-/g, ' ')}</span> : null}
              {bates ? <span className="mono bates"> · {bates}</span> : null}
            </h2>
            {!p || p.state === 'loading' ? (
              <div className="page-text placeholder" aria-busy="true">
                Loading page {n}…
              </div>
            ) : p.state === 'error' ? (
              <div>
                <ErrorBox
                  error={
                    p.error instanceof ApiError && p.error.status === 409 ? new Error('The text of this document is not extracted yet.') : p.error
                  }
                />
                <button type="button" className="secondary" onClick={() => load(n)}>
                  Retry page {n}
                </button>
              </div>
            ) : p.parts.length ? (
              p.parts.map((part, i) => <PageText key={i} projectUuid={projectUuid} part={part} mentions={i === 0 ? p.mentions : []} terms={terms} />)
            ) : (
              <div className="page-text muted">(no text on this page)</div>
            )}
          </section>
        );
      })}
    </div>
  );
}
