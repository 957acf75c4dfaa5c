import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { span, t } from '../i18n';
import { ErrorLine } from './error-line';

interface Figures {
  incidents: number;
  acknowledged: number;
  resolved: number;
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  response: { met: number; breached: number; percent: number | null };
  resolution: { met: number; breached: number; percent: number | null };
  suppressed: number;
}
interface Report {
  groups: ({ key: Record<string, string | null> } & Figures)[];
  total: Figures;
  groupBy: string[];
}

const DIMENSIONS = ['healthModel', 'category', 'priority', 'impact', 'customer'];
const TARGET = 95;

function lastMonth(): { from: string; to: string } {
  const d = new Date();
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  return { from: first.toISOString().slice(0, 10), to: next.toISOString().slice(0, 10) };
}

const pct = (p: number | null) => (p === null ? '—' : `${p.toFixed(1)}%`);

function Row({ name, f }: { name: string; f: Figures }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{f.incidents}</td>
      <td>{f.mttaSeconds === null ? '—' : span(f.mttaSeconds * 1000)}</td>
      <td>{f.mttrSeconds === null ? '—' : span(f.mttrSeconds * 1000)}</td>
      <td class={f.response.percent !== null && f.response.percent < TARGET ? 'below' : ''}>{pct(f.response.percent)}</td>
      <td class={f.resolution.percent !== null && f.resolution.percent < TARGET ? 'below' : ''}>{pct(f.resolution.percent)}</td>
      <td>{f.suppressed}</td>
    </tr>
  );
}

/** The SLA report of a period, grouped as asked, with its CSV. */
export function Reports() {
  const [period, setPeriod] = useState(lastMonth());
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [groupBy, setGroupBy] = useState('healthModel');
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = `from=${period.from}&to=${period.to}&timezone=${encodeURIComponent(timezone)}${groupBy ? `&groupBy=${groupBy}` : ''}`;
  const show = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setReport(await api<Report>('GET', `/api/v1/reports/sla?${query}`));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">{t().reports}</h1>
      <form class="filters" onSubmit={(e) => void show(e)}>
        <label>
          {t().from}
          <input type="date" required value={period.from} onInput={(e) => setPeriod({ ...period, from: e.currentTarget.value })} />
        </label>
        <label>
          {t().to}
          <input type="date" required value={period.to} onInput={(e) => setPeriod({ ...period, to: e.currentTarget.value })} />
        </label>
        <label>
          {t().timezone}
          <input value={timezone} onInput={(e) => setTimezone(e.currentTarget.value)} />
        </label>
        <label>
          {t().groupBy}
          <select value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value)}>
            <option value="">—</option>
            {DIMENSIONS.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t().show}</button>
        <a class="button" href={`/api/v1/reports/sla?${query}&format=csv`} download>
          {t().downloadCsv}
        </a>
      </form>
      <ErrorLine error={error} />
      {report ? (
        <div class="table-wrap">
          <table class="report">
            <thead>
              <tr>
                <th scope="col">{report.groupBy.join(' · ') || t().total}</th>
                <th scope="col">{t().incidents}</th>
                <th scope="col">{t().mtta}</th>
                <th scope="col">{t().mttr}</th>
                <th scope="col">{t().withinResponse}</th>
                <th scope="col">{t().withinResolution}</th>
                <th scope="col">{t().suppressed}</th>
              </tr>
            </thead>
            <tbody>
              {report.groups.map((g) => (
                <Row key={JSON.stringify(g.key)} name={Object.values(g.key).map((v) => v ?? '—').join(' · ')} f={g} />
              ))}
              <Row name={t().total} f={report.total} />
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
