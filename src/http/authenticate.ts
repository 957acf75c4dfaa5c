import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SourceConfig } from '../config/schema';

/** Compares secrets in constant time: both sides are hashed first, so lengths never leak. */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Why a request failed authentication, for the 401 and its metric; null when it passed. */
export type AuthFailure = 'missing_credentials' | 'bad_credentials' | null;

/** Checks the source's configured credentials against the request; a source without auth accepts all. */
export function authenticate(auth: SourceConfig['auth'], headers: IncomingHttpHeaders): AuthFailure {
  if (!auth) return null;
  const header = headers.authorization;
  if (!header) return 'missing_credentials';
  const space = header.indexOf(' ');
  const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
  const value = space > 0 ? header.slice(space + 1).trim() : '';
  if (auth.type === 'bearer') {
    return scheme === 'bearer' && secretEquals(value, auth.token) ? null : 'bad_credentials';
  }
  if (scheme !== 'basic') return 'bad_credentials';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'bad_credentials';
  // Evaluate both comparisons so the time does not tell which part was wrong.
  const userOk = secretEquals(decoded.slice(0, colon), auth.username);
  const passOk = secretEquals(decoded.slice(colon + 1), auth.password);
  return userOk && passOk ? null : 'bad_credentials';
}
