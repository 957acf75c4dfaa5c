import type { FileProblem } from '../core/errors';
import { problemAt } from '../config/yaml-file';
import type { YamlFile } from '../config/yaml-file';
import { claimsMonitoringGap } from './classify';
import { matches } from '../core/matcher';
import type { Matcher } from '../core/matcher';
import type { CompiledMetric } from './rule-set';

/** One compiled health model file: `metrics[i]` was compiled from the YAML path `metrics[i]`. */
export interface LintInput {
  yaml: YamlFile;
  metrics: readonly CompiledMetric[];
}

/**
 * Warnings about rules that load but cannot do what their author meant, in matching order:
 * a metric that an earlier one always claims first (in the same or another health model), a
 * metric name used by two health models, and a `groupBy` label that the metric's own matchers
 * force to one value. Conservative: it warns only about what it can prove. Pure.
 */
export function lintRuleFiles(inputs: readonly LintInput[]): FileProblem[] {
  const problems: FileProblem[] = [];
  const earlier: CompiledMetric[] = [];
  const names = new Map<string, CompiledMetric>();
  for (const { yaml, metrics } of inputs) {
    metrics.forEach((metric, i) => {
      const shadow = earlier.find((e) => shadows(e, metric));
      if (shadow) problems.push(problemAt(yaml, ['metrics', i, 'name'], `metrics[${i}]: ${shadowMessage(shadow, metric)}`, 'warning'));
      const sameName = names.get(metric.name);
      if (sameName && sameName.healthModel.name !== metric.healthModel.name) {
        const text = `metrics[${i}].name: metric name "${metric.name}" is also used in health model "${sameName.healthModel.name}" (${where(sameName)})`;
        problems.push(problemAt(yaml, ['metrics', i, 'name'], text, 'warning'));
      }
      if (!names.has(metric.name)) names.set(metric.name, metric);
      if (yaml.doc.hasIn(['metrics', i, 'groupBy'])) problems.push(...groupByProblems(yaml, i, metric));
      earlier.push(metric);
    });
  }
  return problems;
}

function where(metric: CompiledMetric): string {
  return `${metric.file}:${metric.line}`;
}

function shadowMessage(shadow: CompiledMetric, metric: CompiledMetric): string {
  if (shadow.healthModel.name === metric.healthModel.name) {
    return `metric "${metric.name}" is unreachable: metric "${shadow.name}" (${where(shadow)}) matches every alert it matches, and matches first`;
  }
  return `metric "${metric.name}" is unreachable: health model "${shadow.healthModel.name}" claims the same alerts first with metric "${shadow.name}" (${where(shadow)})`;
}

/** True when every alert that `later` matches is provably matched by `first`. */
export function shadows(first: CompiledMetric, later: CompiledMetric): boolean {
  // Alerts labelled monitoring_gap skip metrics that do not match on that label (classify.ts).
  if (claimsMonitoringGap(later) && !claimsMonitoringGap(first)) return false;
  return first.matchers.every((m) => implied(m, later.matchers));
}

/** True when `matcher` holds for every label set that satisfies all of `others`. */
function implied(matcher: Matcher, others: readonly Matcher[]): boolean {
  if (matcher.op === '=~' && /^(?:\(\?i\))?\.\*\??$/.test(matcher.value)) return true;
  return others.some((o) => {
    if (o.name !== matcher.name) return false;
    if (o.op === matcher.op && o.value === matcher.value) return true;
    // The later metric pins the label to one value: decide the earlier matcher on that value.
    return o.op === '=' && matches(matcher, { [o.name]: o.value });
  });
}

function groupByProblems(yaml: YamlFile, i: number, metric: CompiledMetric): FileProblem[] {
  const problems: FileProblem[] = [];
  metric.groupBy.forEach((label, j) => {
    const pin = metric.matchers.find((m) => m.name === label && (m.op === '=' || (m.op === '=~' && m.value === '')));
    if (!pin) return;
    const text =
      pin.value === ''
        ? `metrics[${i}].groupBy[${j}]: groupBy label "${label}" is always empty: matcher ${pin.text} excludes every alert that has it`
        : `metrics[${i}].groupBy[${j}]: groupBy label "${label}" always has the value "${pin.value}" (matcher ${pin.text}): grouping by it changes nothing`;
    problems.push(problemAt(yaml, ['metrics', i, 'groupBy', j], text, 'warning'));
  });
  return problems;
}
