-- What the report sums, as columns, for its one pass over a month of incidents (a JSON parse per
-- row and field, and the arithmetic of each clock, cost seconds over a million rows). Triggers
-- keep them equal to the `sla` JSON and the incident's state, whoever writes them; `sla` stays
-- the record, and the report reads these as of the last change:
--   sla_paused, sla_response_due_at, sla_resolution_due_at: from the SLA index (sla_paused is set
--     exactly when there is an index);
--   rep_responded_at: the response (the index's; the acknowledge of an incident without SLA terms);
--   rep_response, rep_resolution: NULL when the clock counts for nothing (no SLA terms, or opened
--     under maintenance or a silence), 1 met in time, 2 breached (flagged, or met late), 0 not
--     met yet; a 0 whose due time has passed while it runs is a breach as of the report's moment.
ALTER TABLE incidents ADD COLUMN sla_paused INTEGER;
ALTER TABLE incidents ADD COLUMN sla_response_due_at INTEGER;
ALTER TABLE incidents ADD COLUMN sla_resolution_due_at INTEGER;
ALTER TABLE incidents ADD COLUMN rep_responded_at INTEGER;
ALTER TABLE incidents ADD COLUMN rep_response INTEGER;
ALTER TABLE incidents ADD COLUMN rep_resolution INTEGER;

CREATE TRIGGER incidents_report_columns_insert AFTER INSERT ON incidents WHEN NEW.sla IS NOT NULL OR NEW.acknowledged_at IS NOT NULL BEGIN
  UPDATE incidents SET
    sla_paused = NEW.sla ->> '$.paused',
    sla_response_due_at = NEW.sla ->> '$.responseDueAt',
    sla_resolution_due_at = NEW.sla ->> '$.resolutionDueAt',
    rep_responded_at = CASE WHEN NEW.sla IS NULL THEN NEW.acknowledged_at ELSE NEW.sla ->> '$.respondedAt' END,
    rep_response = CASE
      WHEN NEW.sla IS NULL OR NEW.opened_quiet IN ('maintenance', 'silence') THEN NULL
      WHEN NEW.sla ->> '$.responseBreached' OR NEW.sla ->> '$.respondedAt' > NEW.sla ->> '$.responseDueAt' THEN 2
      WHEN NEW.sla ->> '$.respondedAt' IS NOT NULL THEN 1
      ELSE 0 END,
    rep_resolution = CASE
      WHEN NEW.sla IS NULL OR NEW.opened_quiet IN ('maintenance', 'silence') THEN NULL
      WHEN NEW.sla ->> '$.resolutionBreached' OR (NEW.status = 'resolved' AND NEW.resolved_at > NEW.sla ->> '$.resolutionDueAt') THEN 2
      WHEN NEW.status = 'resolved' THEN 1
      ELSE 0 END
  WHERE id = NEW.id;
END;

CREATE TRIGGER incidents_report_columns_update AFTER UPDATE OF sla, status, resolved_at, acknowledged_at, opened_quiet ON incidents
WHEN NEW.sla IS NOT NULL OR OLD.sla IS NOT NULL OR NEW.acknowledged_at IS NOT OLD.acknowledged_at BEGIN
  UPDATE incidents SET
    sla_paused = NEW.sla ->> '$.paused',
    sla_response_due_at = NEW.sla ->> '$.responseDueAt',
    sla_resolution_due_at = NEW.sla ->> '$.resolutionDueAt',
    rep_responded_at = CASE WHEN NEW.sla IS NULL THEN NEW.acknowledged_at ELSE NEW.sla ->> '$.respondedAt' END,
    rep_response = CASE
      WHEN NEW.sla IS NULL OR NEW.opened_quiet IN ('maintenance', 'silence') THEN NULL
      WHEN NEW.sla ->> '$.responseBreached' OR NEW.sla ->> '$.respondedAt' > NEW.sla ->> '$.responseDueAt' THEN 2
      WHEN NEW.sla ->> '$.respondedAt' IS NOT NULL THEN 1
      ELSE 0 END,
    rep_resolution = CASE
      WHEN NEW.sla IS NULL OR NEW.opened_quiet IN ('maintenance', 'silence') THEN NULL
      WHEN NEW.sla ->> '$.resolutionBreached' OR (NEW.status = 'resolved' AND NEW.resolved_at > NEW.sla ->> '$.resolutionDueAt') THEN 2
      WHEN NEW.status = 'resolved' THEN 1
      ELSE 0 END
  WHERE id = NEW.id;
END;

-- The incidents stored before: their columns are filled by the update trigger itself.
UPDATE incidents SET sla = sla WHERE sla IS NOT NULL;
UPDATE incidents SET rep_responded_at = acknowledged_at WHERE sla IS NULL;
