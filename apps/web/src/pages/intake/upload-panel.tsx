import { DragEvent, KeyboardEvent, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError, api, upload } from '../../api';
import { Link, paths } from '../../router';
import { formatBytes } from '../../text';
import { FileName } from '../../ui';
import { DocumentItem, uploadErrorWords } from './documents';
import { SETTLED, Send, UploadItem, UploadQueue, queueSummary } from './uploads';
import { EntryLike, WalkResult, pickFiles, walkEntries } from './walk';

interface UploadAccepted {
  documents: Array<{ documentUuid: string; filename: string; status: string; duplicateOf?: string }>;
}

/** Files at a time: enough to keep the server busy, few enough that each shows progress and the browser stays quick. */
const CONCURRENCY = 3;

function describe(err: unknown): string {
  if (err instanceof ApiError) return uploadErrorWords(err.status, err.message);
  return err instanceof Error ? err.message : 'The upload failed';
}

const STATE_WORDS: Record<UploadItem['state'], string> = {
  queued: 'Waiting',
  uploading: 'Uploading',
  done: 'Uploaded',
  duplicate: 'Already in the project',
  failed: 'Not uploaded',
  cancelled: 'Cancelled',
};

export function UploadPanel({ projectUuid, onStored }: { projectUuid: string; onStored: () => void }) {
  const onStoredRef = useRef(onStored);
  onStoredRef.current = onStored;
  const queue = useMemo(() => {
    const send: Send<File> = async (file, onProgress, signal) => {
      const form = new FormData();
      form.append('files', file, file.name);
      const r = await upload<UploadAccepted>(`/v1/projects/${projectUuid}/documents`, form, (p) => onProgress(p.loaded, p.total), signal);
      const d = r.documents[0];
      if (!d?.duplicateOf) return { documentUuid: d.documentUuid };
      // Name the document it duplicates (the answer carries only its UUID).
      const existing = await api.get<DocumentItem>(`/v1/documents/${d.duplicateOf}`).catch(() => null);
      return { documentUuid: d.documentUuid, duplicateOf: d.duplicateOf, duplicateName: existing?.filename ?? null };
    };
    return new UploadQueue<File>(send, describe, CONCURRENCY, () => onStoredRef.current());
  }, [projectUuid]);
  useEffect(() => () => queue.cancelAll(), [queue]);
  const items = useSyncExternalStore(queue.subscribe, queue.snapshot);
  const [notice, setNotice] = useState('');
  const [dragging, setDragging] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);

  const take = (r: WalkResult<File>) => {
    queue.add(r.files);
    const words = [`${r.files.length} file${r.files.length === 1 ? '' : 's'} added`];
    if (r.skipped.length)
      words.push(`${r.skipped.length} system file${r.skipped.length === 1 ? '' : 's'} left out (${r.skipped.slice(0, 3).join(', ')})`);
    if (r.unreadable.length) words.push(`${r.unreadable.length} could not be read: ${r.unreadable.slice(0, 3).join(', ')}`);
    setNotice(words.join('; '));
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    // Entries must be taken now: the DataTransfer is emptied once the event returns.
    const entries = Array.from(e.dataTransfer.items ?? [])
      .filter((i) => i.kind === 'file')
      .map((i) => i.webkitGetAsEntry?.() ?? null)
      .filter((x): x is FileSystemEntry => !!x);
    if (entries.length) {
      setNotice('Reading the folders…');
      void walkEntries(entries as unknown as Array<EntryLike<File>>).then(take, () => setNotice('The dropped items could not be read'));
    } else take(pickFiles(e.dataTransfer.files));
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      filesInput.current?.click();
    }
  };

  const running = items.some((i) => !SETTLED.has(i.state));
  const settled = items.some((i) => SETTLED.has(i.state));
  // Failures and duplicates repeated above the (scrolling) list, so none hides below the fold of a big folder.
  const attention = items.length > 5 ? items.filter((i) => i.state === 'failed' || i.state === 'duplicate') : [];
  return (
    <section className="panel upload-panel" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Add documents</h2>
      <div
        role="region"
        aria-label="Drop files or folders here"
        aria-describedby="drop-help"
        tabIndex={0}
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        onKeyDown={onKey}
      >
        <p className="drop-title">Drop files or folders here</p>
        <p id="drop-help" className="muted">
          PDF, scans (PNG, JPEG, TIFF), Word (.docx), e-mail (.eml, .msg), HTML, text and ZIP. Folders are read with everything in them. Press Enter
          to choose files.
        </p>
        <div className="drop-buttons">
          <label className="button file-button">
            <input
              ref={filesInput}
              type="file"
              multiple
              className="visually-hidden"
              onChange={(e) => {
                if (e.target.files?.length) take(pickFiles(e.target.files));
                e.target.value = '';
              }}
            />
            Add files
          </label>
          <label className="button secondary file-button">
            <input
              type="file"
              multiple
              className="visually-hidden"
              webkitdirectory=""
              onChange={(e) => {
                if (e.target.files?.length) take(pickFiles(e.target.files));
                e.target.value = '';
              }}
            />
            Add a folder
          </label>
        </div>
      </div>
      <p className="muted upload-notice" role="status" aria-live="polite">
        {notice}
      </p>
      {items.length ? (
        <>
          <div className="upload-summary">
            <span role="status" aria-live="polite">
              {queueSummary(items)}
            </span>
            {running ? (
              <button type="button" className="secondary" onClick={() => queue.cancelAll()}>
                Cancel all
              </button>
            ) : null}
            {settled ? (
              <button type="button" className="secondary" onClick={() => queue.clearSettled()}>
                Clear finished
              </button>
            ) : null}
          </div>
          {attention.length ? (
            <ul className="upload-attention" aria-label="Uploads that need attention">
              {attention.map((i) => (
                <li key={i.id} className={`upload-${i.state}`}>
                  <FileName name={i.name} />: <span className="upload-word">{STATE_WORDS[i.state]}</span>
                  {i.state === 'failed' ? ` — ${i.message ?? ''}` : null}
                  {i.state === 'duplicate' ? (
                    <>
                      {' — a duplicate of '}
                      {i.duplicateOf ? (
                        <Link to={paths.document(projectUuid, i.duplicateOf)}>
                          {i.duplicateName ? <FileName name={i.duplicateName} /> : 'a document'}
                        </Link>
                      ) : null}
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          <ul className="uploads" aria-label="Uploads">
            {items.map((i) => (
              <UploadRow key={i.id} item={i} projectUuid={projectUuid} queue={queue} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function UploadRow({ item: i, projectUuid, queue }: { item: UploadItem<File>; projectUuid: string; queue: UploadQueue<File> }) {
  const max = i.total || i.size || 1;
  return (
    <li className={`upload upload-${i.state}`} data-upload-state={i.state}>
      <div className="upload-name">
        <FileName name={i.name} />
        {i.path !== i.name ? <span className="muted"> in {i.path.slice(0, -i.name.length - 1)}</span> : null}
        <span className="muted"> · {formatBytes(i.size)}</span>
      </div>
      <progress
        aria-label={`Upload of ${i.name}`}
        max={max}
        value={i.state === 'queued' || i.state === 'failed' || i.state === 'cancelled' ? 0 : Math.min(i.loaded, max)}
      />
      <div className="upload-state">
        <span className="upload-word">
          {i.state === 'uploading' && i.total && i.loaded >= i.total ? 'Checking and storing…' : STATE_WORDS[i.state]}
        </span>
        {i.state === 'uploading' && i.total && i.loaded < i.total ? <span className="muted"> {Math.round((100 * i.loaded) / i.total)}%</span> : null}
        {i.state === 'done' && i.documentUuid ? (
          <>
            {' '}
            <Link to={paths.document(projectUuid, i.documentUuid)}>Open</Link>
          </>
        ) : null}
        {i.state === 'duplicate' && i.duplicateOf ? (
          <span>
            : a duplicate of{' '}
            <Link to={paths.document(projectUuid, i.duplicateOf)}>{i.duplicateName ? <FileName name={i.duplicateName} /> : 'a document'}</Link> (same
            content), so it was not added again
          </span>
        ) : null}
        {i.state === 'failed' && i.message ? <span className="error-text">: {i.message}</span> : null}
        {i.state === 'queued' || i.state === 'uploading' ? (
          <button type="button" className="link-button" aria-label={`Cancel upload of ${i.name}`} onClick={() => queue.cancel(i.id)}>
            Cancel
          </button>
        ) : null}
        {i.state === 'failed' || i.state === 'cancelled' ? (
          <button type="button" className="link-button" aria-label={`Try again: ${i.name}`} onClick={() => queue.again(i.id)}>
            Try again
          </button>
        ) : null}
      </div>
    </li>
  );
}
