import type { Classification } from '../health-model/classify';
import type { NormalizedAlert } from '../sources/source';
import type { AlertHead, DeliveryReceipt, IncidentRecord, IngestTransaction, NewAlert } from '../store/store';
import type { Priority } from '../core/vocabulary';
import { decideAlert, decideResolve, decideTarget } from './lifecycle';
import { describeIncident } from './describe-incident';
import type { NotifyEvent } from '../core/vocabulary';

/** An alert with what the rules in force made of it. */
export interface ClassifiedAlert {
  alert: NormalizedAlert;
  classification: Classification;
}

/** One accepted webhook: its source, the digest of its body, and its classified alerts. */
export interface AlertDelivery {
  source: string;
  digest: string;
  receivedAt: number;
  alerts: ClassifiedAlert[];
}

/** A change the support line must hear about; counted in metrics and (later) notified. */
export interface IncidentEvent {
  kind: 'opened' | 'attached' | 'reopened' | 'resolved';
  incidentId: number;
  priority: Priority;
}

/** The webhook's answer plus the incident changes it caused. */
export interface IngestResult extends DeliveryReceipt {
  replay: boolean;
  events: IncidentEvent[];
}

/** Engine settings that come from the config. */
export interface IngestPolicy {
  reopenWindowMs: number;
  /** The channels an incident event is notified on (the config's routes); none when absent. */
  channelsFor?: NotifyChannels;
}

/** Routing of incident events to channel names. */
export type NotifyChannels = (event: NotifyEvent, incident: Pick<IncidentRecord, 'healthModel' | 'priority' | 'category'>) => string[];

/**
 * Queues the event's notifications in the caller's transaction, so they commit with the change.
 * The idempotency key names the incident, the event, its occurrence (reopens count) and the channel.
 */
export function queueNotifications(tx: IngestTransaction, incident: IncidentRecord, event: NotifyEvent, now: number, channelsFor: NotifyChannels | undefined): void {
  if (!channelsFor) return;
  for (const channel of channelsFor(event, incident)) {
    tx.enqueueNotification({ incidentId: incident.id, event, channel, idempotencyKey: `${incident.id}:${event}:${incident.reopenCount}:${channel}`, now });
  }
}

/**
 * Applies one webhook inside the caller's transaction: stores each alert by source and
 * fingerprint, opens, attaches, reopens or resolves incidents, and appends their timelines.
 * Never opens two incidents for one key (the store's unique index backs this up). A body
 * delivered before changes nothing and gets its first answer again.
 */
export function ingestDelivery(tx: IngestTransaction, delivery: AlertDelivery, policy: IngestPolicy): IngestResult {
  const earlier = tx.findReceipt(delivery.digest);
  if (earlier) return { ...earlier, replay: true, events: [] };
  const now = delivery.receivedAt;
  const events: IncidentEvent[] = [];
  const incidents: number[] = [];
  for (const item of delivery.alerts) {
    const incidentId = applyAlert(tx, delivery.source, item, now, policy, events);
    if (incidentId === null) continue;
    if (item.alert.update) recordUpdate(tx, incidentId, delivery.source, item.alert, now);
    if (!incidents.includes(incidentId)) incidents.push(incidentId);
  }
  const receipt = { accepted: delivery.alerts.length, incidents };
  tx.saveReceipt(delivery.digest, delivery.source, now, receipt);
  return { ...receipt, replay: false, events };
}

/** A sender's acknowledge, comment or severity change goes on the incident's timeline. */
function recordUpdate(tx: IngestTransaction, incidentId: number, source: string, alert: NormalizedAlert, now: number): void {
  const update = alert.update!;
  tx.appendTimeline(incidentId, {
    at: now,
    event: 'source_update',
    detail: {
      ...alertCause(source, alert),
      action: update.action,
      message: update.message,
      user: update.user,
      updatedAt: update.at === null ? null : new Date(update.at).toISOString(),
    },
  });
  tx.updateIncident(incidentId, { updatedAt: now });
}

function applyAlert(tx: IngestTransaction, source: string, item: ClassifiedAlert, now: number, policy: IngestPolicy, events: IncidentEvent[]): number | null {
  const { alert } = item;
  const previous = tx.latestAlert(source, alert.fingerprint);
  const decision = decideAlert(previous, alert);
  switch (decision) {
    case 'stale':
    case 'repeat':
      return countDelivery(tx, previous as AlertHead, alert, now, decision === 'repeat');
    case 'resolve':
      return resolveAlert(tx, previous as AlertHead, alert, now, events, policy.channelsFor);
    case 'record':
      tx.insertAlert(alertRow(source, alert, null, now));
      return null;
    case 'activate':
      return activate(tx, source, previous, item, now, policy, events);
  }
}

