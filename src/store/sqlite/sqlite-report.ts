import type Database from 'better-sqlite3';
import type { ReportDimension, ReportSelection, ReportTally } from '../store';

const COLUMN: Record<ReportDimension, string> = {
  healthModel: 'health_model',
  category: 'category',
  priority: 'priority',
  impact: 'impact',
  customer: 'customer',
};

/**
 * The per-incident facts a report sums, from the row and its SLA index (`sla`, JSON): when the
 * response came (the index's, else the acknowledge of an incident without SLA terms), whether its
 * SLA counts, and whether each clock was met or breached as of `@now`.
 */
const FACTS = `
  SELECT health_model, category, priority, impact, customer, status, opened_at, resolved_at,
    CASE WHEN sla IS NULL THEN acknowledged_at ELSE sla ->> '$.respondedAt' END AS responded,
    sla IS NOT NULL AND coalesce(opened_quiet, '') NOT IN ('maintenance', 'silence') AS counted,
    coalesce(opened_quiet, '') IN ('maintenance', 'silence') AS quiet,
    coalesce(sla ->> '$.paused', 0) AS paused,
    sla ->> '$.responseDueAt' AS response_due,
    sla ->> '$.resolutionDueAt' AS resolution_due,
    coalesce(sla ->> '$.responseBreached', 0) AS response_flag,
    coalesce(sla ->> '$.resolutionBreached', 0) AS resolution_flag
  FROM incidents INDEXED BY incidents_by_opened
  WHERE opened_at >= @from AND opened_at < @to AND (@customer IS NULL OR customer = @customer)`;

/** Whether each clock was breached: flagged, met after its due time, or unmet and past due now while running. */
const BREACHED = `
  response_flag OR (responded IS NOT NULL AND responded > response_due)
    OR (responded IS NULL AND status <> 'resolved' AND NOT paused AND response_due <= @now) AS response_breached,
  resolution_flag OR (status = 'resolved' AND resolved_at > resolution_due)
    OR (status <> 'resolved' AND NOT paused AND resolution_due <= @now) AS resolution_breached`;

/** The report's sums per group, in one pass over the incidents opened in the period (by their index on opened_at). */
export class SqliteReport {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  tallies(s: ReportSelection): ReportTally[] {
    const rows = this.statement(s.groupBy).all({ from: s.fromMs, to: s.toMs, now: s.now, customer: s.customer ?? null }) as Record<string, number | string | null>[];
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

  private statement(groupBy: readonly ReportDimension[]): Database.Statement {
    const cacheKey = groupBy.join(',');
    let statement = this.statements.get(cacheKey);
    if (!statement) {
      const keys = groupBy.map((d) => `${COLUMN[d]} AS "${d}"`);
      const sql = `
        SELECT ${[...keys, 'COUNT(*) AS incidents'].join(', ')},
          COUNT(responded) AS acknowledged,
          SUM(responded - opened_at) AS acknowledgeMs,
          SUM(status = 'resolved') AS resolved,
          SUM(CASE WHEN status = 'resolved' THEN resolved_at - opened_at END) AS resolveMs,
          SUM(counted AND responded IS NOT NULL AND NOT response_breached) AS responseMet,
          SUM(counted AND response_breached) AS responseBreached,
          SUM(counted AND status = 'resolved' AND NOT resolution_breached) AS resolutionMet,
          SUM(counted AND resolution_breached) AS resolutionBreached,
          SUM(quiet) AS suppressed
        FROM (SELECT *, ${BREACHED} FROM (${FACTS}))
        ${groupBy.length > 0 ? `GROUP BY ${groupBy.map((d) => COLUMN[d]).join(', ')} ORDER BY ${groupBy.map((d) => COLUMN[d]).join(', ')}` : ''}`;
      statement = this.db.prepare(sql);
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }
}
