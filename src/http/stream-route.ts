import express from 'express';
import type { Router } from 'express';
import { sessionIdOf } from '../people/authenticate-person';
import type { People } from '../people/people';
import type { SessionStore } from '../people/session-store';
import { personOf } from './api-access';
import type { LiveFeed } from './live-feed';

/**
 * `GET /api/v1/stream`: the live stream of incident changes (server-sent events), for the console.
 * A stream opened with a session ends when the session does (logout, idle expiry); one opened
 * with a token ends when its person is no longer configured.
 */
export function streamRoute(deps: { liveFeed: LiveFeed; people: People; sessions: SessionStore }): Router {
  const router = express.Router();
  router.get('/api/v1/stream', (req, res) => {
    const person = personOf(res);
    const session = req.headers.authorization === undefined ? sessionIdOf(req.headers) : null;
    const alive = (): boolean => {
      if (person === null) return true;
      if (session !== null && !deps.sessions.live(session)) return false;
      return deps.people.byName(person.name) !== null;
    };
    deps.liveFeed.subscribe(res, person?.customer ?? null, alive);
  });
  return router;
}
