import { FormEvent, useState } from 'react';
import { ApiError, Session, session } from '../api';
import { ErrorBox } from '../ui';

/**
 * The key is typed once here and sent once, in the body of POST /v1/session; the API answers with an HttpOnly
 * session cookie. The key is not kept anywhere in the page (the field is cleared), nor in storage or the URL.
 */
export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const s = await session.login(key.trim());
      setKey('');
      onLogin(s);
    } catch (err) {
      setKey('');
      setError(err instanceof ApiError && err.status === 401 ? new Error('That key is not valid.') : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login">
      <h1>CaseGraph</h1>
      <p>Enter the API key your administrator gave you. It is used for this browser session only.</p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
          autoFocus
        />
        <button type="submit" disabled={busy || !key.trim()}>
          {busy ? 'Checking…' : 'Open'}
        </button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}
