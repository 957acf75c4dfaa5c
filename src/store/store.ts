import type { DueStep, SlaIndex, SlaTerms } from '../core/sla-terms';
import type { Actor, Category, Impact, IncidentEventName, IncidentStatus, Line, NotifyEvent, Priority, Suppression } from '../core/vocabulary';

/** An incident as stored; times are epoch milliseconds. */
export interface IncidentRecord {
  id: number;
  key: string;
  status: IncidentStatus;
  priority: Priority;
  impact: Impact;
  category: Category;
  healthModel: string;
  metric: string;
  /** The customer of its health model, or null. */
  customer: string | null;
  title: string;
  summary: string;
  runbookUrl: string | null;
  line: Line;
  groupLabels: Record<string, string>;
  alertCount: number;
  firingCount: number;
  deliveryCount: number;
  reopenCount: number;
  startedAt: number;
  endedAt: number | null;
  openedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  /** The person who has the incident in hand, and who acknowledged and resolved it (names). */
  assignee: string | null;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  /** What was done, as the person who resolved it wrote it, and whether the customer may be told. */
  resolutionNote: string | null;
  resolutionPublic: boolean;
  /** Since when the incident is paused by a person (waiting for a third party), or null. */
  pausedAt: number | null;
  resolveDueAt: number | null;
  updatedAt: number;
  /** The metric's auto-resolve policy, fixed when the incident opens. */
  autoResolve: boolean;
  holdDownMs: number;
  /** The SLA terms it opened under (kept whatever the config says later), or null without SLA. */
  slaTerms: SlaTerms | null;
  /** Its SLA state: an index of its timeline, written with each change that moves a clock. */
  sla: SlaIndex | null;
  /** Why it pages nobody now (maintenance, a silence, inhibition), or null. */
  suppressed: Suppression | null;
  /** Whether the support line has heard of it (its `opened` was sent); an incident that never paged does not page its resolve. */
  paged: boolean;
  /** Whether its state changes too often to page each change; `settleDueAt` is when it counts as settled if nothing changes. */
  flapping: boolean;
  settleDueAt: number | null;
  /** The metric's flapping policy, fixed when it opens: `changes` within `windowMs` (0 changes: off). */
  flapChanges: number;
  flapWindowMs: number;
  /** When its state changed (opened, resolved, reopened) within the last flapping window, oldest first. */
  stateChanges: number[];
}

/** The fields an incident is opened with. */
export type NewIncident = Omit<
  IncidentRecord,
  'id' | 'acknowledgedAt' | 'resolvedAt' | 'resolveDueAt' | 'endedAt' | 'reopenCount' | 'line' | 'assignee' | 'acknowledgedBy' | 'resolvedBy' | 'resolutionNote' | 'resolutionPublic' | 'pausedAt' | 'flapping' | 'settleDueAt'
>;

/** What ingest decides with about a stored alert: its state, with labels and annotations left serialized. */
export interface AlertHead {
  id: number;
  source: string;
  fingerprint: string;
  incidentId: number | null;
  status: 'firing' | 'resolved';
  startsAt: number;
  endsAt: number | null;
  deliveryCount: number;
  /** The stored JSON text, to tell whether a delivery changed them without parsing. */
  labelsJson: string;
  annotationsJson: string;
}

/** One stored activation of an alert (source + fingerprint), attached to at most one incident. */
export interface AlertRecord extends Omit<AlertHead, 'labelsJson' | 'annotationsJson'> {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string | null;
  firstReceivedAt: number;
  lastReceivedAt: number;
}

export type NewAlert = Omit<AlertRecord, 'id'>;


/** A timeline entry: what changed, when, who did it, and why. */
export interface TimelineEntry {
  at: number;
  event: IncidentEventName;
  actor: Actor;
  detail: Record<string, unknown>;
}

/** The answer a webhook got, kept so that a replay of the same body gets it again. */
export interface DeliveryReceipt {
  accepted: number;
  incidents: number[];
}

/**
 * What makes a notification one: the incident, the event, its occurrence (the incident's reopen
 * count when it happened), the step (an escalation's target line, an SLA step; '' for none) and
 * the channel. A second notification with the same identity is never queued.
 */
export interface NotificationIdentity {
  incidentId: number;
  event: NotifyEvent;
  occurrence: number;
  step: string;
  channel: string;
}

