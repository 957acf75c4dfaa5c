import { slaJson } from '../sla/view';
import type { AlertRecord, IncidentDetail, IncidentRecord, NotificationRecord, PastResolution } from '../store/store';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The fields of an incident as the API shows it (the README lists them under HTTP API), in their
 * order, times in ISO 8601 UTC. A listing may ask for some of them (`fields=`).
 */
const INCIDENT_FIELDS = {
  id: (i) => i.id,
  status: (i) => i.status,
  priority: (i) => i.priority,
  impact: (i) => i.impact,
  category: (i) => i.category,
  healthModel: (i) => i.healthModel,
  metric: (i) => i.metric,
  customer: (i) => i.customer,
  title: (i) => i.title,
  summary: (i) => i.summary,
  runbookUrl: (i) => i.runbookUrl,
  line: (i) => i.line,
  assignee: (i) => i.assignee,
  acknowledgedBy: (i) => i.acknowledgedBy,
  resolvedBy: (i) => i.resolvedBy,
  resolutionNote: (i) => i.resolutionNote,
  paused: (i) => i.pausedAt !== null,
  pausedAt: (i) => iso(i.pausedAt),
  sla: (i, now) => slaJson(i, now),
  suppressed: (i) => i.suppressed,
  flapping: (i) => i.flapping,
  key: (i) => i.key,
  groupLabels: (i) => i.groupLabels,
  alertCount: (i) => i.alertCount,
  firingCount: (i) => i.firingCount,
  deliveryCount: (i) => i.deliveryCount,
  reopenCount: (i) => i.reopenCount,
  startedAt: (i) => iso(i.startedAt),
  endedAt: (i) => iso(i.endedAt),
  openedAt: (i) => iso(i.openedAt),
  acknowledgedAt: (i) => iso(i.acknowledgedAt),
  resolvedAt: (i) => iso(i.resolvedAt),
  resolveDueAt: (i) => iso(i.resolveDueAt),
  updatedAt: (i) => iso(i.updatedAt),
} satisfies Record<string, (i: IncidentRecord, now: number) => unknown>;

export type IncidentField = keyof typeof INCIDENT_FIELDS;
/** Every field of an incident, in the order the API shows them. */
export const INCIDENT_FIELD_NAMES = Object.keys(INCIDENT_FIELDS) as IncidentField[];

export function isIncidentField(name: string): name is IncidentField {
  return Object.hasOwn(INCIDENT_FIELDS, name);
}

/** The record fields a JSON field reads, where they are not the one of its own name. */
const READS: Partial<Record<IncidentField, readonly (keyof IncidentRecord)[]>> = {
  paused: ['pausedAt'],
  sla: ['sla', 'slaTerms', 'status', 'priority'],
  // A customer's view shows the resolution note only when it was made public.
  resolutionNote: ['resolutionNote', 'resolutionPublic'],
};

/** The record fields that showing these JSON fields reads (a listing reads only their columns). */
export function recordFieldsOf(fields: readonly IncidentField[]): (keyof IncidentRecord)[] {
  return [...new Set(fields.flatMap((f) => READS[f] ?? [f as keyof IncidentRecord]))];
}

/** An incident as the API shows it: every field, or those asked for (in the API's order). */
export function incidentJson(i: IncidentRecord, now: number, fields: readonly IncidentField[] = INCIDENT_FIELD_NAMES): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = INCIDENT_FIELDS[f](i, now);
  return out;
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
export function customerIncidentJson(i: IncidentRecord, now: number, fields: readonly IncidentField[] = CUSTOMER_FIELDS): Record<string, unknown> {
  const view = incidentJson(
    i,
    now,
    fields.filter((f) => CUSTOMER_SEES.has(f)),
  );
  if (fields.includes('resolutionNote')) view.resolutionNote = i.resolutionPublic ? i.resolutionNote : null;
  return view;
}

/** The fields of the staff's view that a customer's view keeps (its order), its public resolution note last. */
const CUSTOMER_FIELDS: readonly IncidentField[] = ['id', 'status', 'priority', 'impact', 'category', 'healthModel', 'metric', 'customer', 'line', 'paused', 'sla', 'openedAt', 'acknowledgedAt', 'resolvedAt', 'updatedAt', 'resolutionNote'];
const CUSTOMER_SEES: ReadonlySet<IncidentField> = new Set(CUSTOMER_FIELDS.filter((f) => f !== 'resolutionNote'));

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
