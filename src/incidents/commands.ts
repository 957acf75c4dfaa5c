import type { Actor, Line, NotifyEvent, Priority, Suppression } from '../core/vocabulary';
import type { DueStep } from '../core/sla-terms';
import type { NotificationPayload } from '../store/store';
import type { IncidentRecord, TimelineEntry } from '../store/store';

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
  | { type: 'fire'; actor: Actor; cause: AlertCause; startsAt: number; newAlert: boolean; wasFiring: boolean; cover?: Suppression | null }
  /** One of its firing activations ended; `counted` when the ending delivery counts as one. */
  | { type: 'end_alert'; actor: Actor; cause: AlertCause; endsAt: number; counted: boolean }
  /** A delivery that changes no state (a repeat, a stale resend) is counted. */
  | { type: 'count_delivery' }
  /** A source's acknowledge, comment or severity change lands on the timeline. */
  | { type: 'source_update'; actor: Actor; detail: Record<string, unknown> }
  /** The resolve hold-down may have passed. */
  | { type: 'resolve_due'; actor: Actor }
  /** A cover (maintenance, a silence, inhibition) now takes all its firing alerts. */
  | { type: 'suppress'; suppression: Suppression }
  /** Its cover ended while it still fires. */
  | { type: 'unsuppress'; reason: string }
  /** A flapping incident's state may have held for its window. */
  | { type: 'settle' }
  /** An SLA step or breach has come due (at `step.dueAt`; it runs now, maybe late). */
  | { type: 'sla_step'; actor: Actor; step: DueStep }
  | PersonCommand;

/** What a person asks of an incident (the actions of the API, the CLI and chat buttons). */
export type PersonCommand =
  | { type: 'acknowledge'; actor: Actor; note?: string }
  | { type: 'assign'; actor: Actor; assignee: string; note?: string }
  | { type: 'comment'; actor: Actor; note: string; public?: boolean }
  | { type: 'escalate'; actor: Actor; line?: Line; note: string }
  | { type: 'resolve'; actor: Actor; note: string; public?: boolean }
  | { type: 'reopen'; actor: Actor; note?: string }
  | { type: 'pause'; actor: Actor; reason: string }
  | { type: 'resume'; actor: Actor; note?: string }
  | { type: 'prioritize'; actor: Actor; priority: Priority; note: string };

/** The names of the person commands, as the API's paths spell them. */
export const PERSON_ACTIONS = ['acknowledge', 'assign', 'comment', 'escalate', 'resolve', 'reopen', 'pause', 'resume', 'prioritize'] as const satisfies readonly PersonCommand['type'][];

/** A notification a transition asks for: the event, and its step ('' for none; the target line of an escalation). */
export interface Notice {
  event: NotifyEvent;
  step: string;
  /** What it says beyond the incident: the text of a public update. */
  note?: string;
  /** The line it concerns (the new line of an escalation, the line a step names); default the incident's. */
  line?: Line;
  /** The SLA step or breach it tells of. */
  sla?: NonNullable<NotificationPayload['sla']>;
}

/** What a command does: the fields to change, the timeline entries and the events to notify. */
export interface Transition {
  patch: IncidentPatch;
  timeline: TimelineEntry[];
  notify: Notice[];
  /** The incident's status changed to this (for the metrics and the log), or null. */
  outcome: 'reopened' | 'resolved' | null;
  /** Why the incident's state forbids the command (an API answers 409), or null. */
  conflict: string | null;
}

/** No change: the command is allowed and changes nothing (an API answers 200 and adds no entry). */
export const NONE: Transition = Object.freeze({ patch: {}, timeline: [], notify: [], outcome: null, conflict: null }) as Transition;

/** A notice of `event` with no step. */
export const notice = (event: NotifyEvent, step = '', note?: string): Notice => (note === undefined ? { event, step } : { event, step, note });

