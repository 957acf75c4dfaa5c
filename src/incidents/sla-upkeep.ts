import type { IncidentEventName } from '../core/vocabulary';
import { slaPlan } from '../sla/plan';
import type { SlaPlan } from '../sla/plan';
import type { IncidentRecord, IncidentTransaction, TimelineEntry } from '../store/store';

/** The timeline events that move an SLA clock, meet it, or record a step. */
const CLOCK_EVENTS: ReadonlySet<IncidentEventName> = new Set([
  'opened',
  'resolved',
  'reopened',
  'acknowledged',
  'assigned',
  'commented',
  'escalated',
  'paused',
  'resumed',
  'suppressed',
  'unsuppressed',
  'priority_changed',
  'reminder',
  'sla_breached',
]);

/** Whether any of these entries moves an SLA clock. */
export function movesClocks(entries: readonly TimelineEntry[]): boolean {
  return entries.some((e) => CLOCK_EVENTS.has(e.event));
}

/**
 * Keeps an incident's SLA index (its `sla` state) and its next due time in step with its
 * timeline, in the caller's unit, after a change wrote `entries`. Reads the timeline only when
 * one of them moves a clock: an alert attaching costs nothing. Returns the incident as it is now.
 */
export async function keepSla(tx: IncidentTransaction, incident: IncidentRecord, entries: readonly TimelineEntry[], now: number): Promise<IncidentRecord> {
  if (incident.slaTerms === null || !movesClocks(entries)) return incident;
  return writePlan(tx, incident, slaPlan(incident.slaTerms, incident, await tx.slaTimeline(incident.id), now));
}

/** Writes a plan: the index on the incident and the time its next step is due. */
export function writePlan(tx: IncidentTransaction, incident: IncidentRecord, plan: SlaPlan): IncidentRecord {
  tx.updateIncident(incident.id, { sla: plan.state });
  tx.setSlaDue(incident.id, plan.pending);
  return { ...incident, sla: plan.state };
}