function countDelivery(tx: IngestTransaction, previous: AlertHead, alert: NormalizedAlert, now: number, refresh: boolean): number | null {
  // A repeat may carry re-rendered annotations or changed labels (a Zabbix severity change);
  // a stale delivery changes nothing but the counts. Unchanged text is not written again.
  tx.updateAlert(previous.id, {
    deliveryCount: previous.deliveryCount + 1,
    lastReceivedAt: now,
    ...(refresh && JSON.stringify(alert.annotations) !== previous.annotationsJson ? { annotations: alert.annotations } : {}),
    ...(refresh && JSON.stringify(alert.labels) !== previous.labelsJson ? { labels: alert.labels } : {}),
  });
  if (previous.incidentId === null) return null;
  const incident = tx.incident(previous.incidentId);
  tx.updateIncident(incident.id, { deliveryCount: incident.deliveryCount + 1 });
  return incident.id;
}

function resolveAlert(tx: IngestTransaction, previous: AlertHead, alert: NormalizedAlert, now: number, events: IncidentEvent[], channelsFor: NotifyChannels | undefined): number | null {
  const endsAt = alert.endsAt ?? now;
  tx.updateAlert(previous.id, {
    status: 'resolved',
    startsAt: alert.startsAt,
    endsAt,
    annotations: alert.annotations,
    deliveryCount: previous.deliveryCount + 1,
    lastReceivedAt: now,
  });
  if (previous.incidentId === null) return null;
  const incident = tx.incident(previous.incidentId);
  endActivation(tx, incident, endsAt, now, 1, alertCause(previous.source, alert), events, channelsFor);
  return incident.id;
}

/**
 * One firing alert of `incident` has ended: count it down and resolve the incident when clear.
 * `deliveries` is what the ending delivery adds to the incident's count (none when superseded).
 */
function endActivation(
  tx: IngestTransaction,
  incident: IncidentRecord,
  endsAt: number,
  now: number,
  deliveries: number,
  cause: Record<string, unknown>,
  events: IncidentEvent[],
  channelsFor: NotifyChannels | undefined,
): void {
  const firingCount = Math.max(0, incident.firingCount - 1);
  const endedAt = Math.max(incident.endedAt ?? 0, endsAt);
  tx.updateIncident(incident.id, { firingCount, endedAt, deliveryCount: incident.deliveryCount + deliveries, updatedAt: now });
  tx.appendTimeline(incident.id, { at: now, event: 'alert_resolved', detail: cause });
  if (incident.status === 'resolved') return;
  const next = decideResolve(firingCount, { enabled: incident.autoResolve, holdDownMs: incident.holdDownMs }, now);
  if (next.kind === 'resolve') {
    resolveIncident(tx, incident.id, now, 'all alerts resolved', channelsFor);
    events.push({ kind: 'resolved', incidentId: incident.id, priority: incident.priority });
  } else if (next.kind === 'hold') {
    tx.updateIncident(incident.id, { resolveDueAt: next.dueAt });
    tx.appendTimeline(incident.id, { at: now, event: 'resolve_scheduled', detail: { dueAt: new Date(next.dueAt).toISOString() } });
  }
}

/** Resolves an incident now and queues its notifications; the caller has checked that it is not resolved yet. */
export function resolveIncident(tx: IngestTransaction, incidentId: number, now: number, cause: string, channelsFor?: NotifyChannels): void {
  tx.updateIncident(incidentId, { status: 'resolved', resolvedAt: now, resolveDueAt: null, updatedAt: now });
  tx.appendTimeline(incidentId, { at: now, event: 'resolved', detail: { cause } });
  queueNotifications(tx, tx.incident(incidentId), 'resolved', now, channelsFor);
}

