import type { RequestHandler } from 'express';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { csrfTokenOf } from '../people/csrf';
import { secretEquals } from './authenticate';
import { sessionIdOf } from '../people/authenticate-person';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a request that changes state (any method but GET, HEAD, OPTIONS, whatever its path or
 * its spelling) on behalf of a browser that did not mean it (403 `forbidden`, counted with reason
 * `csrf`):
 * - one a browser marks as coming from another site (`Sec-Fetch-Site: cross-site` or
 *   `same-site`), or whose `Origin` is not this server's host;
 * - one that a console session authenticates (no `Authorization` header) without the session's
 *   token in `X-CSRF-Token` (the console gets it with the session and from `GET /api/v1/me`).
 * Starting a session (`POST /api/v1/session`) needs the token of a person, not a cookie, and only
 * the first check applies. Clients that are not browsers send neither header and pass.
 */
export function csrfGuard(deps: { metrics: Metrics; logger: Logger }): RequestHandler {
  deps.metrics.apiAuthRefusals.inc({ reason: 'csrf' }, 0);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const refuse = (why: string) => {
      deps.metrics.apiAuthRefusals.inc({ reason: 'csrf' });
      deps.logger.warn('api request refused', { method: req.method, path: req.path.slice(0, 200), status: 403, reason: 'csrf', why });
      next(new AppError('forbidden', `refused: ${why}`, 403, { reason: 'csrf' }));
    };
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return refuse(`a request from another site (Sec-Fetch-Site: ${site})`);
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && hostOf(origin) !== req.headers.host) return refuse('a request from another origin');
    if (origin === 'null') return refuse('a request from an opaque origin');
    if (req.path.toLowerCase().replace(/\/+$/, '') === '/api/v1/session' || req.headers.authorization !== undefined) return next();
    const session = sessionIdOf(req.headers);
    if (session === null) return next();
    const token = req.headers['x-csrf-token'];
    if (typeof token !== 'string' || !secretEquals(token, csrfTokenOf(session))) return refuse('a console request without its CSRF token');
    next();
  };
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
