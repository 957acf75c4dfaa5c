import type { Line, Priority } from './vocabulary';

/** A working calendar as the config writes it: local intervals per weekday in an IANA zone, holidays. */
export interface CalendarTerms {
  name: string;
  timezone: string;
  /** `HH:MM-HH:MM` intervals by weekday (`mon`..`sun`); a day not listed has none. */
  hours: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', string[]>>;
  /** Local dates `YYYY-MM-DD` with no working hours. */
  holidays: string[];
}

/** One priority's targets: amounts of working time of a calendar (`24x7` is built in). */
export interface TargetTerms {
  responseMs: number;
  resolutionMs: number;
  calendar: string;
}

/** The clocks an escalation step can run on; `acknowledged` is the time since a person last acted. */
export const STEP_CLOCKS = ['response', 'resolution', 'acknowledged'] as const;
export type StepClock = (typeof STEP_CLOCKS)[number];

/** What a step does: remind the current line, move to the next, or inform a named line. */
export const STEP_ACTIONS = ['remind', 'escalate', 'notify'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** One step of an escalation policy: `at` a share of the clock's target or an amount of working time. */
export interface StepTerms {
  clock: StepClock;
  at: { kind: 'share'; share: number } | { kind: 'working'; ms: number };
  /** As the config writes it (`50%`, `10m`), for messages and the timeline. */
  atText: string;
  action: StepAction;
  line?: Line;
}

/**
 * The contract an incident opens under, kept with it so that a later config change does not
 * re-grade it: the SLA policy with the targets of every priority (a priority change picks
 * another), the definitions of the calendars they use, and the escalation policy's steps.
 * Plain data: stored as JSON.
 */
export interface SlaTerms {
  policy: string;
  targets: Record<Priority, TargetTerms>;
  calendars: CalendarTerms[];
  escalation: { policy: string; steps: StepTerms[] } | null;
}

/**
 * An incident's SLA as the API shows it (times epoch ms): due times, the response, breaches and
 * pauses. Kept on the incident as an index of its timeline; `sla rebuild` recomputes it.
 */
export interface SlaIndex {
  policy: string;
  responseDueAt: number | null;
  respondedAt: number | null;
  responseBreached: boolean;
  resolutionDueAt: number | null;
  resolutionBreached: boolean;
  paused: boolean;
  pausedSeconds: number;
  /** Since when it is paused (with the seconds before that in `pausedSeconds`), or null. */
  pausedSince?: number | null;
}

/** Something the clocks make due: an escalation step, or a breach of a clock. */
export interface DueStep {
  /** Unique among the incident's steps: the timeline records it, so it happens once. */
  key: string;
  clock: StepClock;
  action: StepAction | 'breach';
  /** The step's index in its policy, or null for a breach. */
  index: number | null;
  /** The step's `at` as written (`50%`, `30m`), or `100%` for a breach. */
  atText: string;
  /** The line a `notify` step names. */
  line: Line | null;
  dueAt: number;
}
