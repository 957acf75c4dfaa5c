import type { IncomingHttpHeaders } from 'node:http';
import type { People, Person } from './people';
import type { SessionStore } from './session-store';

/** The cookie that holds a console session's id. */
export const SESSION_COOKIE = 'incident_bridge_session';

/** Why a request has no person, as counted by `incident_bridge_api_auth_refusals_total{reason}`. */
export const PERSON_AUTH_FAILURES = ['missing', 'malformed', 'invalid_token', 'invalid_session', 'expired_session'] as const;
export type PersonAuthFailure = (typeof PERSON_AUTH_FAILURES)[number];

/** A person, or why the request does not name one. */
export type PersonLookup = { person: Person } | { failure: PersonAuthFailure };

/**
 * Finds the person of a request: `Authorization: Bearer <token>` when the header is present (a
 * wrong one fails even with a valid cookie beside it), else the session cookie. Any other scheme,
 * an empty token or one with spaces is `malformed`.
 */
export function authenticatePerson(headers: IncomingHttpHeaders, deps: { people: People; sessions: SessionStore }): PersonLookup {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const token = bearerToken(authorization);
    if (token === null) return { failure: 'malformed' };
    const person = deps.people.byToken(token);
    return person ? { person } : { failure: 'invalid_token' };
  }
  const id = sessionIdOf(headers);
  if (id === null) return { failure: 'missing' };
  const session = deps.sessions.resolve(id);
  if ('failure' in session) return session;
  // A session outlives nothing it names: a person no longer configured has no session.
  const person = deps.people.byName(session.name);
  return person ? { person } : { failure: 'invalid_session' };
}

/** The token of `Bearer <token>` (scheme case-insensitive), or null for anything else. */
export function bearerToken(header: string): string | null {
  const m = /^bearer +([^\s]+) *$/i.exec(header);
  return m ? (m[1] as string) : null;
}

/** The session id in the request's cookies, or null when there is none. */
export function sessionIdOf(headers: IncomingHttpHeaders): string | null {
  const cookie = headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value === '' ? null : value;
  }
  return null;
}
