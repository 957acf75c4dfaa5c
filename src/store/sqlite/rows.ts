import type { DueStep, SlaIndex, SlaTerms } from '../../core/sla-terms';
import type { Suppression } from '../../core/vocabulary';
import type { AlertHead, AlertRecord, IncidentRecord, NotificationRecord, PastResolution, TimelineEntry } from '../store';

/** Column names of each record field, for generic updates. */
export const INCIDENT_COLUMNS: Record<keyof IncidentRecord, string> = {
  id: 'id',
  key: 'incident_key',
  status: 'status',
  priority: 'priority',
  impact: 'impact',
  category: 'category',
  healthModel: 'health_model',
  metric: 'metric',
  customer: 'customer',
  title: 'title',
  summary: 'summary',
  runbookUrl: 'runbook_url',
  line: 'line',
  groupLabels: 'group_labels',
  alertCount: 'alert_count',
  firingCount: 'firing_count',
  deliveryCount: 'delivery_count',
  reopenCount: 'reopen_count',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  openedAt: 'opened_at',
  acknowledgedAt: 'acknowledged_at',
  resolvedAt: 'resolved_at',
  resolveDueAt: 'resolve_due_at',
  assignee: 'assignee',
  acknowledgedBy: 'acknowledged_by',
  resolvedBy: 'resolved_by',
  resolutionNote: 'resolution_note',
  resolutionPublic: 'resolution_public',
  pausedAt: 'paused_at',
  updatedAt: 'updated_at',
  autoResolve: 'auto_resolve',
  holdDownMs: 'hold_down_ms',
  slaTerms: 'sla_terms',
  sla: 'sla',
  suppressed: 'suppressed',
  paged: 'paged',
  flapping: 'flapping',
  settleDueAt: 'settle_due_at',
  flapChanges: 'flap_changes',
  flapWindowMs: 'flap_window_ms',
  stateChanges: 'state_changes',
};

export const ALERT_COLUMNS: Record<keyof AlertRecord, string> = {
  id: 'id',
  source: 'source',
  fingerprint: 'fingerprint',
  incidentId: 'incident_id',
  status: 'status',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  labels: 'labels',
  annotations: 'annotations',
  generatorURL: 'generator_url',
  deliveryCount: 'delivery_count',
  firstReceivedAt: 'first_received_at',
  lastReceivedAt: 'last_received_at',
};

/** Converts a field value to what SQLite stores: objects as JSON, booleans as 0/1. */
export function toColumn(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

type Row = Record<string, unknown>;

/** The columns of an incident record, in one fixed order. */
export const INCIDENT_COLUMN_ORDER: readonly string[] = [...new Set(Object.values(INCIDENT_COLUMNS))];

/** Where each column is in a row read as an array (better-sqlite3's raw mode) of these columns. */
export type ColumnPositions = Readonly<Record<string, number>>;
export function positionsOf(columns: readonly string[]): ColumnPositions {
  return Object.fromEntries(columns.map((c, n) => [c, n]));
}

type Terms = (digest: string | null) => SlaTerms | null;

/**
 * Maps a `SELECT *` row of incidents to its record; `terms` finds the SLA terms of a digest. The
 * row is read in place: ingest reads incidents this way, and a copy per row would be its cost.
 */
export function incidentFromRow(row: Row, terms: Terms): IncidentRecord {
  return incidentOf((column) => row[column], terms);
}

/**
 * Maps an incident row read as an array to its record (a listing reads arrays: an object per row
 * of some forty columns costs about twice as much). A column the row does not have reads as null.
 */
export function incidentFromValues(v: readonly unknown[], at: ColumnPositions, terms: Terms): IncidentRecord {
  return incidentOf((column) => {
    const n = at[column];
    return n === undefined ? null : v[n];
  }, terms);
}

/** An incident record from its columns, however the row holds them. */
function incidentOf(row: (column: string) => unknown, terms: Terms): IncidentRecord {
  return {
    id: row('id') as number,
    key: row('incident_key') as string,
    status: row('status') as IncidentRecord['status'],
    priority: row('priority') as IncidentRecord['priority'],
    impact: row('impact') as IncidentRecord['impact'],
    category: row('category') as IncidentRecord['category'],
    healthModel: row('health_model') as string,
    metric: row('metric') as string,
    customer: (row('customer') as string | null) ?? null,
    title: row('title') as string,
    summary: row('summary') as string,
    runbookUrl: row('runbook_url') as string | null,
    line: row('line') as IncidentRecord['line'],
    groupLabels: parseObject(row('group_labels') as string),
    alertCount: row('alert_count') as number,
    firingCount: row('firing_count') as number,
    deliveryCount: row('delivery_count') as number,
    reopenCount: row('reopen_count') as number,
    startedAt: row('started_at') as number,
    endedAt: row('ended_at') as number | null,
    openedAt: row('opened_at') as number,
    acknowledgedAt: row('acknowledged_at') as number | null,
    resolvedAt: row('resolved_at') as number | null,
    resolveDueAt: row('resolve_due_at') as number | null,
    assignee: row('assignee') as string | null,
    acknowledgedBy: row('acknowledged_by') as string | null,
    resolvedBy: row('resolved_by') as string | null,
    resolutionNote: row('resolution_note') as string | null,
    resolutionPublic: row('resolution_public') === 1,
    pausedAt: row('paused_at') as number | null,
    updatedAt: row('updated_at') as number,
    autoResolve: row('auto_resolve') === 1,
    holdDownMs: row('hold_down_ms') as number,
    slaTerms: terms((row('sla_terms') as string | null) ?? null),
    sla: row('sla') ? (JSON.parse(row('sla') as string) as SlaIndex) : null,
    suppressed: row('suppressed') ? (JSON.parse(row('suppressed') as string) as Suppression) : null,
    paged: row('paged') === 1,
    flapping: row('flapping') === 1,
    settleDueAt: (row('settle_due_at') as number | null) ?? null,
    flapChanges: row('flap_changes') as number,
    flapWindowMs: row('flap_window_ms') as number,
    stateChanges: row('state_changes') ? (JSON.parse(row('state_changes') as string) as number[]) : [],
  };
}

/**
 * The lookups ingest decides on, shared with the read model so that explain decides on exactly
 * what ingest would see.
 */
export const STORE_LOOKUPS = {
  incidentById: 'SELECT * FROM incidents WHERE id = ?',
  /** The alert's state is its latest activation: the row with the greatest startsAt. */
  latestAlert: (columns: string): string => `SELECT ${columns} FROM alerts WHERE source = ? AND fingerprint = ? ORDER BY starts_at DESC, id DESC LIMIT 1`,
  activeIncident: "SELECT * FROM incidents INDEXED BY incidents_one_active_per_key WHERE incident_key = ? AND status <> 'resolved'",
  lastResolvedIncident: "SELECT * FROM incidents INDEXED BY incidents_resolved_by_key WHERE incident_key = ? AND status = 'resolved' ORDER BY id DESC LIMIT 1",
} as const;

/** The columns of an alert's head: its state, with labels and annotations left as stored text. */
export const ALERT_HEAD_COLUMNS = 'id, source, fingerprint, incident_id, status, starts_at, ends_at, delivery_count, labels, annotations';

/** Maps a row with at least the head columns to an alert's head, without parsing its JSON. */
export function alertHeadFromRow(row: Row): AlertHead {
  return {
    id: row.id as number,
    source: row.source as string,
    fingerprint: row.fingerprint as string,
    incidentId: row.incident_id as number | null,
    status: row.status as AlertHead['status'],
    startsAt: row.starts_at as number,
    endsAt: row.ends_at as number | null,
    deliveryCount: row.delivery_count as number,
    labelsJson: row.labels as string,
    annotationsJson: row.annotations as string,
  };
}

/** Maps a `SELECT *` row of alerts to its record. */
export function alertFromRow(row: Row): AlertRecord {
  const { labelsJson, annotationsJson, ...head } = alertHeadFromRow(row);
  return {
    ...head,
    labels: parseObject(labelsJson),
    annotations: parseObject(annotationsJson),
    generatorURL: row.generator_url as string | null,
    firstReceivedAt: row.first_received_at as number,
    lastReceivedAt: row.last_received_at as number,
  };
}

/** Parses a stored JSON object into a prototype-free object, so stored label names stay data. */
export function parseObject(text: string): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, JSON.parse(text) as Record<string, string>);
}

