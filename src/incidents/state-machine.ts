import type { Actor } from '../core/vocabulary';
import type { IncidentRecord, NewIncident, TimelineEntry } from '../store/store';
import { NONE, notice } from './commands';
import type { AlertCause, IncidentCommand, IncidentPatch, Notice, Transition } from './commands';
import { decideResolve } from './lifecycle';
import { personTransition } from './person-transitions';
import { slaStepTransition } from './sla-transitions';
import { QUIET_ACTOR, countChange, flappingStart, settle, suppress, unsuppress } from './quiet-transitions';

export { NONE, PERSON_ACTIONS, notice } from './commands';
export type { AlertCause, IncidentCommand, IncidentPatch, Notice, PersonCommand, Transition } from './commands';

/** What opens an incident: its classified fields and the first alert's activation. */
export interface OpenCommand {
  actor: Actor;
  cause: AlertCause;
  fields: Omit<NewIncident, 'status' | 'alertCount' | 'firingCount' | 'deliveryCount' | 'startedAt' | 'openedAt' | 'updatedAt' | 'paged' | 'stateChanges'>;
  startsAt: number;
  matched: boolean;
}

/**
 * The new incident with its first alert attached, its `opened` entry and its notification. A
 * suppressed one (its alert covered, or muted by an inhibiting incident) is recorded the same
 * way, with a `suppressed` entry, and pages nobody. Its opening is its first state change. Pure.
 */
export function openIncident(command: OpenCommand, now: number): { incident: NewIncident; timeline: TimelineEntry[]; notify: Notice[] } {
  const { suppressed } = command.fields;
  const timeline: TimelineEntry[] = [{ at: now, event: 'opened', actor: command.actor, detail: { ...command.cause, priority: command.fields.priority, matched: command.matched } }];
  if (suppressed) timeline.push({ at: now, event: 'suppressed', actor: QUIET_ACTOR, detail: { ...suppressed } });
  return {
    incident: {
      ...command.fields,
      status: 'open',
      alertCount: 1,
      firingCount: 1,
      deliveryCount: 1,
      startedAt: command.startsAt,
      openedAt: now,
      updatedAt: now,
      paged: suppressed === null,
      stateChanges: command.fields.flapChanges > 0 ? [now] : [],
    },
    timeline,
    notify: suppressed ? [] : [notice('opened')],
  };
}

/**
 * The one place that changes an incident's status, line, counters and times. Pure: the caller
 * writes the patch, the timeline entries and the notifications in one transaction.
 */
export function transition(incident: IncidentRecord, command: IncidentCommand, now: number): Transition {
  const t = decide(incident, command, now);
  return t.outcome === null ? t : withFlapping(incident, t, now);
}

/**
 * A resolve or a reopen is a state change: counted against flapping, it may start a flapping
 * spell (one `flapping` notification), and while the incident flaps it pages nobody.
 */
function withFlapping(incident: IncidentRecord, t: Transition, now: number): Transition {
  const change = countChange(incident, now);
  if (Object.keys(change.patch).length === 0) return t;
  const start = flappingStart(incident, change, now);
  const notify = change.quiet ? t.notify.filter((n) => n.event !== 'resolved' && n.event !== 'reopened' && n.event !== 'opened') : t.notify;
  return { ...t, patch: { ...t.patch, ...change.patch }, timeline: [...t.timeline, ...start.timeline], notify: [...notify, ...start.notify] };
}

function decide(incident: IncidentRecord, command: IncidentCommand, now: number): Transition {
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
    case 'acknowledge':
    case 'assign':
    case 'comment':
    case 'escalate':
    case 'resolve':
    case 'reopen':
    case 'pause':
    case 'resume':
    case 'prioritize':
      return personTransition(incident, command, now);
    case 'sla_step':
      return slaStepTransition(incident, command, now);
    case 'suppress':
      return suppress(incident, command.suppression, now);
    case 'unsuppress':
      return unsuppress(incident, command.reason, now);
    case 'settle':
      return settle(incident, now);
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
  const cover = command.cover ?? null;
  const notify: Notice[] = [];
  if (reopening) {
    Object.assign(patch, { status: 'open', resolvedAt: null, resolvedBy: null, resolutionNote: null, acknowledgedAt: null, acknowledgedBy: null, endedAt: null, reopenCount: incident.reopenCount + 1 });
    timeline.push({ at: now, event: 'reopened', actor: command.actor, detail: command.cause });
    // A reopen under a cover is quiet; one outside it pages (`opened` if the support line never heard of the incident).
    patch.suppressed = cover;
    if (cover) timeline.push({ at: now, event: 'suppressed', actor: QUIET_ACTOR, detail: { ...cover } });
    else {
      patch.paged = true;
      notify.push(notice(incident.paged ? 'reopened' : 'opened'));
    }
  }
  timeline.push({ at: now, event: 'alert_attached', actor: command.actor, detail: command.cause });
  const t: Transition = { patch, timeline, notify, outcome: reopening ? 'reopened' : null, conflict: null };
  // An alert no cover takes fires on a suppressed incident: its cover has ended.
  if (!reopening && incident.suppressed !== null && incident.suppressed.by !== 'inhibition' && cover === null && command.cover !== undefined) {
    const ended = unsuppress(incident, 'an alert that nothing covers fires', now);
    return { ...t, patch: { ...t.patch, ...ended.patch }, timeline: [...t.timeline, ...ended.timeline], notify: ended.notify };
  }
  return t;
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
  if (incident.status === 'resolved') return { ...NONE, patch, timeline };
  const next = decideResolve(firingCount, { enabled: incident.autoResolve, holdDownMs: incident.holdDownMs }, now);
  if (next.kind === 'resolve') return resolve(incident, command.actor, 'all alerts resolved', now, patch, timeline);
  if (next.kind === 'hold') {
    patch.resolveDueAt = next.dueAt;
    timeline.push({ at: now, event: 'resolve_scheduled', actor: { type: 'system', name: 'hold-down' }, detail: { dueAt: new Date(next.dueAt).toISOString() } });
  }
  return { ...NONE, patch, timeline };
}

function resolve(_incident: IncidentRecord, actor: Actor, cause: string, now: number, patch: IncidentPatch, timeline: TimelineEntry[] = []): Transition {
  return {
    patch: { ...patch, status: 'resolved', resolvedAt: now, resolveDueAt: null, updatedAt: now },
    timeline: [...timeline, { at: now, event: 'resolved', actor, detail: { cause } }],
    notify: [notice('resolved')],
    outcome: 'resolved',
    conflict: null,
  };
}

/** The incident as it is after a transition: the record with the patch applied. Pure. */
export function applyPatch(incident: IncidentRecord, patch: IncidentPatch): IncidentRecord {
  return { ...incident, ...patch };
}
