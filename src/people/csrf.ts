import { createHash } from 'node:crypto';

/**
 * The CSRF token of a console session: a digest of its id. Only a page that could read the
 * session's answers (same origin) knows it; the id itself, in an HttpOnly cookie, it never shows.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`csrf\0${sessionId}`).digest('base64url');
}
