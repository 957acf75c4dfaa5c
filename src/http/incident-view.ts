import { slaJson } from '../sla/view';
import type { AlertRecord, IncidentDetail, IncidentRecord, NotificationRecord, PastResolution } from '../store/store';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** An incident as the API shows it (the fields the README lists under HTTP API), times in ISO 8601 UTC. */
export function incidentJson(i: IncidentRecord, now: number): Record<string, unknown> {
  return {
    id: i.id,
    status: i.status,
    priority: i.priority,
    impact: i.impact,
    category: i.category,
    healthModel: i.healthModel,
    metric: i.metric,
    customer: i.customer,
    title: i.title,
    summary: i.summary,
    runbookUrl: i.runbookUrl,
    line: i.line,
    assignee: i.assignee,
    acknowledgedBy: i.acknowledgedBy,
    resolvedBy: i.resolvedBy,
    resolutionNote: i.resolutionNote,
    paused: i.pausedAt !== null,
    pausedAt: iso(i.pausedAt),
    sla: slaJson(i, now),
    suppressed: i.suppressed,
    flapping: i.flapping,
    key: i.key,
    groupLabels: i.groupLabels,
    alertCount: i.alertCount,
    firingCount: i.firingCount,
    deliveryCount: i.deliveryCount,
    reopenCount: i.reopenCount,
    startedAt: iso(i.startedAt),
    endedAt: iso(i.endedAt),
    openedAt: iso(i.openedAt),
    acknowledgedAt: iso(i.acknowledgedAt),
    resolvedAt: iso(i.resolvedAt),
    resolveDueAt: iso(i.resolveDueAt),
    updatedAt: iso(i.updatedAt),
  };
}

/** An alert attached to an incident. */
export function alertJson(a: AlertRecord): Record<string, unknown> {
  return {
    source: a.source,
    fingerprint: a.fingerprint,
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: iso(a.startsAt),
    endsAt: iso(a.endsAt),
    generatorURL: a.generatorURL,
    deliveryCount: a.deliveryCount,
    firstReceivedAt: iso(a.firstReceivedAt),
    lastReceivedAt: iso(a.lastReceivedAt),
  };
}

/** One incident with its alerts and timeline. */
export function incidentDetailJson(d: IncidentDetail, now: number): Record<string, unknown> {
  return {
    ...incidentJson(d.incident, now),
    alerts: d.alerts.map(alertJson),
    timeline: d.timeline.map((t) => ({ id: t.id, at: iso(t.at), event: t.event, actor: t.actor, detail: t.detail })),
  };
}

/** A past resolution as the knowledge base shows it, with how long the incident took to resolve. */
export function resolutionJson(r: PastResolution): Record<string, unknown> {
  return {
    incidentId: r.incidentId,
    healthModel: r.healthModel,
    metric: r.metric,
    title: r.title,
    resolutionNote: r.resolutionNote,
    resolvedBy: r.resolvedBy,
    openedAt: iso(r.openedAt),
    resolvedAt: iso(r.resolvedAt),
    durationSeconds: Math.round((r.resolvedAt - r.openedAt) / 1000),
  };
}

/** A notification's state as L1 and the SRE see it: pending, retrying (with the last error), sent or dead. */
export function notificationJson(n: NotificationRecord): Record<string, unknown> {
  const state = n.status === 'pending' && n.attempts > 0 ? 'retrying' : n.status;
  return {
    id: n.id,
    channel: n.channel,
    event: n.event,
    occurrence: n.occurrence,
    step: n.step === '' ? null : n.step,
    state,
    attempts: n.attempts,
    lastError: n.lastError,
    idempotencyKey: n.idempotencyKey,
    createdAt: iso(n.createdAt),
    nextAttemptAt: n.status === 'pending' ? iso(n.nextAttemptAt) : null,
    firstAttemptAt: iso(n.firstAttemptAt),
    sentAt: iso(n.sentAt),
    deadAt: iso(n.deadAt),
  };
}

/** The timeline events a customer sees, and what of each: never a staff name or an internal note. */
const CUSTOMER_TIMELINE = new Set(['opened', 'acknowledged', 'escalated', 'resolved', 'reopened', 'commented', 'customer_notified']);

/**
 * An incident as its customer's people see it: what is affected and how, the times and the SLA,
 * the public comments and what the customer was told. No title (alert labels make it), labels,
 * runbook, alerts, notifications, internal notes or staff names.
 */
export function customerIncidentJson(i: IncidentRecord, now: number): Record<string, unknown> {
  const all = incidentJson(i, now);
  const view = Object.fromEntries(CUSTOMER_FIELDS.map((k) => [k, all[k]]));
  return { ...view, resolutionNote: i.resolutionPublic ? i.resolutionNote : null };
}

/** The fields of the staff's view that a customer's view keeps (its order). */
const CUSTOMER_FIELDS = ['id', 'status', 'priority', 'impact', 'category', 'healthModel', 'metric', 'customer', 'line', 'paused', 'sla', 'openedAt', 'acknowledgedAt', 'resolvedAt', 'updatedAt'];

/** One incident with the part of its timeline its customer may see. */
export function customerIncidentDetailJson(d: IncidentDetail, now: number): Record<string, unknown> {
  const timeline = d.timeline
    .filter((t) => CUSTOMER_TIMELINE.has(t.event) && (t.event !== 'commented' || t.detail.public === true))
    .map((t) => {
      const detail: Record<string, unknown> = {};
      if (t.event === 'commented' || (t.event === 'resolved' && d.incident.resolutionPublic)) detail.note = t.detail.note ?? null;
      if (t.event === 'escalated') detail.to = t.detail.to ?? null;
      if (t.event === 'customer_notified') Object.assign(detail, { event: t.detail.event, text: t.detail.text });
      // Who did it stays inside the support company: the customer sees the support team or the system.
      const actor = t.actor.type === 'person' ? { type: 'person', name: 'support' } : { type: t.actor.type === 'source' ? 'system' : t.actor.type, name: 'incident-bridge' };
      return { id: t.id, at: iso(t.at), event: t.event, actor, detail };
    });
  return { ...customerIncidentJson(d.incident, now), timeline };
}