/** Maps a `SELECT *` row of notifications to its record. */
export function notificationFromRow(r: Row): NotificationRecord {
  return {
    id: r.id as number,
    incidentId: r.incident_id as number,
    event: r.event as NotificationRecord['event'],
    occurrence: r.occurrence as number,
    step: r.step as string,
    channel: r.channel as string,
    payload: r.payload ? (JSON.parse(r.payload as string) as NotificationRecord['payload']) : null,
    idempotencyKey: r.idempotency_key as string,
    status: r.status as NotificationRecord['status'],
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as number,
    lastError: r.last_error as string | null,
    createdAt: r.created_at as number,
    ageFrom: r.age_from as number,
    firstAttemptAt: r.first_attempt_at as number | null,
    sentAt: r.sent_at as number | null,
    deadAt: r.dead_at as number | null,
  };
}

/** The columns of a past resolution, and its mapping. */
export const RESOLUTION_COLUMNS = 'id, health_model, metric, title, resolution_note, resolved_by, opened_at, resolved_at';

/** Maps a row of RESOLUTION_COLUMNS to a past resolution. */
export function resolutionFromRow(r: Row): PastResolution {
  return {
    incidentId: r.id as number,
    healthModel: r.health_model as string,
    metric: r.metric as string,
    title: r.title as string,
    resolutionNote: r.resolution_note as string,
    resolvedBy: r.resolved_by as string | null,
    openedAt: r.opened_at as number,
    resolvedAt: r.resolved_at as number,
  };
}

/** Resolutions of a metric (or a whole health model), newest first, through the resolutions index. */
export function resolutionsQuery(filter: { metric: boolean }): string {
  return `SELECT ${RESOLUTION_COLUMNS} FROM incidents WHERE status = 'resolved' AND resolution_note IS NOT NULL
    AND health_model = @healthModel ${filter.metric ? 'AND metric = @metric' : ''} AND id <> @excludeId ORDER BY resolved_at DESC, id DESC LIMIT @limit`;
}

/** Appends one timeline entry: incident, at, event, actor type and name, detail (JSON). */
export const INSERT_TIMELINE = 'INSERT INTO timeline (incident_id, at, event, actor_type, actor_name, detail) VALUES (?, ?, ?, ?, ?, ?)';

/** Maps a timeline row to its entry. */
export function timelineFromRow(t: Row): TimelineEntry & { id: number } {
  return {
    id: t.id as number,
    at: t.at as number,
    event: t.event as TimelineEntry['event'],
    actor: { type: t.actor_type as TimelineEntry['actor']['type'], name: t.actor_name as string },
    detail: parseObject(t.detail as string),
  };
}

/** The SLA steps kept in a `sla_due` row, or null when there is no row or it keeps none. */
export function stepsOf(row: { steps: string | null } | undefined): DueStep[] | null {
  return row?.steps ? (JSON.parse(row.steps) as DueStep[]) : null;
}
