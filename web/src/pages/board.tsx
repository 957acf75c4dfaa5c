import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { active, follow } from '../live';
import type { Incident } from '../types';

interface HealthModel {
  name: string;
  description?: string | null;
  owner?: string | null;
  criticality?: string | null;
  metrics: string[];
}

type Health = 'green' | 'amber' | 'red';

/** Red: an outage is open; amber: something else is open; green: nothing is. Quiet incidents do not colour. */
function healthOf(incidents: Incident[]): Health {
  const loud = incidents.filter((i) => !i.suppressed);
  if (loud.some((i) => i.impact === 'full_outage')) return 'red';
  return loud.length > 0 ? 'amber' : 'green';
}

const WORD: Record<Health, () => string> = { green: () => t().healthy, amber: () => t().degraded, red: () => t().down };

/** Every business application (health model) and its metrics, coloured by their open incidents. */
export function Board() {
  const [models, setModels] = useState<HealthModel[] | null>(null);
  useEffect(() => {
    follow();
    // A customer's person may not read the rules: its board shows the applications of its incidents.
    api<{ healthModels: HealthModel[] }>('GET', '/api/v1/rules').then(
      (r) => setModels(r.healthModels),
      () => setModels([]),
    );
  }, []);
  const incidents = [...active.value.values()];
  const known = new Map((models ?? []).map((m) => [m.name, m]));
  for (const i of incidents) {
    const m = known.get(i.healthModel) ?? { name: i.healthModel, metrics: [] };
    if (!m.metrics.includes(i.metric)) m.metrics = [...m.metrics, i.metric];
    known.set(i.healthModel, m);
  }
  if (models === null) return <p class="loading">{t().loading}</p>;
  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">{t().board}</h1>
      <div class="board">
        {[...known.values()].map((m) => {
          const own = incidents.filter((i) => i.healthModel === m.name);
          const health = healthOf(own);
          return (
            <article key={m.name} class={`model ${health}`} aria-label={`${m.name}: ${WORD[health]()}`}>
              <h2>
                <span class={`dot ${health}`} aria-hidden="true" /> {m.name} <small>{WORD[health]()}</small>
              </h2>
              {m.description ? <p>{m.description}</p> : null}
              <ul>
                {m.metrics.map((name) => {
                  const mine = own.filter((i) => i.metric === name);
                  const h = healthOf(mine);
                  return (
                    <li key={name} class={h}>
                      <span class={`dot ${h}`} aria-hidden="true" /> {name}
                      {mine.length > 0 ? <small> · {mine.length}</small> : null}
                    </li>
                  );
                })}
              </ul>
            </article>
          );
        })}
      </div>
    </section>
  );
}
