import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SourceConfig } from '../config/schema';
import type { Clock } from '../core/clock';

/** Compares secrets in constant time: both sides are hashed first, so lengths never leak. */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Why a request failed authentication, for the 401 and its metric. */
export type AuthFailure =
  | 'missing_credentials'
  | 'bad_credentials'
  | 'missing_signature'
  | 'malformed_signature'
  | 'bad_signature'
  | 'missing_timestamp'
  | 'expired_timestamp'
  | 'replayed_signature';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const MAX_REMEMBERED = 100_000;

/**
 * Checks one source's credentials: bearer token, basic auth, or Grafana's HMAC-SHA256 signature
 * over the raw body (or `timestamp:body`), with a replay window. A source without auth accepts all.
 */
export class SourceAuthenticator {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly auth: SourceConfig['auth'],
    private readonly clock: Clock,
  ) {}

  /** True when the check needs the raw body (signatures); header checks run before reading it. */
  needsBody(): boolean {
    return this.auth?.type === 'hmac';
  }

  /** Returns null when the request may pass, else why not. `body` is the raw bytes for signatures. */
  check(headers: IncomingHttpHeaders, body: Buffer | null): AuthFailure | null {
    const auth = this.auth;
    if (!auth) return null;
    if (auth.type === 'hmac') return this.checkSignature(auth, headers, body ?? Buffer.alloc(0));
    const header = headers.authorization;
    if (!header) return 'missing_credentials';
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const value = space > 0 ? header.slice(space + 1).trim() : '';
    if (auth.type === 'bearer') return scheme === 'bearer' && secretEquals(value, auth.token) ? null : 'bad_credentials';
    if (scheme !== 'basic') return 'bad_credentials';
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'bad_credentials';
    // Evaluate both comparisons so the time does not tell which part was wrong.
    const userOk = secretEquals(decoded.slice(0, colon), auth.username);
    const passOk = secretEquals(decoded.slice(colon + 1), auth.password);
    return userOk && passOk ? null : 'bad_credentials';
  }

  /** Remembers an accepted signature, so the same signed request cannot be accepted twice. */
  accepted(headers: IncomingHttpHeaders): void {
    const auth = this.auth;
    if (auth?.type !== 'hmac' || !auth.timestampHeader) return;
    const signature = signatureOf(headers, auth.header);
    if (!signature) return;
    const now = this.clock.now().getTime();
    if (this.seen.size >= MAX_REMEMBERED) this.forget(now);
    this.seen.set(signature.toLowerCase(), now + auth.replayWindow);
  }

  private checkSignature(auth: Extract<NonNullable<SourceConfig['auth']>, { type: 'hmac' }>, headers: IncomingHttpHeaders, body: Buffer): AuthFailure | null {
    const given = signatureOf(headers, auth.header);
    if (!given) return 'missing_signature';
    if (!HEX_SHA256.test(given)) return 'malformed_signature';
    const mac = createHmac('sha256', auth.secret);
    const now = this.clock.now().getTime();
    if (auth.timestampHeader) {
      const raw = headerValue(headers, auth.timestampHeader);
      if (!raw) return 'missing_timestamp';
      if (!/^\d{1,12}$/.test(raw.trim())) return 'expired_timestamp';
      if (Math.abs(now - Number(raw.trim()) * 1000) > auth.replayWindow) return 'expired_timestamp';
      mac.update(`${raw.trim()}:`);
    }
    const expected = mac.update(body).digest();
    // Equal lengths are guaranteed by the hex check above, as timingSafeEqual requires.
    if (!timingSafeEqual(Buffer.from(given, 'hex'), expected)) return 'bad_signature';
    const until = this.seen.get(given.toLowerCase());
    if (until !== undefined && until >= now) return 'replayed_signature';
    return null;
  }

  private forget(now: number): void {
    for (const [sig, until] of this.seen) if (until < now) this.seen.delete(sig);
    // Still full of live entries: drop the oldest half rather than grow without bound.
    if (this.seen.size >= MAX_REMEMBERED) {
      let drop = this.seen.size / 2;
      for (const sig of this.seen.keys()) {
        if (drop-- <= 0) break;
        this.seen.delete(sig);
      }
    }
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function signatureOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headerValue(headers, name)?.trim();
  return v?.startsWith('sha256=') ? v.slice(7) : v;
}
