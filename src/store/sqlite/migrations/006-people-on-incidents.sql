-- What people did to an incident: who has it, who acknowledged and resolved it, how, and a pause.
ALTER TABLE incidents ADD COLUMN assignee TEXT;
ALTER TABLE incidents ADD COLUMN acknowledged_by TEXT;
ALTER TABLE incidents ADD COLUMN resolved_by TEXT;
ALTER TABLE incidents ADD COLUMN resolution_note TEXT;
ALTER TABLE incidents ADD COLUMN paused_at INTEGER;
-- Past resolutions of a metric, newest first, for the knowledge base and the "last time" line.
CREATE INDEX incidents_resolutions ON incidents (health_model, metric, resolved_at) WHERE status = 'resolved' AND resolution_note IS NOT NULL;
