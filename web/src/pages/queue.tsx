import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { acknowledgeAll, act } from '../actions';
import { errorText } from '../api';
import { nextDue, now, queueOrder, urgency } from '../clock';
import { shortWhen, span, t } from '../i18n';
import { active, complete, connected, follow, loaded, total } from '../live';
import { linkClick, navigate } from '../router';
import { mayAct, person } from '../session';
import type { Incident } from '../types';
import { NoteDialog } from './note-dialog';
import { ErrorLine } from './error-line';

/** Rows drawn at once (a few screens); more on request (a storm of thousands stays quick). */
const SHOWN = 50;

interface Filters {
  healthModel: string;
  line: string;
  priority: string;
  assignee: string;
}
const NO_FILTER: Filters = { healthModel: '', line: '', priority: '', assignee: '' };

function matches(i: Incident, f: Filters): boolean {
  return (
    (f.healthModel === '' || i.healthModel === f.healthModel) &&
    (f.line === '' || i.line === f.line) &&
    (f.priority === '' || i.priority === f.priority) &&
    (f.assignee === '' || (f.assignee === '-' ? !i.assignee : i.assignee === f.assignee))
  );
}

/** The SLA countdown of one incident, coloured at warning and breach. */
export function Countdown({ incident }: { incident: Incident }) {
  const due = nextDue(incident);
  if (incident.sla?.paused) return <span class="sla paused">{t().paused}</span>;
  if (!due) return <span class="sla none">—</span>;
  const left = due.dueAt - now.value;
  const level = urgency(incident, now.value);
  const clock = due.clock === 'response' ? t().response : t().resolution;
  return (
    <span class={`sla ${level}`} title={`${clock} ${t().due} ${shortWhen(due.dueAt)}`}>
      {left >= 0 ? `${span(left)}` : `−${span(left)} ${t().late}`}
      <small> {clock.toLowerCase()}</small>
    </span>
  );
}

