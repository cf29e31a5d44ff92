/**
 * The project's dated events (GET timeline): each date with its sentence (the date marked), the document and page,
 * grouped by year and month; filtered by one entity (search-and-pick) and a date range; paged. The query string
 * holds the view (entity, from, to, page), so it can be bookmarked and Back works.
 */
import { useId } from 'react';
import { api } from '../api';
import { Link, navigate, paths, useLocation, withParams } from '../router';
import { Empty, ErrorBox, FileName, Highlighted, Loading, PageTitle, Pager, TypeBadge, useAsync } from '../ui';
import { EntityPicker } from './graph/entity-picker';

const PAGE_SIZE = 50;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface TimelineItem {
  date: string;
  text: string;
  entityUuid: string;
  mentionUuid: string;
  documentUuid: string;
  filename: string;
  page: number | null;
  sentence: string;
  highlight: [number, number];
}

interface TimelinePageBody {
  total: number;
  page: number;
  pageSize: number;
  items: TimelineItem[];
}

/** Items grouped by month ("2021-03"), in the order given (the API sorts by date). */
function byMonth(items: TimelineItem[]): Array<{ month: string; items: TimelineItem[] }> {
  const out: Array<{ month: string; items: TimelineItem[] }> = [];
  for (const i of items) {
    const month = i.date.slice(0, 7);
    if (out.length && out[out.length - 1].month === month) out[out.length - 1].items.push(i);
    else out.push({ month, items: [i] });
  }
  return out;
}

const monthName = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1] ?? ym.slice(5, 7)} ${ym.slice(0, 4)}`;

export function TimelinePage({ projectUuid }: { projectUuid: string }) {
  const loc = useLocation();
  const entity = loc.query.get('entity') ?? '';
  const from = loc.query.get('from') ?? '';
  const to = loc.query.get('to') ?? '';
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const fromId = useId();
  const toId = useId();
  const set = (changes: Record<string, string | number | null>) => navigate(withParams(loc, { page: null, ...changes }), { replace: true });

  const data = useAsync(
    (signal) => api.get<TimelinePageBody>(`/v1/projects/${projectUuid}/timeline`, { entity, from, to, page, pageSize: PAGE_SIZE }, signal),
    [projectUuid, entity, from, to, page],
  );
  const picked = useAsync(
    (signal) =>
      entity
        ? api.get<{ uuid: string; type: string; name: string }>(`/v1/projects/${projectUuid}/entities/${entity}`, undefined, signal)
        : Promise.resolve(null),
    [projectUuid, entity],
  );

  let year = '';
  return (
    <section className="timeline-page">
      <PageTitle>Timeline</PageTitle>
      <form className="filters" role="search" aria-label="Timeline filters" onSubmit={(e) => e.preventDefault()}>
        {entity ? (
          <div className="field">
            <span className="field-label">Entity</span>
            <span className="picked">
              {picked.data ? (
                <>
                  <TypeBadge type={picked.data.type} /> <Link to={paths.entity(projectUuid, picked.data.uuid)}>{picked.data.name}</Link>
                </>
              ) : (
                '…'
              )}{' '}
              <button type="button" className="link-button" onClick={() => set({ entity: null })}>
                Clear the entity
              </button>
            </span>
          </div>
        ) : (
          <EntityPicker
            projectUuid={projectUuid}
            label="Entity"
            onPick={(e) => set({ entity: e.uuid })}
            placeholder="Dates near a person, case, court…"
          />
        )}
        <div className="field">
          <label htmlFor={fromId}>From</label>
          <input id={fromId} type="date" value={from} onChange={(e) => set({ from: e.target.value || null })} />
        </div>
        <div className="field">
          <label htmlFor={toId}>To</label>
          <input id={toId} type="date" value={to} onChange={(e) => set({ to: e.target.value || null })} />
        </div>
      </form>
      <ErrorBox error={data.error} />
      {data.loading && !data.data ? <Loading /> : null}
      {data.data ? (
        <>
          <p className="muted" aria-live="polite">
            {data.data.total} dated {data.data.total === 1 ? 'event' : 'events'}
            {entity ? ' near this entity' : ''}
          </p>
          {!data.data.items.length ? (
            <Empty>
              No dates {entity || from || to ? 'match these filters' : 'in this project yet: dates with a day (e.g. “March 3, 2021”) appear here'}.
            </Empty>
          ) : (
            <ol className="timeline" aria-label="Timeline">
              {byMonth(data.data.items).map((g) => {
                const y = g.month.slice(0, 4);
                const newYear = y !== year;
                year = y;
                return (
                  <li key={g.month} className="timeline-month">
                    {newYear ? <h2 className="timeline-year">{y}</h2> : null}
                    <h3>{monthName(g.month)}</h3>
                    <ol>
                      {g.items.map((i) => (
                        <li key={i.mentionUuid} className="timeline-item">
                          <time dateTime={i.date} className="mono">
                            {i.date}
                          </time>
                          <p className="timeline-sentence">
                            <Highlighted text={i.sentence} ranges={[i.highlight]} />
                          </p>
                          <Link to={paths.document(projectUuid, i.documentUuid, i.page ?? undefined)} className="timeline-source">
                            <FileName name={i.filename} />
                            {i.page ? `, page ${i.page}` : ''}
                          </Link>
                        </li>
                      ))}
                    </ol>
                  </li>
                );
              })}
            </ol>
          )}
          <Pager page={page} pageSize={PAGE_SIZE} total={data.data.total} onPage={(p) => navigate(withParams(loc, { page: p }))} />
        </>
      ) : null}
    </section>
  );
}
