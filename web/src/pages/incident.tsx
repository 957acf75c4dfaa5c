import { useEffect, useState } from 'preact/hooks';
import { act } from '../actions';
import { api, ApiError, errorText } from '../api';
import { now } from '../clock';
import { span, t, when } from '../i18n';
import { active } from '../live';
import { linkClick } from '../router';
import { isAdmin, mayAct, person } from '../session';
import type { IncidentDetail, Sla } from '../types';
import { ErrorLine } from './error-line';

type Field = { name: string; kind: 'text' | 'note' | 'public' | 'priority' };
/** Each action of the contract and what it asks for. */
const ACTIONS: Record<string, { label: () => string; fields: Field[]; when: (i: IncidentDetail) => boolean }> = {
  acknowledge: { label: () => t().acknowledge, fields: [], when: (i) => i.status === 'open' && !i.paused },
  assign: { label: () => t().assign, fields: [{ name: 'assignee', kind: 'text' }], when: (i) => i.status !== 'resolved' },
  escalate: { label: () => t().escalate, fields: [{ name: 'note', kind: 'note' }], when: (i) => i.status !== 'resolved' && !i.paused },
  comment: { label: () => t().comment, fields: [{ name: 'note', kind: 'note' }, { name: 'public', kind: 'public' }], when: () => true },
  pause: { label: () => t().pause, fields: [{ name: 'reason', kind: 'note' }], when: (i) => i.status !== 'resolved' && !i.paused },
  resume: { label: () => t().resume, fields: [], when: (i) => i.status !== 'resolved' && !!i.paused },
  prioritize: { label: () => t().prioritize, fields: [{ name: 'priority', kind: 'priority' }, { name: 'note', kind: 'note' }], when: (i) => i.status !== 'resolved' },
  resolve: { label: () => t().resolve, fields: [{ name: 'note', kind: 'note' }, { name: 'public', kind: 'public' }], when: (i) => i.status !== 'resolved' },
  reopen: { label: () => t().reopen, fields: [], when: (i) => i.status === 'resolved' },
};

function Clock({ name, dueAt, metAt, breached, paused }: { name: string; dueAt: string | null; metAt: string | null; breached: boolean; paused: boolean }) {
  if (dueAt === null) return null;
  const left = Date.parse(dueAt) - now.value;
  const state = metAt !== null ? (breached ? t().breached : t().met) : paused ? t().paused : breached || left <= 0 ? t().breached : `${span(left)} ${t().left}`;
  const level = breached || (metAt === null && !paused && left <= 0) ? 'breach' : metAt !== null ? 'ok' : 'none';
  return (
    <div class="clock">
      <dt>{name}</dt>
      <dd>
        <span class={`sla ${level}`}>{state}</span> <small>
          {t().due} {when(dueAt)}
        </small>
      </dd>
    </div>
  );
}

function SlaClocks({ sla, resolved }: { sla: Sla | null; resolved: boolean }) {
  if (!sla) return null;
  return (
    <dl class="clocks" aria-label="SLA">
      <Clock name={t().response} dueAt={sla.responseDueAt} metAt={sla.respondedAt} breached={sla.responseBreached} paused={sla.paused} />
      <Clock name={t().resolution} dueAt={sla.resolutionDueAt} metAt={resolved ? 'resolved' : null} breached={sla.resolutionBreached} paused={sla.paused} />
    </dl>
  );
}

function ActionForm({ incident, action, onDone }: { incident: IncidentDetail; action: string; onDone: () => void }) {
  const spec = ACTIONS[action]!;
  const [values, setValues] = useState<Record<string, string | boolean>>({ priority: incident.priority });
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = {};
    for (const f of spec.fields) if (values[f.name] !== undefined && values[f.name] !== '') body[f.name] = values[f.name];
    try {
      await act(incident.id, action, body);
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="action" onSubmit={(e) => void submit(e)} aria-label={spec.label()}>
      {spec.fields.map((f) =>
        f.kind === 'public' ? (
          <label key={f.name} class="check">
            <input type="checkbox" checked={values[f.name] === true} onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.checked })} /> {t().public}
          </label>
        ) : f.kind === 'priority' ? (
          <label key={f.name}>
            {t().priority}
            <select value={String(values.priority)} onChange={(e) => setValues({ ...values, priority: e.currentTarget.value })}>
              {['P1', 'P2', 'P3', 'P4'].map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
        ) : (
          <label key={f.name}>
            {f.name === 'assignee' ? t().assignee : f.name === 'reason' ? t().reason : t().note}
            {f.kind === 'note' ? (
              <textarea rows={2} required value={String(values[f.name] ?? '')} onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })} />
            ) : (
              <input required value={String(values[f.name] ?? '')} onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })} />
            )}
          </label>
        ),
      )}
      <ErrorLine error={error} />
      <div class="buttons">
        <button type="button" onClick={onDone}>
          {t().cancel}
        </button>
        <button type="submit">{spec.label()}</button>
      </div>
    </form>
  );
}

