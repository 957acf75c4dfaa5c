import type { SlaIndex } from '../core/sla-terms';
import type { Actor, IncidentEventName, IncidentStatus } from '../core/vocabulary';
import { addWorkingTime, workingTimeBetween } from './calendar';
import type { WorkingCalendar } from './calendar';

/** One SLA target: an amount of working time of a calendar. */
export interface ClockTarget {
  durationMs: number;
  calendar: WorkingCalendar;
}

/** The targets an incident is graded by now (its priority's, under the terms it opened with). */
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
  detail?: Record<string, unknown>;
}

/** The SLA state of an incident, as the API shows it (times in epoch ms). */
export type SlaState = SlaIndex;

/** The events of a person that take an incident in hand and so meet the response. */
const RESPONDING: ReadonlySet<IncidentEventName> = new Set(['acknowledged', 'assigned', 'escalated', 'resolved']);

/** A span of real time, [start, end). */
export type Span = [number, number];

/** The spans and moments the clocks are derived from, read once from the timeline. */
export interface ClockHistory {
  openedAt: number;
  now: number;
  /** Spans during which both clocks stood still (paused), closed at now when still paused. */
  paused: Span[];
  /** Spans during which the incident was resolved, closed at now when still resolved. */
  resolved: Span[];
  respondedAt: number | null;
  firstResolvedAt: number | null;
  pausedNow: boolean;
  resolvedNow: boolean;
  /** Since when the incident is resolved, when it is. */
  resolvedSince: number | null;
  /** The current occurrence: how many times it was reopened, and since when (openedAt at first). */
  occurrence: number;
  occurrenceStart: number;
  /** The entries in time order, up to now, with the occurrence each belongs to. */
  entries: (ClockEntry & { occurrence: number })[];
}

/** Reads the timeline up to `now`: pauses, resolved spans, the response and the occurrences. Pure. */
export function readHistory(openedAt: number, timeline: readonly ClockEntry[], now: number): ClockHistory {
  const sorted = [...timeline].filter((e) => e.at >= openedAt && e.at <= now).sort((a, b) => a.at - b.at);
  const h: ClockHistory = {
    openedAt,
    now,
    paused: [],
    resolved: [],
    respondedAt: null,
    firstResolvedAt: null,
    pausedNow: false,
    resolvedNow: false,
    resolvedSince: null,
    occurrence: 0,
    occurrenceStart: openedAt,
    entries: [],
  };
  // Both clocks stand still while a person paused the incident or a cover suppresses it.
  let pausedSince: number | null = null;
  let byPerson = false;
  let bySuppression = false;
  const hold = (at: number, person: boolean, suppressed: boolean): void => {
    const was = byPerson || bySuppression;
    byPerson = person;
    bySuppression = suppressed;
    const is = byPerson || bySuppression;
    if (!was && is) pausedSince = at;
    if (was && !is && pausedSince !== null) {
      h.paused.push([pausedSince, at]);
      pausedSince = null;
    }
  };
  for (const e of sorted) {
    if (e.actor.type === 'person' && RESPONDING.has(e.event) && h.respondedAt === null && h.firstResolvedAt === null) h.respondedAt = e.at;
    if (h.resolvedSince === null) {
      if (e.event === 'paused') hold(e.at, true, bySuppression);
      if (e.event === 'resumed') hold(e.at, false, bySuppression);
      if (e.event === 'suppressed') hold(e.at, byPerson, true);
      if (e.event === 'unsuppressed') hold(e.at, byPerson, false);
    }
    if (e.event === 'resolved' && h.resolvedSince === null) {
      h.resolvedSince = e.at;
      h.firstResolvedAt ??= e.at;
      // A resolve ends every pause: a resolved incident has no clock to hold.
      hold(e.at, false, false);
    }
    if (e.event === 'reopened' && h.resolvedSince !== null) {
      h.resolved.push([h.resolvedSince, e.at]);
      h.resolvedSince = null;
      h.occurrence += 1;
      h.occurrenceStart = e.at;
    }
    h.entries.push({ ...e, occurrence: h.occurrence });
  }
  h.pausedNow = pausedSince !== null;
  if (pausedSince !== null) h.paused.push([pausedSince, now]);
  h.resolvedNow = h.resolvedSince !== null;
  if (h.resolvedSince !== null) h.resolved.push([h.resolvedSince, now]);
  return h;
}

/** One clock's run: the real-time spans it ran in up to now, whether it still runs, and its calendar. */
export interface ClockRun {
  calendar: WorkingCalendar;
  spans: Span[];
  running: boolean;
  /** Where it stopped for good (met), or now. */
  end: number;
}

/** The response clock: from opening to the response, or to the first resolve without one. */
export function responseRun(h: ClockHistory, calendar: WorkingCalendar): ClockRun {
  const end = h.respondedAt ?? h.firstResolvedAt ?? h.now;
  return { calendar, spans: runningSpans(h.openedAt, end, h.paused), running: h.respondedAt === null && h.firstResolvedAt === null && !h.pausedNow, end };
}

/** The resolution clock: from opening, stopped while paused or resolved. */
export function resolutionRun(h: ClockHistory, calendar: WorkingCalendar): ClockRun {
  const end = h.resolvedNow ? (h.resolvedSince ?? h.now) : h.now;
  return { calendar, spans: runningSpans(h.openedAt, end, [...h.paused, ...h.resolved]), running: !h.resolvedNow && !h.pausedNow, end };
}

/** A clock that runs from `start` to now except while paused (the acknowledge timeout). */
export function runSince(h: ClockHistory, start: number, calendar: WorkingCalendar): ClockRun {
  return { calendar, spans: runningSpans(start, h.now, h.paused), running: !h.pausedNow && !h.resolvedNow, end: h.now };
}

