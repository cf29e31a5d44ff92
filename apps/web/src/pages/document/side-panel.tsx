import { Link, paths } from '../../router';
import { TypeBadge } from '../../ui';
import type { DocumentSummary, SummaryEntity } from './model';

function Entities({ projectUuid, documentUuid, items, empty }: { projectUuid: string; documentUuid: string; items: SummaryEntity[]; empty: string }) {
  if (!items.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="summary-list">
      {items.map((e) => (
        <li key={e.entityUuid}>
          <Link to={paths.entity(projectUuid, e.entityUuid)} className={`entity-name t-${e.type.replace(/[^A-Z_]/g, '')}`}>
            {e.name}
          </Link>
          {e.roles.length ? <span className="roles"> ({e.roles.join(', ')})</span> : null}
          {e.firstPage ? (
            <>
              {' '}
              <Link
                to={paths.document(projectUuid, documentUuid, e.firstPage)}
                className="page-jump"
                aria-label={`${e.name} first on page ${e.firstPage}`}
              >
                p. {e.firstPage}
              </Link>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function citationCounts(items: SummaryEntity[]): string {
  const cases = items.filter((c) => c.type === 'CASE').length;
  const parts = [count(cases, 'case', 'cases'), count(items.length - cases, 'statute or rule', 'statutes and rules')];
  return parts.filter((p) => !p.startsWith('0 ')).join(', ');
}

/** The document's parties, judges, court(s), own case and citations, each entity a link to its page. */
export function SidePanel({
  projectUuid,
  documentUuid,
  summary,
}: {
  projectUuid: string;
  documentUuid: string;
  summary: DocumentSummary | undefined;
}) {
  if (!summary) return <aside className="panel doc-side" aria-label="People, courts and citations" aria-busy="true" />;
  const citations = summary.citations;
  return (
    <aside className="panel doc-side" aria-label="People, courts and citations">
      {summary.cases.length ? (
        <>
          <h2>Case</h2>
          <Entities projectUuid={projectUuid} documentUuid={documentUuid} items={summary.cases} empty="" />
        </>
      ) : null}
      <h2>Parties</h2>
      <Entities projectUuid={projectUuid} documentUuid={documentUuid} items={summary.parties} empty="No parties found." />
      <h2>Judges</h2>
      <Entities projectUuid={projectUuid} documentUuid={documentUuid} items={summary.judges} empty="No judges found." />
      <h2>Court</h2>
      <Entities projectUuid={projectUuid} documentUuid={documentUuid} items={summary.courts} empty="No court found." />
      <h2>Citations</h2>
      {citations.length ? <p className="muted small">{citationCounts(citations)}</p> : null}
      <Entities projectUuid={projectUuid} documentUuid={documentUuid} items={citations} empty="No citations found." />
      <p className="legend" aria-hidden="true">
        {['PERSON', 'ORG', 'CASE', 'COURT', 'STATUTE', 'DATE'].map((t) => (
          <TypeBadge key={t} type={t} />
        ))}
      </p>
    </aside>
  );
}
