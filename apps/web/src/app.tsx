/**
 * The shell: asks the API for the session (the HttpOnly cookie, if any), shows the login page when there is none,
 * then the layout (navigation, the search box of the current project) around the page the path names.
 */
import { FormEvent, ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError, Session, session as sessionApi, setCsrfToken, setUnauthorizedHandler } from './api';
import { DocumentPage } from './pages/document';
import { EntitiesPage } from './pages/entities';
import { EntityPage } from './pages/entity';
import { CurationLogPage } from './pages/curation-log';
import { GraphPage } from './pages/graph';
import { IntakePage } from './pages/intake';
import { LoginPage } from './pages/login';
import { ProjectsPage } from './pages/projects';
import { SearchPage } from './pages/search';
import { TimelinePage } from './pages/timeline';
import { Link, Location, match, navigate, paths, useLocation } from './router';
import { AppContext, ErrorBox, Loading } from './ui';

interface Route {
  pattern: string;
  render: (params: Record<string, string>, loc: Location) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/', render: () => <ProjectsPage /> },
  { pattern: '/projects/:projectUuid', render: (p) => <IntakePage projectUuid={p.projectUuid} /> },
  { pattern: '/projects/:projectUuid/search', render: (p) => <SearchPage projectUuid={p.projectUuid} /> },
  {
    pattern: '/projects/:projectUuid/documents/:documentUuid',
    render: (p) => <DocumentPage projectUuid={p.projectUuid} documentUuid={p.documentUuid} />,
  },
  { pattern: '/projects/:projectUuid/entities', render: (p) => <EntitiesPage projectUuid={p.projectUuid} /> },
  { pattern: '/projects/:projectUuid/entities/:entityUuid', render: (p) => <EntityPage projectUuid={p.projectUuid} entityUuid={p.entityUuid} /> },
  { pattern: '/projects/:projectUuid/curation', render: (p) => <CurationLogPage projectUuid={p.projectUuid} /> },
  { pattern: '/projects/:projectUuid/graph', render: (p) => <GraphPage projectUuid={p.projectUuid} /> },
  { pattern: '/projects/:projectUuid/timeline', render: (p) => <TimelinePage projectUuid={p.projectUuid} /> },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function resolve(loc: Location): { node: ReactNode; projectUuid?: string } {
  for (const r of ROUTES) {
    const params = match(r.pattern, loc.path);
    // Every parameter is a UUID, and only a UUID goes into an API path: a crafted link (`..%2F…`) is a page not found,
    // never a request to another route made with the user's session.
    if (params && Object.values(params).every((v) => UUID.test(v))) return { node: r.render(params, loc), projectUuid: params.projectUuid };
  }
  return {
    node: (
      <section>
        <h1>Page not found</h1>
        <p>
          <Link to="/">Back to the projects</Link>
        </p>
      </section>
    ),
  };
}

/** The tab of a path: its own page and the pages under it (an entity page is under Entities; a document under Documents). */
function isCurrentTab(tab: string, path: string): boolean {
  const base = tab.split('?')[0];
  if (path === base) return true;
  const documents = /^\/projects\/[^/]+$/.test(base);
  return documents ? path.startsWith(`${base}/documents/`) : path.startsWith(`${base}/`);
}

function SearchBox({ projectUuid, initial }: { projectUuid: string; initial: string }) {
  const [q, setQ] = useState(initial);
  useEffect(() => setQ(initial), [initial]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) navigate(paths.search(projectUuid, q.trim()));
  };
  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor="global-search" className="visually-hidden">
        Search this project
      </label>
      <input
        id="global-search"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder='Search: words, "exact phrase", 410 U.S. 113, -exclude'
        autoComplete="off"
      />
      <button type="submit">Search</button>
    </form>
  );
}

function Layout({
  session,
  projectUuid,
  loc,
  logout,
  children,
}: {
  session: Session;
  projectUuid?: string;
  loc: Location;
  logout: () => void;
  children: ReactNode;
}) {
  const nav = projectUuid
    ? [
        { to: paths.project(projectUuid), label: 'Documents' },
        { to: paths.search(projectUuid), label: 'Search' },
        { to: paths.entities(projectUuid), label: 'Entities' },
        { to: paths.graph(projectUuid), label: 'Graph' },
        { to: paths.timeline(projectUuid), label: 'Timeline' },
        { to: paths.curation(projectUuid), label: 'Curation log' },
      ]
    : [];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          CaseGraph
        </Link>
        {projectUuid ? <SearchBox projectUuid={projectUuid} initial={loc.path.endsWith('/search') ? (loc.query.get('q') ?? '') : ''} /> : null}
        <div className="who">
          <span title="The key this session uses">{session.mode === 'open' ? 'Open API (no key)' : `Key: ${session.keyName}`}</span>
          {session.mode === 'key' ? (
            <button type="button" className="link-button" onClick={logout}>
              Log out
            </button>
          ) : null}
        </div>
      </header>
      {nav.length ? (
        <nav className="tabs" aria-label="Project">
          {nav.map((n) => (
            <Link key={n.to} to={n.to} aria-current={isCurrentTab(n.to, loc.path) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function App() {
  const loc = useLocation();
  const [state, setState] = useState<{ session?: Session; error?: unknown; checked: boolean }>({ checked: false });

  const adopt = useCallback((s: Session | undefined) => {
    setCsrfToken(s?.csrfToken ?? null);
    setState({ session: s, checked: true });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => adopt(undefined));
    sessionApi.current().then(adopt, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) adopt(undefined);
      else setState({ error, checked: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [adopt]);

  const logout = useCallback(() => {
    void sessionApi.logout().finally(() => adopt(undefined));
  }, [adopt]);

  if (!state.checked) return <Loading label="Connecting…" />;
  if (state.error) return <ErrorBox title="The API cannot be reached" error={state.error} />;
  if (!state.session) return <LoginPage onLogin={adopt} />;

  const bound = state.session.projectUuid;
  // A key bound to one project has one home: its project.
  if (bound && loc.path === '/') {
    navigate(paths.project(bound), { replace: true });
    return null;
  }
  const { node, projectUuid } = resolve(loc);
  return (
    <AppContext.Provider value={{ session: state.session, logout }}>
      <Layout session={state.session} projectUuid={projectUuid} loc={loc} logout={logout}>
        {node}
      </Layout>
    </AppContext.Provider>
  );
}
