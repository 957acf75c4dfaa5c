import type { Line, NotifyEvent } from '../core/vocabulary';
import type { IncidentRecord, IncidentTransaction, NotificationPayload } from '../store/store';
import type { Notice, Transition } from './commands';
import { keepSla } from './sla-upkeep';
import { mayInhibit } from './quiet-policy';
import type { QuietPolicy } from './quiet-policy';
import { suppress, unsuppress } from './quiet-transitions';
import { applyPatch } from './state-machine';

/** Routing of incident events to channel names. */
export type NotifyChannels = (event: NotifyEvent, incident: Pick<IncidentRecord, 'healthModel' | 'priority' | 'category' | 'customer' | 'line'>, line?: Line) => string[];

/**
 * Writes what the state machine decided: the patch, the timeline entries, the SLA index and due
 * time they move, and the notifications, all in the caller's unit (ingest, the hold-down worker,
 * a person's action, the SLA scheduler). Returns the incident as it is now.
 */
export async function applyTransition(tx: IncidentTransaction, incident: IncidentRecord, t: Transition, now: number, ctx: EngineContext | undefined): Promise<IncidentRecord> {
  const after = await keepSla(tx, writeTransition(tx, incident, t), t.timeline, now);
  notify(tx, after, t.notify, now, ctx?.channelsFor);
  if (t.outcome === 'resolved' && ctx?.quiet && ctx.quiet.inhibit.length > 0 && mayInhibit(ctx.quiet.inhibit, after)) await releaseInhibited(tx, after, now, ctx);
  return after;
}

/** What writing a transition needs beyond the store: where notifications go, and how to stay quiet. */
export interface EngineContext {
  channelsFor?: NotifyChannels | undefined;
  quiet?: QuietPolicy | undefined;
}

/**
 * An inhibiting incident resolved: the incidents it muted page now if they still fire (`opened`,
 * once), unless a maintenance window or a silence covers all their firing alerts, which then
 * becomes their suppression.
 */
async function releaseInhibited(tx: IncidentTransaction, inhibitor: IncidentRecord, now: number, ctx: EngineContext): Promise<void> {
  const quiet = ctx.quiet!;
  for (const muted of await tx.activeIncidentsOf(inhibitor.healthModel)) {
    if (muted.suppressed?.by !== 'inhibition' || muted.suppressed.name !== inhibitor.key) continue;
    const labels = await tx.firingAlertLabels(muted.id);
    const covers = labels.map((l) => quiet.coverFor(l, muted.healthModel, now));
    const cover = labels.length > 0 && covers.every((c) => c !== null) ? covers[0]! : null;
    const t = cover ? suppress(muted, cover, now) : unsuppress(muted, `the inhibiting incident ${inhibitor.id} resolved`, now);
    await applyTransition(tx, muted, t, now, ctx);
  }
}

/**
 * Whether an event of the incident pages now: nothing of a suppressed incident does, but a
 * person's public update; a resolve pages only an incident that paged before.
 */
function pages(incident: IncidentRecord, event: NotifyEvent): boolean {
  if (event === 'update') return true;
  if (event === 'resolved') return incident.paged;
  return incident.suppressed === null;
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
    if (!pages(incident, n.event)) continue;
    const line = n.line ?? incident.line;
    const payload: NotificationPayload = { line, ...(n.note === undefined ? {} : { note: n.note }), ...(n.sla === undefined ? {} : { sla: n.sla }) };
    for (const channel of channelsFor(n.event, incident, line)) {
      tx.enqueueNotification({ incidentId: incident.id, event: n.event, occurrence: incident.reopenCount, step: n.step, channel }, now, payload);
    }
  }
}
