import { useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { ErrorBox, TypeBadge, useAsync } from '../../ui';
import type { EntityPage, EntityRef } from '../entity/model';

/**
 * The `Entity` filter: type a name, pick one of the project's entities (GET /entities?q=), or clear the one picked.
 * The URL holds only its UUID; its name is read back for the label.
 */
export function EntityPicker({ projectUuid, value, onChange }: { projectUuid: string; value: string; onChange: (uuid: string | null) => void }) {
  const id = useId();
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  // Debounced: one request per pause in typing, not per key.
  useEffect(() => {
    const t = setTimeout(() => setTyped(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);
  const found = useAsync(
    (signal) => (typed ? api.get<EntityPage>(`/v1/projects/${projectUuid}/entities`, { q: typed, pageSize: 8 }, signal) : Promise.resolve(undefined)),
    [projectUuid, typed],
  );
  const chosen = useAsync(
    (signal) => (value ? api.get<EntityRef>(`/v1/projects/${projectUuid}/entities/${value}`, undefined, signal) : Promise.resolve(undefined)),
    [projectUuid, value],
  );

  if (value) {
    return (
      <div className="field entity-picker">
        <span className="label" id={`${id}-label`}>
          Entity
        </span>
        <div className="entity-chosen" aria-labelledby={`${id}-label`}>
          {chosen.data ? (
            <>
              <TypeBadge type={chosen.data.type} /> <span>{chosen.data.name}</span>
            </>
          ) : chosen.error ? (
            <span className="muted">an entity no longer in this project</span>
          ) : (
            <span className="muted">…</span>
          )}
          <button type="button" className="link-button" onClick={() => onChange(null)}>
            Clear entity filter
          </button>
        </div>
      </div>
    );
  }
  const items = typed ? (found.data?.items ?? []) : [];
  return (
    <div className="field entity-picker">
      <label htmlFor={`${id}-input`}>Entity</label>
      <input
        id={`${id}-input`}
        type="search"
        value={q}
        placeholder="Find a person, company, case…"
        autoComplete="off"
        aria-describedby={`${id}-hint`}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setQ('');
        }}
      />
      <span id={`${id}-hint`} className="visually-hidden">
        Type a name, then choose one of the entities listed below.
      </span>
      {typed ? (
        <ul className="entity-options" aria-label="Matching entities">
          {items.map((e) => (
            <li key={e.uuid}>
              <button type="button" className="secondary" onClick={() => onChange(e.uuid)}>
                <TypeBadge type={e.type} /> {e.name}
              </button>
            </li>
          ))}
          {!found.loading && !items.length ? <li className="muted">No entity named like “{typed}”</li> : null}
        </ul>
      ) : null}
      <ErrorBox error={found.error} />
    </div>
  );
}
