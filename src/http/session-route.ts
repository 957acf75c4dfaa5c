import express from 'express';
import type { Router } from 'express';
import { AppError, UnauthorizedError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { SESSION_COOKIE, sessionIdOf } from '../people/authenticate-person';
import { csrfTokenOf } from '../people/csrf';
import type { People, Person } from '../people/people';
import type { SessionStore } from '../people/session-store';
import { personOf } from './api-access';
import { readBody } from './read-body';

const MAX_SESSION_BODY_BYTES = 4096;

/** A person as the API shows them: never the token. */
export function personJson(p: Person): { name: string; displayName: string; role: string; lines: string[]; customer: string | null } {
  return { name: p.name, displayName: p.displayName, role: p.role, lines: p.lines, customer: p.customer };
}

/**
 * `POST /api/v1/session` `{"token"}` starts a console session: an HttpOnly, SameSite=Strict cookie
 * holding a random session id (never the token) and `{person}`; a wrong token is 401.
 * `DELETE /api/v1/session` ends it and clears the cookie (204, also when there was none).
 * `GET /api/v1/me` names the person of the request; with no people configured every field is
 * null, as the API is open.
 */
export function sessionRoute(deps: { people: People; sessions: SessionStore; metrics: Metrics; logger: Logger }): Router {
  const router = express.Router();

  router.post('/api/v1/session', async (req, res) => {
    const token = tokenOf(await readBody(req, MAX_SESSION_BODY_BYTES));
    const person = token === null ? null : deps.people.byToken(token);
    if (!person) {
      const reason = token === null ? 'missing' : 'invalid_token';
      deps.metrics.apiAuthRefusals.inc({ reason });
      deps.logger.warn('session refused', { reason });
      throw new UnauthorizedError(reason);
    }
    const id = deps.sessions.start(person.name);
    res.set('Cache-Control', 'no-store');
    res.append('Set-Cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`);
    deps.logger.info('session started', { person: person.name });
    res.json({ person: personJson(person), csrfToken: csrfTokenOf(id) });
  });

  router.delete('/api/v1/session', (req, res) => {
    const id = sessionIdOf(req.headers);
    const name = id === null ? null : deps.sessions.end(id);
    if (name !== null) deps.logger.info('session ended', { person: name });
    res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${req.secure ? '; Secure' : ''}`);
    res.status(204).end();
  });

  router.get('/api/v1/me', (req, res) => {
    const person = personOf(res);
    res.set('Cache-Control', 'no-store');
    // The console's session gets its CSRF token with the person (see csrf-guard.ts).
    // Whenever a cookie is there, even with no people (another daemon on this host may have set it).
    const session = req.headers.authorization === undefined ? sessionIdOf(req.headers) : null;
    const csrf = session === null ? {} : { csrfToken: csrfTokenOf(session) };
    res.json(person ? { ...personJson(person), ...csrf } : { name: null, displayName: null, role: null, lines: [], customer: null, ...csrf });
  });

  return router;
}

/**
 * The `token` of a JSON body, or null when there is none. A body that is not JSON is a 400
 * without detail: the parser's message quotes the text, which may be a token.
 */
function tokenOf(body: Buffer): string | null {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('invalid_json', 'request body is not valid JSON', 400);
  }
  const token = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).token : undefined;
  return typeof token === 'string' && token !== '' ? token : null;
}
