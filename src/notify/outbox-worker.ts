import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { LocaleName } from '../core/vocabulary';
import type { NotificationRecord, OutboxStore } from '../store/store';
import { backoffDelayMs } from './backoff';
import type { BackoffPolicy } from './backoff';
import type { Channel, DeliveryOutcome } from './channel';
import { SHOWN_ALERTS, buildMessageContent } from './message-content';

/** How the outbox delivers: batch size, lease, backoff and when to give up. */
export interface OutboxPolicy {
  maxAgeMs: number;
  leaseMs: number;
  backoff: BackoffPolicy;
  locale: LocaleName;
  publicUrl: string | null;
  batchPerChannel: number;
}


/**
 * Delivers due notifications: each channel is its own queue, worked in parallel with the others,
 * so a dead channel never delays the rest. A row is leased before it is sent and its outcome
 * recorded after: sent, retried with backoff (a 429's wait honoured for the whole channel), or
 * dead-lettered when it is not retryable or older than maxAge. A crash mid-send leaves the lease
 * to expire, and the row is sent again: receivers get the idempotency key to deduplicate.
 */
export class OutboxWorker {
  constructor(
    private readonly deps: {
      store: OutboxStore;
      channels: ReadonlyMap<string, Channel>;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      policy: OutboxPolicy;
      random?: () => number;
    },
  ) {}

  /** Attempts every notification due now, once; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const { store, clock, policy } = this.deps;
    const now = clock.now().getTime();
    const channels = await store.dueChannels(now);
    const counts = await Promise.all(
      channels.map(async (name) => {
        const claimed = await store.claim(name, now, now + policy.leaseMs, policy.batchPerChannel);
        return this.deliverChannel(name, claimed);
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  private async deliverChannel(name: string, rows: NotificationRecord[]): Promise<number> {
    const { store, clock } = this.deps;
    const channel = this.deps.channels.get(name);
    let attempted = 0;
    for (const row of rows) {
      const now = clock.now().getTime();
      if (!channel) {
        await this.finish(row, { ok: false, retryable: false, reason: `no channel named "${name}" is configured` }, now, name);
        continue;
      }
      const context = await store.context(row, SHOWN_ALERTS);
      if (!context) {
        await store.markDead(row.id, now, 'incident not found');
        continue;
      }
      await store.markAttempt(row.id, now);
      if (row.firstAttemptAt === null) this.deps.metrics.notificationFirstAttempt.observe({ channel: name }, (now - row.createdAt) / 1000);
      attempted++;
      const event = row.event;
      let outcome: DeliveryOutcome;
      try {
        outcome = await channel.send({
          id: row.id,
          identity: { incidentId: row.incidentId, event: row.event, occurrence: row.occurrence, step: row.step, channel: row.channel },
          idempotencyKey: row.idempotencyKey,
          event,
          incident: context.incident,
          alerts: context.alerts,
          alertTotal: context.alertTotal,
          ref: context.ref,
          attempt: row.attempts + 1,
          content: buildMessageContent({ event, incident: context.incident, alerts: context.alerts, alertTotal: context.alertTotal, locale: this.deps.policy.locale, publicUrl: this.deps.policy.publicUrl, lastResolution: context.lastResolution }),
        });
      } catch (error) {
        // Channels should not throw; if one does, treat it like a network failure and retry.
        outcome = { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) };
      }
      const stop = await this.finish({ ...row, attempts: row.attempts + 1 }, outcome, clock.now().getTime(), name);
      if (stop) break;
    }
    return attempted;
  }

  /** Records an outcome; returns true when the rest of the channel's batch must wait (429). */
  private async finish(row: NotificationRecord, outcome: DeliveryOutcome, now: number, channel: string): Promise<boolean> {
    const { store, metrics, logger, policy } = this.deps;
    const log = logger.child({ incidentId: row.incidentId, notificationId: row.id, channel, event: row.event });
    if (outcome.ok) {
      await store.markSent(row.id, now, outcome.ref);
      metrics.notificationsSent.inc({ channel });
      metrics.notificationLatency.observe({ channel }, (now - row.createdAt) / 1000);
      return false;
    }
    const reason = outcome.reason.slice(0, 500);
    metrics.notificationsFailed.inc({ channel, reason: reasonClass(reason) });
    const expired = now - row.ageFrom >= policy.maxAgeMs;
    if (!outcome.retryable || expired) {
      await store.markDead(row.id, now, expired && outcome.retryable ? `gave up after ${row.attempts} attempts: ${reason}` : reason, outcome.ref);
      metrics.notificationsDead.inc({ channel });
      log.error('notification dead-lettered', { reason, attempts: row.attempts });
      return false;
    }
    const wait = Math.max(backoffDelayMs(row.attempts, policy.backoff, this.deps.random), outcome.retryAfterMs ?? 0);
    await store.markRetry(row.id, now + wait, reason, outcome.ref);
    metrics.notificationsRetried.inc({ channel });
    log.warn('notification will be retried', { reason, attempts: row.attempts, retryInMs: wait });
    if (outcome.retryAfterMs !== undefined) {
      // A rate limit holds for the whole channel (one bot, one webhook), not just this message.
      await store.deferChannel(channel, now + outcome.retryAfterMs, row.id);
      return true;
    }
    return false;
  }
}

/** A low-cardinality label for a failure: the status code or the error code. */
function reasonClass(reason: string): string {
  const first = reason.split(/[\s:]/)[0] ?? 'error';
  return /^(\d{3}|[A-Z_]+|timeout)$/.test(first) ? first : 'error';
}
