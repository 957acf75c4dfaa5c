import type { RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { PERSON_AUTH_FAILURES, authenticatePerson } from '../people/authenticate-person';
import type { People, Person } from '../people/people';
import { roleAllows } from '../people/people';
import type { SessionStore } from '../people/session-store';
import { accessRuleOf } from './access-policy';

/** What the access check needs. */
export interface ApiAccessDeps {
  people: People;
  sessions: SessionStore;
  metrics: Metrics;
  logger: Logger;
}

/** The person the access check found for this request; null when the route is open or no people are configured. */
export function personOf(res: Response): Person | null {
  return (res.locals.person as Person | undefined) ?? null;
}

/**
 * Resolves the person once per request and checks the role that `access-policy.ts` gives the
 * route: 401 `unauthorized` without a valid token or session, 403 `forbidden` when the role is
 * too low. Without configured people every request passes, as the API was before people existed
 * (the config loader keeps such a daemon on loopback).
 */
export function apiAccess(deps: ApiAccessDeps): RequestHandler {
  // Every reason starts at 0, so a rate() over the counter works before the first refusal.
  for (const reason of [...PERSON_AUTH_FAILURES, 'forbidden']) deps.metrics.apiAuthRefusals.inc({ reason }, 0);
  return (req, res, next) => {
    if (!deps.people.configured) return next();
    const { access, customers } = accessRuleOf(req.method, req.path);
    if (access === 'open') return next();
    const found = authenticatePerson(req.headers, deps);
    const path = req.path.slice(0, 200);
    if ('failure' in found) {
      deps.metrics.apiAuthRefusals.inc({ reason: found.failure });
      deps.logger.warn('api request refused', { method: req.method, path, status: 401, reason: found.failure });
      res.set('WWW-Authenticate', 'Bearer realm="incident-bridge"');
      return next(new UnauthorizedError(found.failure));
    }
    const person = found.person;
    const customerScoped = customers && person.role === 'customer';
    if (access !== 'person' && !customerScoped && !roleAllows(person.role, access)) {
      deps.metrics.apiAuthRefusals.inc({ reason: 'forbidden' });
      deps.logger.warn('api request refused', { method: req.method, path, status: 403, reason: 'forbidden', person: person.name, role: person.role });
      return next(new ForbiddenError(person.role, access));
    }
    res.locals.person = person;
    next();
  };
}