/** What a notification says beyond the incident itself. */
export interface NotificationPayload {
  /** The text of a public update. */
  note?: string;
  /** The support line it is addressed to. */
  line?: Line;
  /** The SLA step or breach it tells of: which clock, at what point, and how late it ran. */
  sla?: { step: string; clock: string; action: string; at: string; dueAt: number; lateSeconds: number };
}

/** The identity as one string, for channels that need a key (HTTP headers, refs, mail ids). */
export function notificationKey(n: NotificationIdentity): string {
  return [n.incidentId, n.event, n.occurrence, ...(n.step === '' ? [] : [n.step]), n.channel].join(':');
}

/**
 * The operations of one unit of work on incidents (a webhook, a worker's step, a person's
 * action), inside the store's transaction. Reads are async, so a store on a server can answer
 * them over the network; writes return nothing and may be sent later, but a later read of the
 * same unit sees them, and they commit or roll back with the unit.
 */
export interface IncidentTransaction {
  findReceipt(digest: string): Promise<DeliveryReceipt | null>;
  saveReceipt(digest: string, source: string, receivedAt: number, receipt: DeliveryReceipt): void;
  latestAlert(source: string, fingerprint: string): Promise<AlertHead | null>;
  alertInIncident(incidentId: number, source: string, fingerprint: string): Promise<AlertHead | null>;
  insertAlert(alert: NewAlert): void;
  updateAlert(id: number, patch: Partial<Omit<AlertRecord, 'id' | 'source' | 'fingerprint'>>): void;
  /**
   * The incident as this unit sees it; throws when there is no such incident. A store shared by
   * several processes locks the row until the unit ends, so actions on one incident serialize.
   */
  incident(id: number): Promise<IncidentRecord>;
  /** Like `incident`, but null when there is no such incident. */
  findIncident(id: number): Promise<IncidentRecord | null>;
  activeIncident(key: string): Promise<IncidentRecord | null>;
  lastResolvedIncident(key: string): Promise<IncidentRecord | null>;
  /** Inserts an incident; rejects (and the unit rolls back) when its key already has an active one. */
  insertIncident(incident: NewIncident): Promise<number>;
  updateIncident(id: number, patch: Partial<Omit<IncidentRecord, 'id' | 'key'>>): void;
  appendTimeline(incidentId: number, entry: TimelineEntry): void;
  /** Queues one notification (with what it says beyond the incident, if anything); a second one with the same identity is ignored. */
  enqueueNotification(identity: NotificationIdentity, now: number, payload?: NotificationPayload): void;
  /** The open and acknowledged incidents of a health model (for inhibition), of the given impacts when given, as this unit sees them. */
  activeIncidentsOf(healthModel: string, impacts?: readonly Impact[]): Promise<IncidentRecord[]>;
  /** The labels of an incident's firing alerts (for what covers it). */
  firingAlertLabels(incidentId: number): Promise<Record<string, string>[]>;
  /** The timeline entries that move SLA clocks (no alert traffic), oldest first, with this unit's own. */
  slaTimeline(incidentId: number): Promise<TimelineEntry[]>;
  /**
   * Keeps the incident's SLA steps still to come, earliest first (the scheduler's row: due at the
   * first one's time); none clears the row.
   */
  setSlaDue(incidentId: number, steps: readonly DueStep[]): void;
  /** The steps `setSlaDue` kept, as this unit sees them, or null when none are kept (compute them from the timeline). */
  slaSteps(incidentId: number): Promise<DueStep[] | null>;
  /**
   * A small durable value of the daemon (a chat bot's update offset), or null when none is
   * stored. Keys are namespaced by their owner, e.g. `telegram:<bot>:offset`.
   */
  readState(key: string): Promise<string | null>;
  /**
   * Stores a durable value, or removes it when `value` is null; it commits or rolls back with the
   * unit, so an offset written here moves together with the change its update made.
   */
  writeState(key: string, value: string | null, now: number): void;
}

/** A unit of work: runs against the transaction and returns what its caller needs. */
export type Unit<T> = (tx: IncidentTransaction) => Promise<T>;

