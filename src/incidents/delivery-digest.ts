import { createHash } from 'node:crypto';
import type { NormalizedAlert } from '../sources/source';

/**
 * Identifies a delivery by what it says, not by its bytes: the same alerts in the same states
 * (a retry, a re-sent group) are a replay whatever the whitespace, while a sender whose bodies
 * carry no time (Grafana's legacy webhook) gets its receive time into startsAt and so is never
 * mistaken for a replay of an earlier, identical-looking state change.
 */
export function deliveryDigest(source: string, alerts: readonly NormalizedAlert[]): string {
  return createHash('sha256').update(source).update('\0').update(JSON.stringify(alerts)).digest('hex');
}
