import type { CompiledMetric } from '../health-model/rule-set';
import type { NormalizedAlert } from '../sources/source';

/** The human text of a new incident, rendered from its first alert. */
export interface IncidentText {
  title: string;
  summary: string;
  runbookUrl: string | null;
}

const MAX_TITLE = 500;
const MAX_SUMMARY = 4000;

/** Renders the metric's title, summary and runbook templates for the alert that opens an incident. */
export function describeIncident(source: string, alert: NormalizedAlert, metric: CompiledMetric): IncidentText {
  const context = {
    labels: alert.labels,
    annotations: alert.annotations,
    status: alert.status,
    source,
    fingerprint: alert.fingerprint,
    healthModel: metric.healthModel.name,
    metric: metric.name,
  };
  const title = metric.title.render(context) || `${metric.healthModel.name}: ${metric.name}`;
  const runbook = metric.runbookUrl.render(context);
  return {
    title: title.slice(0, MAX_TITLE),
    summary: metric.summary.render(context).slice(0, MAX_SUMMARY),
    runbookUrl: runbook === '' ? null : runbook,
  };
}