/**
 * When the clock reaches `amountMs` of working time: a past moment when it did (`passed`), the
 * future moment it will if it keeps running, or null when it stands still before reaching it.
 */
export function reach(run: ClockRun, amountMs: number, now: number): { at: number; passed: boolean } | null {
  let used = 0;
  for (const [a, b] of run.spans) {
    const worked = workingTimeBetween(run.calendar, a, b);
    if (used + worked >= amountMs && amountMs - used >= 0) {
      const at = addWorkingTime(run.calendar, a, amountMs - used);
      if (at <= now) return { at, passed: true };
    }
    used += worked;
  }
  return run.running ? { at: addWorkingTime(run.calendar, now, amountMs - used), passed: false } : null;
}

/**
 * The SLA state derived from the timeline alone, at `now`. Both clocks start at `openedAt` and
 * run in working time of their calendars, except while paused (`paused` .. `resumed`); the
 * resolution clock also stops while the incident is resolved and goes on after a reopen. The
 * response is met by a person's acknowledge, assign, escalate or resolve; an incident resolved
 * by its alerts before any of these has no response (neither met nor breached). A clock is
 * breached once more working time than its target ran before it was met, even if met later, and
 * a breach recorded on the timeline stays (a priority change does not undo it).
 * Pure: the stored due times are an index of this function.
 */
export function slaState(targets: SlaTargets, openedAt: number, timeline: readonly ClockEntry[], now: number): SlaState {
  const h = readHistory(openedAt, timeline, now);
  return liveState(indexOf(targets, h), targets, h.resolvedNow ? 'resolved' : 'open', now);
}

/**
 * The SLA index of a history: the state as the store keeps it. While paused it is anchored at
 * the start of the pause (due times as if read then, paused seconds of the pauses before), so
 * it stays the same however often it is written during the pause; liveState reads it as of now.
 */
export function indexOf(targets: SlaTargets, h: ClockHistory): SlaState {
  const since = h.pausedNow ? h.paused[h.paused.length - 1]![0] : null;
  const pausedMs = h.paused.reduce((sum, [a, b]) => sum + (b - a), 0) - (since === null ? 0 : h.now - since);
  const recorded = (clock: string) => h.entries.some((e) => e.event === 'sla_breached' && e.actor.type === 'system' && e.detail?.clock === clock);
  const from = since ?? h.now;
  const response = dueOf(responseRun(h, targets.response.calendar), targets.response.durationMs, h.now, from);
  const resolution = dueOf(resolutionRun(h, targets.resolution.calendar), targets.resolution.durationMs, h.now, from);
  const responseBreached = response.breached || recorded('response');
  // Resolved by its alerts before anyone took it in hand, and before the response was due: no response at all.
  const noResponse = h.respondedAt === null && h.firstResolvedAt !== null && !responseBreached;
  return {
    policy: targets.policy,
    responseDueAt: noResponse ? null : response.dueAt,
    respondedAt: h.respondedAt,
    responseBreached: noResponse ? false : responseBreached,
    resolutionDueAt: resolution.dueAt,
    resolutionBreached: resolution.breached || recorded('resolution'),
    paused: h.pausedNow,
    pausedSeconds: Math.round(pausedMs / 1000),
    pausedSince: since,
  };
}

/**
 * An index read as of `now`. A paused incident's due times keep moving later by the working
 * time paused, and its paused seconds keep growing; a clock still running past its due time
 * reads as breached even before the scheduler has recorded the breach. Pure.
 */
export function liveState(index: SlaState, targets: SlaTargets, status: IncidentStatus, now: number): SlaState {
  const since = index.pausedSince ?? null;
  if (index.paused && since !== null) {
    const later = (due: number | null, calendar: WorkingCalendar): number | null => (due === null || now <= since ? due : addWorkingTime(calendar, now, workingTimeBetween(calendar, since, due)));
    return {
      ...index,
      responseDueAt: index.respondedAt === null && !index.responseBreached ? later(index.responseDueAt, targets.response.calendar) : index.responseDueAt,
      resolutionDueAt: later(index.resolutionDueAt, targets.resolution.calendar),
      pausedSeconds: index.pausedSeconds + Math.max(0, Math.round((now - since) / 1000)),
    };
  }
  const running = status !== 'resolved';
  const responseLate = running && index.respondedAt === null && index.responseDueAt !== null && index.responseDueAt < now;
  const resolutionLate = running && index.resolutionDueAt !== null && index.resolutionDueAt < now;
  if (!responseLate && !resolutionLate) return index;
  return { ...index, responseBreached: index.responseBreached || responseLate, resolutionBreached: index.resolutionBreached || resolutionLate };
}

/**
 * A clock's due time and whether it is breached: where its target was (or will be) reached. A
 * clock standing still before its target is due where what is left would run from where it
 * stopped for good, or from `from` (now, or the start of the current pause).
 */
function dueOf(run: ClockRun, durationMs: number, now: number, from: number): { dueAt: number; breached: boolean } {
  let used = 0;
  for (const [a, b] of run.spans) {
    const worked = workingTimeBetween(run.calendar, a, b);
    // The target is passed inside this span: that moment is the due time, and it has passed.
    if (used + worked > durationMs) return { dueAt: addWorkingTime(run.calendar, a, durationMs - used), breached: true };
    used += worked;
  }
  const stoppedForGood = run.end < now && !run.running && run.end <= from;
  return { dueAt: addWorkingTime(run.calendar, stoppedForGood ? run.end : from, durationMs - used), breached: false };
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
