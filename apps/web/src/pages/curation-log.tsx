/**
 * The project's curation log, newest first: who (the API key's name), when, what (in words, with the entities
 * involved linked while they exist), whether it was undone; Undo on each action still in force.
 */
import { useState } from 'react';
import { api } from '../api';
import { Link, navigate, paths, useLocation, withParams } from '../router';
import { Empty, ErrorBox, Loading, PageTitle, Pager, TypeBadge, formatDate, useAsync } from '../ui';
import { CurationAction, CurationPage, summarize, undoProblem } from './entity/model';

const PAGE_SIZE = 25;

const KIND_WORDS: Record<string, string> = { merge: 'Merge', split: 'Split', update: 'Edit', reject: 'Not an entity' };

function ActionRow({ projectUuid, action, onUndone }: { projectUuid: string; action: CurationAction; onUndone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const s = summarize(action);
  const undo = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.post(`/v1/projects/${projectUuid}/curation/${action.actionUuid}/undo`);
      onUndone();
    } catch (err) {
      setProblem(undoProblem(err));
      setBusy(false);
    }
  };
  return (
    <tr data-action-uuid={action.actionUuid} className={action.undoneAt ? 'undone' : undefined}>
      <td>
        <time dateTime={action.createdAt}>{formatDate(action.createdAt)}</time>
      </td>
      <td className="mono">{action.actor}</td>
      <td>
        <span className="badge kind-badge">{KIND_WORDS[action.kind] ?? action.kind}</span>
      </td>
      <td>
        <div>{s.what}</div>
        <ul className="log-entities">
          {s.entities.map((e) => (
            <li key={e.uuid}>
              {e.exists || action.undoneAt ? (
                <Link to={paths.entity(projectUuid, e.uuid)}>{e.name}</Link>
              ) : (
                <span className="muted">{e.name} (gone)</span>
              )}{' '}
              {e.type ? <TypeBadge type={e.type} /> : null}
            </li>
          ))}
        </ul>
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
      </td>
      <td>
        {action.undoneAt ? (
          <span className="muted">
            Undone {formatDate(action.undoneAt)}
            {action.undoneBy ? ` by ${action.undoneBy}` : ''}
          </span>
        ) : (
          <button type="button" className="secondary" disabled={busy} onClick={() => void undo()}>
            {busy ? 'Undoing…' : 'Undo'}
          </button>
        )}
      </td>
    </tr>
  );
}

export function CurationLogPage({ projectUuid }: { projectUuid: string }) {
  const loc = useLocation();
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const log = useAsync(
    (signal) => api.get<CurationPage>(`/v1/projects/${projectUuid}/curation`, { page, pageSize: PAGE_SIZE }, signal),
    [projectUuid, page],
  );
  const data = log.data;
  return (
    <section className="curation-log-page">
      <PageTitle>Curation log</PageTitle>
      <p className="muted small">
        Every merge, split, edit and “not an entity” of this project, newest first. Undo puts the entities back as they were; an action can be undone
        once no later action on the same entities is still in force.
      </p>
      <ErrorBox error={log.error} title="The log could not be loaded" />
      {!data && log.loading ? <Loading /> : null}
      {data && !data.items.length ? (
        <Empty>
          Nothing curated yet. Open an entity from the <Link to={paths.entities(projectUuid)}>entities</Link> to merge, split, rename or reject it.
        </Empty>
      ) : null}
      {data && data.items.length ? (
        <div className="table-scroll">
          <table aria-label="Curation log" className="curation-log" aria-busy={log.loading}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">What</th>
                <th scope="col">Undo</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((a) => (
                <ActionRow key={`${a.actionUuid}-${a.undoneAt ?? ''}`} projectUuid={projectUuid} action={a} onUndone={log.reload} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data ? (
        <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => navigate(withParams(loc, { page: p > 1 ? p : null }))} />
      ) : null}
    </section>
  );
}
