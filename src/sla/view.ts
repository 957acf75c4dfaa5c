import type { SlaIndex, SlaTerms } from '../core/sla-terms';
import type { IncidentStatus, Priority } from '../core/vocabulary';
import { liveState } from './clocks';
import { targetsOf } from './plan';

/** What the view of an incident's SLA reads of it. */
export interface SlaOfIncident {
  sla: SlaIndex | null;
  slaTerms: SlaTerms | null;
  status: IncidentStatus;
  priority: Priority;
}

/** The SLA as the incident JSON shows it: times ISO 8601 UTC or null. */
export interface SlaJson {
  policy: string;
  responseDueAt: string | null;
  respondedAt: string | null;
  responseBreached: boolean;
  resolutionDueAt: string | null;
  resolutionBreached: boolean;
  paused: boolean;
  pausedSeconds: number;
}

/** The JSON of an incident's SLA as of `now` (its index read live), or null for an incident without SLA. */
export function slaJson(i: SlaOfIncident, now: number): SlaJson | null {
  if (i.sla === null || i.slaTerms === null) return null;
  const s = liveState(i.sla, targetsOf(i.slaTerms, i.priority), i.status, now);
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    policy: s.policy,
    responseDueAt: iso(s.responseDueAt),
    respondedAt: iso(s.respondedAt),
    responseBreached: s.responseBreached,
    resolutionDueAt: iso(s.resolutionDueAt),
    resolutionBreached: s.resolutionBreached,
    paused: s.paused,
    pausedSeconds: s.pausedSeconds,
  };
}
