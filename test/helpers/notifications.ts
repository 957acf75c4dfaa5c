import { notificationKey } from '../../src/store/store';
import type { LocaleName, NotifyEvent } from '../../src/core/vocabulary';
import type { ChannelRef, Notification } from '../../src/notify/channel';
import { buildMessageContent } from '../../src/notify/message-content';
import type { AlertRecord, IncidentRecord } from '../../src/store/store';

const OPENED_AT = Date.parse('2025-03-18T09:00:00Z');

/** A realistic open P1 incident of the checkout health model; `patch` overrides any field. */
export function sampleIncident(patch: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    id: 42,
    key: 'checkout/payment-errors/env=prod',
    status: 'open',
    priority: 'P1',
    impact: 'full_outage',
    category: 'integration',
    healthModel: 'checkout',
    metric: 'payment-errors',
    customer: null,
    title: 'Payments fail at checkout',
    summary: 'The payment provider answers 5xx to more than 20% of authorisations.',
    runbookUrl: 'https://wiki.example.com/runbooks/checkout/payments',
    line: 'L1',
    groupLabels: { env: 'prod' },
    alertCount: 2,
    firingCount: 2,
    deliveryCount: 3,
    reopenCount: 0,
    startedAt: OPENED_AT - 60_000,
    endedAt: null,
    openedAt: OPENED_AT,
    acknowledgedAt: null,
    resolvedAt: null,
    resolveDueAt: null,
    assignee: null,
    acknowledgedBy: null,
    resolvedBy: null,
    resolutionNote: null,
    resolutionPublic: false,
    pausedAt: null,
    updatedAt: OPENED_AT,
    autoResolve: true,
    holdDownMs: 300_000,
    slaTerms: null,
    sla: null,
    suppressed: null,
    paged: true,
    flapping: false,
    settleDueAt: null,
    flapChanges: 0,
    flapWindowMs: 0,
    stateChanges: [],
    ...patch,
  };
}

/** `n` firing alerts of the sample incident, each with its own instance label. */
export function sampleAlerts(n: number, patch: Partial<AlertRecord> = {}): AlertRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    source: 'alertmanager',
    fingerprint: `fp${String(i + 1).padStart(14, '0')}`,
    incidentId: 42,
    status: 'firing' as const,
    startsAt: OPENED_AT - 60_000,
    endsAt: null,
    labels: { alertname: 'PaymentErrorsHigh', instance: `payments-${i + 1}.prod:9100`, env: 'prod', severity: 'critical' },
    annotations: { summary: `Payment errors on payments-${i + 1}` },
    generatorURL: `http://prometheus.example.com/graph?g0.expr=payment_errors&i=${i + 1}`,
    deliveryCount: 1,
    firstReceivedAt: OPENED_AT,
    lastReceivedAt: OPENED_AT,
    ...patch,
  }));
}

/** Options of `notificationFor`: the outbox fields a test may care about. */
export interface NotificationOptions {
  id?: number;
  ref?: ChannelRef | null;
  attempt?: number;
  locale?: LocaleName;
  publicUrl?: string | null;
  alertTotal?: number;
  channel?: string;
}

/** A notification as the outbox worker builds it, content included, for a channel's `send`. */
export function notificationFor(
  event: NotifyEvent,
  incident: IncidentRecord = sampleIncident(),
  alerts: AlertRecord[] = sampleAlerts(2),
  opts: NotificationOptions = {},
): Notification {
  const id = opts.id ?? 1;
  const alertTotal = opts.alertTotal ?? alerts.length;
  const shown = alerts.slice(0, 5);
  const identity = { incidentId: incident.id, event, occurrence: id, step: '', channel: opts.channel ?? 'test' };
  return {
    id,
    identity,
    idempotencyKey: notificationKey(identity),
    event,
    incident,
    alerts: shown,
    alertTotal,
    content: buildMessageContent({
      event,
      incident,
      alerts: shown,
      alertTotal,
      locale: opts.locale ?? 'en',
      publicUrl: opts.publicUrl === undefined ? 'https://incidents.example.com' : opts.publicUrl,
    }),
    ref: opts.ref ?? null,
    attempt: opts.attempt ?? 1,
  };
}
