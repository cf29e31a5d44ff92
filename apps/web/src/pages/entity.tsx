/**
 * One entity: its name, type, aliases and whether a person fixed it; its mentions (each on its page, the mention
 * marked in its snippet), roles and typed relationships, documents and co-occurring entities; and the curation
 * actions (merge, split, rename, change type, aliases, not an entity), each followed by what happened and Undo.
 */
import { useState } from 'react';
import { ApiError, api } from '../api';
import { Link, paths } from '../router';
import { ErrorBox, Loading, PageTitle, TypeBadge, useAsync } from '../ui';
import { AliasesDialog, MergeDialog, Outcome, RejectDialog, RenameDialog, SplitDialog, TypeDialog } from './entity/dialogs';
import { CurationAction, EntityDetail, undoProblem } from './entity/model';
import { Documents, Mentions, Neighbours, Relationships } from './entity/sections';

type DialogKind = 'merge' | 'split' | 'rename' | 'type' | 'aliases' | 'reject' | null;

const CURATED_WORDS: Record<string, string> = { canonicalName: 'name', entityType: 'type', aliases: 'aliases' };

/** The notice after an action: what happened, and Undo (or why Undo failed). */
function OutcomeNotice({ projectUuid, outcome, onUndone }: { projectUuid: string; outcome: Outcome; onUndone: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const undo = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.post<CurationAction>(`/v1/projects/${projectUuid}/curation/${outcome.actionUuid}/undo`);
      onUndone(`Undone: ${outcome.message}`);
    } catch (err) {
      setProblem(undoProblem(err));
      setBusy(false);
    }
  };
  return (
    <div className="notice outcome" role="status">
      <p>{outcome.message}</p>
      <div className="outcome-actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => void undo()}>
          {busy ? 'Undoing…' : 'Undo'}
        </button>
        <Link to={paths.curation(projectUuid)}>Curation log</Link>
      </div>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

function EntityView({ projectUuid, entityUuid }: { projectUuid: string; entityUuid: string }) {
  const detail = useAsync(
    (signal) => api.get<EntityDetail>(`/v1/projects/${projectUuid}/entities/${entityUuid}`, undefined, signal),
    [projectUuid, entityUuid],
  );
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [undone, setUndone] = useState<string | null>(null);
  const e = detail.data;

  const done = (o: Outcome) => {
    setDialog(null);
    setUndone(null);
    setOutcome(o);
    if (o.entityUuid !== null) detail.reload();
  };
  const afterUndo = (message: string) => {
    setOutcome(null);
    setUndone(message);
    detail.reload();
  };

  const notices = (
    <>
      {outcome ? <OutcomeNotice projectUuid={projectUuid} outcome={outcome} onUndone={afterUndo} /> : null}
      {undone ? (
        <p className="notice" role="status">
          {undone}
        </p>
      ) : null}
    </>
  );

  // Rejected (or merged away, split empty) just now: the entity is gone, the notice says so and offers Undo.
  const gone = outcome?.entityUuid === null || (detail.error instanceof ApiError && detail.error.status === 404);
  if (gone) {
    return (
      <section>
        <PageTitle>{e && outcome ? e.name : 'Entity not found'}</PageTitle>
        {notices}
        {outcome?.entityUuid && outcome.entityUuid !== entityUuid ? (
          <p className="notice">
            <Link to={paths.entity(projectUuid, outcome.entityUuid)}>Open the new entity</Link>
          </p>
        ) : null}
        <p>
          {outcome
            ? 'This entity no longer exists.'
            : 'There is no such entity in this project: it may have been merged into another, split or rejected.'}{' '}
          <Link to={paths.entities(projectUuid)}>Back to the entities</Link> · <Link to={paths.curation(projectUuid)}>Curation log</Link>
        </p>
      </section>
    );
  }
  if (!e) return detail.error ? <ErrorBox error={detail.error} title="The entity could not be loaded" /> : <Loading />;

  const curated = Object.keys(e.curated ?? {}).filter((k) => e.curated[k]);
  const aliases = e.aliases.filter((a) => a !== e.name);
  const props = { projectUuid, entity: e, onClose: () => setDialog(null), onDone: done };

  return (
    <section className="entity-page">
      <p className="breadcrumb small">
        <Link to={paths.entities(projectUuid)}>Entities</Link> ›
      </p>
      <PageTitle
        actions={
          <Link to={paths.graph(projectUuid, e.uuid)} className="button secondary">
            Open in graph
          </Link>
        }
      >
        {e.name}
      </PageTitle>
      <div className="entity-meta">
        <TypeBadge type={e.type} />
        <span>
          {e.mentionCount} mention{e.mentionCount === 1 ? '' : 's'} in {e.documentCount} document{e.documentCount === 1 ? '' : 's'}
        </span>
        {curated.length ? (
          <span className="curated-flag" title="A person fixed these fields; later documents do not change them">
            curated: {curated.map((k) => CURATED_WORDS[k] ?? k).join(', ')}
          </span>
        ) : null}
      </div>
      <div className="entity-aliases">
        <strong>Aliases: </strong>
        {aliases.length ? (
          <ul className="alias-list">
            {aliases.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        ) : (
          <span className="muted">none</span>
        )}
      </div>
      <div className="curation-actions" role="group" aria-label="Curation">
        <button type="button" className="secondary" onClick={() => setDialog('merge')}>
          Merge…
        </button>
        <button type="button" className="secondary" onClick={() => setDialog('split')}>
          Split…
        </button>
        <button type="button" className="secondary" onClick={() => setDialog('rename')}>
          Rename…
        </button>
        <button type="button" className="secondary" onClick={() => setDialog('type')}>
          Change type…
        </button>
        <button type="button" className="secondary" onClick={() => setDialog('aliases')}>
          Edit aliases…
        </button>
        <button type="button" className="secondary danger-text" onClick={() => setDialog('reject')}>
          Not an entity
        </button>
      </div>
      {notices}
      {outcome && outcome.entityUuid && outcome.entityUuid !== e.uuid ? (
        <p className="notice">
          <Link to={paths.entity(projectUuid, outcome.entityUuid)}>Open the new entity</Link>
        </p>
      ) : null}
      <ErrorBox error={detail.error} title="The entity could not be reloaded" />
      <div className="grid-2">
        <div>
          <Mentions projectUuid={projectUuid} entity={e} />
        </div>
        <div>
          <Relationships projectUuid={projectUuid} entity={e} />
          <Documents projectUuid={projectUuid} entity={e} />
          <Neighbours projectUuid={projectUuid} entity={e} />
        </div>
      </div>
      {dialog === 'merge' ? <MergeDialog {...props} /> : null}
      {dialog === 'split' ? <SplitDialog {...props} /> : null}
      {dialog === 'rename' ? <RenameDialog {...props} /> : null}
      {dialog === 'type' ? <TypeDialog {...props} /> : null}
      {dialog === 'aliases' ? <AliasesDialog {...props} /> : null}
      {dialog === 'reject' ? <RejectDialog {...props} /> : null}
    </section>
  );
}

export function EntityPage({ projectUuid, entityUuid }: { projectUuid: string; entityUuid: string }) {
  // A fresh view per entity: notices and dialogs belong to the entity they were about.
  return <EntityView key={entityUuid} projectUuid={projectUuid} entityUuid={entityUuid} />;
}
