import type { NotifyEvent } from '../core/vocabulary';
import type { IncidentRecord, IncidentTransaction } from '../store/store';
import type { Notice, Transition } from './commands';
import { applyPatch } from './state-machine';

/** Routing of incident events to channel names. */
export type NotifyChannels = (event: NotifyEvent, incident: Pick<IncidentRecord, 'healthModel' | 'priority' | 'category' | 'customer' | 'line'>) => string[];

/**
 * Writes what the state machine decided: the patch, the timeline entries and the notifications,
 * all in the caller's unit (ingest, the hold-down worker, a person's action). Returns the
 * incident as it is now.
 */
export function applyTransition(tx: IncidentTransaction, incident: IncidentRecord, t: Transition, now: number, channelsFor: NotifyChannels | undefined): IncidentRecord {
  const after = writeTransition(tx, incident, t);
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
 * Queues each notice's notifications on the channels routing gives its event, in the caller's
 * unit, so they commit with the change; the occurrence is the incident's reopen count.
 */
export function notify(tx: IncidentTransaction, incident: IncidentRecord, notices: readonly Notice[], now: number, channelsFor: NotifyChannels | undefined): void {
  if (!channelsFor) return;
  for (const n of notices) {
    for (const channel of channelsFor(n.event, incident)) {
      tx.enqueueNotification({ incidentId: incident.id, event: n.event, occurrence: incident.reopenCount, step: n.step, channel }, now, n.note === undefined ? undefined : { note: n.note });
    }
  }
}
