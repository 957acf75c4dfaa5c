import type { Classification } from '../health-model/classify';
import type { NormalizedAlert } from '../sources/source';
import type { AlertHead, DeliveryReceipt, IncidentRecord, IncidentTransaction, NewAlert } from '../store/store';
import type { Actor, Priority, Suppression } from '../core/vocabulary';
import { inhibitorImpacts, inhibitorOf, selects } from './quiet-policy';
import type { QuietPolicy } from './quiet-policy';
import { blindFingerprint, heartbeatStateKey } from '../quiet/heartbeats';
import { decideAlert, decideTarget } from './lifecycle';
import type { AlertDecision } from './lifecycle';
import { describeIncident } from './describe-incident';
import { applyTransition, notify, writeTransition } from './apply-transition';
import { keepSla } from './sla-upkeep';
import { slaPlan } from '../sla/plan';
import type { PolicyChoice } from '../sla/terms';
import type { SlaTerms } from '../core/sla-terms';
import type { NotifyChannels } from './apply-transition';
import { applyPatch, openIncident, transition } from './state-machine';
import type { IncidentCommand, OpenCommand, Transition } from './state-machine';

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
  /** The heartbeats it carries, by name, and how many of its alerts were heartbeats. */
  heartbeats?: string[];
  heartbeatAlerts?: number;
}

/** What ingest did to an incident, counted in metrics and logged. */
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
  /** Maintenance windows, silences and inhibit rules; nothing is quiet when absent. */
  quiet?: QuietPolicy;
  /** The SLA terms a new incident of a health model opens under; none (no SLA) when absent. */
  slaTermsFor?: (model: PolicyChoice) => SlaTerms | null;
  /** Told what each alert did, in payload order (explain listens; the daemon does not). */
  onAlert?: (outcome: AlertOutcome) => void;
}

/** What ingest did with one alert of a delivery. */
export type AlertAction = 'open' | 'attach' | 'reopen' | 'resolve' | 'hold' | 'end_alert' | 'repeat' | 'stale' | 'record';

/** One alert's outcome: its decision, the action on its incident, and that incident before and after. */
export interface AlertOutcome {
  decision: AlertDecision;
  action: AlertAction;
  incidentId: number | null;
  before: IncidentRecord | null;
  after: IncidentRecord | null;
  /** The incident its earlier activation ended on, when the rules now give it another key. */
  supersededOn: number | null;
}

export type { NotifyChannels } from './apply-transition';

/**
 * Applies one webhook inside the caller's unit: stores each alert by source and fingerprint,
 * opens, attaches, reopens or resolves incidents through the state machine, and appends their
 * timelines. Never opens two incidents for one key (the store backs this up). A body delivered
 * before changes nothing and gets its first answer again.
 */
export async function ingestDelivery(tx: IncidentTransaction, delivery: AlertDelivery, policy: IngestPolicy): Promise<IngestResult> {
  const now = delivery.receivedAt;
  const events: IncidentEvent[] = [];
  const incidents: number[] = [];
  const unit: IngestUnit = { tx, source: delivery.source, now, policy, events };
  // Every delivery of a heartbeat counts, replays included.
  for (const name of delivery.heartbeats ?? []) {
    const ended = await heartbeatArrived(unit, name);
    if (ended !== null && !incidents.includes(ended)) incidents.push(ended);
  }
  const earlier = await tx.findReceipt(delivery.digest);
  if (earlier) return { ...earlier, replay: true, events };
  for (const item of delivery.alerts) {
    const incidentId = await applyAlert(unit, item);
    if (incidentId === null) continue;
    if (item.alert.update) await recordUpdate(unit, incidentId, item.alert);
    if (!incidents.includes(incidentId)) incidents.push(incidentId);
  }
  const receipt = { accepted: delivery.alerts.length + (delivery.heartbeatAlerts ?? 0), incidents };
  tx.saveReceipt(delivery.digest, delivery.source, now, receipt);
  return { ...receipt, replay: false, events };
}

/** One webhook's context while its alerts are applied. */
interface IngestUnit {
  tx: IncidentTransaction;
  source: string;
  now: number;
  policy: IngestPolicy;
  events: IncidentEvent[];
}

