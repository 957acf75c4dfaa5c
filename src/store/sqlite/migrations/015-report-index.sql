-- The report's pass over a month reads this index alone (every column it sums is in it), not the
-- incidents' rows with their titles and JSON: a tenth of the bytes. It replaces the index on
-- opened_at, which is its first column.
DROP INDEX incidents_by_opened;
CREATE INDEX incidents_report ON incidents (
  opened_at, health_model, category, priority, impact, customer, status, resolved_at, acknowledged_at, opened_quiet,
  sla_paused, sla_response_due_at, sla_responded_at, sla_response_breached, sla_resolution_due_at, sla_resolution_breached
);
