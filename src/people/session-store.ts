import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';

/** Twelve hours: a session unused for that long ends. */
export const DEFAULT_SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at most; past it, the least recently used one ends. */
export const DEFAULT_MAX_SESSIONS = 10_000;

/** What a session id resolves to: the person's name, or why it does not. */
export type SessionLookup = { name: string } | { failure: 'invalid_session' | 'expired_session' };

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The console's sessions, in memory: a random 32-byte id (base64url) stands for a person's name
 * until it has been unused for `idleMs` (sliding expiry) or is ended. A session never holds the
 * token, and the store keeps only a digest of each id, so its contents cannot be replayed as
 * cookies. Sessions end when the daemon stops.
 */
export class SessionStore {
  // Insertion order is use order: a lookup moves its session to the end, so the first is the least recently used.
  private readonly sessions = new Map<string, { name: string; expiresAt: number }>();
  private readonly idleMs: number;
  private readonly maxSessions: number;

  constructor(private readonly deps: { clock: Clock; idleMs?: number; maxSessions?: number }) {
    this.idleMs = deps.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.maxSessions = Math.max(1, deps.maxSessions ?? DEFAULT_MAX_SESSIONS);
  }

  /** Starts a session for the person of that name and returns its id, the cookie's value. */
  start(name: string): string {
    const now = this.now();
    if (this.sessions.size >= this.maxSessions) this.prune(now);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(keyOf(id), { name, expiresAt: now + this.idleMs });
    return id;
  }

  /** The name behind a live session id, extending its life; or why there is none. */
  resolve(id: string): SessionLookup {
    if (!SESSION_ID.test(id)) return { failure: 'invalid_session' };
    const key = keyOf(id);
    const session = this.sessions.get(key);
    if (!session) return { failure: 'invalid_session' };
    const now = this.now();
    this.sessions.delete(key);
    if (session.expiresAt <= now) return { failure: 'expired_session' };
    session.expiresAt = now + this.idleMs;
    this.sessions.set(key, session);
    return { name: session.name };
  }

  /** Whether a session id is live now, without extending its life (an open stream does not keep it alive). */
  live(id: string): boolean {
    if (!SESSION_ID.test(id)) return false;
    const session = this.sessions.get(keyOf(id));
    return session !== undefined && session.expiresAt > this.now();
  }

  /** Ends a session and returns the name it stood for; null when there was none. */
  end(id: string): string | null {
    if (!SESSION_ID.test(id)) return null;
    const key = keyOf(id);
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    return session?.name ?? null;
  }

  /** Sessions held now, expired ones not yet dropped included. */
  get size(): number {
    return this.sessions.size;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  /** Drops the expired sessions; if still full, the least recently used ones. */
  private prune(now: number): void {
    for (const [key, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(key);
    for (const key of this.sessions.keys()) {
      if (this.sessions.size < this.maxSessions) break;
      this.sessions.delete(key);
    }
  }
}

function keyOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
