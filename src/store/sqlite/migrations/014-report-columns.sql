-- The SLA index's figures as columns, for the report's one pass over a month of incidents (a JSON
-- parse per row and field costs seconds over a million rows). Triggers keep them equal to the
-- `sla` JSON whoever writes it; `sla` stays the record.
ALTER TABLE incidents ADD COLUMN sla_response_due_at INTEGER;
ALTER TABLE incidents ADD COLUMN sla_responded_at INTEGER;
ALTER TABLE incidents ADD COLUMN sla_response_breached INTEGER;
ALTER TABLE incidents ADD COLUMN sla_resolution_due_at INTEGER;
ALTER TABLE incidents ADD COLUMN sla_resolution_breached INTEGER;
ALTER TABLE incidents ADD COLUMN sla_paused INTEGER;

UPDATE incidents SET
  sla_response_due_at = sla ->> '$.responseDueAt',
  sla_responded_at = sla ->> '$.respondedAt',
  sla_response_breached = sla ->> '$.responseBreached',
  sla_resolution_due_at = sla ->> '$.resolutionDueAt',
  sla_resolution_breached = sla ->> '$.resolutionBreached',
  sla_paused = sla ->> '$.paused'
WHERE sla IS NOT NULL;

CREATE TRIGGER incidents_sla_columns_insert AFTER INSERT ON incidents WHEN NEW.sla IS NOT NULL BEGIN
  UPDATE incidents SET
    sla_response_due_at = NEW.sla ->> '$.responseDueAt',
    sla_responded_at = NEW.sla ->> '$.respondedAt',
    sla_response_breached = NEW.sla ->> '$.responseBreached',
    sla_resolution_due_at = NEW.sla ->> '$.resolutionDueAt',
    sla_resolution_breached = NEW.sla ->> '$.resolutionBreached',
    sla_paused = NEW.sla ->> '$.paused'
  WHERE id = NEW.id;
END;

CREATE TRIGGER incidents_sla_columns_update AFTER UPDATE OF sla ON incidents BEGIN
  UPDATE incidents SET
    sla_response_due_at = NEW.sla ->> '$.responseDueAt',
    sla_responded_at = NEW.sla ->> '$.respondedAt',
    sla_response_breached = NEW.sla ->> '$.responseBreached',
    sla_resolution_due_at = NEW.sla ->> '$.resolutionDueAt',
    sla_resolution_breached = NEW.sla ->> '$.resolutionBreached',
    sla_paused = NEW.sla ->> '$.paused'
  WHERE id = NEW.id;
END;