/** The outcome of one unit of work in a batch: its value, or the error that rolled back only it. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** How a batch of background work may share the store's writing with ingest. */
export interface BatchOptions {
  /**
   * Once the batch has held the write lock this long and another writer of the same store waits
   * for it (ingest on another connection), the batch commits the units it has run and ends:
   * it resolves with fewer results than units, one per unit that ran, in order; the rest did
   * not run. A store with one writer (or none waiting) runs every unit.
   */
  yieldAfterMs?: number;
  /**
   * Run the units first outside the write lock, on what is committed, recording what each reads
   * and would write; then, under the lock, check that each read still answers the same and make
   * the recorded writes (a unit whose reads changed runs again under the lock). The lock is then
   * held for the writes alone, and with `yieldAfterMs` the batch takes as many turns as it needs:
   * every unit runs. For a writer beside ingest whose units read much and write little (the SLA
   * scheduler). A store without the distinction runs the units as usual.
   */
  optimistic?: boolean;
}

/** The write side of the incident store. */
export interface IncidentStore {
  /**
   * Runs every unit of work in one transaction, each in its own savepoint so that a failing
   * unit rolls back alone, and resolves once the transaction is durably committed. Batches are
   * applied in call order: a caller may start the next before the previous one has resolved.
   */
  runBatch<T>(units: Unit<T>[], options?: BatchOptions): Promise<Settled<T>[]>;
  /** Incidents whose resolve hold-down has passed and that have no firing alert. */
  dueForResolve(nowMs: number, limit: number): Promise<number[]>;
  /** When the earliest hold-down falls due, or null. */
  nextResolveDue(): Promise<number | null>;
  /** Incidents with an SLA step or breach due by `nowMs`, the earliest first. */
  dueForSla(nowMs: number, limit: number): Promise<number[]>;
  /** When the earliest SLA step or breach falls due, or null. */
  nextSlaDue(): Promise<number | null>;
  /** Flapping incidents whose state has held for their window by `nowMs`. */
  dueForSettle(nowMs: number, limit: number): Promise<number[]>;
  /** When the earliest flapping incident may settle, or null. */
  nextSettleDue(): Promise<number | null>;
  /**
   * The ids of open and acknowledged incidents above `afterId`, ascending (to re-examine them page
   * by page); with `suppressedOnly`, only those suppressed now.
   */
  activeIncidentIds(afterId: number, limit: number, suppressedOnly?: boolean): Promise<number[]>;
  /** Forgets replay receipts older than `beforeMs`; returns how many. */
  pruneReceipts(beforeMs: number): Promise<number>;
  /**
   * Calls `listener` with the ids of the incidents each batch changed (opened, updated, or given a
   * timeline entry), once the batch is on disk; returns what stops it. The console's live stream.
   */
  onCommitted(listener: (incidentIds: readonly number[]) => void): () => void;
}

/** A past resolution of a metric: what was done, by whom, when, and how long the incident lasted. */
export interface PastResolution {
  incidentId: number;
  healthModel: string;
  metric: string;
  title: string;
  resolutionNote: string;
  resolvedBy: string | null;
  openedAt: number;
  resolvedAt: number;
}

/** Filters of the incident listing. */
export interface IncidentFilter {
  status?: IncidentStatus[];
  customer?: string;
  priority?: Priority[];
  healthModel?: string;
  limit: number;
  beforeId?: number;
  /**
   * `id` (the default): newest first, pages by `beforeId`. `queue`: the console's order, active
   * incidents by priority, then the due time of the SLA clock that runs (none or paused last),
   * then the oldest first; one page, no `beforeId`.
   */
  order?: 'id' | 'queue';
  /**
   * The record fields the caller reads (a listing that shows some fields): only their columns are
   * read, the other fields are left null. Absent: every field.
   */
  reads?: readonly (keyof IncidentRecord)[];
}

