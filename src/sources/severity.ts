import type { NormalizedAlert } from './source';

/** The label every source sets so that one rule can match the severity of any system. */
export const SEVERITY_LEVEL_LABEL = 'severity_level';

/** Normalized severities, most severe first. */
export const SEVERITY_LEVELS = ['critical', 'high', 'warning', 'info', 'none', 'unknown'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

const BY_NAME: Record<string, SeverityLevel> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  disaster: 'critical',
  emergency: 'critical',
  fatal: 'critical',
  p1: 'critical',
  high: 'high',
  error: 'high',
  major: 'high',
  p2: 'high',
  warning: 'warning',
  warn: 'warning',
  average: 'warning',
  minor: 'warning',
  medium: 'warning',
  p3: 'warning',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  low: 'info',
  p4: 'info',
  p5: 'info',
  none: 'none',
  ok: 'none',
};

/** Alertmanager's and Grafana's `severity` label (any case) to a level; `unknown` when absent or unusual. */
export function severityFromLabel(value: string | undefined): SeverityLevel {
  if (value === undefined) return 'unknown';
  return BY_NAME[value.trim().toLowerCase()] ?? 'unknown';
}

const BY_ZABBIX_SEVERITY: readonly SeverityLevel[] = ['unknown', 'info', 'warning', 'warning', 'high', 'critical'];

/** Zabbix's numeric severity: 5 Disaster, 4 High, 3 Average, 2 Warning, 1 Information, 0 Not classified. */
export function severityFromZabbix(nseverity: number): SeverityLevel {
  return BY_ZABBIX_SEVERITY[nseverity] ?? 'unknown';
}

/**
 * Adds the normalized `severity_level` label, unless the sender set one itself; from the
 * `severity` label for sources that have no numeric severity of their own.
 */
export function withSeverityLevel(alert: NormalizedAlert, level: SeverityLevel = severityFromLabel(alert.labels.severity)): NormalizedAlert {
  if (Object.hasOwn(alert.labels, SEVERITY_LEVEL_LABEL)) return alert;
  alert.labels[SEVERITY_LEVEL_LABEL] = level;
  return alert;
}
