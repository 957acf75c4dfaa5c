import type { Line, NotifyEvent } from '../core/vocabulary';
import type { IncidentRecord, IncidentTransaction, NotificationPayload } from '../store/store';
import type { Notice, Transition } from './commands';
import { keepSla } from './sla-upkeep';
import { applyPatch } from './state-machine';

/** Routing of incident events to channel names. */
export type NotifyChannels = (event: NotifyEvent, incident: Pick<IncidentRecord, 'healthModel' | 'priority' | 'category' | 'customer' | 'line'>, line?: Line) => string[];

/**
 * Writes what the state machine decided: the patch, the timeline entries, the SLA index and due
 * time they move, and the notifications, all in the caller's unit (ingest, the hold-down worker,
 * a person's action, the SLA scheduler). Returns the incident as it is now.
 */
export async function applyTransition(tx: IncidentTransaction, incident: IncidentRecord, t: Transition, now: number, channelsFor: NotifyChannels | undefined): Promise<IncidentRecord> {
  const after = await keepSla(tx, writeTransition(tx, incident, t), t.timeline, now);
  notify(tx, after, t.notify, now, channelsFor);
  return after;
}

/** Writes a transition's patch and timeline entries; returns the incident as it is now. */
export function writeTransition(tx: IncidentTransaction, incident: IncidentRecord, t: Transition): IncidentRecord {
  tx.updateIncident(incident.id, t.patch);
  for (const entry of t.timeline) tx.appendTimeline(incident.id, entry);
  return applyPatch(incident, t.patch);
}

/**
 * Queues each notice's notifications on the channels routing gives its event and line, in the
 * caller's unit, so they commit with the change; the occurrence is the incident's reopen count.
 * Each says which line it is for (the notice's, else the incident's).
 */
export function notify(tx: IncidentTransaction, incident: IncidentRecord, notices: readonly Notice[], now: number, channelsFor: NotifyChannels | undefined): void {
  if (!channelsFor) return;
  for (const n of notices) {
    const line = n.line ?? incident.line;
    const payload: NotificationPayload = { line, ...(n.note === undefined ? {} : { note: n.note }), ...(n.sla === undefined ? {} : { sla: n.sla }) };
    for (const channel of channelsFor(n.event, incident, line)) {
      tx.enqueueNotification({ incidentId: incident.id, event: n.event, occurrence: incident.reopenCount, step: n.step, channel }, now, payload);
    }
  }
}
