/**
 * Search-and-pick of one entity of the project (GET entities?q=, debounced): a field, then the matches as buttons.
 * Used by the graph (start from an entity) and the timeline (filter by one).
 */
import { useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { ErrorBox, TypeBadge } from '../../ui';

export interface PickedEntity {
  uuid: string;
  type: string;
  name: string;
}

const DELAY_MS = 250;

export function EntityPicker({
  projectUuid,
  label,
  onPick,
  placeholder = 'Name, case, citation…',
}: {
  projectUuid: string;
  label: string;
  onPick: (e: PickedEntity) => void;
  placeholder?: string;
}) {
  const id = useId();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<PickedEntity[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setItems([]);
      return;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      api.get<{ items: PickedEntity[] }>(`/v1/projects/${projectUuid}/entities`, { q: text, pageSize: 8 }, ctl.signal).then(
        (r) => {
          setError(null);
          setItems(r.items);
        },
        (err: Error) => err.name !== 'AbortError' && setError(err),
      );
    }, DELAY_MS);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [q, projectUuid]);
  return (
    <div className="entity-picker">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={placeholder} autoComplete="off" />
      </div>
      <ErrorBox error={error} />
      {items.length ? (
        <ul className="picker-results" aria-label={`Matches for ${label}`}>
          {items.map((e) => (
            <li key={e.uuid}>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  onPick(e);
                  setQ('');
                  setItems([]);
                }}
              >
                <TypeBadge type={e.type} /> {e.name}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
