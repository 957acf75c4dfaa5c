import type { NormalizedAlert } from '../sources/source';
import { matchesAll } from './matcher';
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

/** Finds the first metric (in rule-set order) whose matchers all hold; else the fallback. Pure. */
export function classify(alert: Pick<NormalizedAlert, 'labels'>, ruleSet: RuleSet): Classification {
  for (const metric of ruleSet.metrics) {
    if (matchesAll(metric.matchers, alert.labels)) return keyed(metric, alert.labels, true);
  }
  return keyed(ruleSet.fallback, alert.labels, false);
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
