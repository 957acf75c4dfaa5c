import type { Priority } from '../core/vocabulary';
import { claimsMonitoringGap, classify, isMonitoringGap } from '../health-model/classify';
import type { Classification } from '../health-model/classify';
import { matches } from '../health-model/matcher';
import type { CompiledMetric, RuleSet } from '../health-model/rule-set';
import type { NormalizedAlert } from '../sources/source';
import type { AlertRecord, IncidentRecord } from '../store/store';
import { describeIncident } from './describe-incident';
import { decideAlert, decideResolve, decideTarget } from './lifecycle';
import type { AlertDecision } from './lifecycle';

/** One matcher of a tried metric, with the label value it saw (`null` when the label is missing). */
export interface MatcherTrial {
  matcher: string;
  matched: boolean;
  actual: string | null;
}

/** One metric tried for an alert, in matching order. */
export interface RuleTrial {
  healthModel: string;
  metric: string;
  file: string;
  line: number;
  matched: boolean;
  /** Why the metric was not even tried: alerts labelled monitoring_gap skip metrics that do not name that label. */
  skipped: 'monitoring_gap' | null;
  matchers: MatcherTrial[];
}

/** What ingest would do with the alert now, given the store as it is. */
export type LifecycleAction = 'open' | 'attach' | 'reopen' | 'resolve' | 'hold' | 'end_alert' | 'repeat' | 'stale' | 'record';

/** The full answer to "what would this alert become?". */
export interface AlertExplanation {
  fingerprint: string;
  status: NormalizedAlert['status'];
  labels: Record<string, string>;
  tried: RuleTrial[];
  classification: {
    healthModel: string;
    metric: string;
    /** `rule` when a health model claimed the alert, else which built-in metric of the config took it. */
    by: 'rule' | 'fallback' | 'monitoring_gap';
    impact: string;
    category: string;
    priority: Priority;
    incidentKey: string;
    groupLabels: Record<string, string>;
    title: string;
  };
  decision: { alert: AlertDecision; action: LifecycleAction; incidentId: number | null; reason: string };
}

/** The read-only store lookups explain needs; IncidentReadModel provides them. */
export interface ExplainLookup {
  latestAlert(source: string, fingerprint: string): Promise<AlertRecord | null>;
  activeIncident(key: string): Promise<IncidentRecord | null>;
  lastResolvedIncident(key: string): Promise<IncidentRecord | null>;
  getIncident(id: number): Promise<{ incident: IncidentRecord } | null>;
}

/** The engine settings and the time explain decides with, as ingest would. */
export interface ExplainPolicy {
  reopenWindowMs: number;
  nowMs: number;
}

/** The stored state one alert's decision depends on. */
export interface AlertStoreState {
  previous: AlertRecord | null;
  active: IncidentRecord | null;
  lastResolved: IncidentRecord | null;
  /** The incident the previous activation is attached to, if any. */
  previousIncident: IncidentRecord | null;
}

/**
 * Explains every alert of a parsed payload against the rules and the store as they are now,
 * in payload order: an alert whose key an earlier alert of the same payload would open attaches
 * to that incident. Reads the store and changes nothing.
 */
export async function explainAlerts(
  source: string,
  alerts: readonly NormalizedAlert[],
  ruleSet: RuleSet,
  lookup: ExplainLookup,
  policy: ExplainPolicy,
): Promise<AlertExplanation[]> {
  const opening = new Set<string>();
  const out: AlertExplanation[] = [];
  for (const alert of alerts) {
    const classification = classify(alert, ruleSet);
    const key = classification.incidentKey;
    const previous = await lookup.latestAlert(source, alert.fingerprint);
    const previousIncident = previous?.incidentId != null ? ((await lookup.getIncident(previous.incidentId))?.incident ?? null) : null;
    const state = { previous, previousIncident, active: await lookup.activeIncident(key), lastResolved: await lookup.lastResolvedIncident(key) };
    const explanation = explainAlert(source, alert, ruleSet, state, policy, classification);
    if (explanation.decision.action === 'open') {
      if (opening.has(key)) explanation.decision = { ...explanation.decision, action: 'attach', reason: 'attaches to the incident an earlier alert of this payload opens' };
      opening.add(key);
    }
    out.push(explanation);
  }
  return out;
}

/** Explains one alert given the store state it depends on. Pure. */
export function explainAlert(
  source: string,
  alert: NormalizedAlert,
  ruleSet: RuleSet,
  state: AlertStoreState,
  policy: ExplainPolicy,
  classification: Classification = classify(alert, ruleSet),
): AlertExplanation {
  const { metric } = classification;
  const by = classification.matched ? 'rule' : metric === ruleSet.monitoringGap ? 'monitoring_gap' : 'fallback';
  return {
    fingerprint: alert.fingerprint,
    status: alert.status,
    labels: alert.labels,
    tried: tryRules(alert, ruleSet),
    classification: {
      healthModel: metric.healthModel.name,
      metric: metric.name,
      by,
      impact: metric.impact,
      category: metric.category,
      priority: metric.priority,
      incidentKey: classification.incidentKey,
      groupLabels: classification.groupLabels,
      title: describeIncident(source, alert, metric).title,
    },
    decision: decide(alert, state, policy),
  };
}

