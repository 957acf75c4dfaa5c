import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import { sessionIdOf } from '../people/authenticate-person';
import type { People } from '../people/people';
import type { SessionStore } from '../people/session-store';
import { AppError } from '../core/errors';
import { describeIssues } from '../sources/payload-fields';
import { personOf } from './api-access';
import { fieldList } from './incidents-route';
import type { LiveFeed } from './live-feed';

const streamQuery = z.object({ fields: fieldList });

/**
 * `GET /api/v1/stream`: the live stream of incident changes (server-sent events), for the console.
 * `fields=` narrows each incident to those fields, as in the listing. A stream opened with a session ends when the session does (logout, idle expiry); one opened
 * with a token ends when its person is no longer configured.
 */
export function streamRoute(deps: { liveFeed: LiveFeed; people: People; sessions: SessionStore }): Router {
  const router = express.Router();
  router.get('/api/v1/stream', (req, res) => {
    let fields = null;
    if (req.query.fields !== undefined) {
      const parsed = streamQuery.safeParse({ fields: String(req.query.fields) });
      if (!parsed.success) throw new AppError('invalid_query', 'invalid query parameters', 400, describeIssues(parsed.error));
      fields = parsed.data.fields;
    }
    const person = personOf(res);
    const session = req.headers.authorization === undefined ? sessionIdOf(req.headers) : null;
    const alive = (): boolean => {
      if (person === null) return true;
      if (session !== null && !deps.sessions.live(session)) return false;
      return deps.people.byName(person.name) !== null;
    };
    deps.liveFeed.subscribe(res, person?.customer ?? null, alive, fields);
  });
  return router;
}
