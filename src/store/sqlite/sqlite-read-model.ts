import type Database from 'better-sqlite3';
import type { AlertRecord, IncidentDetail, IncidentFilter, IncidentReadModel, IncidentRecord } from '../store';
import { STORE_LOOKUPS, alertFromRow, incidentFromRow, parseObject } from './rows';

type Row = Record<string, unknown>;

/** The queries behind the HTTP API; reads never block on the writer (WAL). */
export class SqliteReadModel implements IncidentReadModel {
  private readonly byId: Database.Statement;
  private readonly alerts: Database.Statement;
  private readonly timeline: Database.Statement;
  private readonly openCounts: Database.Statement;
  // One prepared statement per combination of filters, prepared on first use.
  private readonly listings = new Map<string, Database.Statement>();
  private readonly latest: Database.Statement;
  private readonly active: Database.Statement;
  private readonly lastResolved: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.byId = db.prepare(STORE_LOOKUPS.incidentById);
    this.alerts = db.prepare('SELECT * FROM alerts WHERE incident_id = ? ORDER BY id');
    this.timeline = db.prepare('SELECT id, at, event, detail FROM timeline WHERE incident_id = ? ORDER BY id');
    this.openCounts = db.prepare("SELECT priority, COUNT(*) AS n FROM incidents WHERE status IN ('open', 'acknowledged') GROUP BY priority");
    this.latest = db.prepare(STORE_LOOKUPS.latestAlert('*'));
    this.active = db.prepare(STORE_LOOKUPS.activeIncident);
    this.lastResolved = db.prepare(STORE_LOOKUPS.lastResolvedIncident);
  }

  listIncidents(filter: IncidentFilter): Promise<IncidentRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.priority?.length) {
      where.push(`priority IN (${filter.priority.map(() => '?').join(', ')})`);
      params.push(...filter.priority);
    }
    if (filter.healthModel !== undefined) {
      where.push('health_model = ?');
      params.push(filter.healthModel);
    }
    if (filter.beforeId !== undefined) {
      where.push('id < ?');
      params.push(filter.beforeId);
    }
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(filter.limit);
    let statement = this.listings.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.listings.set(sql, statement);
    }
    return Promise.resolve((statement.all(...params) as Row[]).map(incidentFromRow));
  }

  getIncident(id: number): Promise<IncidentDetail | null> {
    const row = this.byId.get(id) as Row | undefined;
    if (!row) return Promise.resolve(null);
    return Promise.resolve({
      incident: incidentFromRow(row),
      alerts: (this.alerts.all(id) as Row[]).map(alertFromRow),
      timeline: (this.timeline.all(id) as Row[]).map((t) => ({
        id: t.id as number,
        at: t.at as number,
        event: t.event as string,
        detail: parseObject(t.detail as string),
      })),
    });
  }

  countOpenByPriority(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of this.openCounts.all() as { priority: string; n: number }[]) out[r.priority] = r.n;
    return Promise.resolve(out);
  }

  latestAlert(source: string, fingerprint: string): Promise<AlertRecord | null> {
    const row = this.latest.get(source, fingerprint) as Row | undefined;
    return Promise.resolve(row ? alertFromRow(row) : null);
  }

  activeIncident(key: string): Promise<IncidentRecord | null> {
    const row = this.active.get(key) as Row | undefined;
    return Promise.resolve(row ? incidentFromRow(row) : null);
  }

  lastResolvedIncident(key: string): Promise<IncidentRecord | null> {
    const row = this.lastResolved.get(key) as Row | undefined;
    return Promise.resolve(row ? incidentFromRow(row) : null);
  }
}