/** One incident: classification, SLA clocks, actions, alerts, timeline, notifications, similar resolutions. */
export function IncidentPage({ id }: { id: number }) {
  const [incident, setIncident] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const live = active.value.get(id);
  const load = () =>
    api<IncidentDetail>('GET', `/api/v1/incidents/${id}`).then(setIncident, (err: unknown) => setError(err instanceof ApiError && err.status === 404 ? t().notFound : errorText(err)));
  useEffect(() => {
    void load();
  }, [id, live?.updatedAt]);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!incident) return <p class="loading">{t().loading}</p>;
  const canAct = mayAct(person.value);
  const resend = (n: number) => api('POST', `/api/v1/notifications/${n}/resend`).then(load, (err: unknown) => setError(errorText(err)));
  return (
    <article class="incident" aria-labelledby="incident-title">
      <a href="/" onClick={(e) => linkClick(e, '/')} class="back">
        ← {t().back}
      </a>
      <h1 id="incident-title">
        <span class={`prio ${incident.priority}`}>{incident.priority}</span> {incident.title}
      </h1>
      <p class="summary">{incident.summary}</p>
      <dl class="facts">
        <div>
          <dt>{t().status}</dt>
          <dd>
            <span class={`status ${incident.status}`}>{t()[incident.status]}</span>
            {incident.paused ? ` · ${t().paused}` : ''}
            {incident.suppressed ? ` · ${t().suppressed} (${incident.suppressed.by} ${incident.suppressed.name})` : ''}
          </dd>
        </div>
        <div>
          <dt>{t().line}</dt>
          <dd>{incident.line ?? '—'}</dd>
        </div>
        <div>
          <dt>{t().assignee}</dt>
          <dd>{incident.assignee ?? '—'}</dd>
        </div>
        <div>
          <dt>{t().healthModel}</dt>
          <dd>
            {incident.healthModel} / {incident.metric}
          </dd>
        </div>
        <div>
          <dt>{t().category}</dt>
          <dd>
            {incident.category} · {incident.impact}
          </dd>
        </div>
        {incident.customer ? (
          <div>
            <dt>{t().customer}</dt>
            <dd>{incident.customer}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t().opened}</dt>
          <dd>{when(incident.openedAt)}</dd>
        </div>
        {incident.runbookUrl ? (
          <div>
            <dt>{t().runbook}</dt>
            <dd>
              <a href={incident.runbookUrl} rel="noopener noreferrer" target="_blank">
                {incident.runbookUrl}
              </a>
            </dd>
          </div>
        ) : null}
      </dl>
      <SlaClocks sla={incident.sla} resolved={incident.status === 'resolved'} />
      {canAct ? (
        <section class="actions" aria-label="actions">
          {Object.entries(ACTIONS)
            .filter(([name, a]) => a.when(incident) && (person.value?.role !== 'customer' || name === 'comment'))
            .map(([name, a]) =>
              a.fields.length === 0 ? (
                <button key={name} type="button" data-action={name} onClick={() => void act(incident.id, name).then(load, (err: unknown) => setError(errorText(err)))}>
                  {a.label()}
                </button>
              ) : (
                <button key={name} type="button" data-action={name} aria-expanded={open === name} onClick={() => setOpen(open === name ? null : name)}>
                  {a.label()}…
                </button>
              ),
            )}
          {open ? <ActionForm incident={incident} action={open} onDone={() => (setOpen(null), void load())} /> : null}
        </section>
      ) : null}
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">
          {t().alerts} ({incident.firingCount}/{incident.alertCount})
        </h2>
        <ul class="alerts">
          {incident.alerts.map((a) => (
            <li key={`${a.source}/${a.fingerprint}`} class={a.status}>
              <strong>{a.labels.alertname ?? a.fingerprint}</strong> <span class={`status ${a.status}`}>{a.status}</span> · {a.source} · ×{a.deliveryCount}
              <div class="labels">
                {Object.entries(a.labels).map(([k, v]) => (
                  <code key={k}>
                    {k}={v}
                  </code>
                ))}
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t().timeline}</h2>
        <ol class="timeline">
          {incident.timeline.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{when(e.at)}</time> <strong>{e.event}</strong>{' '}
              <span class={`actor ${e.actor.type}`}>
                {e.actor.type} {e.actor.name}
              </span>
              {typeof e.detail.note === 'string' ? <q>{e.detail.note}</q> : null}
              {typeof e.detail.reason === 'string' ? <q>{e.detail.reason}</q> : null}
            </li>
          ))}
        </ol>
      </section>
      {incident.notifications ? (
        <section aria-labelledby="notifications-title">
          <h2 id="notifications-title">{t().notifications}</h2>
          <table class="notifications">
            <tbody>
              {incident.notifications.map((n) => (
                <tr key={n.id}>
                  <td>{n.event}</td>
                  <td>{n.channel}</td>
                  <td>
                    <span class={`delivery ${n.state}`}>{n.state}</span>
                    {n.lastError ? <small> {n.lastError}</small> : null}
                  </td>
                  <td>{when(n.sentAt ?? n.createdAt)}</td>
                  <td>
                    {isAdmin(person.value) && n.state !== 'pending' ? (
                      <button type="button" class="small" onClick={() => void resend(n.id)}>
                        {t().resend}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {incident.similar && incident.similar.length > 0 ? (
        <section aria-labelledby="similar-title">
          <h2 id="similar-title">{t().similar}</h2>
          <ul class="similar">
            {incident.similar.map((r) => (
              <li key={r.incidentId}>
                <a href={`/incidents/${r.incidentId}`} onClick={(e) => linkClick(e, `/incidents/${r.incidentId}`)}>
                  #{r.incidentId}
                </a>{' '}
                {r.resolutionNote} <small>
                  {r.resolvedBy ?? ''} · {when(r.resolvedAt)} · {span(r.durationSeconds * 1000)}
                </small>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