function activate(
  tx: IngestTransaction,
  source: string,
  previous: AlertHead | null,
  item: ClassifiedAlert,
  now: number,
  policy: IngestPolicy,
  events: IncidentEvent[],
): number {
  const { alert, classification } = item;
  const key = classification.incidentKey;
  // The last resolved incident matters only when the key has no active one.
  const active = tx.activeIncident(key);
  const target = decideTarget(active, active ? null : tx.lastResolvedIncident(key), alert.startsAt, policy.reopenWindowMs);
  let incidentId: number;
  if (target.kind === 'open') {
    incidentId = openIncident(tx, source, item, now);
    events.push({ kind: 'opened', incidentId, priority: classification.metric.priority });
  } else {
    incidentId = target.incidentId;
    if (target.kind === 'reopen') {
      const incident = tx.incident(incidentId);
      tx.updateIncident(incidentId, { status: 'open', resolvedAt: null, acknowledgedAt: null, endedAt: null, reopenCount: incident.reopenCount + 1, updatedAt: now });
      tx.appendTimeline(incidentId, { at: now, event: 'reopened', detail: alertCause(source, alert) });
      events.push({ kind: 'reopened', incidentId, priority: incident.priority });
    }
  }

  // The alert's earlier activation, if it still fires elsewhere (rules changed its key), ends there.
  if (previous && previous.status === 'firing' && previous.incidentId !== null && previous.incidentId !== incidentId) {
    tx.updateAlert(previous.id, { status: 'resolved', endsAt: alert.startsAt });
    endActivation(tx, tx.incident(previous.incidentId), alert.startsAt, now, 0, { ...alertCause(source, alert), reason: 'superseded' }, events, policy.channelsFor);
  }

  const incident = tx.incident(incidentId);
  // The row to update: the alert's row on this incident if it has one (at most one may exist),
  // else its latest row when that is attached to no incident (a resolve that came first).
  // No row of this alert anywhere, or an incident opened just now: nothing to look up.
  const here =
    previous?.incidentId === incidentId ? previous : previous === null || target.kind === 'open' ? null : tx.alertInIncident(incidentId, source, alert.fingerprint);
  const row = here ?? (previous !== null && previous.incidentId === null ? previous : null);
  const wasFiringHere = row !== null && row.incidentId === incidentId && row.status === 'firing';
  const isNewHere = row === null || row.incidentId !== incidentId;
  if (row) {
    tx.updateAlert(row.id, {
      incidentId,
      status: 'firing',
      startsAt: alert.startsAt,
      endsAt: null,
      labels: alert.labels,
      annotations: alert.annotations,
      generatorURL: alert.generatorURL,
      deliveryCount: row.deliveryCount + 1,
      lastReceivedAt: now,
    });
  } else {
    tx.insertAlert(alertRow(source, alert, incidentId, now));
  }
  tx.updateIncident(incidentId, {
    alertCount: incident.alertCount + (isNewHere ? 1 : 0),
    firingCount: incident.firingCount + (wasFiringHere ? 0 : 1),
    deliveryCount: incident.deliveryCount + 1,
    startedAt: Math.min(incident.startedAt, alert.startsAt),
    resolveDueAt: null,
    updatedAt: now,
  });
  if (target.kind !== 'open') {
    tx.appendTimeline(incidentId, { at: now, event: 'alert_attached', detail: alertCause(source, alert) });
    if (target.kind === 'attach') events.push({ kind: 'attached', incidentId, priority: incident.priority });
  }
  if (target.kind !== 'attach') queueNotifications(tx, tx.incident(incidentId), target.kind === 'open' ? 'opened' : 'reopened', now, policy.channelsFor);
  return incidentId;
}

function openIncident(tx: IngestTransaction, source: string, item: ClassifiedAlert, now: number): number {
  const { alert, classification } = item;
  const { metric } = classification;
  const text = describeIncident(source, alert, metric);
  const id = tx.insertIncident({
    key: classification.incidentKey,
    status: 'open',
    priority: metric.priority,
    impact: metric.impact,
    category: metric.category,
    healthModel: metric.healthModel.name,
    metric: metric.name,
    title: text.title,
    summary: text.summary,
    runbookUrl: text.runbookUrl,
    groupLabels: classification.groupLabels,
    alertCount: 0,
    firingCount: 0,
    deliveryCount: 0,
    startedAt: alert.startsAt,
    openedAt: now,
    updatedAt: now,
    autoResolve: metric.autoResolve.enabled,
    holdDownMs: metric.autoResolve.holdDownMs,
  });
  tx.appendTimeline(id, { at: now, event: 'opened', detail: { ...alertCause(source, alert), priority: metric.priority, matched: classification.matched } });
  return id;
}

function alertRow(source: string, alert: NormalizedAlert, incidentId: number | null, now: number): NewAlert {
  return {
    source,
    fingerprint: alert.fingerprint,
    incidentId,
    status: alert.status,
    startsAt: alert.startsAt,
    endsAt: alert.status === 'resolved' ? (alert.endsAt ?? now) : null,
    labels: alert.labels,
    annotations: alert.annotations,
    generatorURL: alert.generatorURL,
    deliveryCount: 1,
    firstReceivedAt: now,
    lastReceivedAt: now,
  };
}

function alertCause(source: string, alert: NormalizedAlert): Record<string, unknown> {
  return { source, fingerprint: alert.fingerprint, alertname: alert.labels.alertname ?? null, startsAt: new Date(alert.startsAt).toISOString() };
}
