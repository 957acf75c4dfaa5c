import type Database from 'better-sqlite3';
import type { DueStep } from '../../core/sla-terms';
import type { AlertRecord, IncidentDetail, IncidentFilter, IncidentReadModel, IncidentRecord, NotificationRecord, PastResolution, ReportBreach, ReportMetric, ReportSelection, ReportTally } from '../store';
import { SqliteReport } from './sqlite-report';
import { slaTermsOf } from './sla-terms-registry';
import { INCIDENT_COLUMNS, INCIDENT_COLUMN_ORDER, RESOLUTION_COLUMNS, STORE_LOOKUPS, alertFromRow, incidentFromRow, incidentFromValues, positionsOf, notificationFromRow, resolutionFromRow, resolutionsQuery, stepsOf, timelineFromRow } from './rows';
import { writeLockOf } from './write-lock';
import type { WriteLock } from './write-lock';

type Row = Record<string, unknown>;

/** The columns an incident record reads (not the report's, which a listing would only carry along). */
const LISTED_COLUMNS = INCIDENT_COLUMN_ORDER.join(', ');
const EVERY_COLUMN = positionsOf(INCIDENT_COLUMN_ORDER);

/** How many listing statements (combinations of filters and fields) stay prepared. */
const KEPT_LISTINGS = 64;

/**
 * The due time a queue sorts by: the response's until met, then the resolution's; none (no SLA
 * terms, paused) sorts last. The expression of the index incidents_queue (migration 016), word for word.
 */
export const QUEUE_DUE =
  'COALESCE(CASE WHEN sla_paused = 0 THEN CASE WHEN rep_responded_at IS NULL AND sla_response_due_at IS NOT NULL THEN sla_response_due_at ELSE sla_resolution_due_at END END, 9007199254740991)';

/** The WHERE of a listing's filter; `active` when it asks for the open and acknowledged incidents exactly. */
function whereOf(filter: IncidentFilter): { where: string[]; params: unknown[]; active: boolean } {
  const where: string[] = [];
  const params: unknown[] = [];
  const statuses = new Set(filter.status ?? []);
  const active = statuses.size === 2 && statuses.has('open') && statuses.has('acknowledged');
  if (active) {
    where.push("status <> 'resolved'");
  } else if (filter.status?.length) {
    where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
    params.push(...filter.status);
  }
  if (filter.priority?.length) {
    where.push(`priority IN (${filter.priority.map(() => '?').join(', ')})`);
    params.push(...filter.priority);
  }
  if (filter.customer !== undefined) {
    where.push('customer = ?');
    params.push(filter.customer);
  }
  if (filter.healthModel !== undefined) {
    where.push('health_model = ?');
    params.push(filter.healthModel);
  }
  if (filter.beforeId !== undefined && filter.order !== 'queue') {
    where.push('id < ?');
    params.push(filter.beforeId);
  }
  return { where, params, active };
}

/** The columns of the record fields read (a listing that shows some fields), `id` first. */
function projection(reads: readonly (keyof IncidentRecord)[]): string[] {
  return [...new Set(['id', ...reads.map((f) => INCIDENT_COLUMNS[f])])];
}

/**
 * The queries behind the HTTP API. They share the writer's connection, so each waits for a batch
 * in progress to finish: a reader never sees a unit's uncommitted changes.
 */
export class SqliteReadModel implements IncidentReadModel {
  private readonly byId: Database.Statement;
  private listedById: Database.Statement | null = null;
  private readonly alerts: Database.Statement;
  private readonly timeline: Database.Statement;
  private readonly openCounts: Database.Statement;
  // One prepared statement per combination of filters, prepared on first use.
  private readonly listings = new Map<string, Database.Statement>();
  private readonly latest: Database.Statement;
  private readonly active: Database.Statement;
  private readonly lastResolved: Database.Statement;
  private readonly alertsOfSource: Database.Statement;
  private readonly allAlerts: Database.Statement;
  private readonly notificationsAfter: Database.Statement;
  private readonly slaDue: Database.Statement;
  private readonly state: Database.Statement;
  private readonly lock: WriteLock;
  private readonly report: SqliteReport;
  private readonly resolutions: Record<'model' | 'metric' | 'all', Database.Statement>;

