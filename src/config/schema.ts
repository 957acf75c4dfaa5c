import { z } from 'zod';
import { parseDurationMs } from '../core/duration';
import { CATEGORIES, IMPACTS, LINES, LOCALES, NOTIFY_EVENTS, PRIORITIES, ROLES } from '../core/vocabulary';
import type { Criticality, Impact, Priority } from '../core/vocabulary';
import { SOURCE_TYPES } from '../sources/source-types';
import { channelConfigSchema } from './channel-config';

/** A duration such as `10m` or `1h30m`, parsed into milliseconds. */
export const durationMs = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${text}" (use e.g. 30s, 10m, 1h30m)` });
    return z.NEVER;
  }
  return ms;
});

const SIZE = /^(\d+)\s*(B|KiB|MiB|GiB)?$/;
const SIZE_UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** A byte size: a number, or a string such as `5MiB`. */
const byteSize = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = SIZE.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `invalid size "${v}" (use e.g. 512KiB, 5MiB)` });
    return z.NEVER;
  }
  return Number(m[1]) * (SIZE_UNITS[m[2] ?? 'B'] as number);
});

const listenAddress = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string()).pipe(z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'expected HOST:PORT, e.g. 127.0.0.1:9095'));

const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'not a valid header name');

const sourceAuth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: z.string().min(1, 'token is empty') }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string().min(1, 'password is empty') }).strict(),
  z
    .object({
      type: z.literal('hmac'),
      secret: z.string().min(1, 'secret is empty'),
      header: headerName.default('X-Grafana-Alerting-Signature'),
      timestampHeader: headerName.optional(),
      replayWindow: durationMs.default(300_000),
    })
    .strict(),
]);

const source = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - and _'),
    type: z.enum(SOURCE_TYPES),
    auth: sourceAuth.optional(),
    /** Accept unauthenticated webhooks even when listening beyond loopback. */
    allowUnauthenticated: z.boolean().default(false),
  })
  .strict();

const priority = z.enum(PRIORITIES);
const matrixRow = z.object({ full_outage: priority, partial_outage: priority, defect: priority }).strict();

const DEFAULT_MATRIX: Record<Criticality, Record<Impact, Priority>> = {
  high: { full_outage: 'P1', partial_outage: 'P2', defect: 'P3' },
  medium: { full_outage: 'P2', partial_outage: 'P3', defect: 'P4' },
  low: { full_outage: 'P3', partial_outage: 'P4', defect: 'P4' },
};

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'not a valid label name');

/** Which incident events go to which channels; routes are tried in order, the first match wins unless it says `continue`. */
const notifyRoute = z
  .object({
    events: z.array(z.enum(NOTIFY_EVENTS)).optional(),
    healthModels: z.array(z.string().min(1)).optional(),
    priorities: z.array(priority).optional(),
    categories: z.array(z.enum(CATEGORIES)).optional(),
    channels: z.array(z.string().min(1)).min(1),
    continue: z.boolean().default(false),
  })
  .strict();

const lowerCaseName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ., - and _');

/** A Telegram user id; a string of digits (from `${VAR}`) is read as the number. */
const telegramUserId = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  if (/^\d{1,15}$/.test(v.trim()) && Number(v) > 0) return Number(v);
  ctx.addIssue({ code: 'custom', message: `invalid Telegram user id "${v.slice(0, 40)}" (expected a positive number)` });
  return z.NEVER;
});

/**
 * A person of the support line. The token is a secret from the environment; it is printable ASCII
 * because it travels in an `Authorization` header, and at least 8 characters long so it can be
 * masked in the logs. A person without a token (none given, or `${VAR:-}` with VAR unset) cannot
 * use the API but can be assigned and act from Telegram.
 */
const person = z
  .object({
    name: lowerCaseName,
    displayName: z.string().min(1).optional(),
    role: z.enum(ROLES),
    customer: lowerCaseName.optional(),
    lines: z.array(z.enum(LINES)).optional(),
    token: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .min(8, 'token must have at least 8 characters')
        .regex(/^[\x21-\x7e]+$/, 'token must be printable ASCII without spaces')
        .optional(),
    ),
    telegramUserId: telegramUserId.optional(),
    email: z.email().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.role === 'customer' && p.customer === undefined) ctx.addIssue({ code: 'custom', path: ['customer'], message: 'a person with role customer needs the key customer' });
    if (p.role !== 'customer' && p.customer !== undefined) ctx.addIssue({ code: 'custom', path: ['customer'], message: `customer is only for role customer, not ${p.role}` });
  });

