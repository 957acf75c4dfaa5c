import type Database from 'better-sqlite3';
import type { ReportBreach, ReportDimension, ReportMetric, ReportSelection, ReportTally } from '../store';
import type { Line, Priority } from '../../core/vocabulary';

const COLUMN: Record<ReportDimension, string> = {
  healthModel: 'health_model',
  category: 'category',
  priority: 'priority',
  impact: 'impact',
  customer: 'customer',
};

/**
 * The per-incident facts a report sums, from the columns migration 014 keeps by triggers: the
 * response time, and each clock's state as of the last change (NULL counts for nothing, 1 met
 * in time, 2 breached, 0 not met yet), which the report reads as breached when its due time has
 * passed while the clock runs (`@now`). Plain columns and few operations per row: the pass over a
 * month of a million incidents is spent in the scan.
 */
const factsOf = (extra: string): string => `
  SELECT ${extra}health_model, category, priority, impact, customer, status, opened_at, resolved_at,
    rep_responded_at AS resp, rep_response, rep_resolution, sla_response_due_at AS response_due, sla_resolution_due_at AS resolution_due,
    opened_quiet IN ('maintenance', 'silence') IS 1 AS quiet,
    rep_response = 2 OR (rep_response = 0 AND status <> 'resolved' AND sla_paused = 0 AND sla_response_due_at <= @now) AS response_breached,
    rep_resolution = 2 OR (rep_resolution = 0 AND sla_paused = 0 AND sla_resolution_due_at <= @now) AS resolution_breached
  FROM incidents INDEXED BY incidents_report
  WHERE opened_at >= @from AND opened_at < @to AND (@customer IS NULL OR customer = @customer)`;

/** The facts the sums need: every column in the index incidents_report, so the pass reads the index alone, in its group order. */
const FACTS = factsOf('');
/** The facts of the breaches list, with what it shows of each incident. */
const BREACH_FACTS = factsOf('id, title, line, metric, ');

/** The report's sums per group, in one pass over the incidents opened in the period (by their index on opened_at). */
export class SqliteReport {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  tallies(s: ReportSelection): ReportTally[] {
    const rows = this.statement(s.groupBy).all(params(s)) as Record<string, number | string | null>[];
    return rows.map((r) => ({
      key: Object.fromEntries(s.groupBy.map((d) => [d, r[d] as string | null])),
      incidents: Number(r.incidents),
      acknowledged: Number(r.acknowledged),
      acknowledgeMs: Number(r.acknowledgeMs ?? 0),
      resolved: Number(r.resolved ?? 0),
      resolveMs: Number(r.resolveMs ?? 0),
      responseMet: Number(r.responseMet ?? 0),
      responseBreached: Number(r.responseBreached ?? 0),
      resolutionMet: Number(r.resolutionMet ?? 0),
      resolutionBreached: Number(r.resolutionBreached ?? 0),
      suppressed: Number(r.suppressed ?? 0),
    }));
  }

  breaches(s: ReportSelection, limit: number): ReportBreach[] {
    this.breachList ??= this.db.prepare(`
      SELECT id, title, health_model, metric, priority, customer, opened_at, clock, due_at, met_at,
        -- The line the breach was told to (its timeline entry), else the incident's line now.
        coalesce((SELECT t.detail ->> '$.line' FROM timeline t WHERE t.incident_id = b.id AND t.event = 'sla_breached' AND t.detail ->> '$.clock' = b.clock ORDER BY t.id LIMIT 1), line) AS line
      FROM (
        SELECT *, 'response' AS clock, response_due AS due_at, resp AS met_at FROM (${BREACH_FACTS}) WHERE response_breached
        UNION ALL
        SELECT *, 'resolution' AS clock, resolution_due AS due_at, CASE WHEN status = 'resolved' THEN resolved_at END AS met_at FROM (${BREACH_FACTS}) WHERE resolution_breached
      ) AS b ORDER BY due_at DESC, id DESC LIMIT @limit`);
    const rows = this.breachList.all({ ...params(s), limit }) as Record<string, unknown>[];
    return rows.map((r) => ({
      incidentId: Number(r.id),
      title: String(r.title),
      healthModel: String(r.health_model),
      metric: String(r.metric),
      priority: r.priority as Priority,
      customer: (r.customer as string | null) ?? null,
      line: r.line as Line,
      clock: r.clock as 'response' | 'resolution',
      dueAt: Number(r.due_at),
      metAt: r.met_at === null ? null : Number(r.met_at),
      openedAt: Number(r.opened_at),
    }));
  }

  metrics(s: ReportSelection): ReportMetric[] {
    this.metricList ??= this.db.prepare(`
      SELECT health_model, metric, COUNT(*) AS incidents, SUM(alert_count) AS alerts, SUM(delivery_count) AS deliveries
      FROM incidents INDEXED BY incidents_report
      WHERE opened_at >= @from AND opened_at < @to AND (@customer IS NULL OR customer = @customer)
      GROUP BY health_model, metric ORDER BY incidents DESC, alerts DESC, health_model, metric`);
    return (this.metricList.all(params(s)) as Record<string, unknown>[]).map((r) => ({
      healthModel: String(r.health_model),
      metric: String(r.metric),
      incidents: Number(r.incidents),
      alerts: Number(r.alerts),
      deliveries: Number(r.deliveries),
    }));
  }

  counts(s: ReportSelection, bounds: readonly number[]): number[] {
    this.countIn ??= this.db
      .prepare('SELECT COUNT(*) FROM incidents INDEXED BY incidents_report WHERE opened_at >= @from AND opened_at < @to AND (@customer IS NULL OR customer = @customer)')
      .pluck();
    const out: number[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) out.push(Number(this.countIn.get({ ...params(s), from: bounds[i], to: bounds[i + 1] })));
    return out;
  }

  private breachList: Database.Statement | null = null;
  private metricList: Database.Statement | null = null;
  private countIn: Database.Statement | null = null;

  private statement(groupBy: readonly ReportDimension[]): Database.Statement {
    const cacheKey = groupBy.join(',');
    let statement = this.statements.get(cacheKey);
    if (!statement) {
      const keys = groupBy.map((d) => `${COLUMN[d]} AS "${d}"`);
      const sql = `
        SELECT ${[...keys, 'COUNT(*) AS incidents'].join(', ')},
          COUNT(resp) AS acknowledged,
          SUM(resp - opened_at) AS acknowledgeMs,
          SUM(status = 'resolved') AS resolved,
          SUM(CASE WHEN status = 'resolved' THEN resolved_at - opened_at END) AS resolveMs,
          SUM(rep_response = 1) AS responseMet,
          SUM(response_breached) AS responseBreached,
          SUM(rep_resolution = 1) AS resolutionMet,
          SUM(resolution_breached) AS resolutionBreached,
          SUM(quiet) AS suppressed
        FROM (${FACTS})
        ${groupBy.length > 0 ? `GROUP BY ${groupBy.map((d) => COLUMN[d]).join(', ')} ORDER BY ${groupBy.map((d) => COLUMN[d]).join(', ')}` : ''}`;
      statement = this.db.prepare(sql);
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }
}

function params(s: ReportSelection): { from: number; to: number; now: number; customer: string | null } {
  return { from: s.fromMs, to: s.toMs, now: s.now, customer: s.customer ?? null };
}
