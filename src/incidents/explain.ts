import type { Priority } from '../core/vocabulary';
import { claimsMonitoringGap, classify, isMonitoringGap } from '../health-model/classify';
import { matches } from '../core/matcher';
import type { CompiledMetric, RuleSet } from '../health-model/rule-set';
import type { NormalizedAlert } from '../sources/source';
import { describeIncident } from './describe-incident';
import { DryRunTransaction } from './dry-run-transaction';
import type { StoreLookup } from './dry-run-transaction';
import { ingestDelivery } from './ingest';
import type { AlertAction, AlertOutcome } from './ingest';
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
export type LifecycleAction = AlertAction;

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
export type ExplainLookup = StoreLookup;

/** The engine settings and the time explain decides with, as ingest would. */
export interface ExplainPolicy {
  reopenWindowMs: number;
  nowMs: number;
}

/**
 * Explains every alert of a parsed payload against the rules and the store as they are now, in
 * payload order. The decisions come from ingest itself, run on a transaction that reads the
 * store and keeps its writes in memory: an alert whose key an earlier alert of the same payload
 * would open attaches to that incident. Changes nothing.
 */
export async function explainAlerts(
  source: string,
  alerts: readonly NormalizedAlert[],
  ruleSet: RuleSet,
  lookup: ExplainLookup,
  policy: ExplainPolicy,
): Promise<AlertExplanation[]> {
  const classified = alerts.map((alert) => ({ alert, classification: classify(alert, ruleSet) }));
  const outcomes: AlertOutcome[] = [];
  await ingestDelivery(
    new DryRunTransaction(lookup),
    { source, digest: '', receivedAt: policy.nowMs, alerts: classified },
    { reopenWindowMs: policy.reopenWindowMs, onAlert: (o) => outcomes.push(o) },
  );
  return classified.map(({ alert, classification }, i) => {
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
      decision: describeOutcome(outcomes[i]!),
    };
  });
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

/** Says in words what ingest did with an alert; ids below zero are incidents this payload opens. */
function describeOutcome(o: AlertOutcome): AlertExplanation['decision'] {
  const shown = o.incidentId !== null && o.incidentId > 0 ? o.incidentId : null;
  const decision = (reason: string): AlertExplanation['decision'] => ({ alert: o.decision, action: o.action, incidentId: shown, reason });
  const note = o.supersededOn !== null ? ` (its activation on incident ${o.supersededOn} ends: the rules now give it another key)` : '';
  const id = o.incidentId;
  switch (o.action) {
    case 'stale':
      return decision('older than the stored state of this alert: changes nothing but the delivery count');
    case 'repeat':
      return decision(id === null ? 'a repeat of a stored alert that has no incident' : `a repeat: counts one more delivery on incident ${id}`);
    case 'record':
      return decision('already resolved and not firing before: remembered, opens nothing');
    case 'open':
      return decision(`opens a new incident${note}`);
    case 'attach':
      return decision(id !== null && id < 0 ? 'attaches to the incident an earlier alert of this payload opens' : `attaches to incident ${id}, ${o.before?.status}${note}`);
    case 'reopen':
      return decision(`reopens incident ${id}: it started within the reopen window of that incident's end${note}`);
    case 'resolve':
      return decision(`resolves incident ${id}: none of its alerts fires any more`);
    case 'hold':
      return decision(`schedules incident ${id} to resolve at ${new Date(o.after!.resolveDueAt!).toISOString()}, after its hold-down`);
    case 'end_alert': {
      if (id === null || !o.before || !o.after) return decision('ends the stored firing alert, which has no incident');
      if (o.before.status === 'resolved') return decision(`ends the alert on incident ${id}, already resolved`);
      const firing = o.after.firingCount;
      const why = firing > 0 ? `${firing} of its alerts still ${firing === 1 ? 'fires' : 'fire'}` : 'its metric does not auto-resolve';
      return decision(`ends the alert on incident ${id}, which stays ${o.after.status}: ${why}`);
    }
  }
}
