/**
 * A project's documents: add files and folders (drag and drop or the pickers, each file uploaded on its own with
 * its progress), then follow each document through the pipeline (polled while anything is still being processed),
 * with its family, duplicates, Bates range, and retry or delete.
 */
import { useCallback, useState } from 'react';
import { ApiError, api } from '../api';
import { Link, navigate, paths, useLocation, withParams } from '../router';
import { Empty, ErrorBox, Loading, PageTitle, Pager, useAsync, useInterval } from '../ui';
import { DeleteDialog, PasswordDialog, retry } from './intake/dialogs';
import { Counts, DocumentItem, DocumentPage, STATUSES, STATUS_LABELS, countsLine, isActive, needsPassword } from './intake/documents';
import { DocumentsTable } from './intake/documents-table';
import { UploadPanel } from './intake/upload-panel';
import type { DocumentStatus } from '@casegraph/contracts';

interface ProjectDetail {
  projectUuid: string;
  name: string;
  documents: Counts;
  pageCount?: number;
  entityCount?: number;
}

const PAGE_SIZE = 50;
/** How often the list is refreshed while documents are being processed. */
const POLL_MS = 2000;

type Dialog = { kind: 'delete' | 'password'; doc: DocumentItem } | null;

export function IntakePage({ projectUuid }: { projectUuid: string }) {
  const loc = useLocation();
  const statusParam = loc.query.get('status');
  const status = STATUSES.includes(statusParam as DocumentStatus) ? (statusParam as DocumentStatus) : undefined;
  const page = Math.max(1, Number(loc.query.get('page')) || 1);

  const project = useAsync((signal) => api.get<ProjectDetail>(`/v1/projects/${projectUuid}`, undefined, signal), [projectUuid]);
  const docs = useAsync(
    (signal) => api.get<DocumentPage>(`/v1/projects/${projectUuid}/documents`, { status, page, pageSize: PAGE_SIZE }, signal),
    [projectUuid, status, page],
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  const [message, setMessage] = useState('');
  const [actionError, setActionError] = useState<unknown>();

  const refresh = useCallback(() => {
    project.reload();
    docs.reload();
  }, [project.reload, docs.reload]); // eslint-disable-line react-hooks/exhaustive-deps -- reload functions are stable

  const counts = project.data?.documents;
  const busy = (counts ? counts.pending + counts.processing > 0 : false) || (docs.data?.items.some((d) => isActive(d.status)) ?? false);
  useInterval(refresh, POLL_MS, busy && !dialog);

  const done = (text: string) => {
    setDialog(null);
    setActionError(undefined);
    setMessage(text);
    refresh();
  };

  const onRetry = (d: DocumentItem) => {
    setActionError(undefined);
    if (needsPassword(d)) return setDialog({ kind: 'password', doc: d });
    retry(d).then(done, (err: unknown) => {
      setActionError(err);
      refresh();
    });
  };

  if (project.error instanceof ApiError && (project.error.status === 404 || project.error.status === 403)) {
    return (
      <section>
        <PageTitle>Project not found</PageTitle>
        <ErrorBox
          error={
            new Error(
              project.error.status === 404 ? 'This project does not exist (it may have been deleted).' : 'This key may not open that project.',
            )
          }
        />
        <p>
          <Link to={paths.projects()}>Back to the projects</Link>
        </p>
      </section>
    );
  }

  const p = project.data;
  const setFilter = (value: string) => navigate(withParams(loc, { status: value || null, page: null }));
  return (
    <section className="intake">
      <PageTitle>{p ? p.name : 'Documents'}</PageTitle>
      {p ? (
        <p className="project-summary" aria-live="polite">
          {countsLine(p.documents)}
          {p.pageCount !== undefined ? ` · ${p.pageCount.toLocaleString()} pages` : ''}
          {p.entityCount !== undefined ? (
            <>
              {' · '}
              <Link to={paths.entities(projectUuid)}>{p.entityCount.toLocaleString()} entities</Link>
            </>
          ) : null}
        </p>
      ) : null}
      <ErrorBox error={project.error} title="The project could not be loaded" />

      <UploadPanel projectUuid={projectUuid} onStored={refresh} />

      <section aria-labelledby="documents-heading">
        <div className="documents-head">
          <h2 id="documents-heading">Documents</h2>
          <div className="filters">
            <div className="field">
              <label htmlFor="status-filter">Status</label>
              <select id="status-filter" value={status ?? ''} onChange={(e) => setFilter(e.target.value)}>
                <option value="">All ({counts?.total ?? '…'})</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]} ({counts?.[s] ?? '…'})
                  </option>
                ))}
              </select>
            </div>
            <button type="button" className="secondary" onClick={refresh}>
              Refresh
            </button>
            <span className="muted small" aria-live="off">
              {busy ? 'Updating every 2 seconds while documents are processed' : ''}
            </span>
          </div>
        </div>
        <p className="action-message" role="status" aria-live="polite">
          {message}
        </p>
        <ErrorBox error={actionError} />
        <ErrorBox error={docs.error} title="The documents could not be loaded" />
        {!docs.data && docs.loading ? <Loading label="Loading the documents…" /> : null}
        {docs.data && !docs.data.items.length ? (
          <Empty>
            {status ? `No ${STATUS_LABELS[status].toLowerCase()} documents.` : 'No documents yet. Drop files or folders above, or use Add files.'}
          </Empty>
        ) : null}
        {docs.data?.items.length ? (
          <>
            <DocumentsTable
              projectUuid={projectUuid}
              items={docs.data.items}
              actions={{ onRetry, onDelete: (d) => setDialog({ kind: 'delete', doc: d }) }}
            />
            <Pager page={page} pageSize={PAGE_SIZE} total={docs.data.total} onPage={(n) => navigate(withParams(loc, { page: n > 1 ? n : null }))} />
          </>
        ) : null}
      </section>

      {dialog?.kind === 'delete' ? <DeleteDialog doc={dialog.doc} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog?.kind === 'password' ? <PasswordDialog doc={dialog.doc} onClose={() => setDialog(null)} onDone={done} /> : null}
    </section>
  );
}
