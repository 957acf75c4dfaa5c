/** Retry timing of failed deliveries. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, initial * 2^(attempt-1))],
 * never below a second so a flapping receiver is not hammered. `random` is injectable for tests.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1000, Math.floor(random() * ceiling));
}

/**
 * Reads a Retry-After header (seconds or an HTTP date) or a JSON `retry_after` (seconds, as
 * Telegram and Slack send) into milliseconds from `nowMs`; null when absent or unreadable.
 */
export function parseRetryAfterMs(value: unknown, nowMs: number): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.ceil(value * 1000);
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