/** The on-call person's queue: open and acknowledged incidents by priority and SLA time left, live. */
export function Queue() {
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [focus, setFocus] = useState(0);
  const [shown, setShown] = useState(SHOWN);
  const [message, setMessage] = useState<string | null>(null);
  const [escalating, setEscalating] = useState<Incident | null>(null);
  const filterRef = useRef<HTMLSelectElement>(null);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const canAct = mayAct(person.value);

  useEffect(() => follow(), []);

  const all = [...active.value.values()];
  const list = useMemo(() => all.filter((i) => matches(i, filters)).sort(queueOrder), [active.value, filters]);
  const visible = list.slice(0, shown);
  const options = useMemo(
    () => ({
      healthModel: [...new Set(all.map((i) => i.healthModel))].sort(),
      line: [...new Set(all.map((i) => i.line ?? '').filter((l) => l !== ''))].sort(),
      assignee: [...new Set(all.map((i) => i.assignee ?? '').filter((a) => a !== ''))].sort(),
    }),
    [active.value],
  );
  const current = visible[Math.min(focus, visible.length - 1)];
  // Until every page is loaded, the count is the daemon's total (a filtered count is of what is loaded so far).
  const filtered = filters !== NO_FILTER;

  const acknowledge = async (ids: number[]) => {
    setMessage(null);
    const failed = await acknowledgeAll(ids);
    setSelected(new Set());
    if (failed.length > 0) setMessage(`${t().error}: ${failed.join(', ')}`);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (escalating || e.ctrlKey || e.metaKey || e.altKey) return;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
      const move = (to: number) => {
        const next = Math.max(0, Math.min(visible.length - 1, to));
        setFocus(next);
        rows.current[next]?.focus();
      };
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          move(focus + 1);
          break;
        case 'k':
        case 'ArrowUp':
          move(focus - 1);
          break;
        case 'o':
        case 'Enter':
          if (current) navigate(`/incidents/${current.id}`);
          break;
        case 'a':
          if (current && canAct && current.status === 'open') void act(current.id, 'acknowledge').catch((err: unknown) => setMessage(errorText(err)));
          break;
        case 'e':
          if (current && canAct) setEscalating(current);
          break;
        case 'x':
          if (current) toggle(current.id);
          break;
        case '/':
          filterRef.current?.focus();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const toggle = (id: number) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const setFilter = (key: keyof Filters) => (e: Event) => {
    setFilters({ ...filters, [key]: (e.currentTarget as HTMLSelectElement).value });
    setFocus(0);
  };

  return (
    <section aria-labelledby="queue-title">
      <div class="bar">
        <h1 id="queue-title">
          {t().queue} <span class="count" aria-busy={!complete.value}>{complete.value || filtered ? list.length : Math.max(total.value ?? 0, list.length)}</span>
        </h1>
        <span class={`live ${connected.value ? 'on' : 'off'}`} role="status">
          {connected.value ? t().live : t().offline}
        </span>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t().healthModel}
          <select ref={filterRef} value={filters.healthModel} onChange={setFilter('healthModel')}>
            <option value="">{t().all}</option>
            {options.healthModel.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          {t().line}
          <select value={filters.line} onChange={setFilter('line')}>
            <option value="">{t().all}</option>
            {options.line.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          {t().priority}
          <select value={filters.priority} onChange={setFilter('priority')}>
            <option value="">{t().all}</option>
            {['P1', 'P2', 'P3', 'P4'].map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          {t().assignee}
          <select value={filters.assignee} onChange={setFilter('assignee')}>
            <option value="">{t().all}</option>
            <option value="-">{t().nobody}</option>
            {options.assignee.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        {canAct ? (
          <button type="button" disabled={selected.size === 0} onClick={() => void acknowledge([...selected])}>
            {t().acknowledgeSelected} ({selected.size})
          </button>
        ) : null}
      </form>
      <p class="hint">{t().shortcuts}</p>
      <ErrorLine error={message} />
      {!loaded.value ? (
        <p class="loading">{t().loading}</p>
      ) : list.length === 0 ? (
        <p class="empty">{t().noIncidents}</p>
      ) : (
        <div class="table-wrap">
          <table class="queue">
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={t().selected}
                    checked={selected.size > 0 && selected.size === visible.length}
                    onChange={(e) => setSelected(e.currentTarget.checked ? new Set(visible.map((i) => i.id)) : new Set())}
                  />
                </th>
                <th scope="col">{t().priority}</th>
                <th scope="col">{t().title}</th>
                <th scope="col" class="wide">
                  {t().healthModel}
                </th>
                <th scope="col">{t().line}</th>
                <th scope="col" class="wide">
                  {t().assignee}
                </th>
                <th scope="col">{t().status}</th>
                <th scope="col">{t().slaLeft}</th>
                <th scope="col">
                  <span class="visually-hidden">{t().acknowledge}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.map((i, n) => (
                <tr
                  key={i.id}
                  ref={(el) => {
                    rows.current[n] = el;
                  }}
                  tabIndex={n === focus ? 0 : -1}
                  class={`${n === focus ? 'focus' : ''} ${i.status}`}
                  data-incident={i.id}
                  onFocus={() => setFocus(n)}
                >
                  <td>
                    <input type="checkbox" aria-label={`${t().selected} ${i.id}`} checked={selected.has(i.id)} onChange={() => toggle(i.id)} />
                  </td>
                  <td>
                    <span class={`prio ${i.priority}`}>{i.priority}</span>
                  </td>
                  <td class="title">
                    <a href={`/incidents/${i.id}`} onClick={(e) => linkClick(e, `/incidents/${i.id}`)}>
                      {i.title}
                    </a>
                    {i.suppressed ? <span class="tag">{t().suppressed}</span> : null}
                    {i.flapping ? <span class="tag">{t().flapping}</span> : null}
                    <div class="sub">
                      #{i.id} · {i.metric}
                      {i.customer ? ` · ${i.customer}` : ''} · {i.firingCount}/{i.alertCount}
                    </div>
                  </td>
                  <td class="wide">{i.healthModel}</td>
                  <td>{i.line ?? ''}</td>
                  <td class="wide">{i.assignee ?? '—'}</td>
                  <td>
                    <span class={`status ${i.status}`}>{t()[i.status]}</span>
                  </td>
                  <td>
                    <Countdown incident={i} />
                  </td>
                  <td>
                    {canAct && i.status === 'open' ? (
                      <button type="button" class="small" data-action="acknowledge" onClick={() => void act(i.id, 'acknowledge').catch((err: unknown) => setMessage(errorText(err)))}>
                        {t().acknowledge}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.length > shown ? (
            <button type="button" class="more" onClick={() => setShown(shown + SHOWN)}>
              +{Math.min(SHOWN, list.length - shown)} / {list.length - shown}
            </button>
          ) : null}
        </div>
      )}
      {escalating ? (
        <NoteDialog
          title={`${t().escalate}: #${escalating.id} ${escalating.title}`}
          label={t().note}
          onCancel={() => setEscalating(null)}
          onSubmit={async (note) => {
            await act(escalating.id, 'escalate', { note });
            setEscalating(null);
          }}
        />
      ) : null}
    </section>
  );
}
