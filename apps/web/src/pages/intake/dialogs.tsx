import { FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../../api';
import { ErrorBox, FileName, Modal } from '../../ui';
import type { DocumentItem } from './documents';

function words(err: unknown): unknown {
  if (err instanceof ApiError && err.status === 409)
    return new Error('It is no longer failed: someone retried it already. The list is up to date now.');
  if (err instanceof ApiError && err.status === 404) return new Error('This document no longer exists (it was deleted meanwhile).');
  return err;
}

export function DeleteDialog({ doc, onClose, onDone }: { doc: DocumentItem; onClose: () => void; onDone: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.del(`/v1/documents/${doc.documentUuid}`);
      onDone(`Deleted ${doc.filename}`);
    } catch (err) {
      setError(words(err));
      setBusy(false);
    }
  };
  const children = doc.family.children.length;
  return (
    <Modal title="Delete this document?" onClose={onClose}>
      <p>
        <FileName name={doc.filename} /> will be removed from the project with its text, its pages and the names found in it. This cannot be undone.
      </p>
      {children ? (
        <p>
          Its {children} attachment{children === 1 ? '' : 's'} stay in the project as documents of their own.
        </p>
      ) : null}
      <ErrorBox error={error} />
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
          {busy ? 'Deleting…' : 'Delete document'}
        </button>
      </div>
    </Modal>
  );
}

export function PasswordDialog({ doc, onClose, onDone }: { doc: DocumentItem; onClose: () => void; onDone: (message: string) => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const fieldId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) return setError(new Error('Type the password of the PDF.'));
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/v1/documents/${doc.documentUuid}/retry`, { password });
      setPassword('');
      onDone(`Retrying ${doc.filename} with the password`);
    } catch (err) {
      setBusy(false);
      setError(words(err));
    }
  };
  return (
    <Modal title="Unlock this PDF" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <p>
          <FileName name={doc.filename} /> is protected by a password. It is kept encrypted for the text step only, and deleted once used.
        </p>
        <div className="field">
          <label htmlFor={fieldId}>Password</label>
          <input id={fieldId} type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
        </div>
        <ErrorBox error={error} />
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            {busy ? 'Retrying…' : 'Retry with password'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** A retry without a password (any failure but an encrypted PDF's). */
export async function retry(doc: DocumentItem): Promise<string> {
  try {
    await api.post(`/v1/documents/${doc.documentUuid}/retry`);
    return `Retrying ${doc.filename}`;
  } catch (err) {
    const e = words(err);
    throw e instanceof Error ? e : new Error('The retry failed');
  }
}
