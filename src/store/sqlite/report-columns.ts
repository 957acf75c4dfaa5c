import type { IncidentRecord } from '../store';

/**
 * What the monthly report sums, kept as columns of each incident (migration 014 says what each
 * means). They follow from the incident's SLA index, status, resolution and acknowledgement, and
 * from how it opened (`opened_quiet`); the store writes them with the incident itself, in the
 * same INSERT or UPDATE, and an UPDATE names only those whose value changed, so that a change of
 * the SLA index that moves none of them (a reminder, say) rewrites no index entry of the report
 * or of the queue. Migrations 014 to 017 did this with triggers, which updated the row a second
 * time for every such write.
 */
export const REPORT_COLUMNS = ['sla_paused', 'sla_response_due_at', 'sla_resolution_due_at', 'rep_responded_at', 'rep_response', 'rep_resolution'] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];
export type ReportValues = Record<ReportColumn, number | null>;

/** The fields of an incident its report columns follow from. */
export type ReportInputs = Pick<IncidentRecord, 'sla' | 'status' | 'resolvedAt' | 'acknowledgedAt'>;

/** Whether a patch of an incident may move its report columns. */
export function movesReportColumns(patch: Partial<IncidentRecord>): boolean {
  return patch.sla !== undefined || patch.status !== undefined || patch.resolvedAt !== undefined || patch.acknowledgedAt !== undefined;
}

/** The report columns of an incident in this state, opened under `openedQuiet` (a quiet's kind, or null). */
export function reportValues(i: ReportInputs, openedQuiet: string | null): ReportValues {
  const sla = i.sla;
  if (sla === null) {
    return { sla_paused: null, sla_response_due_at: null, sla_resolution_due_at: null, rep_responded_at: i.acknowledgedAt, rep_response: null, rep_resolution: null };
  }
  const countsNothing = openedQuiet === 'maintenance' || openedQuiet === 'silence';
  const respondedLate = sla.respondedAt !== null && sla.responseDueAt !== null && sla.respondedAt > sla.responseDueAt;
  const resolvedLate = i.status === 'resolved' && i.resolvedAt !== null && sla.resolutionDueAt !== null && i.resolvedAt > sla.resolutionDueAt;
  return {
    sla_paused: sla.paused ? 1 : 0,
    sla_response_due_at: sla.responseDueAt,
    sla_resolution_due_at: sla.resolutionDueAt,
    rep_responded_at: sla.respondedAt,
    rep_response: countsNothing ? null : sla.responseBreached || respondedLate ? 2 : sla.respondedAt !== null ? 1 : 0,
    rep_resolution: countsNothing ? null : sla.resolutionBreached || resolvedLate ? 2 : i.status === 'resolved' ? 1 : 0,
  };
}

/**
 * The same columns computed in SQL from the row's own columns, as an UPDATE of every incident:
 * for rows written without the store (a benchmark's seeding), and for the tests that hold the
 * two definitions equal.
 */
export const REPORT_COLUMNS_FROM_ROW_SQL = `UPDATE incidents SET
    sla_paused = sla ->> '$.paused',
    sla_response_due_at = sla ->> '$.responseDueAt',
    sla_resolution_due_at = sla ->> '$.resolutionDueAt',
    rep_responded_at = CASE WHEN sla IS NULL THEN acknowledged_at ELSE sla ->> '$.respondedAt' END,
    rep_response = CASE
      WHEN sla IS NULL OR opened_quiet IN ('maintenance', 'silence') THEN NULL
      WHEN sla ->> '$.responseBreached' OR sla ->> '$.respondedAt' > sla ->> '$.responseDueAt' THEN 2
      WHEN sla ->> '$.respondedAt' IS NOT NULL THEN 1
      ELSE 0 END,
    rep_resolution = CASE
      WHEN sla IS NULL OR opened_quiet IN ('maintenance', 'silence') THEN NULL
      WHEN sla ->> '$.resolutionBreached' OR (status = 'resolved' AND resolved_at > sla ->> '$.resolutionDueAt') THEN 2
      WHEN status = 'resolved' THEN 1
      ELSE 0 END`;