  constructor(private readonly db: Database.Database) {
    this.lock = writeLockOf(db);
    this.report = new SqliteReport(db);
    this.resolutions = {
      model: db.prepare(resolutionsQuery({ metric: false })),
      metric: db.prepare(resolutionsQuery({ metric: true })),
      all: db.prepare(`SELECT ${RESOLUTION_COLUMNS} FROM incidents WHERE status = 'resolved' AND resolution_note IS NOT NULL AND id <> @excludeId ORDER BY resolved_at DESC, id DESC LIMIT @limit`),
    };
    this.alertsOfSource = db.prepare('SELECT * FROM alerts WHERE source = ? ORDER BY id LIMIT ?');
    this.allAlerts = db.prepare('SELECT * FROM alerts ORDER BY id LIMIT ?');
    this.notificationsAfter = db.prepare('SELECT * FROM notifications WHERE id > ? ORDER BY id LIMIT ?');
    this.byId = db.prepare(STORE_LOOKUPS.incidentById);
    this.alerts = db.prepare('SELECT * FROM alerts WHERE incident_id = ? ORDER BY id');
    // Every column: a read-only file from before the steps were kept has none, and reads as keeping none.
    this.slaDue = db.prepare('SELECT * FROM sla_due WHERE incident_id = ?');
    this.state = db.prepare('SELECT value FROM daemon_state WHERE key = ?');
    this.timeline = db.prepare('SELECT id, at, event, actor_type, actor_name, detail FROM timeline WHERE incident_id = ? ORDER BY id');
    this.openCounts = db.prepare("SELECT priority, COUNT(*) AS n FROM incidents WHERE status IN ('open', 'acknowledged') GROUP BY priority");
    this.latest = db.prepare(STORE_LOOKUPS.latestAlert('*'));
    this.active = db.prepare(STORE_LOOKUPS.activeIncident);
    this.lastResolved = db.prepare(STORE_LOOKUPS.lastResolvedIncident);
  }

  listIncidents(filter: IncidentFilter): Promise<IncidentRecord[]> {
    const { where, params, active } = whereOf(filter);
    const queue = filter.order === 'queue';
    const columns = filter.reads === undefined ? INCIDENT_COLUMN_ORDER : projection(filter.reads);
    // The active incidents (the console): their partial indexes hold them alone, in the order asked, no sort.
    const index = !active ? '' : queue ? 'INDEXED BY incidents_queue ' : 'INDEXED BY incidents_active_ids ';
    const order = queue ? `priority, ${QUEUE_DUE}, id` : 'id DESC';
    const statement = this.listing(`SELECT ${columns.join(', ')} FROM incidents ${index}${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`);
    const at = positionsOf(columns);
    return this.lock.read(() => (statement.all(...params, filter.limit) as unknown[][]).map((v) => incidentFromValues(v, at, this.termsOf)));
  }

  countIncidents(filter: IncidentFilter): Promise<number> {
    const { where, params, active } = whereOf(filter);
    const statement = this.listing(`SELECT COUNT(*) FROM incidents ${active ? 'INDEXED BY incidents_active_ids ' : ''}${where.length ? `WHERE ${where.join(' AND ')}` : ''}`);
    return this.lock.read(() => (statement.get(...params) as [number])[0]);
  }

