import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PRIORITIES } from './vocabulary';

/** Every metric of the daemon, registered on the app's own registry (never the global one). */
export interface Metrics {
  registry: Registry;
  alertsReceived: Counter<'source' | 'status'>;
  webhookRejections: Counter<'source' | 'reason'>;
  apiAuthRefusals: Counter<'reason'>;
  incidentEvents: Counter<'event' | 'priority'>;
  openIncidents: Gauge<'priority'>;
  ingestDuration: Histogram<'source'>;
  commitBatchSize: Histogram;
  rulesLastReloadSuccessful: Gauge;
  rulesLastReloadTimestamp: Gauge;
  rulesMetrics: Gauge;
  notificationsSent: Counter<'channel'>;
  notificationsFailed: Counter<'channel' | 'reason'>;
  notificationsRetried: Counter<'channel'>;
  notificationsDead: Counter<'channel'>;
  outboxDepth: Gauge<'channel'>;
  outboxOldestAge: Gauge<'channel'>;
  notificationLatency: Histogram<'channel'>;
  notificationFirstAttempt: Histogram<'channel'>;
  slaSchedulerLag: Gauge;
  slaSchedulerThread: Gauge;
  slaBreaches: Counter<'clock' | 'priority'>;
  escalations: Counter<'line' | 'by'>;
  slaSteps: Counter<'action'>;
}

/**
 * Creates the metrics on a fresh registry. `countOpenIncidents` is asked at each scrape, so the
 * gauge reflects the store even after a restart.
 */