const slaTarget = z
  .object({
    response: durationMs,
    resolution: durationMs,
    /** The calendar of this target; default: the policy's. */
    calendar: lowerCaseName.optional(),
  })
  .strict();

/**
 * SLA: working calendars (local working intervals per weekday in an IANA zone, holidays) and
 * policies (response and resolution targets per priority, in working time of a calendar).
 * `24x7` is a built-in calendar.
 */
const slaSchema = z
  .object({
    calendars: z
      .array(
        z
          .object({
            name: lowerCaseName,
            timezone: z.string().min(1),
            hours: z.partialRecord(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), z.array(z.string())).default({}),
            holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use a local date YYYY-MM-DD')).default([]),
          })
          .strict(),
      )
      .default([]),
    policies: z
      .array(
        z
          .object({
            name: lowerCaseName,
            calendar: lowerCaseName.default('24x7'),
            targets: z.partialRecord(z.enum(PRIORITIES), slaTarget),
          })
          .strict(),
      )
      .min(1, 'an sla section needs at least one policy'),
    /** The policy of health models (and customers) that name none; default: the first policy. */
    default: lowerCaseName.optional(),
  })
  .strict();

/**
 * Support lines: the channels where each line hears about the incidents it owns. A line left out
 * hears only what `notifications.routes` send.
 */
const linesSchema = z.partialRecord(
  z.enum(LINES),
  z
    .object({
      channels: z.array(z.string().min(1)).min(1, 'a line needs at least one channel (leave the line out instead)'),
    })
    .strict(),
);

/** The clocks an escalation step watches: the SLA's response and resolution, and the acknowledge timeout. */
export const ESCALATION_CLOCKS = ['response', 'resolution', 'acknowledged'] as const;
export type EscalationClock = (typeof ESCALATION_CLOCKS)[number];

