import type { Clock } from '../core/clock';
import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import { AppError, NotFoundError } from '../core/errors';
import { INCIDENT_STATUSES, PRIORITIES } from '../core/vocabulary';
import { describeIssues } from '../sources/payload-fields';
import type { IncidentReadModel } from '../store/store';
import { customerIncidentDetailJson, customerIncidentJson, incidentDetailJson, incidentJson, notificationJson, resolutionJson } from './incident-view';
import { personOf } from './api-access';
import type { NotificationsAccess } from './notifications-route';

const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const listQuery = z.object({
  status: list(INCIDENT_STATUSES).optional(),
  priority: list(PRIORITIES).optional(),
  healthModel: z.string().min(1).optional(),
  customer: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  before: z.coerce.number().int().min(1).optional(),
});

/** How many past resolutions of its metric an incident shows as `similar`. */
const SIMILAR_SHOWN = 5;

const knowledgeQuery = z
  .object({
    healthModel: z.string().min(1).optional(),
    metric: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  })
  .refine((q) => q.metric === undefined || q.healthModel !== undefined, { message: 'metric needs healthModel', path: ['metric'] });

/**
 * `GET /api/v1/incidents` (newest first, filtered), `GET /api/v1/incidents/:id` (with `similar`:
 * the last resolutions of its metric) and `GET /api/v1/knowledge` (past resolutions, newest first).
 */
export function incidentsRoute(deps: { readModel: IncidentReadModel; notifications: NotificationsAccess; clock: Clock }): Router {
  const router = express.Router();

  router.get('/api/v1/incidents', async (req, res) => {
    const query = listQuery.safeParse(flatten(req.query));
    if (!query.success) throw new AppError('invalid_query', 'invalid query parameters', 400, describeIssues(query.error));
    const q = query.data;
    // A customer's person sees its own customer's incidents, whatever it asks for.
    const scope = personOf(res)?.customer ?? null;
    if (scope !== null && q.customer !== undefined && q.customer !== scope) return res.json({ incidents: [] });
    const customer = scope ?? q.customer;
    const incidents = await deps.readModel.listIncidents({
      ...(customer !== undefined ? { customer } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.priority ? { priority: q.priority } : {}),
      ...(q.healthModel ? { healthModel: q.healthModel } : {}),
      ...(q.before ? { beforeId: q.before } : {}),
      limit: q.limit,
    });
    const now = deps.clock.now().getTime();
    res.json({ incidents: incidents.map((i) => (scope === null ? incidentJson(i, now) : customerIncidentJson(i, now))) });
  });

  router.get('/api/v1/incidents/:id', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError(`incident ${String(req.params.id).slice(0, 40)}`);
    const detail = await deps.readModel.getIncident(id);
    const scope = personOf(res)?.customer ?? null;
    // Another customer's incident is answered as missing: its existence does not leak.
    if (!detail || (scope !== null && detail.incident.customer !== scope)) throw new NotFoundError(`incident ${id}`);
    const now = deps.clock.now().getTime();
    if (scope !== null) return res.json(customerIncidentDetailJson(detail, now));
    const notifications = await deps.notifications.listForIncident(id);
    const { healthModel, metric } = detail.incident;
    const similar = await deps.readModel.pastResolutions({ healthModel, metric, excludeId: id, limit: SIMILAR_SHOWN });
    res.json({ ...incidentDetailJson(detail, now), notifications: notifications.map(notificationJson), similar: similar.map(resolutionJson) });
  });

  router.get('/api/v1/knowledge', async (req, res) => {
    const query = knowledgeQuery.safeParse(flatten(req.query));
    if (!query.success) throw new AppError('invalid_query', 'invalid query parameters', 400, describeIssues(query.error));
    const { healthModel, metric, limit } = query.data;
    const resolutions = await deps.readModel.pastResolutions({ ...(healthModel ? { healthModel } : {}), ...(metric ? { metric } : {}), limit });
    res.json({ resolutions: resolutions.map(resolutionJson) });
  });

  return router;
}

/** Repeated query keys (`?status=open&status=acknowledged`) are joined with commas. */
function flatten(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  return out;
}