export function createMetrics(options: {
  countOpenIncidents?: () => Promise<Record<string, number>>;
  outboxStats?: () => Promise<{ channel: string; depth: number; oldestCreatedAt: number }[]>;
  /** When the earliest SLA step not yet run is due, or null: the scheduler's lag is now minus that. */
  nextSlaDue?: () => Promise<number | null>;
  now?: () => number;
  defaultMetrics?: boolean;
} = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'incident_bridge_' });
  const countOpen = options.countOpenIncidents;
  const statsOf = options.outboxStats;
  // Both outbox gauges read one query: a scrape collects them together, so they share it.
  let pendingStats: ReturnType<NonNullable<typeof statsOf>> | null = null;
  const outboxStats = statsOf
    ? () =>
        (pendingStats ??= statsOf().finally(() => {
          pendingStats = null;
        }))
    : undefined;
  const now = options.now ?? Date.now;
  const latencyBuckets = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600];
  return {
    registry,
    alertsReceived: new Counter({
      name: 'incident_bridge_alerts_received_total',
      help: 'Alerts received in accepted webhooks, by source and alert status.',
      labelNames: ['source', 'status'],
      registers: [registry],
    }),
    webhookRejections: new Counter({
      name: 'incident_bridge_webhook_rejections_total',
      help: 'Webhooks answered with a 4xx, by source and reason.',
      labelNames: ['source', 'reason'],
      registers: [registry],
    }),
    apiAuthRefusals: new Counter({
      name: 'incident_bridge_api_auth_refusals_total',
      help: 'API requests refused for want of a person (401) or of a role (403), by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    incidentEvents: new Counter({
      name: 'incident_bridge_incident_events_total',
      help: 'Incident lifecycle events: opened, attached, reopened, resolved.',
      labelNames: ['event', 'priority'],
      registers: [registry],
    }),
    openIncidents: new Gauge({
      name: 'incident_bridge_open_incidents',
      help: 'Incidents not yet resolved, by priority.',
      labelNames: ['priority'],
      registers: [registry],
      async collect() {
        if (!countOpen) return;
        const counts = await countOpen();
        for (const p of PRIORITIES) this.set({ priority: p }, counts[p] ?? 0);
      },
    }),
    ingestDuration: new Histogram({
      name: 'incident_bridge_ingest_duration_seconds',
      help: 'Time from a webhook received to its alerts committed.',
      labelNames: ['source'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    commitBatchSize: new Histogram({
      name: 'incident_bridge_commit_batch_webhooks',
      help: 'Webhooks committed together in one store transaction (group commit).',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    rulesLastReloadSuccessful: new Gauge({
      name: 'incident_bridge_rules_last_reload_successful',
      help: '1 when the last load of the health models succeeded, 0 when the rules in force were kept.',
      registers: [registry],
    }),
    rulesLastReloadTimestamp: new Gauge({
      name: 'incident_bridge_rules_last_reload_success_timestamp_seconds',
      help: 'When the health models were last loaded successfully.',
      registers: [registry],
    }),
    rulesMetrics: new Gauge({
      name: 'incident_bridge_rules_metrics',
      help: 'Business metrics (rules) in force, fallback excluded.',
      registers: [registry],
    }),
    notificationsSent: new Counter({ name: 'incident_bridge_notifications_sent_total', help: 'Notifications delivered, by channel.', labelNames: ['channel'], registers: [registry] }),
    notificationsFailed: new Counter({
      name: 'incident_bridge_notifications_failed_total',
      help: 'Failed delivery attempts, by channel and reason (status or error code).',
      labelNames: ['channel', 'reason'],
      registers: [registry],
    }),
    notificationsRetried: new Counter({ name: 'incident_bridge_notifications_retried_total', help: 'Deliveries scheduled for another attempt.', labelNames: ['channel'], registers: [registry] }),
    notificationsDead: new Counter({ name: 'incident_bridge_notifications_dead_total', help: 'Notifications dead-lettered.', labelNames: ['channel'], registers: [registry] }),
    slaSchedulerLag: new Gauge({
      name: 'incident_bridge_sla_scheduler_lag_seconds',
      help: 'Now minus the due time of the oldest SLA step or breach not yet run (0 when none is overdue).',
      registers: [registry],
      async collect() {
        const due = options.nextSlaDue ? await options.nextSlaDue() : null;
        this.set(due === null ? 0 : Math.max(0, (now() - due) / 1000));
      },
    }),
    slaSchedulerThread: new Gauge({
      name: 'incident_bridge_sla_scheduler_thread',
      help: "1 while the SLA scheduler and the WAL's checkpoints run on a thread of their own, 0 while they run on the daemon's thread.",
      registers: [registry],
    }),
    slaBreaches: new Counter({ name: 'incident_bridge_sla_breaches_total', help: 'SLA clocks that passed their due time unmet, by clock and priority.', labelNames: ['clock', 'priority'], registers: [registry] }),
    escalations: new Counter({ name: 'incident_bridge_escalations_total', help: 'Incidents moved to a line, by the line and by whom (sla or person).', labelNames: ['line', 'by'], registers: [registry] }),
    slaSteps: new Counter({ name: 'incident_bridge_sla_steps_total', help: 'SLA steps and breaches run, by action.', labelNames: ['action'], registers: [registry] }),
    outboxDepth: new Gauge({
      name: 'incident_bridge_outbox_depth',
      help: 'Notifications waiting to be delivered, by channel.',
      labelNames: ['channel'],
      registers: [registry],
      async collect() {
        if (!outboxStats) return;
        this.reset();
        for (const s of await outboxStats()) this.set({ channel: s.channel }, s.depth);
      },
    }),
    outboxOldestAge: new Gauge({
      name: 'incident_bridge_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest notification waiting, by channel.',
      labelNames: ['channel'],
      registers: [registry],
      async collect() {
        if (!outboxStats) return;
        this.reset();
        for (const s of await outboxStats()) this.set({ channel: s.channel }, Math.max(0, (now() - s.oldestCreatedAt) / 1000));
      },
    }),
    notificationLatency: new Histogram({
      name: 'incident_bridge_notification_delivery_seconds',
      help: 'Time from an incident change to its notification delivered.',
      labelNames: ['channel'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    notificationFirstAttempt: new Histogram({
      name: 'incident_bridge_notification_first_attempt_seconds',
      help: 'Time from an incident change to the first delivery attempt of its notification.',
      labelNames: ['channel'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}
