import type { Actor, Suppression } from '../core/vocabulary';
import type { IncidentRecord, TimelineEntry } from '../store/store';
import { NONE, notice } from './commands';
import type { IncidentPatch, Notice, Transition } from './commands';

/** The actor of what the daemon does to stay quiet: suppressions, their end, flapping. */
export const QUIET_ACTOR: Actor = { type: 'system', name: 'quiet' };

/** What a state change (opened, resolved, reopened) does to flapping. */
export interface FlapChange {
  patch: IncidentPatch;
  /** The change makes it flapping: one `flapping` notification says so. */
  starts: boolean;
  /** It is flapping: the change itself pages nobody. */
  quiet: boolean;
}

/**
 * Counts a state change at `now` against the incident's flapping policy: `flapChanges` changes
 * within `flapWindowMs` (the opening counts) make it flapping; while it is, every change moves
 * the moment it counts as settled (`window` after the last change). Pure.
 */
export function countChange(incident: Pick<IncidentRecord, 'flapChanges' | 'flapWindowMs' | 'stateChanges' | 'flapping'>, now: number): FlapChange {
  if (incident.flapChanges <= 0 || incident.flapWindowMs <= 0) return { patch: {}, starts: false, quiet: false };
  const recent = [...incident.stateChanges.filter((t) => t > now - incident.flapWindowMs), now];
  const patch: IncidentPatch = { stateChanges: recent };
  if (incident.flapping) return { patch: { ...patch, settleDueAt: now + incident.flapWindowMs }, starts: false, quiet: true };
  if (recent.length >= incident.flapChanges) return { patch: { ...patch, flapping: true, settleDueAt: now + incident.flapWindowMs }, starts: true, quiet: true };
  return { patch, starts: false, quiet: false };
}

/** The timeline entry and notice of flapping starting, when it does. */
export function flappingStart(incident: IncidentRecord, change: FlapChange, now: number): { timeline: TimelineEntry[]; notify: Notice[] } {
  if (!change.starts) return { timeline: [], notify: [] };
  const changes = change.patch.stateChanges?.length ?? 0;
  return {
    timeline: [{ at: now, event: 'flapping', actor: QUIET_ACTOR, detail: { changes, windowSeconds: Math.round(incident.flapWindowMs / 1000) } }],
    // Each flapping spell is its own notification.
    notify: [notice('flapping', String(now))],
  };
}

/**
 * A flapping incident whose state has held for its window settles: it is no longer flapping,
 * and the state it settled in is notified (resolved, or open again). Pure.
 */
export function settle(incident: IncidentRecord, now: number): Transition {
  if (!incident.flapping || incident.settleDueAt === null || incident.settleDueAt > now) return NONE;
  const resolved = incident.status === 'resolved';
  const event = resolved ? 'resolved' : incident.reopenCount > 0 ? 'reopened' : 'opened';
  return {
    patch: { flapping: false, settleDueAt: null, stateChanges: [], updatedAt: now },
    timeline: [{ at: now, event: 'settled', actor: QUIET_ACTOR, detail: { status: incident.status } }],
    notify: [notice(event, 'settled')],
    outcome: null,
    conflict: null,
  };
}

/** A cover begins on an active incident all of whose firing alerts it covers: it goes quiet, its SLA clocks pause. Pure. */
export function suppress(incident: IncidentRecord, suppression: Suppression, now: number): Transition {
  if (incident.status === 'resolved') return NONE;
  if (incident.suppressed?.by === suppression.by && incident.suppressed.name === suppression.name) return NONE;
  const entries: TimelineEntry[] = [{ at: now, event: 'suppressed', actor: QUIET_ACTOR, detail: { ...suppression } }];
  return { patch: { suppressed: suppression, updatedAt: now }, timeline: entries, notify: [], outcome: null, conflict: null };
}

/**
 * Its cover ended while it still fires (a window ended, a silence expired, the inhibiting
 * incident resolved, an alert no cover takes fired): it becomes an ordinary incident and pages
 * now: `opened` when it never paged before, `reopened` when it reopened under the cover. Pure.
 */
export function unsuppress(incident: IncidentRecord, reason: string, now: number): Transition {
  if (incident.suppressed === null || incident.status === 'resolved') return NONE;
  return {
    patch: { suppressed: null, paged: true, updatedAt: now },
    timeline: [{ at: now, event: 'unsuppressed', actor: QUIET_ACTOR, detail: { was: incident.suppressed, reason } }],
    // Never paged: `opened`. Paged, then reopened under cover: `reopened` (once per occurrence, as its identity says).
    notify: !incident.paged ? [notice('opened')] : incident.reopenCount > 0 ? [notice('reopened')] : [],
    outcome: null,
    conflict: null,
  };
}
