import type { Actor, NotifyEvent } from '../core/vocabulary';
import type { IncidentRecord, NewIncident, TimelineEntry } from '../store/store';
import { decideResolve } from './lifecycle';

/** The fields of an incident that only the state machine changes. */
export type IncidentPatch = Partial<Omit<IncidentRecord, 'id' | 'key'>>;

/** What an alert that caused a change says about itself on the timeline. */
export type AlertCause = Record<string, unknown>;

/**
 * A change asked of an incident, as data: ingest, the hold-down worker and explain build these,
 * and so will people's actions and the SLA scheduler.
 */
export type IncidentCommand =
  /** A firing activation joins the incident (reopening it when resolved). */
  | { type: 'fire'; actor: Actor; cause: AlertCause; startsAt: number; newAlert: boolean; wasFiring: boolean }
  /** One of its firing activations ended; `counted` when the ending delivery counts as one. */
  | { type: 'end_alert'; actor: Actor; cause: AlertCause; endsAt: number; counted: boolean }
  /** A delivery that changes no state (a repeat, a stale resend) is counted. */
  | { type: 'count_delivery' }
  /** A source's acknowledge, comment or severity change lands on the timeline. */
  | { type: 'source_update'; actor: Actor; detail: Record<string, unknown> }
  /** The resolve hold-down may have passed. */
  | { type: 'resolve_due'; actor: Actor };

/** What a command does: the fields to change, the timeline entries and the events to notify. */
export interface Transition {
  patch: IncidentPatch;
  timeline: TimelineEntry[];
  notify: NotifyEvent[];
  /** The incident's status changed to this (for the metrics and the log), or null. */
  outcome: 'reopened' | 'resolved' | null;
}

const NONE: Transition = Object.freeze({ patch: {}, timeline: [], notify: [], outcome: null }) as Transition;

/** What opens an incident: its classified fields and the first alert's activation. */
export interface OpenCommand {
  actor: Actor;
  cause: AlertCause;
  fields: Omit<NewIncident, 'status' | 'alertCount' | 'firingCount' | 'deliveryCount' | 'startedAt' | 'openedAt' | 'updatedAt'>;
  startsAt: number;
  matched: boolean;
}

/** The new incident with its first alert attached, its `opened` entry and its notification. Pure. */
export function openIncident(command: OpenCommand, now: number): { incident: NewIncident; timeline: TimelineEntry[]; notify: NotifyEvent[] } {
  return {
    incident: { ...command.fields, status: 'open', alertCount: 1, firingCount: 1, deliveryCount: 1, startedAt: command.startsAt, openedAt: now, updatedAt: now },
    timeline: [{ at: now, event: 'opened', actor: command.actor, detail: { ...command.cause, priority: command.fields.priority, matched: command.matched } }],
    notify: ['opened'],
  };
}

/**
 * The one place that changes an incident's status, line, counters and times. Pure: the caller
 * writes the patch, the timeline entries and the notifications in one transaction.
 */
export function transition(incident: IncidentRecord, command: IncidentCommand, now: number): Transition {
  switch (command.type) {
    case 'fire':
      return fire(incident, command, now);
    case 'end_alert':
      return endAlert(incident, command, now);
    case 'count_delivery':
      return { ...NONE, patch: { deliveryCount: incident.deliveryCount + 1 } };
    case 'source_update':
      return { ...NONE, patch: { updatedAt: now }, timeline: [{ at: now, event: 'source_update', actor: command.actor, detail: command.detail }] };
    case 'resolve_due':
      // Checked again at apply time: a re-fire may have cancelled the hold-down meanwhile.
      if (incident.status === 'resolved' || incident.firingCount > 0 || incident.resolveDueAt === null || incident.resolveDueAt > now) return NONE;
      return resolve(incident, command.actor, 'hold-down elapsed, all alerts resolved', now, {});
  }
}

function fire(incident: IncidentRecord, command: Extract<IncidentCommand, { type: 'fire' }>, now: number): Transition {
  const timeline: TimelineEntry[] = [];
  const reopening = incident.status === 'resolved';
  const patch: IncidentPatch = {
    alertCount: incident.alertCount + (command.newAlert ? 1 : 0),
    firingCount: incident.firingCount + (command.wasFiring ? 0 : 1),
    deliveryCount: incident.deliveryCount + 1,
    startedAt: Math.min(incident.startedAt, command.startsAt),
    resolveDueAt: null,
    updatedAt: now,
  };
  if (reopening) {
    Object.assign(patch, { status: 'open', resolvedAt: null, acknowledgedAt: null, endedAt: null, reopenCount: incident.reopenCount + 1 });
    timeline.push({ at: now, event: 'reopened', actor: command.actor, detail: command.cause });
  }
  timeline.push({ at: now, event: 'alert_attached', actor: command.actor, detail: command.cause });
  return { patch, timeline, notify: reopening ? ['reopened'] : [], outcome: reopening ? 'reopened' : null };
}

function endAlert(incident: IncidentRecord, command: Extract<IncidentCommand, { type: 'end_alert' }>, now: number): Transition {
  const firingCount = Math.max(0, incident.firingCount - 1);
  const patch: IncidentPatch = {
    firingCount,
    endedAt: Math.max(incident.endedAt ?? 0, command.endsAt),
    deliveryCount: incident.deliveryCount + (command.counted ? 1 : 0),
    updatedAt: now,
  };
  const timeline: TimelineEntry[] = [{ at: now, event: 'alert_resolved', actor: command.actor, detail: command.cause }];
  if (incident.status === 'resolved') return { patch, timeline, notify: [], outcome: null };
  const next = decideResolve(firingCount, { enabled: incident.autoResolve, holdDownMs: incident.holdDownMs }, now);
  if (next.kind === 'resolve') return resolve(incident, command.actor, 'all alerts resolved', now, patch, timeline);
  if (next.kind === 'hold') {
    patch.resolveDueAt = next.dueAt;
    timeline.push({ at: now, event: 'resolve_scheduled', actor: { type: 'system', name: 'hold-down' }, detail: { dueAt: new Date(next.dueAt).toISOString() } });
  }
  return { patch, timeline, notify: [], outcome: null };
}

function resolve(_incident: IncidentRecord, actor: Actor, cause: string, now: number, patch: IncidentPatch, timeline: TimelineEntry[] = []): Transition {
  return {
    patch: { ...patch, status: 'resolved', resolvedAt: now, resolveDueAt: null, updatedAt: now },
    timeline: [...timeline, { at: now, event: 'resolved', actor, detail: { cause } }],
    notify: ['resolved'],
    outcome: 'resolved',
  };
}

/** The incident as it is after a transition: the record with the patch applied. Pure. */
export function applyPatch(incident: IncidentRecord, patch: IncidentPatch): IncidentRecord {
  return { ...incident, ...patch };
}
