import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { AppError, NotFoundError } from '../core/errors';
import type { Logger } from '../core/logger';
import { parseSilenceSpec, silenceStatus } from '../incidents/silence-schema';
import type { SilenceStatus } from '../incidents/silence-schema';
import { describeIssues } from '../sources/payload-fields';
import type { SilenceRecord, SilenceStore } from '../store/store';
import type { MaintenanceWindow } from '../quiet/maintenance';
import { jsonBody } from './actions-route';
import { maintenanceJson } from './maintenance-view';
import { personOf } from './api-access';

/** What the silence routes need; app.ts gives them the store's silences and the change hook. */
export interface SilencesRouteDeps {
  silences: SilenceStore;
  clock: Clock;
  logger: Logger;
  /** How long a silence stays listed after it ended (config `silences.keepExpired`). */
  keepExpiredSilencesMs: number;
  /** Called once a create, or a delete that ended a silence, is committed, before the answer. */
  onSilencesChanged: () => void;
  /** The config's maintenance windows (`GET /api/v1/maintenance` lists them). */
  maintenance: () => readonly MaintenanceWindow[];
}

/** A silence in the API's JSON: times in ISO 8601 UTC, and its status at the moment of the answer. */
export interface SilenceJson {
  id: string;
  matchers: string[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
  /** When a DELETE ended it early, or null. */
  expiredAt: string | null;
  status: SilenceStatus;
}

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) });

/**
 * `POST /api/v1/silences` (201 `{id}` once it is on disk; 400 `invalid_body` naming each bad
 * field), `GET /api/v1/silences` (`{silences}` newest first: in force, pending, and those ended
 * within `keepExpiredSilencesMs`) and `DELETE /api/v1/silences/{id}` (200 with the silence, now
 * expired; the same answer for one already over; 404 for an unknown id). The author is the
 * person of the request, or `local` while the API is open.
 */
export function silencesRoute(deps: SilencesRouteDeps): Router {
  const router = express.Router();

  router.post('/api/v1/silences', async (req, res) => {
    const body = await jsonBody(req);
    const now = deps.clock.now().getTime();
    const parsed = parseSilenceSpec(body, now);
    if ('issues' in parsed) throw new AppError('invalid_body', 'invalid silence', 400, parsed.issues);
    const id = randomUUID();
    await deps.silences.create({ id, ...parsed.spec, createdBy: personOf(res)?.name ?? 'local', createdAt: now });
    deps.logger.info('silence created', { silenceId: id, person: personOf(res)?.name ?? 'local', endsAt: new Date(parsed.spec.endsAt).toISOString() });
    changed(deps);
    res.status(201).json({ id });
  });

  router.get('/api/v1/silences', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw new AppError('invalid_query', 'invalid query parameters', 400, describeIssues(query.error));
    const now = deps.clock.now().getTime();
    const silences = await deps.silences.list({ endedAfter: now - deps.keepExpiredSilencesMs, limit: query.data.limit });
    res.json({ silences: silences.map((s) => silenceJson(s, now)) });
  });

  // The config's maintenance windows: read-only here (they change with the config), with their state now.
  router.get('/api/v1/maintenance', (_req, res) => {
    const now = deps.clock.now().getTime();
    res.json({ windows: deps.maintenance().map((w) => maintenanceJson(w, now)) });
  });

  router.delete('/api/v1/silences/:id', async (req, res) => {
    const id = String(req.params.id);
    const now = deps.clock.now().getTime();
    const silence = await deps.silences.expire(id, now);
    if (!silence) throw new NotFoundError(`silence ${id.slice(0, 64)}`);
    // Ended by this request (not earlier, nor by its own time): the quiet it gave ends now.
    if (silence.expiredAt === now) {
      deps.logger.info('silence expired', { silenceId: id, person: personOf(res)?.name ?? 'local' });
      changed(deps);
    }
    res.json(silenceJson(silence, now));
  });

  return router;
}

/** The silence as the API shows it at `nowMs`. */
export function silenceJson(s: SilenceRecord, nowMs: number): SilenceJson {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
    createdAt: iso(s.createdAt),
    expiredAt: s.expiredAt === null ? null : iso(s.expiredAt),
    status: silenceStatus(s, nowMs),
  };
}

/** The change is committed whatever the hook does: a failing hook is logged, never turned into an error answer. */
function changed(deps: SilencesRouteDeps): void {
  try {
    deps.onSilencesChanged();
  } catch (error) {
    deps.logger.error('silences change hook failed', { error });
  }
}
