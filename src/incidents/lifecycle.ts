import type { NormalizedAlert } from '../sources/source';

/** The stored state of one alert activation, as far as the lifecycle needs it. */
export interface AlertState {
  incidentId: number | null;
  status: 'firing' | 'resolved';
  startsAt: number;
}

/**
 * What an incoming alert means given the stored state of the same alert (same source and
 * fingerprint). Decided by `startsAt`/`endsAt`, never by arrival order:
 * - `stale`: an older activation, or a firing that a resolve of the same activation already ended;
 * - `repeat`: the same activation in the same state again (a delivery, no change);
 * - `resolve`: the stored firing activation has ended;
 * - `activate`: a new activation that fires: attach, reopen or open an incident;
 * - `record`: a new activation that has already ended: remembered, opens nothing.
 */
export type AlertDecision = 'stale' | 'repeat' | 'resolve' | 'activate' | 'record';

/** Decides what an incoming alert does to its stored state. Pure. */
export function decideAlert(previous: AlertState | null, incoming: Pick<NormalizedAlert, 'status' | 'startsAt'>): AlertDecision {
  if (previous === null || incoming.startsAt > previous.startsAt) {
    // A newer activation. A resolve of it still ends a firing we hold (its firing was missed).
    if (incoming.status === 'firing') return 'activate';
    return previous?.status === 'firing' ? 'resolve' : 'record';
  }
  if (incoming.startsAt < previous.startsAt) return 'stale';
  if (incoming.status === previous.status) return 'repeat';
  return incoming.status === 'resolved' ? 'resolve' : 'stale';
}

/** The incident a key already has, as far as targeting needs it. */
export interface IncidentState {
  id: number;
  status: 'open' | 'acknowledged' | 'resolved';
  /** When its last alert ended (alert time), for the reopen window. */
  endedAt: number | null;
}

/** Where a firing activation goes: an active incident, a recently resolved one, or a new one. */
export type TargetDecision = { kind: 'attach'; incidentId: number } | { kind: 'reopen'; incidentId: number } | { kind: 'open' };

/**
 * Chooses the incident for a firing alert. A key's active incident takes it; else the key's
 * last resolved incident is reopened when the alert started no later than `reopenWindowMs`
 * after that incident's alerts ended (so a late firing that overlaps it reopens it too); else a
 * new incident opens. Pure.
 */
export function decideTarget(active: IncidentState | null, lastResolved: IncidentState | null, startsAt: number, reopenWindowMs: number): TargetDecision {
  if (active) return { kind: 'attach', incidentId: active.id };
  if (lastResolved && lastResolved.endedAt !== null && startsAt - lastResolved.endedAt <= reopenWindowMs) {
    return { kind: 'reopen', incidentId: lastResolved.id };
  }
  return { kind: 'open' };
}

/** What happens to an incident whose last firing alert has just ended. */
export type ResolveDecision = { kind: 'resolve' } | { kind: 'hold'; dueAt: number } | { kind: 'stay' };

/**
 * Auto-resolve policy: resolve at once, after a hold-down (a re-fire before then cancels it), or
 * never when the metric turns auto-resolve off. Pure.
 */
export function decideResolve(firingCount: number, autoResolve: { enabled: boolean; holdDownMs: number }, nowMs: number): ResolveDecision {
  if (firingCount > 0 || !autoResolve.enabled) return { kind: 'stay' };
  if (autoResolve.holdDownMs > 0) return { kind: 'hold', dueAt: nowMs + autoResolve.holdDownMs };
  return { kind: 'resolve' };
}
