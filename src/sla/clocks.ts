import type { Actor, IncidentEventName } from '../core/vocabulary';
import { addWorkingTime, workingTimeBetween } from './calendar';
import type { WorkingCalendar } from './calendar';

/** One SLA target: an amount of working time of a calendar. */
export interface ClockTarget {
  durationMs: number;
  calendar: WorkingCalendar;
}

/** The targets an incident opened under: they stay its targets whatever the config says later. */
export interface SlaTargets {
  policy: string;
  response: ClockTarget;
  resolution: ClockTarget;
}

/** What the clocks read of the timeline. */
export interface ClockEntry {
  at: number;
  event: IncidentEventName;
  actor: Actor;
}

/** The SLA state of an incident, as the API shows it (times in epoch ms). */
export interface SlaState {
  policy: string;
  responseDueAt: number | null;
  respondedAt: number | null;
  responseBreached: boolean;
  resolutionDueAt: number | null;
  resolutionBreached: boolean;
  paused: boolean;
  pausedSeconds: number;
}

/** The events of a person that take an incident in hand and so meet the response. */
const RESPONDING: ReadonlySet<IncidentEventName> = new Set(['acknowledged', 'assigned', 'escalated', 'resolved']);

/** A span of real time during which a clock runs. */
type Span = [number, number];

/**
 * The SLA state derived from the timeline alone, at `now`. Both clocks start at `openedAt` and
 * run in working time of their calendars, except while paused (`paused` .. `resumed`); the
 * resolution clock also stops while the incident is resolved and goes on after a reopen. The
 * response is met by a person's acknowledge, assign, escalate or resolve; an incident resolved
 * by its alerts before any of these has no response (neither met nor breached). A clock is
 * breached once more working time than its target ran before it was met, even if met later.
 * Pure: the stored due times are an index of this function.
 */
export function slaState(targets: SlaTargets, openedAt: number, timeline: readonly ClockEntry[], now: number): SlaState {
  const entries = [...timeline].filter((e) => e.at >= openedAt && e.at <= now).sort((a, b) => a.at - b.at);
  const paused: Span[] = [];
  const resolvedSpans: Span[] = [];
  let pausedSince: number | null = null;
  let resolvedSince: number | null = null;
  let respondedAt: number | null = null;
  let firstResolvedAt: number | null = null;
  for (const e of entries) {
    if (e.actor.type === 'person' && RESPONDING.has(e.event) && respondedAt === null && firstResolvedAt === null) respondedAt = e.at;
    if (e.event === 'paused' && pausedSince === null) pausedSince = e.at;
    if (e.event === 'resumed' && pausedSince !== null) {
      paused.push([pausedSince, e.at]);
      pausedSince = null;
    }
    if (e.event === 'resolved' && resolvedSince === null) {
      resolvedSince = e.at;
      firstResolvedAt ??= e.at;
      // A resolve ends a pause: a resolved incident has no clock to hold.
      if (pausedSince !== null) {
        paused.push([pausedSince, e.at]);
        pausedSince = null;
      }
    }
    if (e.event === 'reopened' && resolvedSince !== null) {
      resolvedSpans.push([resolvedSince, e.at]);
      resolvedSince = null;
    }
  }
  const isPaused = pausedSince !== null;
  if (pausedSince !== null) paused.push([pausedSince, now]);
  const resolvedNow = resolvedSince !== null;
  if (resolvedSince !== null) resolvedSpans.push([resolvedSince, now]);
  const pausedSeconds = Math.round(paused.reduce((sum, [a, b]) => sum + (b - a), 0) / 1000);

  // The response clock stops for good at the response, or at the first resolve without one.
  const responseEnd = respondedAt ?? firstResolvedAt ?? now;
  const response = clock(targets.response, openedAt, paused, responseEnd, now, respondedAt === null && firstResolvedAt === null);
  const resolution = clock(targets.resolution, openedAt, [...paused, ...resolvedSpans], resolvedNow ? (resolvedSince ?? now) : now, now, !resolvedNow);
  // Resolved by its alerts before anyone took it in hand, and before the response was due: no response at all.
  const noResponse = respondedAt === null && firstResolvedAt !== null && !response.breached;
  return {
    policy: targets.policy,
    responseDueAt: noResponse ? null : response.dueAt,
    respondedAt,
    responseBreached: noResponse ? false : response.breached,
    resolutionDueAt: resolution.dueAt,
    resolutionBreached: resolution.breached,
    paused: isPaused,
    pausedSeconds,
  };
}

/**
 * One clock from `start` to `end` (when it was met or stopped, or now), not running during the
 * `stopped` spans. `running` says whether it still runs at `now`: then its due time is now plus
 * what is left; a stopped clock's due time is where the target was (or would be) reached.
 */
function clock(target: ClockTarget, start: number, stopped: readonly Span[], end: number, now: number, running: boolean): { dueAt: number; breached: boolean } {
  const spans = runningSpans(start, end, stopped);
  let used = 0;
  for (const [a, b] of spans) {
    const worked = workingTimeBetween(target.calendar, a, b);
    // The target is reached inside this span: that moment is the due time, and it has passed.
    if (used + worked > target.durationMs) return { dueAt: addWorkingTime(target.calendar, a, target.durationMs - used), breached: true };
    used += worked;
  }
  // Not reached: a running clock is due when what is left has run from now (later while paused);
  // a stopped one was due where what was left would have run from where it stopped.
  return { dueAt: addWorkingTime(target.calendar, running ? now : end, target.durationMs - used), breached: false };
}

/** The parts of [start, end) outside every stopped span, in time order. */
function runningSpans(start: number, end: number, stopped: readonly Span[]): Span[] {
  const cuts = [...stopped].filter(([a, b]) => b > start && a < end).sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  let from = start;
  for (const [a, b] of cuts) {
    if (a > from) out.push([from, Math.min(a, end)]);
    from = Math.max(from, b);
    if (from >= end) break;
  }
  if (from < end) out.push([from, end]);
  return out;
}