/**
 * A heartbeat arrived: its time is kept, and the incident its absence opened (monitoring was
 * blind) ends, as its alert resolves. Returns that incident, or null.
 */
async function heartbeatArrived(u: IngestUnit, name: string): Promise<number | null> {
  u.tx.writeState(heartbeatStateKey(name), String(u.now), u.now);
  const blind = await u.tx.latestAlert(u.source, blindFingerprint(name));
  if (blind === null || blind.status !== 'firing') return null;
  const alert: NormalizedAlert = { fingerprint: blind.fingerprint, status: 'resolved', labels: JSON.parse(blind.labelsJson) as Record<string, string>, annotations: JSON.parse(blind.annotationsJson) as Record<string, string>, startsAt: blind.startsAt, endsAt: u.now, generatorURL: null };
  return resolveAlert(u, blind, alert);
}

/** A sender's acknowledge, comment or severity change goes on the incident's timeline. */
async function recordUpdate(u: IngestUnit, incidentId: number, alert: NormalizedAlert): Promise<void> {
  const update = alert.update!;
  const detail = {
    ...alertCause(u.source, alert),
    action: update.action,
    message: update.message,
    user: update.user,
    updatedAt: update.at === null ? null : new Date(update.at).toISOString(),
  };
  const incident = await u.tx.incident(incidentId);
  await applyTransition(u.tx, incident, transition(incident, { type: 'source_update', actor: sourceActor(u.source), detail }, u.now), u.now, u.policy);
}

async function applyAlert(u: IngestUnit, item: ClassifiedAlert): Promise<number | null> {
  const { alert } = item;
  const previous = await u.tx.latestAlert(u.source, alert.fingerprint);
  const decision = decideAlert(previous, alert);
  switch (decision) {
    case 'stale':
    case 'repeat':
      return countDelivery(u, previous as AlertHead, alert, decision);
    case 'resolve':
      return resolveAlert(u, previous as AlertHead, alert);
    case 'record':
      u.tx.insertAlert(alertRow(u.source, alert, null, u.now));
      u.policy.onAlert?.({ decision, action: 'record', incidentId: null, before: null, after: null, supersededOn: null });
      return null;
    case 'activate':
      return activate(u, previous, item);
  }
}

async function countDelivery(u: IngestUnit, previous: AlertHead, alert: NormalizedAlert, decision: 'repeat' | 'stale'): Promise<number | null> {
  const refresh = decision === 'repeat';
  // A repeat may carry re-rendered annotations or changed labels (a Zabbix severity change);
  // a stale delivery changes nothing but the counts. Unchanged text is not written again.
  u.tx.updateAlert(previous.id, {
    deliveryCount: previous.deliveryCount + 1,
    lastReceivedAt: u.now,
    ...(refresh && JSON.stringify(alert.annotations) !== previous.annotationsJson ? { annotations: alert.annotations } : {}),
    ...(refresh && JSON.stringify(alert.labels) !== previous.labelsJson ? { labels: alert.labels } : {}),
  });
  if (previous.incidentId === null) {
    u.policy.onAlert?.({ decision, action: decision, incidentId: null, before: null, after: null, supersededOn: null });
    return null;
  }
  const incident = await u.tx.incident(previous.incidentId);
  const after = await applyTransition(u.tx, incident, transition(incident, { type: 'count_delivery' }, u.now), u.now, u.policy);
  u.policy.onAlert?.({ decision, action: decision, incidentId: incident.id, before: incident, after, supersededOn: null });
  return incident.id;
}

