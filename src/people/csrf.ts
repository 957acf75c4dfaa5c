import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token of a console session: a digest of its id. Only a page that could read the
 * session's answers (same origin) knows it; the id itself, in an HttpOnly cookie, it never shows.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`csrf\0${sessionId}`).digest('base64url');
}

/** Whether `given` is the session's CSRF token, compared in constant time. */
export function csrfTokenMatches(sessionId: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(sessionId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
