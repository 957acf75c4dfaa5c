import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { LocaleName } from '../core/vocabulary';
import type { IncidentRecord, NotificationContext, NotificationRecord, OutboxStore, TimelineEntry } from '../store/store';
import { backoffDelayMs } from './backoff';
import type { BackoffPolicy } from './backoff';
import type { Channel, DeliveryOutcome } from './channel';
import { buildCustomerContent } from './customer-content';
import type { CustomerEvent } from './customer-content';
import { SHOWN_ALERTS, buildMessageContent, renderPlainText } from './message-content';
import type { MessageContent } from './message-content';

/** How the outbox delivers: batch size, lease, backoff and when to give up. */
export interface OutboxPolicy {
  maxAgeMs: number;
  leaseMs: number;
  backoff: BackoffPolicy;
  locale: LocaleName;
  publicUrl: string | null;
  batchPerChannel: number;
  /** The customer a channel belongs to, with its language; null for the support line's channels. */
  customerOf?: (channel: string) => { name: string; locale: LocaleName } | null;
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
      const customer = this.deps.policy.customerOf?.(name) ?? null;
      // A customer's channel carries only its customer's news, in its words; nothing else is ever sent there.
      if (customer && (!CUSTOMER_EVENTS.has(row.event) || context.incident.customer !== customer.name)) {
        await store.markDead(row.id, now, `channel "${name}" carries only customer "${customer.name}"'s news`);
        continue;
      }
      const content = this.contentOf(row, context, customer);
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
          // A customer's channel gets the incident without what only the support company may see.
          incident: customer ? customerIncident(context.incident, content.title) : context.incident,
          alerts: customer ? [] : context.alerts,
          alertTotal: customer ? 0 : context.alertTotal,
          ref: context.ref,
          attempt: row.attempts + 1,
          content,
        });
      } catch (error) {
        // Channels should not throw; if one does, treat it like a network failure and retry.
        outcome = { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) };
      }
      const sentAt = clock.now().getTime();
      const told: TimelineEntry | undefined = customer
        ? { at: sentAt, event: 'customer_notified', actor: { type: 'system', name: 'outbox' }, detail: { customer: customer.name, channel: name, event, text: renderPlainText(content) } }
        : undefined;
      const stop = await this.finish({ ...row, attempts: row.attempts + 1 }, outcome, sentAt, name, told);
      if (stop) break;
    }
    return attempted;
  }

  private contentOf(row: NotificationRecord, context: NotificationContext, customer: { locale: LocaleName } | null): MessageContent {
    const { policy } = this.deps;
    if (customer) return buildCustomerContent({ event: row.event as CustomerEvent, incident: context.incident, locale: customer.locale, note: row.payload?.note ?? null });
    return buildMessageContent({
      event: row.event,
      incident: context.incident,
      alerts: context.alerts,
      alertTotal: context.alertTotal,
      locale: policy.locale,
      publicUrl: policy.publicUrl,
      lastResolution: context.lastResolution,
      sla: row.payload?.sla,
      now: this.deps.clock.now().getTime(),
    });
  }

  /** Records an outcome; returns true when the rest of the channel's batch must wait (429). */
  private async finish(row: NotificationRecord, outcome: DeliveryOutcome, now: number, channel: string, told?: TimelineEntry): Promise<boolean> {
    const { store, metrics, logger, policy } = this.deps;
    const log = logger.child({ incidentId: row.incidentId, notificationId: row.id, channel, event: row.event });
    if (outcome.ok) {
      await store.markSent(row.id, now, outcome.ref, told);
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

/** The incident as a customer's channel may see it: no labels, runbook, alert-made title or staff names. */
function customerIncident(i: IncidentRecord, affected: string): IncidentRecord {
  return {
    ...i,
    key: '',
    title: affected,
    summary: '',
    runbookUrl: null,
    groupLabels: {},
    assignee: null,
    acknowledgedBy: null,
    resolvedBy: null,
    resolutionNote: i.resolutionPublic ? i.resolutionNote : null,
  };
}

/** The events a customer's channel may carry. */
const CUSTOMER_EVENTS: ReadonlySet<string> = new Set<CustomerEvent>(['opened', 'update', 'resolved']);

/** A low-cardinality label for a failure: the status code or the error code. */
function reasonClass(reason: string): string {
  const first = reason.split(/[\s:]/)[0] ?? 'error';
  return /^(\d{3}|[A-Z_]+|timeout)$/.test(first) ? first : 'error';
}
