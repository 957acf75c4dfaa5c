import type { Clock } from '../core/clock';
import express from 'express';
import type { Router } from 'express';
import { AppError } from '../core/errors';
import { ReportRequestError, parseGroupBy, reportCsv, slaReport } from '../incidents/sla-report';
import type { ReportRequest } from '../incidents/sla-report';
import type { IncidentReadModel } from '../store/store';
import { personOf } from './api-access';

const PARAMS = new Set(['from', 'to', 'timezone', 'groupBy', 'customer', 'format']);

/**
 * `GET /api/v1/reports/sla?from&to[&timezone][&groupBy][&customer][&format=csv]`: the SLA report
 * of the incidents opened in [from, to). A customer's person gets its own customer's report only.
 */
export function reportsRoute(deps: { readModel: IncidentReadModel; clock: Clock }): Router {
  const router = express.Router();
  router.get('/api/v1/reports/sla', async (req, res) => {
    const q: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.query)) {
      if (!PARAMS.has(name)) throw new AppError('invalid_query', `unknown query parameter "${name}"`, 400, { field: name });
      if (typeof value !== 'string') throw new AppError('invalid_query', `${name} must be given once`, 400, { field: name });
      q[name] = value;
    }
    for (const name of ['from', 'to']) if (q[name] === undefined) throw new AppError('invalid_query', `${name} is required (a date YYYY-MM-DD)`, 400, { field: name });
    const format = q.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new AppError('invalid_query', `format must be json or csv, got "${format}"`, 400, { field: 'format' });
    const scope = personOf(res)?.customer ?? null;
    // Another customer's report is refused as the access policy refuses: its existence does not leak.
    if (scope !== null && q.customer !== undefined && q.customer !== scope) throw new AppError('forbidden', 'forbidden', 403);
    const customer = scope ?? q.customer;
    try {
      const request: ReportRequest = {
        from: q.from!,
        to: q.to!,
        groupBy: parseGroupBy(q.groupBy),
        ...(q.timezone === undefined ? {} : { timezone: q.timezone }),
        ...(customer === undefined ? {} : { customer }),
      };
      const report = await slaReport(deps.readModel, request, deps.clock.now().getTime());
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`sla-report-${report.from}-${report.to}.csv`).send(reportCsv(report));
      } else {
        res.json(report);
      }
    } catch (error) {
      if (error instanceof ReportRequestError) throw new AppError('invalid_query', error.message, 400, { field: error.field });
      throw error;
    }
  });
  return router;
}
