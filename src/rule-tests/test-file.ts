import { z } from 'zod';
import { parseDurationMs } from '../core/duration';
import { CATEGORIES, IMPACTS, INCIDENT_STATUSES, LINES, NOTIFY_EVENTS, PRIORITIES } from '../core/vocabulary';
import { PERSON_ACTIONS } from '../incidents/state-machine';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A time in a rule test: an offset from the test's `start` (`90s`, `5m`) or an ISO 8601 time. */
export const testTime = z.string().refine((text) => parseDurationMs(text) !== null || ISO_TIME.test(text), {
  message: 'use an offset such as 0s, 90s, 5m, 1h30m or an ISO 8601 time',
});

const stringMap = z.record(z.string(), z.string());

/** An Alertmanager alert written in short: times default to the step's time. */
const shortAlert = z
  .object({
    labels: stringMap,
    annotations: stringMap.optional(),
    status: z.enum(['firing', 'resolved']).default('firing'),
    startsAt: testTime.optional(),
    endsAt: testTime.optional(),
    fingerprint: z.string().optional(),
  })
  .strict();

/** A time of the SLA as a rule test writes it: ISO 8601 with any offset, or null. */
const slaTime = z.string().regex(ISO_TIME, 'expected an ISO 8601 time such as 2026-12-01T10:15:00Z').nullable();

/** The fields of an incident a step can expect; only the fields given are compared. */
const expectedIncident = z
  .object({
    healthModel: z.string(),
    metric: z.string(),
    key: z.string(),
    impact: z.enum(IMPACTS),
    category: z.enum(CATEGORIES),
    priority: z.enum(PRIORITIES),
    status: z.enum(INCIDENT_STATUSES),
    title: z.string(),
    summary: z.string(),
    alertCount: z.number().int().min(0),
    firingCount: z.number().int().min(0),
    deliveryCount: z.number().int().min(0),
    reopenCount: z.number().int().min(0),
    line: z.enum(LINES),
    customer: z.string().nullable(),
    assignee: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    /** `{by, name}` or null; only the fields given count. */
    suppressed: z.object({ by: z.enum(['maintenance', 'silence', 'inhibition']), name: z.string() }).partial().strict().nullable(),
    flapping: z.boolean(),
    /** Only the fields given count; times equal to the second, with any offset. */
    sla: z
      .object({
        policy: z.string(),
        responseDueAt: slaTime,
        respondedAt: slaTime,
        responseBreached: z.boolean(),
        resolutionDueAt: slaTime,
        resolutionBreached: z.boolean(),
        paused: z.boolean(),
        pausedSeconds: z.number().int().min(0),
      })
      .partial()
      .strict()
      .nullable(),
  })
  .partial()
  .strict();

/** A person's action in a step: on the N-th incident (1-based, oldest first), by a person of the config. */
const act = z
  .object({
    incident: z.number().int().min(1),
    action: z.enum(PERSON_ACTIONS),
    by: z.string().min(1),
    note: z.string().min(1).optional(),
    assignee: z.string().min(1).optional(),
    line: z.enum(LINES).optional(),
    reason: z.string().min(1).optional(),
    public: z.boolean().optional(),
    priority: z.enum(PRIORITIES).optional(),
  })
  .strict();

/** A notification a step must queue; only the fields given are compared. */
const expectedNotification = z
  .object({
    channel: z.string(),
    event: z.enum(NOTIFY_EVENTS),
    healthModel: z.string(),
    metric: z.string(),
    line: z.enum(LINES),
  })
  .partial()
  .strict();

/** One point of a test's timeline: optionally a webhook, then what the incidents must be. */
const step = z
  .object({
    at: testTime.default('0s'),
    /** A source name of the config, or a source type; default `alertmanager`. */
    source: z.string().optional(),
    fixture: z.string().optional(),
    payload: z.unknown().optional(),
    alerts: z.array(shortAlert).optional(),
    /** A person's action, after the step's webhook if it has one. */
    act: act.optional(),
    /** Creates a silence at the step's time (the N-th silence of the test, 1-based, for `expireSilence`). */
    silence: z
      .object({
        matchers: z.array(z.string().min(1)).min(1),
        /** How long it lasts from the step's time. */
        duration: z.string().refine((t) => parseDurationMs(t) !== null, { message: 'use a duration such as 30m' }),
        comment: z.string().min(1).default('rule test'),
        by: z.string().min(1).default('local'),
      })
      .strict()
      .optional(),
    /** Expires (deletes) the N-th silence the test created, at the step's time. */
    expireSilence: z.number().int().min(1).optional(),
    /** A heartbeat arrives at the step's time, as `POST /heartbeats/{name}` would bring it. */
    heartbeat: z.string().min(1).optional(),
    expect: z
      .object({
        /** Every incident of the store, oldest first. */
        incidents: z.array(expectedIncident).optional(),
        /** The notifications this step queued, in order (routes and channels of the config). */
        notifications: z.array(expectedNotification).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => [s.fixture, s.payload, s.alerts].filter((x) => x !== undefined).length <= 1, {
    message: 'give at most one of fixture, payload and alerts',
  });

/** A rule test file: the rules and config under test, and tests that each start from an empty store. */
export const ruleTestFileSchema = z
  .object({
    /** Rule files under test, relative to this file; default: every rule file of the config's rules directory. */
    rules: z.array(z.string().min(1)).optional(),
    /** The config whose defaults, sources and fallback apply, relative to this file. */
    config: z.string().min(1).optional(),
    /** Where `fixture:` paths start, relative to this file; INCIDENT_BRIDGE_FIXTURES overrides it. */
    fixtures: z.string().min(1).optional(),
    /** Time zero of every test; default 2025-03-18T09:00:00Z. */
    start: z.string().regex(ISO_TIME, 'expected an ISO 8601 time').optional(),
    tests: z
      .array(
        z
          .object({
            name: z.string().min(1),
            steps: z.array(step).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** A validated rule test file. */
export type RuleTestFile = z.output<typeof ruleTestFileSchema>;
/** A notification a step expects the config's routes to queue. */
export type ExpectedNotification = z.output<typeof expectedNotification>;
/** One step of a test's timeline. */
export type RuleTestStep = RuleTestFile['tests'][number]['steps'][number];
/** A person's action of a step. */
export type RuleTestAct = z.output<typeof act>;
/** The fields of one incident a step expects. */
export type ExpectedIncident = z.output<typeof expectedIncident>;

/** Resolves a test time against the test's start: offsets add to it, ISO times stand as they are. Epoch ms. */
export function resolveTestTime(text: string, startMs: number): number {
  const offset = parseDurationMs(text);
  return offset !== null ? startMs + offset : Date.parse(text);
}
