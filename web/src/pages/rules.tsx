import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { t, when } from '../i18n';
import { ErrorLine } from './error-line';

interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}
interface RulesStatus {
  ok: boolean;
  loadedAt: string | null;
  lastReloadAt: string | null;
  errors: Problem[];
  warnings: Problem[];
  metrics: number;
  healthModels: { name: string; file: string; metrics: string[] }[];
}

const where = (p: Problem) => `${p.file}:${p.line}:${p.col}: ${p.message}`;

/** The rules in force, the last reload's errors, and "explain" for a pasted payload. */
export function Rules() {
  const [status, setStatus] = useState<RulesStatus | null>(null);
  const [source, setSource] = useState('alertmanager');
  const [payload, setPayload] = useState('');
  const [explained, setExplained] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<RulesStatus>('GET', '/api/v1/rules').then(setStatus, (err: unknown) => setError(errorText(err)));
  }, []);
  const explain = async (e: Event) => {
    e.preventDefault();
    setError(null);
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch (err) {
      return setError(errorText(err));
    }
    try {
      setExplained(JSON.stringify(await api('POST', `/api/v1/explain?source=${encodeURIComponent(source)}`, body), null, 2));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">{t().rules}</h1>
      <ErrorLine error={error} />
      {status ? (
        <>
          <p>
            {t().rulesLoaded}: {when(status.loadedAt)} · {status.healthModels.length} / {status.metrics}
          </p>
          <h2>{t().reloadErrors}</h2>
          {status.errors.length === 0 ? <p>{t().noErrors}</p> : null}
          <ul class="problems">
            {[...status.errors, ...status.warnings].map((p) => (
              <li key={where(p)}>
                <code>{where(p)}</code>
              </li>
            ))}
          </ul>
          <ul class="models">
            {status.healthModels.map((m) => (
              <li key={m.name}>
                <strong>{m.name}</strong> <small>{m.file}</small>: {m.metrics.join(', ')}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p class="loading">{t().loading}</p>
      )}
      <form class="panel" onSubmit={(e) => void explain(e)} aria-label={t().explain}>
        <h2>{t().explain}</h2>
        <p class="hint">{t().explainHelp}</p>
        <label>
          {t().source}
          <input value={source} onInput={(e) => setSource(e.currentTarget.value)} />
        </label>
        <label>
          JSON
          <textarea rows={8} required value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />
        </label>
        <button type="submit">{t().explain}</button>
      </form>
      {explained ? <pre class="explained">{explained}</pre> : null}
    </section>
  );
}
