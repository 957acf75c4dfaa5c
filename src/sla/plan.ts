import type { DueStep, SlaTerms, StepTerms } from '../core/sla-terms';
import type { IncidentEventName, IncidentStatus, Priority } from '../core/vocabulary';
import { indexOf, reach, readHistory, resolutionRun, responseRun, runSince } from './clocks';
import type { ClockEntry, ClockHistory, ClockRun, SlaState, SlaTargets } from './clocks';
import { compileTerms } from './terms';

/** The actor name of what the SLA scheduler does. */
export const SLA_ACTOR = 'sla';

/** What the scheduler and the index need of an incident. */
export interface PlannedIncident {
  openedAt: number;
  priority: Priority;
  status: IncidentStatus;
}

/** An incident's SLA now: its index (the state kept on it) and the steps still to come, earliest first. */
export interface SlaPlan {
  state: SlaState;
  pending: DueStep[];
}

/** The events of a person that count as acting on an acknowledged incident (they restart its acknowledge timeout). */
const PERSON_ACTS: ReadonlySet<IncidentEventName> = new Set(['acknowledged', 'assigned', 'commented', 'escalated', 'paused', 'resumed', 'reopened', 'priority_changed']);

/** The targets of a priority under terms. */
export function targetsOf(terms: SlaTerms, priority: Priority): SlaTargets {
  const calendar = compileTerms(terms).calendarOf(priority);
  const t = terms.targets[priority];
  return { policy: terms.policy, response: { durationMs: t.responseMs, calendar }, resolution: { durationMs: t.resolutionMs, calendar } };
}

/**
 * The SLA of an incident at `now`, from its terms and timeline alone: the state, and every step
 * or breach not yet recorded on the timeline with the moment it is (or was) due. Nothing is due
 * while the incident is resolved or paused. Response steps and the response breach stop once the
 * response is met; resolution steps and the resolution breach come once per occurrence (again
 * after a reopen, at the earliest at the reopen); a step on the `acknowledged` clock comes once
 * per quiet spell of an acknowledged incident, counted from the last action of a person. Pure.
 */
export function slaPlan(terms: SlaTerms, incident: PlannedIncident, timeline: readonly ClockEntry[], now: number): SlaPlan {
  const targets = targetsOf(terms, incident.priority);
  const h = readHistory(incident.openedAt, timeline, now);
  const state = indexOf(targets, h);
  if (h.resolvedNow || h.pausedNow || incident.status === 'resolved') return { state, pending: [] };
  // Every recorded step counts, even one the clock now reads as later (a wall clock set back): a step runs once.
  const done = recordedSteps(timeline);
  const pending: DueStep[] = [];
  const add = (step: Omit<DueStep, 'dueAt'>, run: ClockRun, amountMs: number, notBefore: number): void => {
    if (done.has(step.key)) return;
    const r = reach(run, amountMs, now);
    if (r) pending.push({ ...step, dueAt: Math.max(r.at, notBefore) });
  };
  const steps = terms.escalation?.steps ?? [];
  const response = responseRun(h, targets.response.calendar);
  if (response.running) {
    steps.forEach((s, i) => {
      if (s.clock === 'response') add(stepOf(s, i, `response:${i}`), response, amountOf(s, targets.response.durationMs), h.openedAt);
    });
    add(breachOf('response', 'breach:response'), response, targets.response.durationMs, h.openedAt);
  }
  const resolution = resolutionRun(h, targets.resolution.calendar);
  const occ = h.occurrence;
  steps.forEach((s, i) => {
    if (s.clock === 'resolution') add(stepOf(s, i, `resolution:${i}@${occ}`), resolution, amountOf(s, targets.resolution.durationMs), h.occurrenceStart);
  });
  add(breachOf('resolution', `breach:resolution@${occ}`), resolution, targets.resolution.durationMs, h.occurrenceStart);
  if (incident.status === 'acknowledged') {
    const anchor = lastPersonAct(h);
    if (anchor !== null) {
      const quiet = runSince(h, anchor, targets.resolution.calendar);
      steps.forEach((s, i) => {
        if (s.clock === 'acknowledged' && s.at.kind === 'working') add(stepOf(s, i, `acknowledged:${i}@${anchor}`), quiet, s.at.ms, anchor);
      });
    }
  }
  pending.sort((a, b) => a.dueAt - b.dueAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { state, pending };
}

/**
 * The plan after the scheduler ran its first pending step: the same plan without that step,
 * and with the clock breached after a breach. A step moves no clock (its timeline entry is the
 * system's, not a person's), so nothing else changes; `slaPlan` on the timeline with the step's
 * entry gives the same answer, at a fraction of the cost. Pure.
 */
export function afterStep(plan: SlaPlan, step: DueStep): SlaPlan {
  const state = step.action !== 'breach' ? plan.state : step.clock === 'response' ? { ...plan.state, responseBreached: true } : { ...plan.state, resolutionBreached: true };
  return { state, pending: plan.pending.filter((p) => p.key !== step.key) };
}

function amountOf(step: StepTerms, targetMs: number): number {
  return step.at.kind === 'share' ? Math.round(step.at.share * targetMs) : step.at.ms;
}

function stepOf(s: StepTerms, index: number, key: string): Omit<DueStep, 'dueAt'> {
  return { key, clock: s.clock, action: s.action, index, atText: s.atText, line: s.line ?? null };
}

function breachOf(clock: 'response' | 'resolution', key: string): Omit<DueStep, 'dueAt'> {
  return { key, clock, action: 'breach', index: null, atText: '100%', line: null };
}

/** The keys of the steps the scheduler recorded on the timeline. */
function recordedSteps(timeline: readonly ClockEntry[]): Set<string> {
  const out = new Set<string>();
  for (const e of timeline) {
    if (e.actor.type === 'system' && e.actor.name === SLA_ACTOR && typeof e.detail?.step === 'string') out.add(e.detail.step);
  }
  return out;
}

/** When a person last acted on the incident in its current occurrence, or null. */
function lastPersonAct(h: ClockHistory): number | null {
  let last: number | null = null;
  for (const e of h.entries) if (e.occurrence === h.occurrence && e.actor.type === 'person' && PERSON_ACTS.has(e.event)) last = e.at;
  return last;
}