/** What a report may group incidents by. */
export const REPORT_DIMENSIONS = ['healthModel', 'category', 'priority', 'impact', 'customer'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** The incidents a report counts: opened in [fromMs, toMs), of one customer when given; SLA clocks read as of `now`. */
export interface ReportSelection {
  fromMs: number;
  toMs: number;
  now: number;
  groupBy: readonly ReportDimension[];
  customer?: string;
}

/**
 * The sums of one group of a report, from the incidents and their SLA index (an index of the
 * timeline that `sla rebuild` checks). A clock counts as met when it was met in time, as breached
 * when it passed its due time unmet (even if met later, or due by now and not paused); incidents
 * without SLA terms or opened under maintenance or a silence count for neither.
 */
export interface ReportTally {
  key: Partial<Record<ReportDimension, string | null>>;
  incidents: number;
  /** Incidents with a response (a person took them in hand), and the sum of their times to it. */
  acknowledged: number;
  acknowledgeMs: number;
  /** Incidents resolved now, and the sum of their times from opening to their final resolve. */
  resolved: number;
  resolveMs: number;
  responseMet: number;
  responseBreached: number;
  resolutionMet: number;
  resolutionBreached: number;
  /** Opened under maintenance or a silence. */
  suppressed: number;
}

/** A clock of an incident that passed its due time unmet, for the report's list of breaches. */
export interface ReportBreach {
  incidentId: number;
  title: string;
  healthModel: string;
  metric: string;
  priority: Priority;
  customer: string | null;
  /** The line the breach was told to (the incident's line when the scheduler had not run yet). */
  line: Line;
  clock: 'response' | 'resolution';
  dueAt: number;
  /** When the clock was met, or null while it is not. */
  metAt: number | null;
  openedAt: number;
}

/** How much one metric fired in a period: its incidents, their distinct alerts and their deliveries. */
export interface ReportMetric {
  healthModel: string;
  metric: string;
  incidents: number;
  alerts: number;
  deliveries: number;
}

/** An incident with its alerts and timeline, for the detail view. */
export interface IncidentDetail {
  incident: IncidentRecord;
  alerts: AlertRecord[];
  timeline: (TimelineEntry & { id: number })[];
}

/** The read model behind the HTTP API, separate from the write path. */
export interface IncidentReadModel {
  listIncidents(filter: IncidentFilter): Promise<IncidentRecord[]>;
  /** How many incidents match the filter (its limit, order and fields aside). */
  countIncidents(filter: IncidentFilter): Promise<number>;
  getIncident(id: number): Promise<IncidentDetail | null>;
  countOpenByPriority(): Promise<Record<string, number>>;
  /** The latest stored activation of an alert (source + fingerprint), for explain; changes nothing. */
  latestAlert(source: string, fingerprint: string): Promise<AlertRecord | null>;
  /** The key's open or acknowledged incident, for explain. */
  activeIncident(key: string): Promise<IncidentRecord | null>;
  /** The key's most recent resolved incident, for explain's reopen decision. */
  lastResolvedIncident(key: string): Promise<IncidentRecord | null>;
  /** Stored alert activations, oldest first: of one source, or all. */
  listAlerts(filter: { source?: string; limit: number }): Promise<AlertRecord[]>;
  /** Incidents resolved by a person with a note, newest first: of a health model, of one metric of it, or all. */
  pastResolutions(filter: { healthModel?: string; metric?: string; excludeId?: number; limit: number }): Promise<PastResolution[]>;
  /** A durable value of the daemon (a heartbeat's last arrival), or null. */
  readState(key: string): Promise<string | null>;
  /** When the incident's next SLA step or breach is due, as the scheduler's table says, or null. */
  slaDueAt(incidentId: number): Promise<number | null>;
  /** The SLA steps still to come kept beside that time, or null when none are kept. */
  slaSteps(incidentId: number): Promise<DueStep[] | null>;
  /** The incidents of these ids that exist, in no particular order. */
  incidentsByIds(ids: readonly number[]): Promise<IncidentRecord[]>;
  /** The report's sums per group of the selected incidents (one group, key {}, without groupBy). */
  reportTallies(selection: ReportSelection): Promise<ReportTally[]>;
  /** The breached clocks of the selected incidents (those whose SLA counts), the latest breach first, at most `limit`. */
  reportBreaches(selection: ReportSelection, limit: number): Promise<ReportBreach[]>;
  /** Each metric of the selected incidents with its counts, the most incidents first. */
  reportMetrics(selection: ReportSelection): Promise<ReportMetric[]>;
  /** How many of the selected incidents opened in each [bounds[i], bounds[i+1]). */
  reportCounts(selection: ReportSelection, bounds: readonly number[]): Promise<number[]>;
  /** Queued notifications with an id above `afterId`, oldest first (every state). */
  listNotifications(filter: { afterId: number; limit: number }): Promise<NotificationRecord[]>;
}

/** A queued notification as the outbox keeps it. */
export interface NotificationRecord extends NotificationIdentity {
  id: number;
  idempotencyKey: string;
  payload: NotificationPayload | null;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  ageFrom: number;
  firstAttemptAt: number | null;
  sentAt: number | null;
  deadAt: number | null;
}

/** What a channel needs to send one notification: the incident now, its first alerts, its ref. */
export interface NotificationContext {
  incident: IncidentRecord;
  alerts: AlertRecord[];
  alertTotal: number;
  ref: Record<string, string | number | boolean | null> | null;
  /** For an `opened` or `reopened` notification: the metric's last resolution before this incident. */
  lastResolution: PastResolution | null;
}

/** The outbox: claims due notifications under a lease and records each attempt's outcome. */
export interface OutboxStore {
  /** Channels that have a notification due now. */
  dueChannels(nowMs: number): Promise<string[]>;
  /**
   * Leases up to `limit` due notifications of a channel until `leaseUntilMs`, oldest first, never
   * one whose incident has an earlier notification still pending on that channel (order per incident).
   */
  claim(channel: string, nowMs: number, leaseUntilMs: number, limit: number): Promise<NotificationRecord[]>;
  context(n: NotificationRecord, alertLimit: number): Promise<NotificationContext | null>;
  /** Counts an attempt before it is made, so a crash mid-send still shows it. */
  markAttempt(id: number, nowMs: number): Promise<void>;
  /** Marks it sent; `told`, for a customer's channel, goes on the incident's timeline in the same transaction. */
  markSent(id: number, nowMs: number, ref?: Record<string, unknown>, told?: TimelineEntry): Promise<void>;
  markRetry(id: number, nextAttemptAt: number, error: string, ref?: Record<string, unknown>): Promise<void>;
  /** Dead-letters the notification and records it on the incident's timeline. */
  markDead(id: number, nowMs: number, error: string, ref?: Record<string, unknown>): Promise<void>;
  /** Holds every pending notification of a channel until `untilMs` (a rate limit), releasing leases. */
  deferChannel(channel: string, untilMs: number, exceptId?: number): Promise<void>;
  /** Puts a notification back in the queue to be sent now; false when there is no such row. */
  requeue(id: number, nowMs: number): Promise<boolean>;
  listForIncident(incidentId: number): Promise<NotificationRecord[]>;
  /** Pending count and the oldest pending creation time, by channel. */
  pendingStats(): Promise<{ channel: string; depth: number; oldestCreatedAt: number }[]>;
}

/** A silence: alerts its matchers cover are quiet from `startsAt` until `endsAt`; times are epoch milliseconds. */
export interface SilenceRecord {
  /** A random UUID. */
  id: string;
  /** Alertmanager matcher texts as the author wrote them; each may hold several matchers, all of which must match. */
  matchers: string[];
  startsAt: number;
  /** When it ends (or ended: a silence ended early has `endsAt` at that moment). */
  endsAt: number;
  /** The name of the person who created it (`local` on an open API). */
  createdBy: string;
  comment: string;
  createdAt: number;
  /** When DELETE ended it early, or null. */
  expiredAt: number | null;
}

/**
 * The silences. Every write resolves once it is durably committed; reads see every write that
 * resolved before them. A silence is in force while `startsAt <= now < endsAt`, and has ended
 * once `endsAt <= now`.
 */
export interface SilenceStore {
  /** Stores a new silence; rejects when its id is taken. */
  create(silence: Omit<SilenceRecord, 'expiredAt'>): Promise<void>;
  /**
   * Every silence not ended before `endedAfter` (`endsAt >= endedAfter`: in force, pending, or
   * ended since), newest first (by `createdAt`, the later created first on a tie), at most `limit`.
   */
  list(filter: { endedAfter: number; limit: number }): Promise<SilenceRecord[]>;
  get(id: string): Promise<SilenceRecord | null>;
  /** Ends a silence now (expiredAt = now, endsAt = min(endsAt, now)); null for an unknown id; an already ended one is returned unchanged. */
  expire(id: string, now: number): Promise<SilenceRecord | null>;
  /** Silences in force at `now` (startsAt <= now < endsAt). */
  inForce(now: number): Promise<SilenceRecord[]>;
  /**
   * The next moment strictly after `afterMs` at which a silence starts or ends, or null. A silence
   * ended before it started (deleted while pending) never starts, so its start is no edge.
   */
  nextEdge(afterMs: number): Promise<number | null>;
  /** Forgets silences that ended before `beforeMs` (`endsAt < beforeMs`); returns how many. */
  prune(beforeMs: number): Promise<number>;
}

/** One store: the write side, the read model, the outbox and the silences on one database. */
export interface Store {
  readonly incidents: IncidentStore;
  readonly readModel: IncidentReadModel;
  readonly outbox: OutboxStore;
  readonly silences: SilenceStore;
  /** Waits for the work in progress, then closes the database. */
  close(): Promise<void>;
}