/** The metrics classify looks at, in order, up to and including the one that claims the alert. */
function tryRules(alert: NormalizedAlert, ruleSet: RuleSet): RuleTrial[] {
  const gap = isMonitoringGap(alert.labels);
  const tried: RuleTrial[] = [];
  for (const metric of ruleSet.metrics) {
    const trial = tryMetric(metric, alert.labels, gap);
    tried.push(trial);
    if (trial.matched) break;
  }
  return tried;
}

function tryMetric(metric: CompiledMetric, labels: Readonly<Record<string, string>>, gap: boolean): RuleTrial {
  const base = { healthModel: metric.healthModel.name, metric: metric.name, file: metric.file, line: metric.line };
  if (gap && !claimsMonitoringGap(metric)) return { ...base, matched: false, skipped: 'monitoring_gap', matchers: [] };
  const matchers = metric.matchers.map((m) => ({
    matcher: m.text,
    matched: matches(m, labels),
    actual: Object.hasOwn(labels, m.name) ? (labels[m.name] as string) : null,
  }));
  return { ...base, matched: matchers.every((m) => m.matched), skipped: null, matchers };
}

function decide(alert: NormalizedAlert, state: AlertStoreState, policy: ExplainPolicy): AlertExplanation['decision'] {
  const { previous } = state;
  const decision = decideAlert(previous, alert);
  const incidentId = previous?.incidentId ?? null;
  switch (decision) {
    case 'stale':
      return { alert: decision, action: 'stale', incidentId, reason: 'older than the stored state of this alert: changes nothing but the delivery count' };
    case 'repeat':
      return { alert: decision, action: 'repeat', incidentId, reason: incidentId === null ? 'a repeat of a stored alert that has no incident' : `a repeat: counts one more delivery on incident ${incidentId}` };
    case 'record':
      return { alert: decision, action: 'record', incidentId: null, reason: 'already resolved and not firing before: remembered, opens nothing' };
    case 'resolve':
      return resolveDecision(state, policy.nowMs);
    case 'activate': {
      const target = decideTarget(state.active, state.lastResolved, alert.startsAt, policy.reopenWindowMs);
      const superseded = previous?.status === 'firing' && previous.incidentId !== null && previous.incidentId !== (target.kind === 'open' ? null : target.incidentId);
      const note = superseded ? ` (its activation on incident ${previous.incidentId} ends: the rules now give it another key)` : '';
      if (target.kind === 'open') return { alert: decision, action: 'open', incidentId: null, reason: `opens a new incident${note}` };
      if (target.kind === 'attach') return { alert: decision, action: 'attach', incidentId: target.incidentId, reason: `attaches to incident ${target.incidentId}, ${state.active?.status}${note}` };
      return { alert: decision, action: 'reopen', incidentId: target.incidentId, reason: `reopens incident ${target.incidentId}: it started within the reopen window of that incident's end${note}` };
    }
  }
}

function resolveDecision(state: AlertStoreState, nowMs: number): AlertExplanation['decision'] {
  const incident = state.previousIncident;
  if (!incident) return { alert: 'resolve', action: 'end_alert', incidentId: null, reason: 'ends the stored firing alert, which has no incident' };
  const firing = Math.max(0, incident.firingCount - 1);
  if (incident.status === 'resolved') return { alert: 'resolve', action: 'end_alert', incidentId: incident.id, reason: `ends the alert on incident ${incident.id}, already resolved` };
  const next = decideResolve(firing, { enabled: incident.autoResolve, holdDownMs: incident.holdDownMs }, nowMs);
  if (next.kind === 'resolve') return { alert: 'resolve', action: 'resolve', incidentId: incident.id, reason: `resolves incident ${incident.id}: none of its alerts fires any more` };
  if (next.kind === 'hold') return { alert: 'resolve', action: 'hold', incidentId: incident.id, reason: `schedules incident ${incident.id} to resolve at ${new Date(next.dueAt).toISOString()}, after its hold-down` };
  const why = firing > 0 ? `${firing} of its alerts still ${firing === 1 ? 'fires' : 'fire'}` : 'its metric does not auto-resolve';
  return { alert: 'resolve', action: 'end_alert', incidentId: incident.id, reason: `ends the alert on incident ${incident.id}, which stays ${incident.status}: ${why}` };
}
