/**
 * The curation actions of an entity, each a native <dialog> form: merge (search and pick the other entity), split
 * (pick mentions), rename, change type, aliases, and "not an entity". Each calls the curation API and hands back what
 * happened (with the action's uuid, for Undo).
 */
import { FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { ErrorBox, FileName, Highlighted, Loading, Modal, TypeBadge, useAsync } from '../../ui';
import {
  CurationResult,
  ENTITY_TYPES,
  EntityDetail,
  EntityItem,
  EntityPage,
  RejectResult,
  curationProblem,
  mentionPage,
  parseAliases,
  snippetRanges,
} from './model';

/** What an action did, for the page's notice: the words, the action to undo, and where to go next. */
export interface Outcome {
  message: string;
  actionUuid: string;
  /** The entity to show after the action (a new one after a split); null when this entity is gone (reject). */
  entityUuid: string | null;
}

interface DialogProps {
  projectUuid: string;
  entity: EntityDetail;
  onClose: () => void;
  onDone: (o: Outcome) => void;
}

const base = (p: string) => `/v1/projects/${p}/entities`;
const SEARCH_DELAY_MS = 250;

/** Runs an action: busy while it runs, its failure in words. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(new Error(curationProblem(err)));
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

function Actions({
  busy,
  label,
  busyLabel,
  onClose,
  danger,
}: {
  busy: boolean;
  label: string;
  busyLabel: string;
  onClose: () => void;
  danger?: boolean;
}) {
  return (
    <div className="dialog-actions">
      <button type="button" className="secondary" onClick={onClose}>
        Cancel
      </button>
      <button type="submit" className={danger ? 'danger' : undefined} disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}

const counts = (e: Pick<EntityItem, 'mentionCount' | 'documentCount'>) =>
  `${e.mentionCount} mention${e.mentionCount === 1 ? '' : 's'}, ${e.documentCount ?? 0} document${e.documentCount === 1 ? '' : 's'}`;

export function MergeDialog({ projectUuid, entity, onClose, onDone }: DialogProps) {
  const fieldId = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<EntityItem | null>(null);
  const action = useAction();
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text]);
  // Merge takes entities of one type (the API answers 422 otherwise), so only this type is offered.
  const found = useAsync(
    (signal) =>
      q
        ? api.get<EntityPage>(base(projectUuid), { q, type: entity.type, pageSize: 11, sort: 'mentions' }, signal)
        : Promise.resolve<EntityPage | undefined>(undefined),
    [projectUuid, entity.type, q],
  );
  const results = (found.data?.items ?? []).filter((e) => e.uuid !== entity.uuid).slice(0, 10);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!picked) return action.setError(new Error('Pick the entity to merge into this one first.'));
    void action.run(async () => {
      const r = await api.post<CurationResult>(`${base(projectUuid)}/merge`, { entityUuids: [picked.uuid], into: entity.uuid });
      onDone({
        message: `Merged “${picked.name}” into “${r.name}”: it now has ${r.mentionCount} mentions.`,
        actionUuid: r.actionUuid,
        entityUuid: r.uuid,
      });
    });
  };

  return (
    <Modal title={`Merge another entity into “${entity.name}”`} onClose={onClose}>
      <form onSubmit={submit} className="merge-form">
        <p className="small">
          <strong>This entity stays:</strong> “{entity.name}” keeps its name and its page. The entity you pick is merged into it: its mentions, names
          and aliases move here, its relationships are recomputed onto this one, and it is deleted. Only {entity.type} entities can be merged with
          this one (change a type first). You can undo it afterwards.
        </p>
        <div className="field">
          <label htmlFor={fieldId}>Find the entity to merge into this one</label>
          <input
            id={fieldId}
            type="search"
            autoComplete="off"
            maxLength={200}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setPicked(null);
            }}
            placeholder="Name or alias"
            autoFocus
          />
        </div>
        {found.loading && q ? <Loading label="Searching…" /> : null}
        <ErrorBox error={found.error} />
        {q && found.data && !results.length ? (
          <p className="empty">
            No other {entity.type} entity matches “{q}”.
          </p>
        ) : null}
        {results.length ? (
          <ul className="pick-list" aria-label="Matching entities">
            {results.map((e) => (
              <li key={e.uuid}>
                <button
                  type="button"
                  className={`pick${picked?.uuid === e.uuid ? ' picked' : ''}`}
                  aria-pressed={picked?.uuid === e.uuid}
                  onClick={() => setPicked(e)}
                >
                  <span className="pick-name">{e.name}</span> <TypeBadge type={e.type} /> <span className="small muted">{counts(e)}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {picked ? (
          <p className="merge-plan" role="status">
            “{picked.name}” ({counts(picked)}) will be merged into “{entity.name}” ({counts(entity)}) and deleted.
          </p>
        ) : null}
        <ErrorBox error={action.error} />
        <Actions busy={action.busy} label="Merge" busyLabel="Merging…" onClose={onClose} />
      </form>
    </Modal>
  );
}

export function SplitDialog({ projectUuid, entity, onClose, onDone }: DialogProps) {
  const nameId = useId();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const action = useAction();
  const movable = entity.mentions.filter((m) => m.start !== null);
  const toggle = (uuid: string) =>
    setChosen((s) => {
      const n = new Set(s);
      if (n.has(uuid)) n.delete(uuid);
      else n.add(uuid);
      return n;
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen.size) return action.setError(new Error('Tick the mentions that belong to another entity.'));
    if (!name.trim()) return action.setError(new Error('Name the new entity.'));
    void action.run(async () => {
      const r = await api.post<CurationResult>(`${base(projectUuid)}/${entity.uuid}/split`, {
        mentionUuids: [...chosen],
        canonicalName: name.trim(),
      });
      onDone({
        message: `Split ${chosen.size} mention${chosen.size === 1 ? '' : 's'} off “${entity.name}” into the new entity “${r.name}”.`,
        actionUuid: r.actionUuid,
        entityUuid: r.uuid,
      });
    });
  };
  return (
    <Modal title={`Split “${entity.name}”`} onClose={onClose}>
      <form onSubmit={submit}>
        <p className="small">
          Tick the mentions that are someone else. They move to a new {entity.type} entity with the name you give; the rest stay here. If every
          mention moves, this entity disappears.
        </p>
        {entity.mentionsTotal > entity.mentions.length ? (
          <p className="small muted">
            The first {entity.mentions.length} of {entity.mentionsTotal} mentions are listed.
          </p>
        ) : null}
        <fieldset className="split-mentions">
          <legend>Mentions to move</legend>
          {movable.map((m) => (
            <label key={m.mentionUuid} className="check">
              <input type="checkbox" checked={chosen.has(m.mentionUuid)} onChange={() => toggle(m.mentionUuid)} />
              <span>
                <span className="small muted split-source">
                  <FileName name={m.documentName} />
                  {mentionPage(m) ? `, page ${mentionPage(m)}` : ''}
                </span>
                <span className="snippet">
                  <Highlighted text={m.snippet || m.text} ranges={m.snippet ? snippetRanges(m) : [[0, m.text.length]]} />
                </span>
              </span>
            </label>
          ))}
          {!movable.length ? <p className="empty">No mention of this entity has a known place in its document, so none can be split off.</p> : null}
        </fieldset>
        <div className="field">
          <label htmlFor={nameId}>Name of the new entity</label>
          <input id={nameId} type="text" maxLength={300} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <ErrorBox error={action.error} />
        <Actions busy={action.busy} label="Split" busyLabel="Splitting…" onClose={onClose} />
      </form>
    </Modal>
  );
}

export function RenameDialog({ projectUuid, entity, onClose, onDone }: DialogProps) {
  const nameId = useId();
  const [name, setName] = useState(entity.name);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return action.setError(new Error('Type the new name.'));
    if (name.trim() === entity.name) return onClose();
    void action.run(async () => {
      const r = await api.patch<CurationResult>(`${base(projectUuid)}/${entity.uuid}`, { canonicalName: name.trim() });
      onDone({ message: `Renamed “${entity.name}” to “${r.name}”.`, actionUuid: r.actionUuid, entityUuid: r.uuid });
    });
  };
  return (
    <Modal title={`Rename “${entity.name}”`} onClose={onClose}>
      <form onSubmit={submit}>
        <p className="small">The name is kept as you write it: later documents do not change it again.</p>
        <div className="field">
          <label htmlFor={nameId}>New name</label>
          <input id={nameId} type="text" maxLength={300} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </div>
        <ErrorBox error={action.error} />
        <Actions busy={action.busy} label="Rename" busyLabel="Renaming…" onClose={onClose} />
      </form>
    </Modal>
  );
}

export function TypeDialog({ projectUuid, entity, onClose, onDone }: DialogProps) {
  const typeId = useId();
  const [type, setType] = useState(entity.type);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (type === entity.type) return onClose();
    void action.run(async () => {
      const r = await api.patch<CurationResult>(`${base(projectUuid)}/${entity.uuid}`, { entityType: type });
      onDone({ message: `“${r.name}” is now of type ${r.type} (was ${entity.type}).`, actionUuid: r.actionUuid, entityUuid: r.uuid });
    });
  };
  return (
    <Modal title={`Change the type of “${entity.name}”`} onClose={onClose}>
      <form onSubmit={submit}>
        <p className="small">Its mentions, and later mentions of the same text, stay on this entity.</p>
        <div className="field">
          <label htmlFor={typeId}>New type</label>
          <select id={typeId} value={type} onChange={(e) => setType(e.target.value)} autoFocus>
            {ENTITY_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <ErrorBox error={action.error} />
        <Actions busy={action.busy} label="Change type" busyLabel="Changing…" onClose={onClose} />
      </form>
    </Modal>
  );
}

export function AliasesDialog({ projectUuid, entity, onClose, onDone }: DialogProps) {
  const fieldId = useId();
  const [text, setText] = useState(entity.aliases.join('\n'));
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const aliases = parseAliases(text);
    void action.run(async () => {
      const r = await api.patch<CurationResult>(`${base(projectUuid)}/${entity.uuid}`, { aliases });
      onDone({ message: `The aliases of “${r.name}” are now: ${r.aliases.join(', ') || 'none'}.`, actionUuid: r.actionUuid, entityUuid: r.uuid });
    });
  };
  return (
    <Modal title={`Aliases of “${entity.name}”`} onClose={onClose}>
      <form onSubmit={submit}>
        <p className="small">The whole list, one name a line. Later documents add no alias once you set them.</p>
        <div className="field">
          <label htmlFor={fieldId}>Aliases, one a line</label>
          <textarea id={fieldId} rows={8} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
        </div>
        <ErrorBox error={action.error} />
        <Actions busy={action.busy} label="Save aliases" busyLabel="Saving…" onClose={onClose} />
      </form>
    </Modal>
  );
}

export function RejectDialog({ projectUuid, entity, onClose, onDone }: DialogProps) {
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api.del<RejectResult>(`${base(projectUuid)}/${entity.uuid}`);
      onDone({
        message: `“${entity.name}” is not an entity any more: ${r.unlinkedMentions} mention${r.unlinkedMentions === 1 ? '' : 's'} unlinked; the same text will not become an entity again in this project.`,
        actionUuid: r.actionUuid,
        entityUuid: null,
      });
    });
  };
  return (
    <Modal title={`“${entity.name}” is not an entity?`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          Its {entity.mentionCount} mention{entity.mentionCount === 1 ? '' : 's'} are unlinked and the entity is deleted. The same text, in any
          document of this project, will never become an entity again. You can undo this from the curation log.
        </p>
        <ErrorBox error={action.error} />
        <Actions busy={action.busy} label="Mark as not an entity" busyLabel="Removing…" onClose={onClose} danger />
      </form>
    </Modal>
  );
}
