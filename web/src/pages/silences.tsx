import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { t, when } from '../i18n';
import { mayAct, person } from '../session';
import { ErrorLine } from './error-line';

interface Silence {
  id: number;
  matchers: string[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: 'active' | 'pending' | 'expired';
}

interface Span {
  startsAt: string;
  endsAt: string;
}

interface MaintenanceWindow {
  name: string;
  matchers: string[];
  healthModels: string[];
  timezone: string;
  schedule: ({ kind: 'once' } & Span) | { kind: 'recurring'; rrule: string; durationSeconds: number };
  status: 'active' | 'pending' | 'expired';
  current: Span | null;
  next: Span | null;
}

/** The config's maintenance windows, read-only: what each covers, when, and whether it is in force. */
function Maintenance() {
  const [windows, setWindows] = useState<MaintenanceWindow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void api<{ windows: MaintenanceWindow[] }>('GET', '/api/v1/maintenance').then((r) => setWindows(r.windows), (err: unknown) => setError(errorText(err))), []);
  const span = (s: Span | null) => (s === null ? '—' : `${when(s.startsAt)} – ${when(s.endsAt)}`);
  return (
    <section aria-labelledby="maintenance-title">
      <h2 id="maintenance-title">{t().maintenance}</h2>
      <p class="hint">{t().maintenanceHint}</p>
      <ErrorLine error={error} />
      {windows === null ? (
        error === null ? <p class="loading">{t().loading}</p> : null
      ) : windows.length === 0 ? (
        <p class="empty">{t().noMaintenance}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t().name}</th>
                <th scope="col">{t().covers}</th>
                <th scope="col">{t().schedule}</th>
                <th scope="col">{t().status}</th>
                <th scope="col">{t().nextWindow}</th>
              </tr>
            </thead>
            <tbody>
              {windows.map((w) => (
                <tr key={w.name} class={w.status}>
                  <td>{w.name}</td>
                  <td>
                    {[...w.matchers, ...w.healthModels].map((c) => (
                      <code key={c}>{c}</code>
                    ))}
                  </td>
                  <td>
                    {w.schedule.kind === 'once' ? span(w.schedule) : <code>{w.schedule.rrule}</code>}
                    {w.schedule.kind === 'recurring' ? ` · ${Math.round(w.schedule.durationSeconds / 60)} min` : null} · {w.timezone}
                  </td>
                  <td>{w.status === 'active' ? `${w.status}: ${span(w.current)}` : w.status}</td>
                  <td>{span(w.next)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Silences in force, pending and recently ended; a responder adds and ends them. */
export function Silences() {
  const [silences, setSilences] = useState<Silence[] | null>(null);
  const [matchers, setMatchers] = useState('');
  const [duration, setDuration] = useState('2h');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = () => api<{ silences: Silence[] }>('GET', '/api/v1/silences').then((r) => setSilences(r.silences), (err: unknown) => setError(errorText(err)));
  useEffect(() => void load(), []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const m = /^(\d+)\s*([mhd])$/.exec(duration.trim());
    if (!m) return setError(`${t().duration}: ${duration}`);
    const endsAt = new Date(Date.now() + Number(m[1]) * UNITS[m[2]!]!).toISOString();
    try {
      await api('POST', '/api/v1/silences', { matchers: matchers.split('\n').map((s) => s.trim()).filter(Boolean), endsAt, comment });
      setMatchers('');
      setComment('');
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const expire = (id: number) => api('DELETE', `/api/v1/silences/${id}`).then(load, (err: unknown) => setError(errorText(err)));
  return (
    <section aria-labelledby="silences-title">
      <h1 id="silences-title">{t().silences}</h1>
      <ErrorLine error={error} />
      {mayAct(person.value) ? (
        <form class="panel" onSubmit={(e) => void create(e)} aria-label={t().newSilence}>
          <h2>{t().newSilence}</h2>
          <label>
            {t().matchers}
            <textarea rows={3} required value={matchers} onInput={(e) => setMatchers(e.currentTarget.value)} />
          </label>
          <label>
            {t().duration}
            <input required value={duration} onInput={(e) => setDuration(e.currentTarget.value)} />
          </label>
          <label>
            {t().comment}
            <input required value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </label>
          <button type="submit">{t().send}</button>
        </form>
      ) : null}
      {silences === null ? (
        <p class="loading">{t().loading}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t().matchers.split(' (')[0]}</th>
                <th scope="col">{t().status}</th>
                <th scope="col">{t().starts}</th>
                <th scope="col">{t().ends}</th>
                <th scope="col">{t().createdBy}</th>
                <th scope="col">{t().comment}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {silences.map((s) => (
                <tr key={s.id} class={s.status}>
                  <td>
                    {s.matchers.map((m) => (
                      <code key={m}>{m}</code>
                    ))}
                  </td>
                  <td>{s.status}</td>
                  <td>{when(s.startsAt)}</td>
                  <td>{when(s.endsAt)}</td>
                  <td>{s.createdBy}</td>
                  <td>{s.comment}</td>
                  <td>
                    {mayAct(person.value) && s.status !== 'expired' ? (
                      <button type="button" class="small" onClick={() => void expire(s.id)}>
                        {t().expire}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Maintenance />
    </section>
  );
}
