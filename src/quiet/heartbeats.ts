import type { HeartbeatConfig } from '../config/schema';
import { matchesAll, parseMatchers } from '../core/matcher';
import type { Matcher } from '../core/matcher';

/** A dead man's switch: the always-firing alert of one source, and how long its silence may last. */
export interface Heartbeat {
  name: string;
  source: string;
  matchers: Matcher[];
  intervalMs: number;
}

/** The config's heartbeats, compiled (their matchers were checked when the config loaded). */
export function compileHeartbeats(config: readonly HeartbeatConfig[]): Heartbeat[] {
  return config.map((h) => ({ name: h.name, source: h.source, matchers: h.matchers.flatMap((m) => parseMatchers(m)), intervalMs: h.interval }));
}

/** The heartbeat an alert of a source is, or null for an ordinary alert. Pure. */
export function heartbeatOf(heartbeats: readonly Heartbeat[], source: string, labels: Readonly<Record<string, string>>): Heartbeat | null {
  for (const h of heartbeats) if (h.source === source && matchesAll(h.matchers, labels)) return h;
  return null;
}

/** The fingerprint of the alert a missing heartbeat raises: one per heartbeat. */
export function blindFingerprint(name: string): string {
  return `heartbeat:${name}`;
}

/** The durable state key of a heartbeat's last arrival. */
export function heartbeatStateKey(name: string): string {
  return `heartbeat:${name}:last`;
}