async function resolveAlert(u: IngestUnit, previous: AlertHead, alert: NormalizedAlert): Promise<number | null> {
  const endsAt = alert.endsAt ?? u.now;
  u.tx.updateAlert(previous.id, {
    status: 'resolved',
    startsAt: alert.startsAt,
    endsAt,
    annotations: alert.annotations,
    deliveryCount: previous.deliveryCount + 1,
    lastReceivedAt: u.now,
  });
  if (previous.incidentId === null) {
    u.policy.onAlert?.({ decision: 'resolve', action: 'end_alert', incidentId: null, before: null, after: null, supersededOn: null });
    return null;
  }
  const incident = await u.tx.incident(previous.incidentId);
  const t = await endActivation(u, incident, { type: 'end_alert', actor: sourceActor(previous.source), cause: alertCause(previous.source, alert), endsAt, counted: true });
  const action = t.outcome === 'resolved' ? 'resolve' : t.patch.resolveDueAt != null ? 'hold' : 'end_alert';
  u.policy.onAlert?.({ decision: 'resolve', action, incidentId: incident.id, before: incident, after: applyPatch(incident, t.patch), supersededOn: null });
  return incident.id;
}

async function endActivation(u: IngestUnit, incident: IncidentRecord, command: Extract<IncidentCommand, { type: 'end_alert' }>): Promise<Transition> {
  const t = transition(incident, command, u.now);
  await applyTransition(u.tx, incident, t, u.now, u.policy);
  if (t.outcome === 'resolved') u.events.push({ kind: 'resolved', incidentId: incident.id, priority: incident.priority });
  return t;
}

async function activate(u: IngestUnit, previous: AlertHead | null, item: ClassifiedAlert): Promise<number> {
  const { tx, source, now } = u;
  const { alert, classification } = item;
  const key = classification.incidentKey;
  // The last resolved incident matters only when the key has no active one.
  const active = await tx.activeIncident(key);
  const target = decideTarget(active, active ? null : await tx.lastResolvedIncident(key), alert.startsAt, u.policy.reopenWindowMs);
  const targetId = target.kind === 'open' ? null : target.incidentId;
  // The alert's earlier activation, if it still fires elsewhere (rules changed its key), ends there.
  const supersededOn = previous && previous.status === 'firing' && previous.incidentId !== null && previous.incidentId !== targetId ? previous.incidentId : null;
  const endSuperseded = async (): Promise<void> => {
    if (supersededOn === null) return;
    tx.updateAlert(previous!.id, { status: 'resolved', endsAt: alert.startsAt });
    const cause = { ...alertCause(source, alert), reason: 'superseded' };
    await endActivation(u, await tx.incident(supersededOn), { type: 'end_alert', actor: sourceActor(source), cause, endsAt: alert.startsAt, counted: false });
  };

  if (target.kind === 'open') {
    const fields = incidentFields(source, item, u.policy);
    fields.suppressed = await quietAtOpening(u, alert, fields);
    const opened = openIncident({ actor: sourceActor(source), cause: alertCause(source, alert), fields, startsAt: alert.startsAt, matched: classification.matched }, now);
    // The SLA starts with the incident: its index and first due time need no read.
    const plan = opened.incident.slaTerms === null ? null : slaPlan(opened.incident.slaTerms, opened.incident, opened.timeline, now);
    const incidentId = await tx.insertIncident(plan === null ? opened.incident : { ...opened.incident, sla: plan.state });
    if (plan !== null) tx.setSlaDue(incidentId, plan.pending);
    for (const entry of opened.timeline) tx.appendTimeline(incidentId, entry);
    u.events.push({ kind: 'opened', incidentId, priority: classification.metric.priority });
    await endSuperseded();
    // The alert's latest row is reused when it is attached to no incident (a resolve that came first).
    if (previous !== null && previous.incidentId === null) tx.updateAlert(previous.id, firingPatch(alert, incidentId, previous.deliveryCount, now));
    else tx.insertAlert(alertRow(source, alert, incidentId, now));
    const incident = await tx.incident(incidentId);
    notify(tx, incident, opened.notify, now, u.policy.channelsFor);
    u.policy.onAlert?.({ decision: 'activate', action: 'open', incidentId, before: null, after: incident, supersededOn });
    return incidentId;
  }

  const incidentId = target.incidentId;
  // The row to update: the alert's row on this incident if it has one (at most one may exist),
  // else its latest row when that is attached to no incident (a resolve that came first).
  const here = previous?.incidentId === incidentId ? previous : previous === null ? null : await tx.alertInIncident(incidentId, source, alert.fingerprint);
  const row = here ?? (previous !== null && previous.incidentId === null ? previous : null);
  const incident = await tx.incident(incidentId);
  const t = transition(
    incident,
    {
      type: 'fire',
      actor: sourceActor(source),
      cause: alertCause(source, alert),
      startsAt: alert.startsAt,
      newAlert: row === null || row.incidentId !== incidentId,
      wasFiring: row !== null && row.incidentId === incidentId && row.status === 'firing',
      ...(u.policy.quiet ? { cover: u.policy.quiet.coverFor(alert.labels, incident.healthModel, now) } : {}),
    },
    now,
  );
  // Events and notifications keep their order: a reopen is told before the superseded activation ends, an attach after.
  if (t.outcome !== 'reopened') await endSuperseded();
  if (row) tx.updateAlert(row.id, firingPatch(alert, incidentId, row.deliveryCount, now));
  else tx.insertAlert(alertRow(source, alert, incidentId, now));
  const after = await keepSla(tx, writeTransition(tx, incident, t), t.timeline, now);
  u.events.push({ kind: t.outcome === 'reopened' ? 'reopened' : 'attached', incidentId, priority: incident.priority });
  if (t.outcome === 'reopened') await endSuperseded();
  notify(tx, after, t.notify, now, u.policy.channelsFor);
  u.policy.onAlert?.({ decision: 'activate', action: t.outcome === 'reopened' ? 'reopen' : 'attach', incidentId, before: incident, after, supersededOn });
  return incidentId;
}