  /** A listing's statement (raw rows), prepared once for the first few dozen combinations of filters and fields. */
  private listing(sql: string): Database.Statement {
    let statement = this.listings.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      if (this.listings.size < KEPT_LISTINGS) this.listings.set(sql, statement);
    }
    return statement;
  }

  getIncident(id: number): Promise<IncidentDetail | null> {
    return this.lock.read(() => {
      const row = this.byId.get(id) as Row | undefined;
      if (!row) return null;
      return {
        incident: this.incidentOf(row),
        alerts: (this.alerts.all(id) as Row[]).map(alertFromRow),
        timeline: (this.timeline.all(id) as Row[]).map(timelineFromRow),
      };
    });
  }

  countOpenByPriority(): Promise<Record<string, number>> {
    return this.lock.read(() => {
      const out: Record<string, number> = {};
      for (const r of this.openCounts.all() as { priority: string; n: number }[]) out[r.priority] = r.n;
      return out;
    });
  }

  latestAlert(source: string, fingerprint: string): Promise<AlertRecord | null> {
    return this.lock.read(() => {
      const row = this.latest.get(source, fingerprint) as Row | undefined;
      return row ? alertFromRow(row) : null;
    });
  }

  activeIncident(key: string): Promise<IncidentRecord | null> {
    return this.lock.read(() => {
      const row = this.active.get(key) as Row | undefined;
      return row ? this.incidentOf(row) : null;
    });
  }

  lastResolvedIncident(key: string): Promise<IncidentRecord | null> {
    return this.lock.read(() => {
      const row = this.lastResolved.get(key) as Row | undefined;
      return row ? this.incidentOf(row) : null;
    });
  }

  listAlerts(filter: { source?: string; limit: number }): Promise<AlertRecord[]> {
    return this.lock.read(() => {
      const rows = filter.source === undefined ? this.allAlerts.all(filter.limit) : this.alertsOfSource.all(filter.source, filter.limit);
      return (rows as Row[]).map(alertFromRow);
    });
  }

  pastResolutions(filter: { healthModel?: string; metric?: string; excludeId?: number; limit: number }): Promise<PastResolution[]> {
    return this.lock.read(() => {
      const params = { healthModel: filter.healthModel ?? '', metric: filter.metric ?? '', excludeId: filter.excludeId ?? 0, limit: filter.limit };
      const statement = filter.healthModel === undefined ? this.resolutions.all : filter.metric === undefined ? this.resolutions.model : this.resolutions.metric;
      return (statement.all(params) as Row[]).map(resolutionFromRow);
    });
  }

  readState(key: string): Promise<string | null> {
    return this.lock.read(() => (this.state.get(key) as { value: string } | undefined)?.value ?? null);
  }

  slaDueAt(incidentId: number): Promise<number | null> {
    return this.lock.read(() => (this.slaDue.get(incidentId) as { due_at: number } | undefined)?.due_at ?? null);
  }

  incidentsByIds(ids: readonly number[]): Promise<IncidentRecord[]> {
    return this.lock.read(() => {
      const out: IncidentRecord[] = [];
      for (const id of new Set(ids)) {
        // Prepared on first use: a read-only file from before some of the columns never needs it.
        this.listedById ??= this.db.prepare(`SELECT ${LISTED_COLUMNS} FROM incidents WHERE id = ?`).raw(true);
        const values = this.listedById.get(id) as unknown[] | undefined;
        if (values) out.push(incidentFromValues(values, EVERY_COLUMN, this.termsOf));
      }
      return out;
    });
  }

  reportTallies(selection: ReportSelection): Promise<ReportTally[]> {
    return this.lock.read(() => this.report.tallies(selection));
  }

  reportBreaches(selection: ReportSelection, limit: number): Promise<ReportBreach[]> {
    return this.lock.read(() => this.report.breaches(selection, limit));
  }

  reportMetrics(selection: ReportSelection): Promise<ReportMetric[]> {
    return this.lock.read(() => this.report.metrics(selection));
  }

  reportCounts(selection: ReportSelection, bounds: readonly number[]): Promise<number[]> {
    return this.lock.read(() => this.report.counts(selection, bounds));
  }

  slaSteps(incidentId: number): Promise<DueStep[] | null> {
    return this.lock.read(() => stepsOf(this.slaDue.get(incidentId) as { steps: string | null } | undefined));
  }

  listNotifications(filter: { afterId: number; limit: number }): Promise<NotificationRecord[]> {
    return this.lock.read(() => (this.notificationsAfter.all(filter.afterId, filter.limit) as Row[]).map(notificationFromRow));
  }

  private readonly termsOf = (digest: string | null) => slaTermsOf(this.db).terms(digest);

  private incidentOf(row: Row): IncidentRecord {
    return incidentFromRow(row, this.termsOf);
  }

}
