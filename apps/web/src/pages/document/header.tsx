import { Link, paths } from '../../router';
import { FileName, formatDate } from '../../ui';
import { formatBytes } from '../../text';
import { formatName, type DocumentView } from './model';

/** The file name, status, format, Bates range, family (parent, attachments) and the download of the original. */
export function DocumentHeader({ projectUuid, doc }: { projectUuid: string; doc: DocumentView }) {
  const email = doc.metadata?.email;
  const type = doc.detectedFileType ?? doc.fileType;
  return (
    <header className="doc-header">
      <h1>
        <FileName name={doc.filename} />
      </h1>
      <dl className="doc-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`status-${doc.status}`}>{doc.status}</span>
            {doc.error ? <span className="error-text"> — {doc.error}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Format</dt>
          <dd>
            {formatName(type).replace(/^an? /, '')}
            {doc.fileSizeBytes !== null ? <span className="muted"> · {formatBytes(doc.fileSizeBytes)}</span> : null}
          </dd>
        </div>
        {doc.pageCount !== null ? (
          <div>
            <dt>Pages</dt>
            <dd>{doc.pageCount}</dd>
          </div>
        ) : null}
        {doc.bates ? (
          <div>
            <dt>Bates</dt>
            <dd className="mono">{doc.bates.first === doc.bates.last ? doc.bates.first : `${doc.bates.first} – ${doc.bates.last}`}</dd>
          </div>
        ) : null}
        {typeof email?.subject === 'string' ? (
          <div>
            <dt>Subject</dt>
            <dd>{email.subject}</dd>
          </div>
        ) : null}
        {typeof email?.date === 'string' ? (
          <div>
            <dt>Sent</dt>
            <dd>{formatDate(email.date)}</dd>
          </div>
        ) : null}
      </dl>
      {doc.family.parent || doc.family.children.length ? (
        <nav className="doc-family" aria-label="Family">
          {doc.family.parent ? (
            <p>
              Part of{' '}
              <Link to={paths.document(projectUuid, doc.family.parent.documentUuid)}>
                <FileName name={doc.family.parent.filename ?? '(deleted document)'} />
              </Link>
            </p>
          ) : null}
          {doc.family.children.length ? (
            <>
              <p>
                {doc.family.children.length} attachment{doc.family.children.length === 1 ? '' : 's'}:
              </p>
              <ul>
                {doc.family.children.map((c, i) => (
                  <li key={`${c.documentUuid}-${i}`}>
                    <Link to={paths.document(projectUuid, c.documentUuid)}>
                      <FileName name={c.filename ?? c.path ?? c.documentUuid} />
                    </Link>{' '}
                    <span className={`muted status-${c.status}`}>{c.status}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </nav>
      ) : null}
      <p className="doc-actions">
        <a className="button secondary" href={`/v1/documents/${doc.documentUuid}/file`} download>
          Download the original
        </a>
      </p>
    </header>
  );
}
