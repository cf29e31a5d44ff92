/** The read-only parts of an entity's page: mentions, roles and typed relationships, citations, documents, neighbours. */
import { Link, paths } from '../../router';
import { Empty, FileName, Highlighted, TypeBadge } from '../../ui';
import { Citation, EntityDetail, EntityRef, Evidence, mentionPage, roleSections, roleWord, snippetRanges } from './model';

function EntityLink({ projectUuid, entity }: { projectUuid: string; entity: EntityRef }) {
  return (
    <>
      <Link to={paths.entity(projectUuid, entity.uuid)}>{entity.name}</Link> <TypeBadge type={entity.type} />
    </>
  );
}

function EvidenceLine({ projectUuid, evidence }: { projectUuid: string; evidence: Evidence | null }) {
  if (!evidence?.snippet) return null;
  return (
    <div className="evidence small">
      <Link to={paths.document(projectUuid, evidence.documentUuid, evidence.page ?? undefined)} className="snippet-link">
        “{evidence.snippet}”{evidence.page ? ` (page ${evidence.page})` : ''}
      </Link>
    </div>
  );
}

export function Mentions({ projectUuid, entity }: { projectUuid: string; entity: EntityDetail }) {
  return (
    <section aria-labelledby="mentions-h" className="panel">
      <h2 id="mentions-h">
        Mentions <span className="muted small">({entity.mentionsTotal})</span>
      </h2>
      {entity.mentionsTotal > entity.mentions.length ? (
        <p className="small muted">
          The first {entity.mentions.length} of {entity.mentionsTotal}, by document.
        </p>
      ) : null}
      {!entity.mentions.length ? <Empty>No mentions.</Empty> : null}
      <ol className="mentions">
        {entity.mentions.map((m) => {
          const page = mentionPage(m);
          return (
            <li key={m.mentionUuid}>
              <Link to={paths.document(projectUuid, m.documentUuid, page)} className="mention-doc">
                <FileName name={m.documentName} />
                {page ? <span className="muted"> · page {page}</span> : null}
              </Link>
              {m.role ? <span className="badge role-badge">{roleWord(m.role)}</span> : null}
              <p className="snippet">
                {m.snippet ? (
                  <Highlighted text={m.snippet} ranges={snippetRanges(m)} />
                ) : (
                  <span className="muted">“{m.text}” (no text around it is known)</span>
                )}
              </p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export function Relationships({ projectUuid, entity }: { projectUuid: string; entity: EntityDetail }) {
  const sections = roleSections(entity.roles);
  const sent = entity.roles?.sent ?? [];
  const received = entity.roles?.received ?? [];
  if (!sections.length && !sent.length && !received.length && !entity.citedBy.length && !entity.cites.length) {
    return (
      <section aria-labelledby="roles-h" className="panel">
        <h2 id="roles-h">Roles and relationships</h2>
        <Empty>No typed relationship (party, counsel, judge, court, citation) was found for this entity.</Empty>
      </section>
    );
  }
  return (
    <section aria-labelledby="roles-h" className="panel">
      <h2 id="roles-h">Roles and relationships</h2>
      {sections.map((s) => (
        <div key={s.key} className="role-section">
          <h3>{s.label}</h3>
          <ul className="related">
            {s.items.map((r) => (
              <li key={r.relationshipUuid}>
                <EntityLink projectUuid={projectUuid} entity={r.entity} />
                {r.roles.length ? <span className="muted"> as {r.roles.map(roleWord).join(', ')}</span> : null}
                <span className="small muted">
                  {' '}
                  · {r.documentCount} document{r.documentCount === 1 ? '' : 's'}
                </span>
                <EvidenceLine projectUuid={projectUuid} evidence={r.evidence} />
              </li>
            ))}
          </ul>
        </div>
      ))}
      {sent.length || received.length ? (
        <div className="role-section">
          <h3>E-mails</h3>
          <ul className="related">
            {[...sent.map((e) => ({ ...e, dir: 'sent' })), ...received.map((e) => ({ ...e, dir: `received (${e.roles.join(', ')})` }))].map((e) => (
              <li key={e.relationshipUuid}>
                <span className="muted">{e.dir}: </span>
                <Link to={paths.document(projectUuid, e.documentUuid, 1)}>{e.subject ? e.subject : <FileName name={e.documentName} />}</Link>
                {e.date ? <span className="small muted"> · {e.date.slice(0, 10)}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Citations projectUuid={projectUuid} title="Cited by" items={entity.citedBy} />
      <Citations projectUuid={projectUuid} title="Cites" items={entity.cites} />
    </section>
  );
}

function Citations({ projectUuid, title, items }: { projectUuid: string; title: string; items: Citation[] }) {
  if (!items.length) return null;
  return (
    <div className="role-section">
      <h3>{title}</h3>
      <ul className="related">
        {items.map((c) => (
          <li key={`${c.relationshipUuid}-${c.documentUuid}`}>
            {c.cited ? <EntityLink projectUuid={projectUuid} entity={c.cited} /> : null}
            {c.citingCase ? <EntityLink projectUuid={projectUuid} entity={c.citingCase} /> : null}
            {c.cited || c.citingCase ? <span className="muted"> in </span> : null}
            <Link to={paths.document(projectUuid, c.documentUuid, c.evidence?.page ?? undefined)}>
              <FileName name={c.documentName} />
            </Link>
            <span className="small muted">
              {' '}
              · {c.count}×{c.pins.length ? ` · at ${c.pins.join(', ')}` : ''}
              {c.signals.length ? ` · ${c.signals.join(', ')}` : ''}
            </span>
            <EvidenceLine projectUuid={projectUuid} evidence={c.evidence} />
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Documents({ projectUuid, entity }: { projectUuid: string; entity: EntityDetail }) {
  return (
    <section aria-labelledby="documents-h" className="panel">
      <h2 id="documents-h">
        Documents <span className="muted small">({entity.documentCount ?? entity.documents.length})</span>
      </h2>
      {!entity.documents.length ? <Empty>None.</Empty> : null}
      <ul className="related">
        {entity.documents.map((d) => (
          <li key={d.documentUuid}>
            <Link to={paths.document(projectUuid, d.documentUuid)}>
              <FileName name={d.documentName} />
            </Link>
            <span className="small muted">
              {' '}
              · {d.mentions} mention{d.mentions === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Neighbours({ projectUuid, entity }: { projectUuid: string; entity: EntityDetail }) {
  return (
    <section aria-labelledby="neighbours-h" className="panel">
      <h2 id="neighbours-h">Mentioned with</h2>
      <p className="small muted">Entities in the same sentences, most often first.</p>
      {!entity.neighbours.length ? <Empty>None.</Empty> : null}
      <ul className="related">
        {entity.neighbours.map((n) => (
          <li key={n.uuid}>
            <EntityLink projectUuid={projectUuid} entity={n} />
            <span className="small muted">
              {' '}
              · {n.weight} sentence{n.weight === 1 ? '' : 's'}, {n.documentCount} document{n.documentCount === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
