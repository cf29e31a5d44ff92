/**
 * The projects (legal matters) this key may see, each with what it holds, and a form to open a new one. A key
 * bound to one project never sees this page: the app takes it straight to its project.
 */
import { FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { Link, navigate, paths, useLocation, withParams } from '../router';
import { Empty, ErrorBox, Loading, PageTitle, Pager, formatDate, useApp, useAsync } from '../ui';
import { Counts, countsLine } from './intake/documents';

interface ProjectItem {
  id: number;
  projectUuid: string | null;
  name: string;
  createdAt?: string;
  documentCount: number;
  documents?: Counts;
  pageCount?: number;
  entityCount?: number;
}

interface ProjectList {
  items: ProjectItem[];
  page: number;
  pageSize: number;
  total: number;
}

const PAGE_SIZE = 50;
const MAX_NAME = 255;

export function ProjectsPage() {
  const { session } = useApp();
  const loc = useLocation();
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const q = loc.query.get('q') ?? '';
  // Newest matters first: the one a team works on now is rarely the first ever opened.
  const list = useAsync((signal) => api.get<ProjectList>('/v1/projects', { page, pageSize: PAGE_SIZE, order: 'newest', q }, signal), [page, q]);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ project: ProjectItem; existed: boolean } | null>(null);
  const canCreate = !session.projectUuid;

  return (
    <section>
      <PageTitle
        actions={
          canCreate && !creating ? (
            <button type="button" onClick={() => setCreating(true)}>
              New project
            </button>
          ) : null
        }
      >
        Projects
      </PageTitle>
      {creating ? (
        <CreateProject
          known={list.data?.items ?? []}
          onCancel={() => setCreating(false)}
          onCreated={(project, existed) => {
            setCreating(false);
            // A new matter is where its documents go next: open it. A name already taken stays here and says so.
            if (!existed && project.projectUuid) return navigate(paths.project(project.projectUuid));
            setCreated({ project, existed });
            list.reload();
          }}
        />
      ) : null}
      <div role="status" aria-live="polite">
        {created?.project.projectUuid ? (
          <p className="notice">
            {created.existed ? 'A project with that name already exists: ' : 'Created '}
            <strong>{created.project.name}</strong>. <Link to={paths.project(created.project.projectUuid)}>Add documents to it</Link>
          </p>
        ) : null}
      </div>
      <ErrorBox error={list.error} title="The projects could not be loaded" />
      <ProjectFilter initial={q} onChange={(v) => navigate(withParams(loc, { q: v || null, page: null }), { replace: true })} />
      {!list.data && list.loading ? <Loading label="Loading the projects…" /> : null}
      {list.data && !list.data.items.length ? (
        <Empty>{q ? `No project's name contains “${q}”.` : 'No projects yet. Start one with New project.'}</Empty>
      ) : null}
      {list.data?.items.length ? (
        <>
          <div className="table-scroll">
            <table aria-label="Projects" className="projects">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Documents</th>
                  <th scope="col" className="num">
                    Pages
                  </th>
                  <th scope="col" className="num">
                    Entities
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((p) => (
                  <ProjectRow key={p.id} p={p} highlight={p.projectUuid !== null && p.projectUuid === created?.project.projectUuid} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={(n) => navigate(withParams(loc, { page: n > 1 ? n : null }))} />
        </>
      ) : null}
    </section>
  );
}

function ProjectRow({ p, highlight }: { p: ProjectItem; highlight: boolean }) {
  const c = p.documents;
  return (
    <tr className={highlight ? 'just-created' : undefined} data-project-uuid={p.projectUuid ?? undefined}>
      <th scope="row">
        {p.projectUuid ? <Link to={paths.project(p.projectUuid)}>{p.name}</Link> : <span title="This old project has no UUID yet">{p.name}</span>}
      </th>
      <td>
        {c ? (
          <>
            <span>{countsLine(c)}</span>
            {c.total ? <StatusBar c={c} /> : null}
          </>
        ) : (
          `${p.documentCount} documents`
        )}
      </td>
      <td className="num">{p.pageCount?.toLocaleString() ?? '–'}</td>
      <td className="num">{p.entityCount?.toLocaleString() ?? '–'}</td>
      <td className="small">{formatDate(p.createdAt)}</td>
    </tr>
  );
}

/** A thin stacked bar of the documents by status (decorative: the counts are in the text beside it). */
function StatusBar({ c }: { c: Counts }) {
  return (
    <div className="status-bar" aria-hidden="true">
      {(['completed', 'processing', 'pending', 'failed'] as const).map((s) =>
        c[s] ? <span key={s} className={`bar-${s}`} style={{ flexGrow: c[s] }} /> : null,
      )}
    </div>
  );
}

function CreateProject({
  known,
  onCancel,
  onCreated,
}: {
  known: ProjectItem[];
  onCancel: () => void;
  onCreated: (p: ProjectItem, existed: boolean) => void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setError(new Error('Type a name for the project, for example “Smith v. Jones”.'));
    if (n.length > MAX_NAME) return setError(new Error(`The name is ${n.length} characters long; at most ${MAX_NAME} are allowed.`));
    // eslint-disable-next-line no-control-regex -- the API refuses control characters; say so before asking it
    if (/[\u0000-\u001f\u007f]/.test(n)) return setError(new Error('The name contains invisible control characters: retype it.'));
    setBusy(true);
    setError(undefined);
    try {
      const p = await api.post<ProjectItem>('/v1/projects', { name: n });
      // POST answers the existing project for a name already taken (ensureProject): say so rather than "created".
      onCreated(
        p,
        known.some((k) => k.projectUuid === p.projectUuid),
      );
    } catch (err) {
      setBusy(false);
      setError(err instanceof ApiError && err.status === 403 ? new Error('This key may not create projects.') : err);
    }
  };

  return (
    <form className="panel create-project" onSubmit={(e) => void submit(e)} aria-label="New project" noValidate>
      <div className="field">
        <label htmlFor="project-name">Project name</label>
        <input
          ref={input}
          id="project-name"
          type="text"
          value={name}
          maxLength={MAX_NAME + 50}
          onChange={(e) => setName(e.target.value)}
          placeholder="Smith v. Jones"
          aria-describedby="project-name-help"
          aria-invalid={error ? true : undefined}
          autoComplete="off"
        />
        <span id="project-name-help" className="muted small">
          The matter&apos;s name, as your team calls it. You can add documents right after.
        </span>
      </div>
      <ErrorBox error={error} />
      <div className="dialog-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create project'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Finds projects by a part of their name (debounced; the API matches case-insensitively). */
function ProjectFilter({ initial, onChange }: { initial: string; onChange: (q: string) => void }) {
  const [value, setValue] = useState(initial);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    if (value.trim() === initial) return;
    const timer = setTimeout(() => changed.current(value.trim()), 300);
    return () => clearTimeout(timer);
  }, [value, initial]);
  return (
    <div className="filters">
      <div className="field">
        <label htmlFor="project-filter">Find a project</label>
        <input
          id="project-filter"
          type="search"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="Part of its name"
          autoComplete="off"
        />
      </div>
    </div>
  );
}