/**
 * Why a new incident pages nobody: a maintenance window or a silence covers its alert, or an
 * active incident of its health model inhibits it (an open full outage mutes its partial
 * outages and defects); null when it pages.
 */
async function quietAtOpening(u: IngestUnit, alert: NormalizedAlert, fields: OpenCommand['fields']): Promise<Suppression | null> {
  const quiet = u.policy.quiet;
  if (!quiet) return null;
  const cover = quiet.coverFor(alert.labels, fields.healthModel, u.now);
  if (cover) return cover;
  if (quiet.inhibit.length === 0 || !quiet.inhibit.some((r) => selects(r.mute, fields))) return null;
  const inhibitor = inhibitorOf(quiet.inhibit, fields, await u.tx.activeIncidentsOf(fields.healthModel, inhibitorImpacts(quiet.inhibit, fields)));
  return inhibitor ? { by: 'inhibition', name: inhibitor.key } : null;
}

function firingPatch(alert: NormalizedAlert, incidentId: number, deliveryCount: number, now: number): Partial<NewAlert> {
  return {
    incidentId,
    status: 'firing',
    startsAt: alert.startsAt,
    endsAt: null,
    labels: alert.labels,
    annotations: alert.annotations,
    generatorURL: alert.generatorURL,
    deliveryCount: deliveryCount + 1,
    lastReceivedAt: now,
  };
}

function incidentFields(source: string, item: ClassifiedAlert, policy: IngestPolicy): OpenCommand['fields'] {
  const { alert, classification } = item;
  const { metric } = classification;
  const text = describeIncident(source, alert, metric);
  return {
    key: classification.incidentKey,
    priority: metric.priority,
    impact: metric.impact,
    category: metric.category,
    healthModel: metric.healthModel.name,
    metric: metric.name,
    customer: metric.healthModel.customer,
    title: text.title,
    summary: text.summary,
    runbookUrl: text.runbookUrl,
    groupLabels: classification.groupLabels,
    autoResolve: metric.autoResolve.enabled,
    holdDownMs: metric.autoResolve.holdDownMs,
    slaTerms: policy.slaTermsFor?.(metric.healthModel) ?? null,
    sla: null,
    suppressed: null,
    flapChanges: metric.flapping.changes,
    flapWindowMs: metric.flapping.windowMs,
  };
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

/** The monitoring source as the actor of the changes its alerts make. */
export function sourceActor(source: string): Actor {
  return { type: 'source', name: source };
}

function alertCause(source: string, alert: NormalizedAlert): Record<string, unknown> {
  return { source, fingerprint: alert.fingerprint, alertname: alert.labels.alertname ?? null, startsAt: new Date(alert.startsAt).toISOString() };
}
