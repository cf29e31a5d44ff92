/**
 * The project's entities: filter by name or alias (server-side, debounced) and type, sort by name, mentions or
 * documents (server-side), page through. The query string holds the view, so it can be bookmarked and Back works.
 */
import { useEffect, useId, useState } from 'react';
import { api } from '../api';
import { Link, navigate, paths, useLocation, withParams } from '../router';
import { Empty, ErrorBox, Loading, PageTitle, Pager, TypeBadge, useAsync } from '../ui';
import { ENTITY_TYPES, EntityPage, Sort, ariaSort, nextSort, readSort } from './entity/model';

const PAGE_SIZE = 50;
/** How long typing may pause before the list asks the server. */
const FILTER_DELAY_MS = 300;

function SortHeader({ column, label, current }: { column: Sort; label: string; current: { sort: Sort; order: 'asc' | 'desc' } }) {
  const loc = useLocation();
  const sorted = ariaSort(current, column);
  const onClick = () => {
    const next = nextSort(current, column);
    navigate(withParams(loc, { sort: next.sort, order: next.order, page: null }), { replace: true });
  };
  return (
    <th scope="col" aria-sort={sorted} className={column === 'name' ? undefined : 'num'}>
      <button type="button" className="sort" onClick={onClick}>
        {label}
        <span aria-hidden="true">{sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span>
      </button>
    </th>
  );
}

export function EntitiesPage({ projectUuid }: { projectUuid: string }) {
  const loc = useLocation();
  const q = loc.query.get('q') ?? '';
  const type = loc.query.get('type') ?? '';
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const current = readSort(loc.query.get('sort'), loc.query.get('order'));
  const filterId = useId();
  const typeId = useId();

  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (text.trim() === q.trim()) return;
    const t = setTimeout(() => navigate(withParams(loc, { q: text.trim(), page: null }), { replace: true }), FILTER_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, q, loc]);

  const list = useAsync(
    (signal) =>
      api.get<EntityPage>(
        `/v1/projects/${projectUuid}/entities`,
        { q: q.trim(), type, page, pageSize: PAGE_SIZE, sort: current.sort, order: current.order },
        signal,
      ),
    [projectUuid, q, type, page, current.sort, current.order],
  );
  const data = list.data;

  return (
    <section className="entities-page">
      <PageTitle
        actions={
          <Link to={paths.curation(projectUuid)} className="button secondary">
            Curation log
          </Link>
        }
      >
        Entities
      </PageTitle>
      <form className="filters" role="search" aria-label="Filter the entities" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={filterId}>Filter entities</label>
          <input
            id={filterId}
            type="search"
            value={text}
            maxLength={200}
            placeholder="Name or alias"
            autoComplete="off"
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={typeId}>Type</label>
          <select id={typeId} value={type} onChange={(e) => navigate(withParams(loc, { type: e.target.value, page: null }), { replace: true })}>
            <option value="">All types</option>
            {ENTITY_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <p className="muted entities-count" role="status" aria-live="polite">
          {data ? `${data.total} ${data.total === 1 ? 'entity' : 'entities'}` : ''}
          {list.loading && data ? ' · updating…' : ''}
        </p>
      </form>
      <ErrorBox error={list.error} title="The entities could not be loaded" />
      {!data && list.loading ? <Loading /> : null}
      {data && data.items.length === 0 ? (
        <Empty>{q || type ? 'No entity matches this filter.' : 'No entities yet: they appear once documents are processed.'}</Empty>
      ) : null}
      {data && data.items.length > 0 ? (
        <div className="table-scroll">
          <table aria-label="Entities" className="entities" aria-busy={list.loading}>
            <thead>
              <tr>
                <SortHeader column="name" label="Name" current={current} />
                <th scope="col">Type</th>
                <SortHeader column="mentions" label="Mentions" current={current} />
                <SortHeader column="documents" label="Documents" current={current} />
              </tr>
            </thead>
            <tbody>
              {data.items.map((e) => (
                <tr key={e.uuid}>
                  <td className="entity-name">
                    <Link to={paths.entity(projectUuid, e.uuid)}>{e.name}</Link>
                    {Object.keys(e.curated ?? {}).length ? (
                      <span className="curated-flag" title="A person fixed this entity">
                        curated
                      </span>
                    ) : null}
                    {e.aliases.filter((a) => a !== e.name).length ? (
                      <div className="small muted aliases-line">
                        also:{' '}
                        {e.aliases
                          .filter((a) => a !== e.name)
                          .slice(0, 4)
                          .join(' · ')}
                        {e.aliases.length > 5 ? ' …' : ''}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <TypeBadge type={e.type} />
                  </td>
                  <td className="num">{e.mentionCount}</td>
                  <td className="num">{e.documentCount ?? ''}</td>
                </tr>
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
