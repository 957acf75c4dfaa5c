import { nextOccurrence, occurrenceAt } from '../quiet/maintenance';
import type { MaintenanceWindow, Occurrence } from '../quiet/maintenance';

const iso = (ms: number): string => new Date(ms).toISOString();
const span = (o: Occurrence | null) => (o === null ? null : { startsAt: iso(o.startMs), endsAt: iso(o.endMs) });

/**
 * A maintenance window of the config as the API shows it at `now`: what it covers, when (a
 * one-off's instants, or a recurring window's rule in its zone and duration), whether it is in
 * force, the occurrence in force and the next to come.
 */
export function maintenanceJson(w: MaintenanceWindow, now: number): Record<string, unknown> {
  const current = occurrenceAt(w, now);
  const next = nextOccurrence(w, now);
  const s = w.schedule;
  return {
    name: w.name,
    matchers: [...w.matcherTexts],
    healthModels: [...w.healthModels],
    timezone: w.timezone,
    schedule: s.kind === 'once' ? { kind: 'once', startsAt: iso(s.startMs), endsAt: iso(s.endMs) } : { kind: 'recurring', rrule: s.rrule, durationSeconds: Math.round(s.durationMs / 1000) },
    status: current !== null ? 'active' : next !== null ? 'pending' : 'expired',
    current: span(current),
    next: span(next),
  };
}
