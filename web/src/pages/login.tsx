import { useState } from 'preact/hooks';
import { ApiError, errorText } from '../api';
import { t } from '../i18n';
import { signIn } from '../session';
import { ErrorLine } from './error-line';

/** Asks for a person's token and starts a session (an HttpOnly cookie; the token is not kept). */
export function Login() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t().wrongToken : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <h1>{t().appName}</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">{t().tokenLabel}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <p class="hint">{t().tokenHelp}</p>
        <ErrorLine error={error} />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {t().signIn}
        </button>
      </form>
    </main>
  );
}
