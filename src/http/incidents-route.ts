import type { Clock } from '../core/clock';
import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import { AppError, NotFoundError } from '../core/errors';
import { INCIDENT_STATUSES, PRIORITIES } from '../core/vocabulary';
import { describeIssues } from '../sources/payload-fields';
import type { IncidentReadModel } from '../store/store';
import { INCIDENT_FIELD_NAMES, customerIncidentDetailJson, customerIncidentJson, incidentDetailJson, incidentJson, isIncidentField, notificationJson, recordFieldsOf, resolutionJson } from './incident-view';
import { personOf } from './api-access';
import type { NotificationsAccess } from './notifications-route';

const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

/** `fields=a,b`: the incident fields a listing or stream carries (`id` always); an unknown name is refused. */
export const fieldList = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string())
      .min(1)
      .superRefine((names, ctx) => {
        const unknown = names.find((n) => !isIncidentField(n));
        if (unknown !== undefined) ctx.addIssue({ code: 'custom', message: `unknown incident field "${unknown.slice(0, 40)}"; known: ${INCIDENT_FIELD_NAMES.join(', ')}` });
      })
      .transform((names) => INCIDENT_FIELD_NAMES.filter((f) => f === 'id' || names.includes(f))),
  );

const listQuery = z.object({
  status: list(INCIDENT_STATUSES).optional(),
  priority: list(PRIORITIES).optional(),
  healthModel: z.string().min(1).optional(),
  customer: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  before: z.coerce.number().int().min(1).optional(),
  fields: fieldList.optional(),
  order: z.enum(['id', 'queue']).default('id'),
}).refine((q) => q.order !== 'queue' || q.before === undefined, { message: 'order=queue is one page: no before', path: ['before'] });

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
 * `GET /api/v1/incidents` (newest first, filtered; a `Link: <...>; rel="next"` header when another
 * page follows; `order=queue`: the console's order, one page, with the `total` matching), `GET /api/v1/incidents/:id` (with `similar`:
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
    if (scope !== null && q.customer !== undefined && q.customer !== scope) return res.json({ incidents: [], ...(q.order === 'queue' ? { total: 0 } : {}) });
    const customer = scope ?? q.customer;
    const filter = {
      ...(customer !== undefined ? { customer } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.priority ? { priority: q.priority } : {}),
      ...(q.healthModel ? { healthModel: q.healthModel } : {}),
      ...(q.before ? { beforeId: q.before } : {}),
      ...(q.fields ? { reads: recordFieldsOf(q.fields) } : {}),
      order: q.order,
      // One more than asked tells whether another page follows.
      limit: q.limit + 1,
    };
    const incidents = await deps.readModel.listIncidents(filter);
    const more = incidents.length > q.limit;
    if (more) incidents.pop();
    const now = deps.clock.now().getTime();
    const fields = q.fields;
    const listed = incidents.map((i) => (scope === null ? incidentJson(i, now, fields) : customerIncidentJson(i, now, fields)));
    // The queue's first screen says how many are in it all (the rest is read in id order, page by page).
    if (q.order === 'queue') return res.json({ incidents: listed, total: more ? await deps.readModel.countIncidents(filter) : listed.length });
    // The following page, if any, as a Link header (RFC 8288): the body stays `{incidents}`.
    if (more) res.set('Link', `<${nextPage(req.originalUrl, incidents[incidents.length - 1]!.id)}>; rel="next"`);
    res.json({ incidents: listed });
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

/** The listing's own path and query with `before` set to the last incident listed. */
function nextPage(originalUrl: string, before: number): string {
  const url = new URL(originalUrl, 'http://localhost');
  url.searchParams.set('before', String(before));
  return `${url.pathname}${url.search}`;
}

/** Repeated query keys (`?status=open&status=acknowledged`) are joined with commas. */
function flatten(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  return out;
}
