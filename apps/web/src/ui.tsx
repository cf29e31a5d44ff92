/** Shared pieces of every page: data loading, errors, pagination, entity type badges, safe names, highlights. */
import { DependencyList, ReactNode, createContext, useCallback, useContext, useEffect, useId, useRef, useState } from 'react';
import { ApiError, Session } from './api';
import { hasHiddenCharacters, segments, visibleName } from './text';

export interface AppState {
  session: Session;
  /** Ends the session (logout) and shows the login page. */
  logout: () => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside <AppContext>');
  return s;
}

export interface Async<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (aborting the previous run) and on reload(); keeps the last data while reloading. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, loading: false }),
      (error: Error) => !ctl.signal.aborted && error.name !== 'AbortError' && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps are the dependency list
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Re-runs `fn` every `ms` while `active` (polling the status of documents being processed). */
export function useInterval(fn: () => void, ms: number, active = true): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => ref.current(), ms);
    return () => clearInterval(t);
  }, [ms, active]);
}

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong';
  const status = error instanceof ApiError && error.status ? ` (${error.status})` : '';
  return (
    <div className="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
      {status}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label="Pages of results">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ Previous
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next ›
      </button>
    </nav>
  );
}

/** The colour class of an entity type (styles.css defines .t-PERSON, .t-ORG, ...). */
export function typeClass(type: string): string {
  return `t-${type.replace(/[^A-Z_]/g, '')}`;
}

export function TypeBadge({ type }: { type: string }) {
  return <span className={`badge ${typeClass(type)}`}>{type}</span>;
}

/** A file name shown so hidden characters are visible, with a warning when it has any. */
export function FileName({ name }: { name: string | null | undefined }) {
  const n = name ?? '';
  if (!hasHiddenCharacters(n)) return <span className="filename">{n}</span>;
  return (
    <span className="filename suspicious" title="This name contains hidden or direction-changing characters, shown as [U+…] codes">
      {visibleName(n)}{' '}
      <span className="warn-icon" aria-label="hidden characters">
        ⚠
      </span>
    </span>
  );
}

/** `text` with `ranges` wrapped in <mark> (or the element `render` returns), all as text nodes. */
export function Highlighted({
  text,
  ranges,
  render,
}: {
  text: string;
  ranges: ReadonlyArray<readonly [number, number]>;
  render?: (segment: string, index: number, key: number) => ReactNode;
}) {
  return (
    <>
      {segments(text, ranges).map((s, k) =>
        s.mark < 0 ? <span key={k}>{s.text}</span> : render ? render(s.text, s.mark, k) : <mark key={k}>{s.text}</mark>,
      )}
    </>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · CaseGraph`;
  }, [children]);
  return (
    <header className="page-title">
      <h1>{children}</h1>
      {actions ? <div className="actions">{actions}</div> : null}
    </header>
  );
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * A modal on the native <dialog> (showModal: focus moves in, the rest of the page is inert, Escape closes). Focus
 * goes back to what opened it, or to the page when that is gone (a deleted row's button).
 */
export function Modal({ title, onClose, children }: { title: ReactNode; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (d && !d.open) d.showModal();
    return () => {
      if (d?.open) d.close();
      const target = opener?.isConnected ? opener : document.getElementById('main');
      target?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
