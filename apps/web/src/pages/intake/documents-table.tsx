import { useState } from 'react';
import type { Stage } from '@casegraph/contracts';
import { Link, paths } from '../../router';
import { formatBytes } from '../../text';
import { FileName, formatDate } from '../../ui';
import {
  DocumentItem,
  STAGE_HELP,
  STAGE_LABELS,
  STATUS_LABELS,
  batesRange,
  duplicateOrigins,
  errorInWords,
  needsPassword,
  pageProgress,
  parentLabel,
  statusLine,
} from './documents';

const STAGE_MARK: Record<string, string> = { completed: '✓', processing: '…', failed: '✗', pending: '·' };
/** Attachments listed under their e-mail without a click when there are at most this many. */
const OPEN_FAMILY_UP_TO = 5;

export interface RowActions {
  onRetry: (d: DocumentItem) => void;
  onDelete: (d: DocumentItem) => void;
}

export function DocumentsTable({ projectUuid, items, actions }: { projectUuid: string; items: DocumentItem[]; actions: RowActions }) {
  return (
    <div className="table-scroll">
      <table aria-label="Documents" className="documents">
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Status</th>
            <th scope="col">Steps</th>
            <th scope="col">Bates</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <DocumentRows key={d.documentUuid} d={d} projectUuid={projectUuid} actions={actions} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DocumentRows({ d, projectUuid, actions }: { d: DocumentItem; projectUuid: string; actions: RowActions }) {
  const kids = d.family.children;
  const [open, setOpen] = useState(kids.length <= OPEN_FAMILY_UP_TO);
  const progress = pageProgress(d);
  const problem = errorInWords(d);
  const copies = duplicateOrigins(d);
  const bates = batesRange(d);
  const order = Object.keys(STAGE_LABELS) as Stage[];
  return (
    <>
      <tr data-status={d.status} data-document-uuid={d.documentUuid} className={`doc-row status-row-${d.status}`}>
        <td className="doc-name">
          <Link to={paths.document(projectUuid, d.documentUuid)}>
            <FileName name={d.filename} />
          </Link>
          <div className="muted small">
            {[d.metadata?.format?.toUpperCase(), formatBytes(d.fileSizeBytes), d.pageCount ? `${d.pageCount} p.` : ''].filter(Boolean).join(' · ')}
          </div>
          {d.family.parent ? (
            <div className="family-parent small">
              ↳{' '}
              {d.family.parent.filename !== null ? (
                <Link to={paths.document(projectUuid, d.family.parent.documentUuid)}>{parentLabel(d.family.parent)}</Link>
              ) : (
                parentLabel(d.family.parent)
              )}
            </div>
          ) : null}
          {copies.length ? (
            <details className="copies small">
              <summary>{copies.length} copies (duplicates kept once)</summary>
              <ul>
                {copies.map((c, i) => (
                  <li key={i}>{c}</li>
                ))}
              </ul>
            </details>
          ) : null}
          {kids.length ? (
            <button type="button" className="link-button small" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? 'Hide' : 'Show'} {kids.length} attachment{kids.length === 1 ? '' : 's'}
            </button>
          ) : null}
        </td>
        <td className="doc-status">
          <span className={`badge status-${d.status}`}>{STATUS_LABELS[d.status]}</span>
          <div className="small">{statusLine(d)}</div>
          {progress ? <progress aria-label={`Pages read of ${d.filename}`} max={progress.count} value={progress.done} /> : null}
          {problem ? <div className="error-text small">{problem}</div> : null}
        </td>
        <td>
          <ol className="stages" aria-label={`Steps of ${d.filename}`}>
            {order.map((s) => {
              const st = d.stages[s]?.status ?? 'pending';
              return (
                <li key={s} className={`stage stage-${st}`} title={`${STAGE_HELP[s]}: ${STATUS_LABELS[st].toLowerCase()}`}>
                  <span aria-hidden="true">{STAGE_MARK[st]}</span> {STAGE_LABELS[s]}
                  <span className="visually-hidden">: {STATUS_LABELS[st].toLowerCase()}</span>
                </li>
              );
            })}
          </ol>
        </td>
        <td className="mono small">{bates ?? <span className="muted">–</span>}</td>
        <td className="small">{formatDate(d.createdAt)}</td>
        <td className="doc-actions">
          {d.status === 'failed' ? (
            <button
              type="button"
              className="secondary"
              onClick={() => actions.onRetry(d)}
              title={needsPassword(d) ? 'Asks for the PDF’s password' : undefined}
            >
              Retry
            </button>
          ) : null}
          <button type="button" className="secondary danger-text" onClick={() => actions.onDelete(d)}>
            Delete
          </button>
        </td>
      </tr>
      {open
        ? kids.map((c, i) => (
            <tr key={`${c.documentUuid}-${i}`} className="child-row" data-child-of={d.documentUuid}>
              <td colSpan={6}>
                <span className="child-indent" aria-hidden="true">
                  ↳
                </span>
                <span className="visually-hidden">Attachment of {d.filename}: </span>
                <Link to={paths.document(projectUuid, c.documentUuid)}>
                  <FileName name={c.filename ?? c.path ?? 'attachment'} />
                </Link>
                {c.path && c.path !== c.filename ? <span className="muted small"> ({c.path})</span> : null}{' '}
                {c.status ? <span className={`badge status-${c.status}`}>{STATUS_LABELS[c.status]}</span> : null}
              </td>
            </tr>
          ))
        : null}
    </>
  );
}
