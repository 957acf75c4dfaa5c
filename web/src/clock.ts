import { signal } from '@preact/signals';
import type { Incident } from './types';

/** Now, ticking every second, for countdowns. */
export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 1000);

/** The SLA clock an incident's queue position and countdown follow: the response until met, then the resolution. */
export function nextDue(i: Incident): { clock: 'response' | 'resolution'; dueAt: number; breached: boolean } | null {
  const sla = i.sla;
  if (!sla || sla.paused || i.status === 'resolved') return null;
  if (sla.respondedAt === null && sla.responseDueAt !== null) return { clock: 'response', dueAt: Date.parse(sla.responseDueAt), breached: sla.responseBreached };
  if (sla.resolutionDueAt !== null) return { clock: 'resolution', dueAt: Date.parse(sla.resolutionDueAt), breached: sla.resolutionBreached };
  return null;
}

/** ok, warning (a quarter of the clock's time or less left) or breach, for the colour of a countdown. */
export function urgency(i: Incident, at: number): 'ok' | 'warning' | 'breach' | 'none' {
  const due = nextDue(i);
  if (!due) return 'none';
  const left = due.dueAt - at;
  if (due.breached || left <= 0) return 'breach';
  const whole = due.dueAt - Date.parse(i.openedAt);
  return left <= whole / 4 ? 'warning' : 'ok';
}

const RANK = { P1: 1, P2: 2, P3: 3, P4: 4 } as const;

/** Each incident's due time for sorting, computed once per version of it (a sort compares each many times). */
const dueKeys = new WeakMap<Incident, number>();
function dueKey(i: Incident): number {
  let key = dueKeys.get(i);
  if (key === undefined) dueKeys.set(i, (key = nextDue(i)?.dueAt ?? Infinity));
  return key;
}

/** Queue order: priority, then the time left on the SLA (none last), then the oldest first. */
export function queueOrder(a: Incident, b: Incident): number {
  const p = RANK[a.priority] - RANK[b.priority];
  if (p !== 0) return p;
  const da = dueKey(a);
  const db = dueKey(b);
  if (da !== db) return da < db ? -1 : 1;
  return a.id - b.id;
}
