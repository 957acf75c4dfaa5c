import { MONITORING_GAP_LABEL } from '../sources/source';
import type { NormalizedAlert } from '../sources/source';
import { matchesAll } from '../core/matcher';
import type { CompiledMetric, RuleSet } from './rule-set';

/** What an alert means for the business, and which incident it belongs to. */
export interface Classification {
  metric: CompiledMetric;
  /** health model + metric + the values of the metric's groupBy labels. */
  incidentKey: string;
  groupLabels: Record<string, string>;
  /** False when no health model claimed the alert and the fallback took it. */
  matched: boolean;
}

/** Whether the alert reports a monitoring gap (its `monitoring_gap` label is set). */
export function isMonitoringGap(labels: Readonly<Record<string, string>>): boolean {
  return Object.hasOwn(labels, MONITORING_GAP_LABEL) && labels[MONITORING_GAP_LABEL] !== '';
}

/** Whether a metric may claim monitoring-gap alerts: its matchers name the `monitoring_gap` label. */
export function claimsMonitoringGap(metric: CompiledMetric): boolean {
  return metric.matchers.some((m) => m.name === MONITORING_GAP_LABEL);
}

/**
 * Finds the first metric (in rule-set order) whose matchers all hold; else the fallback. An
 * alert labelled `monitoring_gap` (no data, data source error) is claimed only by a metric that
 * matches on that label, and otherwise by the built-in monitoring-gap metric. Pure.
 */
export function classify(alert: Pick<NormalizedAlert, 'labels'>, ruleSet: RuleSet): Classification {
  const gap = isMonitoringGap(alert.labels);
  for (const metric of ruleSet.metrics) {
    if (gap && !claimsMonitoringGap(metric)) continue;
    if (matchesAll(metric.matchers, alert.labels)) return keyed(metric, alert.labels, true);
  }
  return keyed(gap ? ruleSet.monitoringGap : ruleSet.fallback, alert.labels, false);
}

function keyed(metric: CompiledMetric, labels: Readonly<Record<string, string>>, matched: boolean): Classification {
  const groupLabels: Record<string, string> = Object.create(null) as Record<string, string>;
  let suffix = '';
  for (const name of metric.groupBy) {
    const value = Object.hasOwn(labels, name) ? (labels[name] as string) : '';
    groupLabels[name] = value;
    suffix += `${suffix ? ', ' : ''}${name}=${JSON.stringify(value)}`;
  }
  const incidentKey = `${metric.healthModel.name}/${metric.name}${metric.groupBy.length > 0 ? `{${suffix}}` : ''}`;
  return { metric, incidentKey, groupLabels, matched };
}