/** What a due step does: remind the current line, move up a line, or remind the line it names. */
export const ESCALATION_ACTIONS = ['remind', 'escalate', 'notify'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/**
 * One step of an escalation policy. `at` stays as written (`50%`, `10m`); parseStepAt reads it
 * and escalationProblems reports what it cannot read. YAML reads `50%` and `10m` as strings; a bare
 * number has no unit, so it is refused here.
 */
const escalationStep = z
  .object({
    clock: z.enum(ESCALATION_CLOCKS),
    at: z
      .string({
        error: (issue) => (issue.input === undefined ? undefined : 'expected a share of the target such as 50% or a duration such as 10m, not a bare number'),
      })
      .describe('A share of the clock\'s target (50%) or an amount of working time (10m); the acknowledged clock takes only a duration'),
    action: z.enum(ESCALATION_ACTIONS),
    line: z.enum(LINES).optional().describe('The line a notify step reminds; only for notify'),
  })
  .strict();

/** Escalation policies (steps on the SLA clocks) and the default one of health models that name none. */
const escalationSchema = z
  .object({
    policies: z
      .array(
        z
          .object({
            name: lowerCaseName,
            steps: z.array(escalationStep),
          })
          .strict(),
      )
      .min(1, 'an escalation section needs at least one policy'),
    /** The policy of health models (and customers) that name none; default: the first policy. */
    default: lowerCaseName.optional(),
  })
  .strict();

/** The events a customer's channels can hear, in the customer's wording. */
export const CUSTOMER_EVENTS = ['opened', 'update', 'resolved'] as const;

/**
 * A customer of the support company: its contract (SLA and escalation policies of its health
 * models), the people who serve it, and the channels that reach its contacts.
 */
const customer = z
  .object({
    name: lowerCaseName,
    displayName: z.string().min(1).optional(),
    sla: lowerCaseName.optional(),
    escalation: lowerCaseName.optional(),
    team: z.array(lowerCaseName).default([]),
    channels: z.array(z.string().min(1)).default([]),
    events: z.array(z.enum(CUSTOMER_EVENTS)).default([...CUSTOMER_EVENTS]),
    /** The language of its messages; default: notifications.locale. */
    locale: z.enum(LOCALES).optional(),
  })
  .strict();

/**
 * A maintenance window: what it covers (matchers in Alertmanager syntax, health models, or both:
 * then an alert must satisfy both) and when, either once (local `start` and `end`) or recurring
 * (`rrule` in local time, each occurrence lasting `duration`), in the IANA zone `timezone`.
 * maintenanceProblems checks what zod cannot: the zone, the times, the rule, the matchers.
 */
const maintenanceWindow = z
  .object({
    name: lowerCaseName,
    matchers: z.array(z.string()).default([]).describe('Alertmanager matchers, all of which an alert must satisfy; a string may hold several, comma-separated'),
    healthModels: z.array(z.string().min(1)).default([]).describe('Health models whose alerts it covers'),
    timezone: z.string().min(1).describe('IANA time zone of start, end and rrule, e.g. Europe/Amsterdam'),
    start: z.string().optional().describe('One-off: local start YYYY-MM-DDTHH:MM[:SS]'),
    end: z.string().optional().describe('One-off: local end YYYY-MM-DDTHH:MM[:SS], after start'),
    rrule: z.string().optional().describe('Recurring: an RFC 5545 RRULE in local time, e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0'),
    duration: durationMs.optional().describe('Recurring: how long each occurrence lasts, e.g. 2h'),
  })
  .strict();

/** Which incidents an inhibit rule's side selects: each given field must hold one of its values. */
const incidentSelector = z
  .object({
    impact: z.union([z.enum(IMPACTS), z.array(z.enum(IMPACTS)).min(1)]).optional(),
    priority: z.union([z.enum(PRIORITIES), z.array(z.enum(PRIORITIES)).min(1)]).optional(),
    category: z.union([z.enum(CATEGORIES), z.array(z.enum(CATEGORIES)).min(1)]).optional(),
  })
  .strict();

/** The incident fields an inhibit rule may require to be equal on both sides. */
export const INHIBIT_EQUAL_FIELDS = ['healthModel', 'customer', 'category', 'metric'] as const;

/**
 * Inhibition: an active incident selected by `when` mutes new incidents selected by `mute` that
 * have the same `equal` fields (at least healthModel); they page if it resolves first.
 */
const inhibitRule = z
  .object({
    when: incidentSelector,
    mute: incidentSelector,
    equal: z
      .array(z.enum(INHIBIT_EQUAL_FIELDS))
      .default(['healthModel'])
      .refine((e) => e.includes('healthModel'), { message: 'equal must include healthModel (inhibition works within a health model)' }),
  })
  .strict();

/** Flapping: a state changing `changes` times within `window` (the opening counts) makes an incident flapping. */
export const flappingSchema = z
  .object({
    changes: z.number().int().min(2, 'changes must be at least 2 (the opening counts as one)'),
    window: durationMs,
  })
  .strict();

/** A dead man's switch: the always-firing alert of a source whose silence means monitoring is blind. */
const heartbeat = z
  .object({
    name: lowerCaseName,
    source: z.string().min(1),
    matchers: z.array(z.string().min(1)).min(1, 'a heartbeat needs at least one matcher'),
    interval: durationMs,
  })
  .strict();

/** The daemon's configuration file; every knob has a default except the sources. */
export const configSchema = z
  .object({
    listen: listenAddress.default('127.0.0.1:9095'),
    store: z.object({ type: z.enum(['sqlite']).default('sqlite'), path: z.string().min(1).default('data/incident-bridge.db') }).strict().prefault({}),
    rules: z.object({ dir: z.string().min(1).default('rules') }).strict().prefault({}),
    sources: z.array(source).min(1, 'configure at least one source'),
    /** Who may use the API; without a person with a token the API is open, and only on loopback. */
    people: z.array(person).default([]),
    /** SLA calendars and policies; without it incidents carry `sla: null`. */
    sla: slaSchema.optional(),
    /** The channels of each support line; without it the routes alone choose the channels. */
    lines: linesSchema.optional(),
    /** Escalation policies: what happens as an incident's clocks run; a health model may name one (`escalation:`). */
    escalation: escalationSchema.optional(),
    /** Inhibit rules: an open full outage mutes the partial outages and defects of its health model. */
    inhibit: z.array(inhibitRule).default([]),
    /** The default flapping policy; a metric may set its own or `flapping: false`; `false` here turns it off. */
    flapping: z.union([z.literal(false), flappingSchema]).default({ changes: 4, window: 1_800_000 }),
    /** Heartbeats: per source, an always-firing alert; none for `interval` opens a monitoring-gap incident. */
    heartbeats: z.array(heartbeat).default([]),
    /** The support company's customers; a health model names its own (`customer:`). */
    customers: z.array(customer).default([]),
    /** Planned work: alerts it covers open incidents that page nobody while it is in force. */
    maintenance: z.array(maintenanceWindow).default([]),
    limits: z
      .object({ maxBodyBytes: byteSize.default(5 * 1024 * 1024) })
      .strict()
      .prefault({}),
    priorities: z
      .object({
        matrix: z.object({ high: matrixRow, medium: matrixRow, low: matrixRow }).strict().default(DEFAULT_MATRIX),
      })
      .strict()
      .prefault({}),
    incidents: z
      .object({
        reopenWindow: durationMs.default(600_000),
        resolveHoldDown: durationMs.default(0),
        groupBy: z.array(labelName).default([]),
        replayWindow: durationMs.default(86_400_000),
      })
      .strict()
      .prefault({}),
    fallback: z
      .object({
        healthModel: z.string().min(1).default('unclassified'),
        metric: z.string().min(1).default('unclassified'),
        impact: z.enum(IMPACTS).default('defect'),
        category: z.enum(CATEGORIES).default('infrastructure'),
        priority: priority.default('P4'),
        groupBy: z.array(labelName).default(['alertname']),
        title: z.string().min(1).default('{{ labels.alertname | default: "Unnamed alert" }}'),
        summary: z.string().default('{{ annotations.summary | default: annotations.description }}'),
      })
      .strict()
      .prefault({}),
    monitoringGap: z
      .object({
        healthModel: z.string().min(1).default('monitoring'),
        metric: z.string().min(1).default('monitoring-gap'),
        impact: z.enum(IMPACTS).default('defect'),
        category: z.enum(CATEGORIES).default('infrastructure'),
        priority: priority.default('P4'),
        groupBy: z.array(labelName).default(['alertname', 'rulename']),
        title: z.string().min(1).default('Monitoring gap ({{ labels.monitoring_gap }}): {{ labels.rulename | default: labels.alertname }}'),
        summary: z.string().default('{{ annotations.Error | default: annotations.summary | default: annotations.description }}'),
      })
      .strict()
      .prefault({}),
    notifications: z
      .object({
        locale: z.enum(LOCALES).default('en'),
        /** The daemon's address as the support line reaches it, for links in messages. */
        publicUrl: z.string().url().optional(),
        channels: z.array(channelConfigSchema).default([]),
        routes: z.array(notifyRoute).default([]),
        outbox: z
          .object({
            maxAge: durationMs.default(86_400_000),
            initialBackoff: durationMs.default(5_000),
            maxBackoff: durationMs.default(600_000),
            pollInterval: durationMs.default(1_000),
            lease: durationMs.default(60_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    silences: z
      .object({
        /** How long a silence stays listed (and stored) after it ended. */
        keepExpired: durationMs.default(7 * 86_400_000),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        /** The share of incidents within SLA the contract promises, in percent: the target line of the report. */
        target: z.number().min(0).max(100).default(95),
      })
      .strict()
      .prefault({}),
    rejections: z
      .object({
        maxCount: z.number().int().min(0).default(100),
        maxBodyBytes: byteSize.default(64 * 1024),
      })
      .strict()
      .prefault({}),
    log: z.object({ level: z.enum(['error', 'warn', 'info', 'debug']).default('info') }).strict().prefault({}),
  })
  .strict();

/** The configuration after validation and defaults, paths still as written. */
export type Config = z.output<typeof configSchema>;
export type SourceConfig = Config['sources'][number];
export type PersonConfig = Config['people'][number];
export type PriorityMatrix = Config['priorities']['matrix'];
export type FallbackConfig = Config['fallback'];
export type NotificationsConfig = Config['notifications'];
export type NotifyRoute = NotificationsConfig['routes'][number];
/** A metric defined in the config rather than a rule file: the fallback and the monitoring gap. */
export type BuiltinMetricConfig = Pick<FallbackConfig, 'healthModel' | 'metric' | 'impact' | 'category' | 'priority' | 'groupBy' | 'title' | 'summary'>;

/** The config's `sla` section. */
export type SlaConfig = z.output<typeof slaSchema>;

/** The config's `lines` section: the channels of each support line. */
export type LinesConfig = z.output<typeof linesSchema>;

/** The config's `escalation` section. */
export type EscalationConfig = z.output<typeof escalationSchema>;
export type EscalationPolicyConfig = EscalationConfig['policies'][number];
export type EscalationStepConfig = EscalationPolicyConfig['steps'][number];

/** One maintenance window of the config's `maintenance` section, as validated (duration in ms). */
export type MaintenanceConfig = Config['maintenance'][number];
export type InhibitConfig = Config['inhibit'][number];
export type HeartbeatConfig = Config['heartbeats'][number];
